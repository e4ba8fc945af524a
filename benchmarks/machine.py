"""The machine a benchmark ran on, to print and store beside its numbers.

Machines differ from session to session (some CPUs have AMX and AVX512-BF16,
others neither) and are shared, so every benchmark reports the CPU, its cores,
those instruction sets, the Python and SQLite versions and the load it started at.
"""

from __future__ import annotations

import os
import platform
import sqlite3


def machine() -> dict:
    """CPU model, cores (all and usable), AMX / AVX512-BF16 flags, versions, load."""
    model, flags = "", set()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name") and not model:
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": model or platform.processor() or "unknown CPU",
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "amx": sorted(f for f in flags if f.startswith("amx")),
        "avx512_bf16": "avx512_bf16" in flags,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_before": os.getloadavg(),
    }


def cpu_line(info: dict | None = None) -> str:
    """``info`` (default: this machine) as one line for a report."""
    info = info or machine()
    amx = ", ".join(info["amx"]) or "no AMX"
    bf16 = "AVX512-BF16" if info["avx512_bf16"] else "no AVX512-BF16"
    return (f"{info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {amx}, "
            f"{bf16}; Python {info['python']}, SQLite {info['sqlite']}")
