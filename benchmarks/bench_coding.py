"""Speed of the coding app on a 100,000-comment project (controller level).

Two targets (issue 9), each reported beside a baseline measured in the same run:

``next``
    After a "next" click, the next comment with its thread context (parent chain,
    replies, thread title and size), the codes' states and the coder's codings ready:
    ``session.next()`` + ``session.context`` + ``code_states()`` + ``my_codings()``.
    Target p95 <= 150 ms. Baseline: a plain single-row ``SELECT`` of a comment by its
    id from the project's SQLite file. The same click through the widget view (without
    a browser: the view updating its widgets' state) is measured too.
``commit``
    A coding committed: ``session.toggle(code)`` returning once the durable unit of
    work (coding, action and event) is on disk. Target p99 <= 50 ms. Baseline: a bare
    durable insert (one row, ``BEGIN IMMEDIATE`` ... ``COMMIT`` with
    ``synchronous=FULL`` in WAL mode) into a scratch SQLite file beside the project.

The project is synthesised with ``tests/store_load.py``'s ``write_reddit_export``
(one Reddit thread of 100,000 comments in reply chains under a post with 20,000
direct replies: the largest thread the app has to show context from) and imported;
the coding queue holds a random sample. Run::

    python benchmarks/bench_coding.py              # 100,000 comments
    python benchmarks/bench_coding.py --n 20000 --samples 300

Results are printed and written to ``benchmarks/results/coding.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_line  # noqa: E402 - benchmarks/machine.py

RESULTS = ROOT / "benchmarks" / "results"
TARGET_NEXT_P95_MS = 150.0
TARGET_COMMIT_P99_MS = 50.0


def quantiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of seconds, in milliseconds."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    return {"n": len(ordered), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99),
            "max": ordered[-1] * 1000, "mean": statistics.fmean(ordered) * 1000}  # fmt: skip


def build(folder: Path, n: int, queued: int, seed: int) -> tuple[Path, list[str], float]:
    """The synthetic project; returns its folder, its comment ids and the import seconds."""
    from tests.store_load import write_reddit_export
    from workbench.codebook import service
    from workbench.project import Project

    export = folder / "export.ndjson"
    ids = write_reddit_export(export, n, "b")
    root = folder / "project"
    started = time.perf_counter()
    with Project.init(root, actor="bench") as project:
        project.settings["detect_language"] = False
        project.import_files([export])
        service.adopt(project, ROOT / "tests" / "data" / "codebooks" / "small.yaml")
        sample = random.Random(seed).sample(ids, queued)
        project.store.queue_add(sample, "bench: random sample", "bench")
    return root, ids, time.perf_counter() - started


def bench_next(session: object, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        if session.position + 1 >= len(session.queue):
            session.go(0)
        started = time.perf_counter()
        session.next()
        context = session.context
        session.code_states()
        session.my_codings()
        times.append(time.perf_counter() - started)
        assert context is not None and context.comment_id == session.comment_id
    return times


def bench_view_next(view: object, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        if view.session.position + 1 >= len(view.session.queue):
            view.session.go(0)
        started = time.perf_counter()
        view.next_button.click()
        times.append(time.perf_counter() - started)
    return times


def bench_commit(session: object, samples: int) -> tuple[list[float], list[float]]:
    """Code ``samples`` comments (one toggle each), then uncode them: both timed."""
    session.go(0)
    added, removed = [], []
    for _ in range(samples):
        started = time.perf_counter()
        session.toggle("waiting")
        added.append(time.perf_counter() - started)
        session.next()
    session.go(0)
    for _ in range(samples):
        started = time.perf_counter()
        session.toggle("waiting")
        removed.append(time.perf_counter() - started)
        session.next()
    return added, removed


def baseline_select(database: Path, ids: list[str], samples: int, seed: int) -> list[float]:
    """A plain single-row SELECT of a comment by id, on its own connection."""
    connection = sqlite3.connect(database)
    rng = random.Random(seed)
    times = []
    try:
        for _ in range(samples):
            wanted = rng.choice(ids)
            started = time.perf_counter()
            row = connection.execute("SELECT * FROM comments WHERE comment_id = ?",
                                     (wanted,)).fetchone()  # fmt: skip
            times.append(time.perf_counter() - started)
            assert row is not None
    finally:
        connection.close()
    return times


def baseline_insert(folder: Path, samples: int) -> list[float]:
    """A bare durable insert: one row per transaction, WAL, synchronous=FULL."""
    connection = sqlite3.connect(folder / "scratch.sqlite", isolation_level=None)
    times = []
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
        for i in range(samples):
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
            connection.execute("COMMIT")
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="comments in the project")
    parser.add_argument("--queued", type=int, default=2_000, help="comments in the queue")
    parser.add_argument("--samples", type=int, default=1_000, help="timed clicks per step")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=RESULTS / "coding.json")
    args = parser.parse_args()

    from workbench.coding.session import CodingSession
    from workbench.project import Project

    report: dict = {"cpu": cpu_line(), "python": platform.python_version(),
                    "comments": args.n, "queued": args.queued, "samples": args.samples}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-coding-") as tmp:
        folder = Path(tmp)
        root, ids, seconds = build(folder, args.n, args.queued, args.seed)
        report["build_s"] = round(seconds, 2)
        with Project.open(root) as project:
            started = time.perf_counter()
            session = CodingSession(project, "ann")
            report["open_s"] = round(time.perf_counter() - started, 3)
            assert len(session.comments) == args.n and len(session.queue) == args.queued
            started = time.perf_counter()
            session.open("thread")
            report["open_thread_s"] = round(time.perf_counter() - started, 3)
            report["thread_size"] = len(session.queue)
            session.open("queue")

            select = baseline_select(root / "workbench.sqlite", ids, args.samples, args.seed)
            report["baseline_select_ms"] = quantiles(select)
            report["next_ms"] = quantiles(bench_next(session, args.samples))
            insert = baseline_insert(folder, args.samples)
            report["baseline_insert_ms"] = quantiles(insert)
            added, removed = bench_commit(session, min(args.samples, args.queued))
            report["commit_ms"] = quantiles(added)
            report["uncommit_ms"] = quantiles(removed)
            report["select_again_ms"] = quantiles(
                baseline_select(root / "workbench.sqlite", ids, args.samples, args.seed + 1))
            report["insert_again_ms"] = quantiles(baseline_insert(folder, args.samples))

            from workbench.widgets.coding import CodingView

            view = CodingView(session)
            report["view_next_ms"] = quantiles(bench_view_next(view, min(args.samples, 300)))
            assert not session.pending, "no save failed"

    nxt, commit = report["next_ms"], report["commit_ms"]
    lines = [
        f"CPU: {report['cpu']}; Python {report['python']}",
        f"project: {args.n:,} comments (built and imported in {report['build_s']} s); "
        f"queue {args.queued:,}; "
        f"session opened in {report['open_s']} s; the {report['thread_size']:,}-comment thread "
        f"opened in order in {report['open_thread_s']} s",
        "",
        "| measurement | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for name, key in (("next comment with thread context (controller)", "next_ms"),
                      ("baseline: single-row SELECT by id", "baseline_select_ms"),
                      ("next click through the view (no browser)", "view_next_ms"),
                      ("coding committed (toggle on, durable)", "commit_ms"),
                      ("coding removed (toggle off, durable)", "uncommit_ms"),
                      ("baseline: bare durable insert", "baseline_insert_ms"),
                      ("baseline: bare durable insert, again after", "insert_again_ms")):
        q = report[key]
        lines.append(f"| {name} | {q['p50']:.3f} | {q['p95']:.3f} | {q['p99']:.3f} | "
                     f"{q['max']:.3f} |")  # fmt: skip
    lines += [
        "",
        f"next p95 {nxt['p95']:.2f} ms (target <= {TARGET_NEXT_P95_MS:.0f}): "
        f"{'met' if nxt['p95'] <= TARGET_NEXT_P95_MS else 'MISSED'}; "
        f"{nxt['p95'] / report['baseline_select_ms']['p95']:.1f}x the single-row SELECT p95",
        f"commit p99 {commit['p99']:.2f} ms (target <= {TARGET_COMMIT_P99_MS:.0f}): "
        f"{'met' if commit['p99'] <= TARGET_COMMIT_P99_MS else 'MISSED'}; "
        f"{commit['p99'] / report['baseline_insert_ms']['p99']:.1f}x the bare durable insert p99",
    ]
    print("\n".join(lines))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
