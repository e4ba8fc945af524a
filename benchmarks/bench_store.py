"""Benchmark: the project store under load, on SQLite and on PostgreSQL.

Two measurements on each backend (a SQLite file; a database on a throwaway
PostgreSQL server, :class:`workbench.store.pgserver.TemporaryPostgres`):

* ``writers``: ``--writers`` processes (default 16) queue comments into one
  project for ``--seconds`` (default 60), one durable ``queue_add`` each
  (``tests/store_load.py``; a writer logs an id only once the call has returned,
  so the logs are exactly the writes acknowledged to users). Reported: p50, p99
  and largest latency of a write, writes/s, acknowledged writes missing from the
  queue afterwards (must be 0), queued writes nobody acknowledged (must be 0),
  errors that reached a writer (must be 0). Baseline from the same run and
  backend: one writer alone for ``--baseline-seconds``, just before and again just
  after the crowd, each on a project of its own of the same size (``--comments``);
  the ratios are contended latency / latency alone (both lone runs pooled), and
  throughput of all writers / throughput of the one alone. Beside each run, the
  disk's own ``fsync`` latency sampled during it (:class:`DiskProbe`).
* ``crashes``: imports of ``--import-rows`` comments each, killed with SIGKILL at
  a random moment between the first stored batch and the time a whole import took
  (``--kills`` imports really killed, default 100). After each kill: the project
  must open (SQLite: ``PRAGMA integrity_check`` is ``ok``), no import may be
  recorded half-finished, and every file imported so far must be wholly present or
  wholly absent. Reported: how many kills rolled back and how many landed (the
  import had committed before the signal), and every failure of those checks
  (must be 0).

Results go to ``benchmarks/results/store.json``.

Usage: ``python benchmarks/bench_store.py [--writers 16] [--seconds 60]
[--baseline-seconds 15] [--comments 200000] [--kills 100] [--import-rows 30000]
[--backends sqlite postgresql]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from machine import cpu_line, machine  # noqa: E402 - benchmarks/machine.py

from tests.store_load import (  # noqa: E402 - after the path it lives on
    acknowledged,
    start_import,
    start_writer,
    summaries,
    write_reddit_export,
)

BACKENDS = ("sqlite", "postgresql")
#: Seconds each writer process is given to start and open the project before all begin.
START_ALLOWANCE_S = 3.0
START_PER_WRITER_S = 3.0


# --------------------------------------------------------------------- projects


def _new_project(root: Path, backend: str, server: object, comments: int) -> Path:
    """A project of ``comments`` imported comments on ``backend``."""
    from workbench.project import Project

    database = server.create_database() if backend == "postgresql" else None  # type: ignore[attr-defined]
    root.mkdir(parents=True, exist_ok=True)
    export = root.parent / f"{root.name}-seed.ndjson"
    write_reddit_export(export, comments, "seed")
    with Project.init(root / "project", actor="bench", database=database) as project:
        project.import_files([export])
    export.unlink()
    return root / "project"


# --------------------------------------------------------------------- writers


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


class DiskProbe:
    """Samples the disk's own ``fsync`` latency in a thread while a run goes on.

    Every ``interval`` seconds it appends 4 KiB to a file in ``directory`` and
    times ``fsync``. A durable commit waits for at least one such flush, and on a
    shared machine their latency changes from moment to moment with what others
    write, so each run reports the flushes of its own window beside its writes.
    """

    def __init__(self, directory: Path, interval: float = 0.05) -> None:
        self.path = directory / "fsync-probe.bin"
        self.interval = interval
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fsync-probe", daemon=True)

    def __enter__(self) -> DiskProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        handle = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            while not self._stop.wait(self.interval):
                os.write(handle, b"x" * 4096)
                began = time.perf_counter()
                os.fsync(handle)
                self.times.append(time.perf_counter() - began)
        finally:
            os.close(handle)
            self.path.unlink()

    def summary(self) -> dict:
        return {"samples": len(self.times), "p50_ms": 1000 * _percentile(self.times, 0.5),
                "p99_ms": 1000 * _percentile(self.times, 0.99)}


def run_writers(project: Path, work: Path, writers: int, seconds: float) -> dict:
    """Start ``writers`` writers at one moment, wait for them, and check every write.

    The summary's ``latencies`` (seconds, every acknowledged write) are for pooling
    and are left out of the results file.
    """
    from workbench.project import Project

    work.mkdir(parents=True, exist_ok=True)
    logs = [work / f"writer{i}.log" for i in range(writers)]
    start_at = time.time() + START_ALLOWANCE_S + START_PER_WRITER_S * writers
    load = os.getloadavg()
    processes = [start_writer(project, seconds, log, i, writers, start_at)
                 for i, log in enumerate(logs)]
    crashed = []
    time.sleep(max(0.0, start_at - time.time()))
    with DiskProbe(work) as disk:
        for i, process in enumerate(processes):
            _, stderr = process.communicate(timeout=seconds + 600)
            if process.returncode != 0:
                crashed.append(f"writer {i}: exit status {process.returncode}: "
                               + stderr.decode(errors="replace")[-1500:])
    done = [s for s in summaries([log for log in logs if log.with_suffix(".json").exists()])]
    acked = acknowledged(logs)
    with Project.open(project) as opened:
        queued = set(opened.store.queue()["comment_id"])
        events = opened.store.read_events("queue-add")
    in_events = sorted(c for r in events for c in r.event.comment_ids)
    latencies = [x for s in done for x in s["latencies"]]
    errors = [e for s in done for e in s["errors"]]
    began = min(s["started"] for s in done) if done else math.nan
    ended = max(s["ended"] for s in done) if done else math.nan
    window = ended - began
    return {
        "writers": writers,
        "seconds": seconds,
        "window_s": window,
        "late_start_s": max((s["started"] - start_at for s in done), default=math.nan),
        "load_before": load,
        "fsync": disk.summary(),
        "writes": len(latencies),
        "writes_per_s": len(latencies) / window if window > 0 else math.nan,
        "writes_per_writer": [s["done"] for s in done],
        "ran_out_of_comments": sum(s["done"] + len(s["errors"]) >= s["ids"] for s in done),
        "p50_ms": 1000 * _percentile(latencies, 0.50),
        "p99_ms": 1000 * _percentile(latencies, 0.99),
        "max_ms": 1000 * max(latencies, default=math.nan),
        "mean_ms": 1000 * statistics.fmean(latencies) if latencies else math.nan,
        "acknowledged": len(acked),
        "lost_acknowledged": len(acked - queued),
        "unacknowledged_queued": len(queued - acked),
        "events_match": in_events == sorted(acked),
        "errors": len(errors) + len(crashed),
        "error_samples": (errors[:5] + crashed[:5]),
        "latencies": latencies,
    }


def _pooled(runs: list[dict]) -> dict:
    """Latency percentiles and rate of several runs taken as one."""
    latencies = [x for r in runs for x in r["latencies"]]
    window = sum(r["window_s"] for r in runs)
    return {
        "writes": len(latencies),
        "writes_per_s": len(latencies) / window if window > 0 else math.nan,
        "p50_ms": 1000 * _percentile(latencies, 0.50),
        "p99_ms": 1000 * _percentile(latencies, 0.99),
    }


def _writer_line(name: str, r: dict) -> str:
    return (f"  {name:12} {r['writers']:2} writer(s) {r['window_s']:5.1f} s: "
            f"{r['writes']:7,} writes {r['writes_per_s']:8.1f}/s  p50 {r['p50_ms']:7.2f} ms  "
            f"p99 {r['p99_ms']:8.2f} ms  max {r['max_ms']:8.1f} ms  lost {r['lost_acknowledged']}"
            f"  unacknowledged {r['unacknowledged_queued']}  errors {r['errors']}"
            f"  events {'ok' if r['events_match'] else 'MISMATCH'}"
            f"  (load {r['load_before'][0]:.1f} before; disk fsync meanwhile p50 "
            f"{r['fsync']['p50_ms']:.2f} ms, p99 {r['fsync']['p99_ms']:.2f} ms; "
            f"late start {r['late_start_s']:.1f} s"
            + (f"; {r['ran_out_of_comments']} ran out of comments" if r["ran_out_of_comments"]
               else "") + ")")


def bench_writers(backend: str, server: object, work: Path, args: argparse.Namespace) -> dict:
    """One writer alone, ``args.writers`` at once, one writer alone again.

    The lone writer runs just before and just after the crowd, so that a change
    in the machine's other load during the run shows (and is shared out) rather
    than being read as the effect of contention; the baseline is both lone runs
    taken together. Each run is on a new project of ``args.comments`` comments,
    all made first: the same size, since a write may cost more in a larger project.
    """
    comments = args.comments
    projects = {name: _new_project(work / name, backend, server, comments)
                for name in ("alone-before", "crowd", "alone-after")}
    runs = {}
    for name, writers, seconds in (("alone-before", 1, args.baseline_seconds),
                                   ("crowd", args.writers, args.seconds),
                                   ("alone-after", 1, args.baseline_seconds)):
        runs[name] = run_writers(projects[name], work / f"{name}-logs", writers, seconds)
        print(_writer_line(name, runs[name]), flush=True)
    crowd = runs["crowd"]
    alone = _pooled([runs["alone-before"], runs["alone-after"]])
    ratios = {
        "p50_vs_alone": crowd["p50_ms"] / alone["p50_ms"],
        "p99_vs_alone": crowd["p99_ms"] / alone["p99_ms"],
        "throughput_vs_alone": crowd["writes_per_s"] / alone["writes_per_s"],
    }
    print(f"  alone (both runs): p50 {alone['p50_ms']:.2f} ms, p99 {alone['p99_ms']:.2f} ms, "
          f"{alone['writes_per_s']:.1f} writes/s", flush=True)
    print("  ratios: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()), flush=True)
    for run in runs.values():
        del run["latencies"]
    return {"alone": alone, "contended": crowd, "alone_before": runs["alone-before"],
            "alone_after": runs["alone-after"], "seed_comments": comments, "ratios": ratios}


# --------------------------------------------------------------------- crashes


def _stored_ids(project: object) -> set[str]:
    # Only the ids: comments() would build a whole frame of every row after each kill.
    store = project.store  # type: ignore[attr-defined]
    return {row[0] for row in store._execute("SELECT comment_id FROM comments").fetchall()}


def _check(root: Path, files: list[tuple[str, set[str]]]) -> tuple[set[str], list[str]]:
    """Open the project and check every file is wholly present or absent."""
    from workbench.project import Project

    problems: list[str] = []
    try:
        with Project.open(root) as project:
            stored = _stored_ids(project)
            imports = project.store.imports()
            if project.store.dialect == "sqlite":
                result = project.store._one("PRAGMA integrity_check")
                if result != "ok":
                    problems.append(f"integrity_check: {result}")
    except Exception as error:  # noqa: BLE001 - reported, counted
        return set(), [f"project did not open: {type(error).__name__}: {error}"]
    half = int((imports["file_sha256"] == "").sum())
    if half:
        problems.append(f"{half} import(s) recorded half-finished")
    for name, ids in files:
        landed = len(ids & stored)
        if landed not in (0, len(ids)):
            problems.append(f"partial: {name}: {landed} of {len(ids)} rows")
    return stored, problems


def bench_crashes(backend: str, server: object, work: Path, args: argparse.Namespace) -> dict:
    """Kill ``args.kills`` imports with SIGKILL and check the project after each."""
    rng = random.Random(args.seed)
    root = _new_project(work / "crashes", backend, server, 100)
    exports = work / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    first = exports / "first.ndjson"
    files = [(first.name, set(write_reddit_export(first, args.import_rows, "first_")))]
    process = start_import(root, first)
    assert process.stdout is not None
    process.stdout.readline()
    began = time.perf_counter()
    process.communicate()
    storing = time.perf_counter() - began  # first stored batch to the end of the process
    outcome = {"killed": 0, "rolled_back": 0, "landed": 0, "finished_before_kill": 0,
               "never_stored": 0, "partial": 0, "open_failures": 0, "problems": 0}
    samples: list[str] = []
    attempts = 0
    started = time.perf_counter()
    while outcome["killed"] < args.kills and attempts < 2 * args.kills:
        n = attempts
        attempts += 1
        path = exports / f"export{n}.ndjson"
        ids = set(write_reddit_export(path, args.import_rows, f"x{n}_"))
        files.append((path.name, ids))
        process = start_import(root, path)
        assert process.stdout is not None
        if not process.stdout.readline().startswith("stored"):
            outcome["never_stored"] += 1
        time.sleep(rng.uniform(0.0, 1.0) * storing)
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        code = process.wait()
        process.stdout.close()
        path.unlink()
        if finished or code != -signal.SIGKILL:
            outcome["finished_before_kill"] += 1
        else:
            outcome["killed"] += 1
        stored, problems = _check(root, files)
        if problems:
            outcome["problems"] += 1
            outcome["partial"] += sum(p.startswith("partial") for p in problems)
            outcome["open_failures"] += sum(p.startswith("project did not") for p in problems)
            samples.extend(f"import {n}: {p}" for p in problems[:3])
            if outcome["open_failures"]:
                break  # nothing more can be learnt from a project that will not open
        if files[0][1] - stored:
            outcome["problems"] += 1
            samples.append(f"import {n}: the first, completed import lost rows")
        if finished or code != -signal.SIGKILL:
            continue
        outcome["landed" if ids <= stored else "rolled_back"] += 1
        if outcome["killed"] % 10 == 0:
            print(f"    {outcome['killed']} killed: {outcome['rolled_back']} rolled back, "
                  f"{outcome['landed']} landed, {outcome['problems']} with problems",
                  flush=True)
    outcome["attempts"] = attempts
    outcome["storing_s"] = storing
    outcome["seconds"] = time.perf_counter() - started
    outcome["problem_samples"] = samples[:20]
    print(f"  crashes: {outcome['killed']} imports killed ({attempts} started, "
          f"{outcome['finished_before_kill']} finished before their kill): "
          f"{outcome['rolled_back']} rolled back, {outcome['landed']} landed, "
          f"{outcome['partial']} partial, {outcome['open_failures']} failed to open, "
          f"{outcome['problems']} checks failed (an import stores for {storing:.2f} s; "
          f"{outcome['seconds']:.0f} s in all)", flush=True)
    for sample in samples[:5]:
        print(f"    {sample}", flush=True)
    return outcome


# --------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long the writers write at once")
    parser.add_argument("--baseline-seconds", type=float, default=15.0,
                        help="how long the lone writer writes (the baseline)")
    parser.add_argument("--comments", type=int, default=200_000,
                        help="comments in each writers' project (each writer queues its "
                             "share of them; one that runs out is reported)")
    parser.add_argument("--kills", type=int, default=100,
                        help="imports to kill with SIGKILL on each backend (0: none)")
    parser.add_argument("--import-rows", type=int, default=30_000,
                        help="comments in each killed import")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-writers", action="store_true")
    parser.add_argument("--workdir", help="where projects are made (default: a temporary one)")
    args = parser.parse_args()

    info = machine()
    print(f"machine: {cpu_line(info)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict = {"machine": info, "arguments": vars(args), "backends": {}}
    work_root = Path(tempfile.mkdtemp(prefix="wb-bench-store-", dir=args.workdir))
    try:
        for backend in args.backends:
            server = None
            work = work_root / backend
            result: dict = {}
            try:
                if backend == "postgresql":
                    from workbench.store.pgserver import TemporaryPostgres

                    server = TemporaryPostgres().start()
                    result["server"] = f"PostgreSQL {server.major}"
                else:
                    result["server"] = f"SQLite {sqlite3.sqlite_version} (WAL, file)"
                print(f"\n{backend}: {result['server']}", flush=True)
                if not args.skip_writers:
                    result["writers"] = bench_writers(backend, server, work, args)
                if args.kills:
                    result["crashes"] = bench_crashes(backend, server, work, args)
            finally:
                if server is not None:
                    server.stop()
                shutil.rmtree(work, ignore_errors=True)
            report["backends"][backend] = result
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    (RESULTS / "store.json").write_text(json.dumps(report, indent=2))
    _summary(report)


def _summary(report: dict) -> None:
    print(f"\nsummary ({cpu_line(report['machine'])}):")
    bad = []
    for backend, result in report["backends"].items():
        if "writers" in result:
            w = result["writers"]
            c, a = w["contended"], w["alone"]
            print(f"  {backend:10} {c['writers']} writers: p50 {c['p50_ms']:.2f} ms "
                  f"({w['ratios']['p50_vs_alone']:.2f}x alone), p99 {c['p99_ms']:.2f} ms "
                  f"({w['ratios']['p99_vs_alone']:.2f}x alone), {c['writes_per_s']:.1f} writes/s "
                  f"({w['ratios']['throughput_vs_alone']:.2f}x alone's {a['writes_per_s']:.1f}), "
                  f"lost {c['lost_acknowledged']}, errors {c['errors']}")
            for name in ("alone_before", "contended", "alone_after"):
                r = w[name]
                if r["lost_acknowledged"] or r["errors"] or r["unacknowledged_queued"] \
                        or not r["events_match"]:
                    bad.append(f"{backend} {name} writers")
        if "crashes" in result:
            k = result["crashes"]
            print(f"  {backend:10} {k['killed']} killed imports: {k['rolled_back']} rolled back, "
                  f"{k['landed']} landed, {k['partial']} partial, "
                  f"{k['open_failures']} failed to open")
            if k["problems"]:
                bad.append(f"{backend} crashes")
    print("targets: lost 0, errors 0, partial 0, failed to open 0"
          + (f"; FAILED: {', '.join(bad)}" if bad else "; all met"))
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
