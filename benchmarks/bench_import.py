"""Benchmark: import a large Reddit NDJSON dump end to end into a project.

Each measurement runs in a fresh subprocess so its peak memory is its own:

* ``pandas-default``: ``pandas.read_json(path, lines=True)`` (parse only)
* ``pandas-pyarrow``: ``pandas.read_json(path, lines=True, engine="pyarrow")``
* ``workbench-import``: ``Project.import_files`` (parse, normalise, pseudonymise,
  store in SQLite, one committed transaction), language detection off; also
  timed until the background WAL checkpoint that follows has finished
* ``workbench-languages``: the language-labelling pass that follows an import

The same file is used for every measurement of a size; results are reported as
ratios against the pandas baselines of the same run, and written to
``benchmarks/results/import.json``.

Usage: ``python benchmarks/bench_import.py [--lines 1000000] [--small 250000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def child(kind: str, path: Path) -> dict:
    """Run one measurement in this process and return its numbers."""
    import pandas as pd

    from workbench.project import Project

    work = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    project = None
    if kind.startswith("workbench"):
        project = Project.init(work / "project", actor="bench")
        project.settings["detect_language"] = False
    base = _rss_mb()
    start = time.perf_counter()
    rows = 0
    if kind == "pandas-default":
        rows = len(pd.read_json(path, lines=True))
    elif kind == "pandas-pyarrow":
        rows = len(pd.read_json(path, lines=True, engine="pyarrow"))
    elif kind in ("workbench-import", "workbench-languages"):
        report = project.import_files([path])
        rows = report.totals()["rows"]
        if kind == "workbench-languages":
            start = time.perf_counter()
            base = _rss_mb()
            rows = project.detect_languages()
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    seconds = time.perf_counter() - start
    extra = {}
    if kind == "workbench-import":
        project.store.wait_for_checkpoint()
        extra["seconds_with_checkpoint"] = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if project is not None:
        project.close()
    shutil.rmtree(work, ignore_errors=True)
    return {"kind": kind, "rows": rows, "seconds": seconds, "extra_peak_mb": peak - base, **extra}


def measure(kind: str, path: Path) -> dict:
    """Run :func:`child` in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=250_000,
                        help="a smaller size, to show memory stays flat as files grow")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return

    from generate_dump import generate

    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict = {"sizes": {}}
    for lines in (args.small, args.lines):
        path = generate(RESULTS / f"dump-{lines}.ndjson", lines)
        size_mb = path.stat().st_size / 2**20
        print(f"\n{lines:,} lines, {size_mb:.0f} MiB ({path})", flush=True)
        kinds = ["workbench-import", "workbench-languages"]
        if lines == args.lines:
            kinds = ["pandas-default", "pandas-pyarrow", *kinds]
        results = {}
        for kind in kinds:
            result = measure(kind, path)
            results[kind] = result
            note = ""
            if "seconds_with_checkpoint" in result:
                note = f"  ({result['seconds_with_checkpoint']:.2f} s with the WAL checkpoint)"
            print(f"  {kind:20} {result['seconds']:7.2f} s  "
                  f"{result['rows'] / result['seconds']:>10,.0f} rows/s  "
                  f"peak +{result['extra_peak_mb']:,.0f} MiB{note}", flush=True)
        report["sizes"][lines] = {"mib": size_mb, "results": results}
    big = report["sizes"][args.lines]["results"]
    wb = big["workbench-import"]
    ratios = {
        "import_vs_pandas_default_time": wb["seconds"] / big["pandas-default"]["seconds"],
        "import_vs_pandas_pyarrow_time": wb["seconds"] / big["pandas-pyarrow"]["seconds"],
        "import_with_checkpoint_vs_pandas_pyarrow_time":
            wb["seconds_with_checkpoint"] / big["pandas-pyarrow"]["seconds"],
        "import_vs_pandas_default_memory":
            wb["extra_peak_mb"] / big["pandas-default"]["extra_peak_mb"],
        "import_memory_large_vs_small":
            wb["extra_peak_mb"]
            / report["sizes"][args.small]["results"]["workbench-import"]["extra_peak_mb"],
    }
    report["ratios"] = ratios
    print("\nratios (same run):")
    for name, value in ratios.items():
        print(f"  {name:36} {value:6.2f}x")
    print("targets: import_vs_pandas_default_time < 1; import_vs_pandas_pyarrow_time < 15; "
          "memory large/small close to 1")
    (RESULTS / "import.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
