"""Codings under load, on both backends: coders and a reviser at once, killed saves and merges.

The evidence behind "no acknowledged coding is lost and no revision is half
applied": coder processes add codings while a reviser merges codes and undoes
revisions (``tests/store_load.py`` runs them), processes killed with SIGKILL in
the middle of storing a big batch of codings or a merge of thousands, and a
revision rolled back in the session that wrote it.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.store_load import (
    acknowledged,
    start_bulk_coding,
    start_coder,
    start_merge,
    start_reviser,
    stored_versions,
    summaries,
    write_codebook,
    write_reddit_export,
)
from workbench.codebook import revisions, service
from workbench.codebook.model import Code, Codebook
from workbench.errors import CodingError
from workbench.project import Project

CODERS = 4
CODING_SECONDS = 15
#: Longest think time of a coder between two calls (seconds): flat out, coders keep
#: every merge plan stale (it is planned again, up to ten times, and then given up).
CODER_PAUSE = 0.1
KILLS = 5
#: Codings stored by one killed save: enough for the write to take a few tenths of a
#: second on each backend (SQLite stores them several times faster).
BATCH = {"sqlite": 12_000, "postgresql": 3000}
#: A kill comes at a random moment from 0 to LATE times the time an uncut write took,
#: after the process said it began: mostly in the middle, sometimes just after.
LATE = 1.25


def _moments(seed: int) -> list[float]:
    """KILLS random fractions of LATE, one in each of KILLS equal slices, shuffled."""
    rng = random.Random(seed)
    moments = [(n + rng.random()) / KILLS * LATE for n in range(KILLS)]
    rng.shuffle(moments)
    return moments


def _study(tmp_path: Path, store_url: str, comments: int, codes: int) -> Path:
    """A project with ``comments`` comments and a codebook of ``codes`` codes adopted."""
    database = None if store_url.startswith("sqlite") else store_url
    root = tmp_path / "study"
    export = tmp_path / "seed.ndjson"
    write_reddit_export(export, comments, "seed")
    with Project.init(root, actor="tester", database=database) as project:
        project.import_files([export])
        service.adopt(project, write_codebook(tmp_path / "codebook.yaml", codes))
    return root


def _finish(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode(errors="replace")[-2000:]


def _key(row, code_id: str) -> tuple:
    span = (None if pd.isna(row.span_start) else int(row.span_start),
            None if pd.isna(row.span_end) else int(row.span_end))  # fmt: skip
    return (row.comment_id, row.coder, *span, code_id)


def _check_revisions(project: Project) -> list:
    """Versions 1..N, each with its event and the codings its action changed."""
    versions = project.store.codebook_versions()
    numbers = versions["version"].astype(int).tolist()
    assert numbers == list(range(1, len(numbers) + 1)), f"versions not contiguous: {numbers}"
    revised = [r.event for r in project.store.read_events("codebook-revised")]
    assert sorted(e.version for e in revised) == numbers, "one event per version, no other"
    by_version = {e.version: e for e in revised}
    codings = project.store.codings(include_removed=True)
    added = codings["added_by"].value_counts()
    removed = codings["removed_by"].value_counts()
    for row in versions.itertuples():
        event = by_version[int(row.version)]
        assert event.action_id == int(row.action_id) and event.operation == row.operation
        if row.operation == "merge":  # the rows it added stay (an undo only removes them)
            assert int(added.get(row.action_id, 0)) == event.codings_added
        if row.operation == "undo":  # the rows it removed stay removed
            assert int(removed.get(row.action_id, 0)) == event.codings_removed
    return revised


def test_coders_and_a_reviser_lose_no_acknowledged_coding(store_url: str, tmp_path: Path) -> None:
    root = _study(tmp_path, store_url, 400, 24)
    logs = [tmp_path / f"coder{i}.log" for i in range(CODERS)]
    revisions_log = tmp_path / "reviser.log"
    start_at = time.time() + 2.0
    processes = [start_coder(root, CODING_SECONDS, log, i, CODER_PAUSE, start_at)
                 for i, log in enumerate(logs)]  # fmt: skip
    processes.append(start_reviser(root, CODING_SECONDS, revisions_log, 1, start_at))
    _finish(processes)
    coders = summaries(logs)
    reviser = summaries([revisions_log])[0]
    assert [s["errors"] for s in coders] == [[]] * CODERS, "no lock, busy or other error"
    assert reviser["errors"] == [], "no lock, busy or other error"
    for summary in coders:
        for reason in summary["rejection_reasons"]:
            assert "is not an active code of the current codebook" in reason
    acked = {int(i) for i in acknowledged(logs)}
    assert len(acked) == sum(s["codings"] for s in coders) > CODERS * 50
    assert reviser["merges"] >= 3 and reviser["undos"] + reviser["undo_refused"] >= 1
    assert sum(s["rejections"] for s in coders) >= 1, "coders met codes merged meanwhile"

    with Project.open(root) as project:
        if project.store.dialect == "sqlite":
            assert project.store._one("PRAGMA integrity_check") == "ok"
        revised = _check_revisions(project)
        codebook = service.require(project)
        codings = project.store.codings(include_removed=True).set_index("coding_id")
        actions = project.store.actions().set_index("action_id")
    logged = stored_versions(revisions_log)
    assert {e.version: e.operation for e in revised if e.version > 1} == logged, \
        "exactly the versions the reviser was told were stored"  # fmt: skip

    coder_actions = actions.index[actions["kind"] == "code"]
    by_coders = set(codings.index[codings["added_by"].isin(coder_actions)])
    assert acked <= by_coders, f"{len(acked - by_coders)} acknowledged codings were lost"
    assert by_coders == acked, "nothing unacknowledged may appear either"
    active = codings[codings["removed_by"].isna()]
    status = {code.id: code.status for code in codebook.codes}
    assert {status[c] for c in active["code_id"]} <= {"active"}, "codings left on merged codes"
    now = {_key(row, row.code_id) for row in active.itertuples()}
    moved = 0
    for row in codings.loc[sorted(acked)].itertuples():
        if pd.isna(row.removed_by):
            continue
        moved += 1
        remover = actions.loc[int(row.removed_by)]
        assert remover["kind"] in ("revision", "undo"), f"coding {row.Index} removed by {remover}"
        assert _key(row, codebook.resolve(row.code_id)) in now, (
            f"coding {row.Index} ({row.code_id}) was removed and has no active equivalent"
        )
    print(f"\n{project.store.dialect}: {len(acked)} acknowledged codings "
          f"({sum(s['calls'] for s in coders)} calls, {moved} moved by merges), "
          f"{sum(s['rejections'] for s in coders)} rejections, versions {len(revised)}; "
          f"reviser {({k: v for k, v in reviser.items() if isinstance(v, int)})}")  # fmt: skip


# -- kill -9 in the middle of a save or a merge ---------------------------------------------


def _open_checked(root: Path) -> tuple[pd.DataFrame, pd.DataFrame, Codebook, list, list]:
    """The project after a kill: it opens, the file is sound, revisions are whole.

    Returns every coding (by id), the actions, the codebook, the codebook-revised
    and the codings-added events.
    """
    with Project.open(root) as project:
        if project.store.dialect == "sqlite":
            assert project.store._one("PRAGMA integrity_check") == "ok"
        revised = _check_revisions(project)
        return (project.store.codings(include_removed=True).set_index("coding_id"),
                project.store.actions(), service.require(project), revised,
                [r.event for r in project.store.read_events("codings-added")])  # fmt: skip


def _timed(process: subprocess.Popen, first: str) -> tuple[str, float]:
    """The process's first line (it must start with ``first``) and the seconds the write
    took: from that line to the next, which it prints once the write returned."""
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(first), line + process.communicate()[1][-2000:]
    began = time.perf_counter()
    assert process.stdout.readline(), process.communicate()[1][-2000:]
    took = time.perf_counter() - began
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-2000:]
    return line, took


def _kill_after(process: subprocess.Popen, first: str, delay: float) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith(first), line + process.communicate()[1][-2000:]
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return line


def _unchanged(before: pd.DataFrame, after: pd.DataFrame, action_id: int | None) -> None:
    """Every coding stored before is still there, removed only by ``action_id``."""
    assert before.index.isin(after.index).all(), "a coding stored before the kill was lost"
    was, now = before["removed_by"], after.loc[before.index, "removed_by"]
    changed = was.fillna(-1) != now.fillna(-1)
    if action_id is None:
        assert not changed.any(), f"{int(changed.sum())} codings changed by a rolled-back write"
    else:
        assert was[changed].isna().all() and (now[changed] == action_id).all()


def _batch(store_url: str) -> int:
    return BATCH["sqlite" if store_url.startswith("sqlite") else "postgresql"]


def test_killed_saves_of_codings_are_wholly_present_or_absent(
    store_url: str, tmp_path: Path
) -> None:
    batch = _batch(store_url)
    root = _study(tmp_path, store_url, batch // 3, 8)
    storing = min(_timed(start_bulk_coding(root, f"uncut{n}", batch), "coding")[1]
                  for n in range(2))  # the first save into a fresh database may be slower
    outcome = {"rolled back": 0, "landed": 0}
    before, actions_before, *_ = _open_checked(root)
    for n, moment in enumerate(_moments(11)):
        coder = f"bulk{n}"
        line = _kill_after(start_bulk_coding(root, coder, batch), "coding", moment * storing)
        assert line.strip() == f"coding {batch}"
        after, actions, _, _, events = _open_checked(root)
        mine = actions[actions["actor"] == coder]
        new = after.drop(before.index)
        added = set(new["added_by"])
        assert len(mine) in (0, 1) and set(mine["action_id"]) == added
        assert len(new) in (0, batch), f"{len(new)} of the {batch} codings were stored"
        assert (new["coder"] == coder).all() and len(actions) - len(actions_before) == len(mine)
        assert [e.codings for e in events if e.action_id in added] == ([batch] if added else [])
        _unchanged(before, after, None)
        outcome["landed" if len(new) else "rolled back"] += 1
        before, actions_before = after, actions
    print(f"\nkilled saves of {batch} codings ({storing:.2f} s each): {outcome}")
    assert outcome["rolled back"] >= KILLS // 2, "most kills must land mid-save"


def test_killed_merges_are_wholly_applied_or_absent(store_url: str, tmp_path: Path) -> None:
    batch = _batch(store_url)
    root = _study(tmp_path, store_url, batch // 3, 16)
    for n in range(2):  # two coders code the same comments with the same three codes
        _timed(start_bulk_coding(root, f"seed{n}", batch), "coding")
    first, merging = _timed(start_merge(root, "merged-first"), "{")
    assert json.loads(first)["remove"] >= batch
    outcome = {"rolled back": 0, "landed": 0}
    moved = []
    before, actions_before, codebook_before, *_ = _open_checked(root)
    for n, moment in enumerate(_moments(12)):
        target = f"merged-{n}"
        plan = json.loads(_kill_after(start_merge(root, target), "{", moment * merging))
        moved.append(plan["remove"])
        after, actions, codebook, revised, _ = _open_checked(root)
        sources = plan["sources"]
        if codebook.version == plan["version"]:  # landed: wholly applied
            action = actions[actions["action_id"] == actions["action_id"].max()].iloc[0]
            assert action["kind"] == "revision" and action["actor"] == "merger"
            assert revised[-1].version == plan["version"] and revised[-1].operation == "merge"
            assert revised[-1].codings_removed == plan["remove"]
            assert revised[-1].codings_added == plan["add"]
            for source in sources:
                assert codebook.code(source).status == "merged"
                assert codebook.code(source).merged_into == target
            assert int((after["removed_by"] == action["action_id"]).sum()) == plan["remove"]
            new = after.drop(before.index)
            assert len(new) == plan["add"] and (new["added_by"] == action["action_id"]).all()
            assert (new["code_id"] == target).all()
            active = after[after["removed_by"].isna()]
            assert not active["code_id"].isin(sources).any()
            _unchanged(before, after, int(action["action_id"]))
            outcome["landed"] += 1
        else:  # rolled back: wholly absent
            assert codebook.version == plan["version"] - 1
            assert codebook == codebook_before and not codebook.has(target)
            assert len(actions) == len(actions_before)
            assert after.index.equals(before.index)
            _unchanged(before, after, None)
            outcome["rolled back"] += 1
        before, actions_before, codebook_before = after, actions, codebook
    print(f"\nkilled merges of {min(moved)}..{max(moved)} codings ({merging:.2f} s for the "
          f"first): {outcome}")  # fmt: skip
    assert outcome["rolled back"] >= KILLS // 2, "most kills must land mid-merge"


def test_a_rolled_back_revision_leaves_nothing_behind(store_url: str, tmp_path: Path) -> None:
    """Not even in the session that wrote it: its codes must not outlive the rollback.

    A revision stored inside a larger unit that then fails (a ``.qdpx`` import does
    this) is rolled back; when someone else stores a different version under the
    same number, codings are checked against that one.
    """
    root = _study(tmp_path, store_url, 5, 4)
    with Project.open(root, overrides={"actor": "ann"}) as ann, \
            Project.open(root, overrides={"actor": "ben"}) as ben:  # fmt: skip
        comment = ann.store.comments()["comment_id"].iloc[0]

        def coding(code_id: str) -> list[dict]:
            return [{"comment_id": comment, "code_id": code_id, "coder": "ann"}]

        ann.store.add_codings(coding("t01"), "ann", codebook_version=1)
        plan = revisions.merge(service.require(ann), ["t01"], Code(id="n1", label="N1"),
                               ann.store.codings(), "ann")  # fmt: skip
        with pytest.raises(RuntimeError), ann.store.unit_of_work():
            service.apply(ann, plan)
            ann.store.add_codings(coding("n1"), "ann", codebook_version=2)
            raise RuntimeError("the larger unit fails")
        assert service.require(ann).version == 1 and len(ann.store.codings()) == 1
        service.apply(ben, revisions.retire(service.require(ben), "t02", ben.store.codings(),
                                            "ben"))  # fmt: skip
        for code_id in ("n1", "t02"):  # never stored; retired in the stored version 2
            with pytest.raises(CodingError, match="is not an active code"):
                ann.store.add_codings(coding(code_id), "ann", codebook_version=2)
        ann.store.add_codings(coding("t00"), "ann", codebook_version=2)
        assert sorted(ann.store.codings()["code_id"]) == ["t00", "t01"]
