"""Load for the store: writer processes, crashing imports, backups taken under load.

Used by ``tests/test_store_load.py`` (short runs) and ``benchmarks/bench_store.py``
(long runs). A writer is a separate process, as a second notebook or a teammate
would be: it opens the project, and for ``seconds`` queues one comment at a time
(a durable unit of work each). Only after :meth:`queue_add` returns does it write
the comment id to its log, so the log is exactly the writes acknowledged to a user;
none of them may be missing afterwards. Run as::

    python -m tests.store_load writer PROJECT SECONDS LOG INDEX WRITERS [START_AT]
    python -m tests.store_load import PROJECT FILE BATCH_SIZE
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_reddit_export(path: Path, count: int, prefix: str) -> list[str]:
    """A synthetic Reddit NDJSON export of ``count`` comments; returns their stored ids."""
    lines, ids = [], []
    for i in range(count):
        name = f"{prefix}{i}"
        parent = "t3_p1" if i % 5 == 0 else f"t1_{prefix}{i - 1}"
        lines.append(json.dumps({
            "id": name, "author": f"user{i % 97}", "link_id": "t3_p1", "parent_id": parent,
            "body": f"Comment {i} about waiting times at the walk-in centre, take {prefix}.",
            "created_utc": 1710000000 + i, "score": i % 13, "subreddit": "Riverside",
        }))  # fmt: skip
        ids.append(f"reddit:t1_{name}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def start_writer(project: Path, seconds: float, log: Path, index: int, writers: int,
                 start_at: float | None = None):
    """Start one writer process (see the module docstring).

    With ``start_at`` (a ``time.time()`` value) the writer opens the project, then
    waits until that moment before its ``seconds`` begin, so that writers started
    one after another all write at once (one that is ready late starts at once).
    """
    extra = [] if start_at is None else [repr(float(start_at))]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "writer", str(project), str(seconds),
         str(log), str(index), str(writers), *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def acknowledged(logs: list[Path]) -> set[str]:
    """Every comment id the writers logged as acknowledged (so far)."""
    found: set[str] = set()
    for log in logs:
        if log.exists():
            found.update(line for line in log.read_text().splitlines() if line)
    return found


def summaries(logs: list[Path]) -> list[dict]:
    """Each finished writer's summary: writes done, errors met, latencies (seconds).

    Also ``ids`` (how many comments it had to queue; ``done`` reaching it means it
    ran out before its time was up), ``started`` and ``ended`` (``time.time()``).
    """
    return [json.loads(log.with_suffix(".json").read_text()) for log in logs]


def _writer(project_root: str, seconds: str, log_path: str, index: str, writers: str,
            start_at: str | None = None) -> None:
    from workbench.project import Project

    n, step = int(index), int(writers)
    errors: list[str] = []
    latencies: list[float] = []
    with Project.open(project_root, overrides={"actor": f"writer{n}"}) as project:
        ids = project.store.comments()["comment_id"].tolist()[n::step]
        if start_at is not None:
            time.sleep(max(0.0, float(start_at) - time.time()))
        started = time.time()
        deadline = time.monotonic() + float(seconds)
        with open(log_path, "w", encoding="utf-8") as log:
            for comment_id in ids:
                if time.monotonic() >= deadline:
                    break
                began = time.perf_counter()
                try:
                    project.store.queue_add([comment_id], f"writer {n}", f"writer{n}")
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - began)
                log.write(comment_id + "\n")
                log.flush()
                os.fsync(log.fileno())
        ended = time.time()
    summary = {"writer": n, "done": len(latencies), "errors": errors, "latencies": latencies,
               "ids": len(ids), "started": started, "ended": ended}
    Path(log_path).with_suffix(".json").write_text(json.dumps(summary))


def start_import(project: Path, export: Path, batch_size: int = 2000):
    """Start an import process that prints ``stored N`` after each batch it stores.

    The first such line means the import's unit of work is open and has written
    rows: a kill after it lands in the middle of the import.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "import", str(project), str(export),
         str(batch_size)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _import(project_root: str, export: str, batch_size: str) -> None:
    from workbench.project import Project

    def show(_file: str, rows: int) -> None:
        print(f"stored {rows}", flush=True)

    overrides = {"batch_size": int(batch_size), "actor": "importer"}
    with Project.open(project_root, overrides=overrides) as project:
        project.import_files([export], progress=show)
    print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        _writer(*sys.argv[2:8])
    elif sys.argv[1] == "import":
        _import(*sys.argv[2:5])
