"""How many CPU threads an embedding run should use.

Two torch threads on a two-core machine where another process already holds a core
run slower than one, so the count follows the cores that are free *now*, not the
core count: CPU time is sampled from ``/proc/stat`` for a fraction of a second and
this process's own share is left out.
"""

from __future__ import annotations

import os
import time


def _cgroup_quota() -> float | None:
    """CPUs allowed by a cgroup v2 quota (containers), or None without one."""
    try:
        quota, period = open("/sys/fs/cgroup/cpu.max", encoding="ascii").read().split()[:2]
    except (OSError, ValueError):
        return None
    return None if quota == "max" else max(1.0, int(quota) / int(period))


def usable_cores() -> int:
    """Cores this process may use: its affinity mask, capped by a container's quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cores = os.cpu_count() or 1
    quota = _cgroup_quota()
    return max(1, min(cores, int(quota))) if quota else cores


def _busy_jiffies() -> tuple[int, int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def busy_cores_elsewhere(window: float = 0.25) -> float:
    """Cores kept busy by other processes, averaged over ``window`` seconds.

    Falls back to the one-minute load average where ``/proc/stat`` is missing.
    """
    before = _busy_jiffies()
    if before is None:  # pragma: no cover - not Linux
        try:
            return float(os.getloadavg()[0])
        except OSError:
            return 0.0
    own_before = time.process_time()
    start = time.perf_counter()
    time.sleep(window)
    after = _busy_jiffies()
    elapsed = time.perf_counter() - start
    own = time.process_time() - own_before
    assert after is not None
    busy, total = after[0] - before[0], after[1] - before[1]
    if total <= 0:
        return 0.0
    cores = os.cpu_count() or 1
    return max(0.0, busy / total * cores - own / elapsed)


def free_threads(requested: int = 0) -> int:
    """Threads to use: ``requested`` when positive, else the free cores (at least 1)."""
    if requested > 0:
        return requested
    return max(1, min(usable_cores(), round(usable_cores() - busy_cores_elsewhere())))
