"""Load for the store: writer processes, crashing imports, backups taken under load.

Used by ``tests/test_store_load.py`` (short runs) and ``benchmarks/bench_store.py``
(long runs). A writer is a separate process, as a second notebook or a teammate
would be: it opens the project, and for ``seconds`` queues one comment at a time
(a durable unit of work each). Only after :meth:`queue_add` returns does it write
the comment id to its log, so the log is exactly the writes acknowledged to a user;
none of them may be missing afterwards. Run as::

    python -m tests.store_load writer PROJECT SECONDS LOG INDEX WRITERS [START_AT]
    python -m tests.store_load import PROJECT FILE BATCH_SIZE

Codings (``tests/test_coding_load.py``): coder processes add codings while a
reviser merges codes and undoes revisions; a coder logs a coding id only after
:meth:`add_codings` returned it, a reviser a codebook version only once stored.
The bulk coder and the merger are the processes killed in the middle of a write::

    python -m tests.store_load coder PROJECT SECONDS LOG INDEX [START_AT]
    python -m tests.store_load reviser PROJECT SECONDS LOG SEED [START_AT]
    python -m tests.store_load bulk-code PROJECT CODER COUNT
    python -m tests.store_load merge PROJECT TARGET
"""

from __future__ import annotations

import json
import os
import re
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


# -- codings ----------------------------------------------------------------------------------


def write_codebook(path: Path, codes: int) -> Path:
    """A codebook file of ``codes`` codes in families of four (a parent, three children)."""
    lines = ["id: load", "title: Codebook for load tests", "version: 1", "codes:"]
    for i in range(codes):
        lines += [f"  - id: t{i:02d}", f"    label: Theme {i}"]
        if i % 4:
            lines.append(f"    parent: t{i - i % 4:02d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_coder(project: Path, seconds: float, log: Path, index: int, pause: float = 0.0,
                start_at: float | None = None):  # fmt: skip
    """Start one coder process (``coder{index}``) that adds codings for ``seconds``.

    Each call stores 1-5 codings of random comments with random active codes
    (some with spans, some with memos); the ids :meth:`add_codings` returns are
    logged, fsynced, once it returned. Between calls it thinks for a random time
    of up to ``pause`` seconds. Its summary (see :func:`summaries`) counts
    ``calls``, ``codings``, ``rejections`` (CodingError: a code merged meanwhile,
    after which it reloads the codebook) and ``errors`` (anything else).
    """
    extra = [] if start_at is None else [repr(float(start_at))]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "coder", str(project), str(seconds),
         str(log), str(index), str(pause), *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def start_reviser(project: Path, seconds: float, log: Path, seed: int = 0,
                  start_at: float | None = None):  # fmt: skip
    """Start a reviser process that, for ``seconds``, merges codes and undoes revisions.

    Each round merges two random active codes into a new code (``service.revise``,
    planned again when coders made the plan stale) or undoes the latest revision
    (``service.plan_undo``): often right after a merge, before coders use the new
    code, sometimes later, always when fewer than three codes are active. It logs
    ``VERSION OPERATION`` for each version stored, fsynced, once stored; its
    summary counts merges, undos, ``stale`` (still stale after every re-plan),
    ``undo_refused`` (CodingError: coders used the merged code meanwhile) and
    ``errors`` (anything else).
    """
    extra = [] if start_at is None else [repr(float(start_at))]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "reviser", str(project), str(seconds),
         str(log), str(seed), *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _wait_and_start(start_at: str | None, seconds: str) -> tuple[float, float]:
    if start_at is not None:
        time.sleep(max(0.0, float(start_at) - time.time()))
    return time.time(), time.monotonic() + float(seconds)


def _logged(log, lines: list[str]) -> None:
    log.write("".join(f"{line}\n" for line in lines))
    log.flush()
    os.fsync(log.fileno())


def _coder(project_root: str, seconds: str, log_path: str, index: str, pause: str,
           start_at: str | None = None) -> None:  # fmt: skip
    import random

    from workbench.codebook import service
    from workbench.errors import CodingError
    from workbench.project import Project

    name = f"coder{int(index)}"
    rng = random.Random(int(index))
    calls = codings = repeats = 0
    rejections: list[str] = []
    errors: list[str] = []
    latencies: list[float] = []
    with Project.open(project_root, overrides={"actor": name}) as project:
        comments = project.store.comments()
        lengths = dict(zip(comments["comment_id"], comments["text"].str.len(), strict=True))
        ids = sorted(lengths)
        codebook = service.require(project)
        started, deadline = _wait_and_start(start_at, seconds)
        with open(log_path, "w", encoding="utf-8") as log:
            while time.monotonic() < deadline:
                time.sleep(rng.uniform(0.0, float(pause)))
                active = [code.id for code in codebook.active]
                batch = []
                for _ in range(rng.randint(1, 5)):
                    comment_id = rng.choice(ids)
                    coding = {"comment_id": comment_id, "code_id": rng.choice(active),
                              "coder": name}  # fmt: skip
                    if rng.random() < 0.3:
                        start = rng.randrange(lengths[comment_id] - 1)
                        end = rng.randint(start + 1, min(lengths[comment_id], start + 40))
                        coding |= {"span_start": start, "span_end": end}
                    if rng.random() < 0.2:
                        coding["memo"] = f"{name} note {calls}"
                    batch.append(coding)
                began = time.perf_counter()
                try:
                    _, stored = project.store.add_codings(batch, name,
                                                          codebook_version=codebook.version)
                except CodingError as exc:
                    rejections.append(str(exc))
                    codebook = service.require(project)
                    continue
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                latencies.append(time.perf_counter() - began)
                _logged(log, [str(i) for i in stored])
                calls += 1
                codings += len(stored)
                repeats += len(batch) - len(stored)
        ended = time.time()
    reasons = sorted({re.sub(r"coding \d+|code '[^']*'", "...", m) for m in rejections})
    summary = {"coder": name, "calls": calls, "codings": codings, "repeats": repeats,
               "rejections": len(rejections), "rejection_reasons": reasons, "errors": errors,
               "latencies": latencies, "started": started, "ended": ended}  # fmt: skip
    Path(log_path).with_suffix(".json").write_text(json.dumps(summary))


