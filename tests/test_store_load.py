"""The store under load, on both backends: concurrent writers, killed imports, backups.

These are the evidence behind "a write acknowledged to the user is never lost":
writer processes, imports killed with SIGKILL, backups taken while others write.
The long versions (16 writers for a minute, 100 killed imports) are in
``benchmarks/bench_store.py``.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.store_load import (
    acknowledged,
    start_import,
    start_writer,
    summaries,
    write_reddit_export,
)
from workbench.maintenance import backup_project, restore_project
from workbench.project import Project

WRITERS = 8
WRITER_SECONDS = 20
KILLED_IMPORTS = 10


def _study(tmp_path: Path, store_url: str, comments: int) -> Path:
    database = None if store_url.startswith("sqlite") else store_url
    root = tmp_path / "study"
    export = tmp_path / "seed.ndjson"
    write_reddit_export(export, comments, "seed")
    with Project.init(root, actor="tester", database=database) as project:
        project.import_files([export])
    return root


def _finish(writers: list[subprocess.Popen]) -> None:
    for process in writers:
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]


def test_concurrent_writers_lose_nothing(store_url: str, tmp_path: Path) -> None:
    root = _study(tmp_path, store_url, 40_000)
    logs = [tmp_path / f"writer{i}.log" for i in range(WRITERS)]
    writers = [start_writer(root, WRITER_SECONDS, log, i, WRITERS) for i, log in enumerate(logs)]
    _finish(writers)
    done = summaries(logs)
    assert [s["errors"] for s in done] == [[]] * WRITERS, "no lock or busy error may surface"
    acked = acknowledged(logs)
    assert len(acked) == sum(s["done"] for s in done) > WRITERS * 10
    with Project.open(root) as project:
        queued = set(project.store.queue()["comment_id"])
        events = project.store.read_events("queue-add")
    assert acked <= queued, f"{len(acked - queued)} acknowledged writes were lost"
    assert queued == acked, "nothing unacknowledged may appear either"
    assert sorted(c for r in events for c in r.event.comment_ids) == sorted(acked)


def kill_imports(root: Path, tmp_path: Path, kills: int, seed: int = 7) -> dict[str, int]:
    """Import ``kills`` files, each killed (SIGKILL) at a random point after it began storing.

    After each kill the project must open, its SQLite file pass ``integrity_check``,
    and every file's rows be wholly present or wholly absent. Returns how many
    imports were rolled back and how many had committed before the kill.
    """
    rng = random.Random(seed)
    first = tmp_path / "export_first.ndjson"
    files = [(first, set(write_reddit_export(first, 30_000, "first_")))]
    process = start_import(root, first)
    assert process.stdout is not None
    process.stdout.readline()
    began = time.perf_counter()
    process.communicate()
    storing = time.perf_counter() - began  # from the first stored batch to the end
    outcome = {"rolled back": 0, "landed": 0}
    for n in range(kills):
        path = tmp_path / f"export{n}.ndjson"
        ids = set(write_reddit_export(path, 30_000, f"x{n}_"))
        files.append((path, ids))
        process = start_import(root, path)
        assert process.stdout is not None
        assert process.stdout.readline().startswith("stored"), "the import never began storing"
        time.sleep(rng.uniform(0.0, 0.9) * storing)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        with Project.open(root) as project:
            stored = set(project.store.comments()["comment_id"])
            imports = project.store.imports()
            if project.store.dialect == "sqlite":
                assert project.store._one("PRAGMA integrity_check") == "ok"
        assert (imports["file_sha256"] != "").all(), "no half-finished import may be recorded"
        for name, file_ids in files:
            landed = len(file_ids & stored)
            assert landed in (0, len(file_ids)), f"{name.name}: {landed} of {len(file_ids)} rows"
        assert files[0][1] <= stored
        outcome["landed" if ids <= stored else "rolled back"] += 1
    return outcome


def test_killed_imports_are_wholly_present_or_absent(store_url: str, tmp_path: Path) -> None:
    root = _study(tmp_path, store_url, 100)
    outcome = kill_imports(root, tmp_path, KILLED_IMPORTS)
    print(f"killed imports: {outcome}")
    assert outcome["rolled back"] >= KILLED_IMPORTS // 2, "most kills must land mid-import"


def test_backup_under_load_restores_every_acknowledged_write(
    store_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = _study(tmp_path, store_url, 5_000)
    logs = [tmp_path / f"writer{i}.log" for i in range(3)]
    writers = [start_writer(root, 8, log, i, 3) for i, log in enumerate(logs)]
    deadline = time.monotonic() + 60
    while len(acknowledged(logs)) < 30 and time.monotonic() < deadline:
        time.sleep(0.1)
    before = acknowledged(logs)
    manifest = backup_project(root, tmp_path / "backup")
    after = acknowledged(logs)
    _finish(writers)
    assert len(after) > len(before) >= 30 or len(before) >= 30
    target = None
    if store_url.startswith("postgresql"):
        target = request.getfixturevalue("postgres_server").create_database()
    restored = restore_project(tmp_path / "backup", tmp_path / "restored", database=target)
    with Project.open(tmp_path / "restored") as project:
        queued = set(project.store.queue()["comment_id"])
        assert project.store.read_events("project-restored")
    assert before <= queued, f"{len(before - queued)} writes acknowledged before the backup lost"
    assert queued <= acknowledged(logs), "a backup holds only committed writes"
    assert restored["counts"]["comments"] == manifest["counts_at_start"]["comments"] == 5_000