def _reviser(project_root: str, seconds: str, log_path: str, seed: str,
             start_at: str | None = None) -> None:  # fmt: skip
    import random

    from workbench.codebook import revisions, service
    from workbench.codebook.model import Code
    from workbench.errors import CodebookError, CodingError, StaleRevision
    from workbench.project import Project

    rng = random.Random(int(seed))
    counts = {"merges": 0, "undos": 0, "stale": 0, "undo_refused": 0, "merge_refused": 0,
              "nothing_to_undo": 0}  # fmt: skip
    errors: list[str] = []
    refusals: list[str] = []
    fresh, merged = 0, False
    with Project.open(project_root, overrides={"actor": "reviser"}) as project:
        started, deadline = _wait_and_start(start_at, seconds)
        with open(log_path, "w", encoding="utf-8") as log:
            while time.monotonic() < deadline:
                undo = (len(service.require(project).active) < 3
                        or rng.random() < (0.4 if merged else 0.1))  # fmt: skip
                merged = False
                fresh += 1
                target = Code(id=f"m{seed}-{fresh}", label=f"Merged {seed}-{fresh}")

                def make(codebook, target=target):
                    sources = rng.sample([code.id for code in codebook.active], 2)
                    return revisions.merge(codebook, sources, target, project.store.codings(),
                                           "reviser")  # fmt: skip

                try:
                    if undo:
                        summary = service.apply(project, service.plan_undo(project))
                    else:
                        summary = service.revise(project, make, attempts=10)
                except StaleRevision:
                    counts["stale"] += 1
                    continue
                except CodingError as exc:
                    counts["undo_refused" if undo else "merge_refused"] += 1
                    refusals.append(str(exc))
                    continue
                except CodebookError as exc:
                    if undo and "no revision left to undo" in str(exc):
                        counts["nothing_to_undo"] += 1
                    else:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                _logged(log, [f"{summary['version']} {summary['operation']}"])
                counts["undos" if undo else "merges"] += 1
                merged = not undo
        ended = time.time()
    summary = {"reviser": seed, **counts, "refusals": refusals[:20], "errors": errors,
               "started": started, "ended": ended}  # fmt: skip
    Path(log_path).with_suffix(".json").write_text(json.dumps(summary))


def stored_versions(log: Path) -> dict[int, str]:
    """The codebook versions a reviser logged as stored: ``{version: operation}``."""
    lines = log.read_text().splitlines() if log.exists() else []
    return {int(v): op for v, op in (line.split() for line in lines if line)}


def start_bulk_coding(project: Path, coder: str, count: int):
    """Start a process storing ``count`` codings by ``coder`` in one ``add_codings`` call.

    It prints ``coding N`` just before the call and ``{"action_id", "codings"}`` (JSON)
    once it returned: a kill after the first line lands in the middle of the save.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "bulk-code", str(project), coder,
         str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _bulk_code(project_root: str, coder: str, count: str) -> None:
    from workbench.codebook import service
    from workbench.project import Project

    with Project.open(project_root, overrides={"actor": coder}) as project:
        codebook = service.require(project)
        comments = project.store.comments()["comment_id"].tolist()
        codings = [{"comment_id": comment_id, "code_id": code.id, "coder": coder}
                   for code in codebook.active for comment_id in comments]  # fmt: skip
        codings = codings[: int(count)]
        print(f"coding {len(codings)}", flush=True)
        action_id, ids = project.store.add_codings(codings, coder, kind="bulk",
                                                   codebook_version=codebook.version)
        print(json.dumps({"action_id": action_id, "codings": len(ids)}), flush=True)


def start_merge(project: Path, target: str):
    """Start a process merging the two active codes with most codings into new ``target``.

    It plans the merge, prints ``{"version", "sources", "remove", "add"}`` (JSON)
    just before storing it, and ``done`` once stored: a kill after the first line
    lands in the middle of the merge.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store_load", "merge", str(project), target],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _merge(project_root: str, target: str) -> None:
    from workbench.codebook import revisions, service
    from workbench.codebook.model import Code
    from workbench.project import Project

    with Project.open(project_root, overrides={"actor": "merger"}) as project:
        codebook = service.require(project)
        codings = project.store.codings()
        largest = codings["code_id"].value_counts().index.tolist()
        sources = [*largest, *(c.id for c in codebook.active if c.id not in largest)][:2]
        plan = revisions.merge(codebook, sources, Code(id=target, label=f"Merged {target}"),
                               codings, "merger")  # fmt: skip
        planned = {"version": plan.codebook.version, "sources": sources,
                   "remove": len(plan.remove), "add": len(plan.add)}  # fmt: skip
        print(json.dumps(planned), flush=True)
        service.apply(project, plan)
        print("done", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        _writer(*sys.argv[2:8])
    elif sys.argv[1] == "import":
        _import(*sys.argv[2:5])
    elif sys.argv[1] == "coder":
        _coder(*sys.argv[2:8])
    elif sys.argv[1] == "reviser":
        _reviser(*sys.argv[2:7])
    elif sys.argv[1] == "bulk-code":
        _bulk_code(*sys.argv[2:5])
    elif sys.argv[1] == "merge":
        _merge(*sys.argv[2:4])
