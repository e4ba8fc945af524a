"""Published app under load: render time with 1, 10 and 20 concurrent viewers, and memory.

Serves an app folder the way the README says (``workbench serve``: Voila standalone
with the folder's ``voila.py``), then for each number of viewers starts a fresh Voila
and opens that many pages at once in headless Chromium, each in its own browser
context (its own cookies and kernel). For each page it times navigation start to
widgets shown (Voila's spinner gone, a widget view drawn: ``performance.now()`` then)
and reports p50/p95/max; while all pages are open it reads the resident memory (RSS)
of every kernel (the children of the Voila process) and says whether any kernel has
torch loaded (``libtorch`` or ``torch/`` in ``/proc/<pid>/maps``: code cannot be run
in a viewer's kernel to ask it)::

    python benchmarks/bench_app.py                      # the demo, published (pool 20)
    python benchmarks/bench_app.py --app OUT_DIR        # a published app, as published
    python benchmarks/bench_app.py --viewers 1 10 20 --json results.json

Each level is measured for the app and for a bare Voila page (one small widget
notebook, a kernel started per viewer: what a plain ``voila`` gives) in the same run,
and the app's times are also given as ratios to the bare page's. A published app
keeps a pool of kernels with the app already run (``workbench publish --pool``): the
benchmark waits until the pool is full before the viewers arrive, as a server that
has been up for a minute would be. The browsers run on the same machine as the
server, so render times include their CPU too.

Targets (issue 10): p95 <= 5 s at 20 viewers, <= 150 MB per kernel, no torch.
Needs ``pip install playwright`` (never ``playwright install``) and ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_line, machine  # noqa: E402
from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    WIDGETS_SHOWN_JS,
    VoilaServer,
    build_test_app,
)
from workbench.publish.serve import voila_config_text  # noqa: E402

TARGET_P95_S = 5.0
TARGET_KERNEL_MB = 150.0


def children(pid: int) -> list[int]:
    """All descendants of ``pid`` (psutil when installed, else ``/proc``)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            return [p.pid for p in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


def cmdline(pid: int) -> str:
    """The command line of ``pid`` ('' when gone)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (``VmRSS`` of ``/proc/<pid>/status``)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def has_torch(pid: int) -> bool:
    """Whether the process has torch's libraries or modules mapped."""
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as handle:
            maps = handle.read()
    except OSError:
        return False
    return "libtorch" in maps or "/torch/" in maps


def kernels(voila_pid: int) -> list[int]:
    """Kernel processes started by Voila."""
    return [pid for pid in children(voila_pid) if "ipykernel" in cmdline(pid)]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def open_viewers(url: str, count: int, timeout_s: float) -> tuple[list[float], list]:
    """Open ``count`` pages at once; return their render times (s) and the open pages."""
    from playwright.async_api import async_playwright

    playwright = await async_playwright().start()
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    contexts = [await browser.new_context() for _ in range(count)]
    pages = [await context.new_page() for context in contexts]

    async def one(page) -> float:
        await page.goto(url, timeout=timeout_s * 1000)
        handle = await page.wait_for_function(
            WIDGETS_SHOWN_JS, arg=".jupyter-widgets", timeout=timeout_s * 1000
        )
        return float(await handle.json_value()) / 1000

    times = await asyncio.gather(*(one(page) for page in pages))
    return list(times), [playwright, browser, contexts]


async def close_viewers(handles: list) -> None:
    """Close what :func:`open_viewers` opened."""
    playwright, browser, contexts = handles
    for context in contexts:
        await context.close()
    await browser.close()
    await playwright.stop()


async def serve_viewers(url: str, count: int, timeout_s: float) -> list[float]:
    """What ``count`` viewers at once wait for from the server alone (no browser).

    Each fetches the page (Voila runs the app, or takes a pooled kernel that has),
    opens the kernel's websocket as the page does and asks for every widget's state
    (the ``jupyter.widget.control`` comm), as the page's widget manager does; the time
    is from the request to the last widget state received.
    """
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    client = AsyncHTTPClient(max_clients=count)

    async def one(index: int) -> float:
        started = time.perf_counter()
        page = await client.fetch(url, request_timeout=timeout_s)
        found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page.body.decode())
        if found is None:
            raise RuntimeError(f"no kernel id in the page of {url}")
        socket = await websocket_connect(
            url.replace("http", "ws", 1).rstrip("/")
            + f"/api/kernels/{found.group(1)}/channels?session_id=bench-{index}")
        header = {"msg_id": f"m{index}", "session": f"bench-{index}", "username": "viewer",
                  "version": "5.3", "date": ""}
        for msg_type, content in (
            ("comm_open", {"comm_id": f"c{index}", "target_name": "jupyter.widget.control",
                           "data": {}}),
            ("comm_msg", {"comm_id": f"c{index}", "data": {"method": "request_states"}}),
        ):
            socket.write_message(json.dumps({
                "header": {**header, "msg_type": msg_type, "msg_id": f"{msg_type}{index}"},
                "parent_header": {}, "metadata": {"version": "1.0.0"}, "content": content,
                "channel": "shell", "buffers": []}))
        while True:
            message = await asyncio.wait_for(socket.read_message(), timeout_s)
            if message is None:
                raise RuntimeError("the kernel's websocket closed")
            if isinstance(message, str) and "update_states" in message:
                break
        socket.close()
        return time.perf_counter() - started

    return list(await asyncio.gather(*(one(i) for i in range(count))))


def run_server_level(app: Path, count: int, timeout_s: float, log_dir: Path) -> dict:
    """One concurrency level of :func:`serve_viewers` on a fresh server."""
    server = VoilaServer(app, log_path=log_dir / f"voila-{app.name}-{count}-http.log").start()
    pool = pool_size(app)
    if pool:
        wait_for_pool(server.pid, pool)
    try:
        times = asyncio.run(serve_viewers(server.url, count, timeout_s))
    finally:
        server.stop()
    return {"viewers": count, "p50": statistics.median(times),
            "p95": percentile(times, 0.95), "max": max(times)}


def pool_size(app: Path) -> int:
    """The pre-heated kernels the app's ``voila.py`` asks for (0 when none)."""
    text = (app / "voila.py").read_text(encoding="utf-8") if (app / "voila.py").exists() else ""
    if "preheat_kernel = True" not in text:
        return 0
    found = re.search(r"default_pool_size = (\d+)", text)
    return int(found.group(1)) if found else 1


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_pool(voila_pid: int, size: int, timeout_s: float = 300.0) -> float:
    """Wait until ``size`` kernels run and have stopped working; return the seconds waited."""
    started = time.perf_counter()
    last = -1.0
    while time.perf_counter() - started < timeout_s:
        pids = kernels(voila_pid)
        used = sum(cpu_seconds(pid) for pid in pids)
        if len(pids) >= size and abs(used - last) < 0.05:
            break
        last = used
        time.sleep(1.0)
    return time.perf_counter() - started


def run_level(app: Path, count: int, timeout_s: float, log_dir: Path) -> dict:
    """One concurrency level, in one event loop (open, measure, close)."""
    server = VoilaServer(app, log_path=log_dir / f"voila-{app.name}-{count}.log").start()
    pool = pool_size(app)
    pool_wait = wait_for_pool(server.pid, pool) if pool else 0.0

    async def level() -> dict:
        started = time.perf_counter()
        times, handles = await open_viewers(server.url, count, timeout_s)
        wall = time.perf_counter() - started
        pids = kernels(server.pid)
        memory = [rss_mb(pid) for pid in pids]
        torch = [pid for pid in pids if has_torch(pid)]
        voila_mb = rss_mb(server.pid)
        await close_viewers(handles)
        return {
            "viewers": count,
            "render_s": {"p50": statistics.median(times), "p95": percentile(times, 0.95),
                         "max": max(times), "all": [round(t, 3) for t in sorted(times)]},
            "wall_s": round(wall, 3),
            "kernels": len(pids),
            "kernel_rss_mb": {
                "mean": round(statistics.fmean(memory), 1) if memory else None,
                "max": round(max(memory), 1) if memory else None,
            },
            "voila_rss_mb": round(voila_mb, 1),
            "torch_in_kernels": bool(torch),
            "pool": pool, "pool_fill_s": round(pool_wait, 1),
        }  # fmt: skip

    try:
        return asyncio.run(level())
    finally:
        server.stop()


def demo_app(folder: Path, pool: int) -> Path:
    """The demo project, coded and clustered, published into ``folder`` (every quote)."""
    from workbench.demo.builder import ready_to_publish
    from workbench.project import Project
    from workbench.publish.publisher import publish

    ready_to_publish(folder / "project")
    with Project.open(folder / "project") as project:
        publish(project, folder / "app", approve_pending=True, pool=pool,
                review_path=folder / "review.yaml")  # fmt: skip
    return folder / "app"


def _row(label: str, r: dict, bare: dict | None) -> str:
    render, memory = r["render_s"], r["kernel_rss_mb"]
    ratio = f"{render['p95'] / bare['render_s']['p95']:>6.2f}x" if bare else f"{'':>7}"
    return (f"{label:<5} {r['viewers']:>7} {render['p50']:>7.2f} {render['p95']:>7.2f} "
            f"{render['max']:>7.2f} {ratio} {r['pool']:>4} {r['kernels']:>7} "
            f"{memory['mean'] or 0:>9.1f} {memory['max'] or 0:>7.1f} "
            f"{r['voila_rss_mb']:>8.1f} {'YES' if r['torch_in_kernels'] else 'no'}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (and write JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, help="a published app folder (default: the demo, "
                        "published with --pool)")
    parser.add_argument("--pool", type=int, help="kernel pool of the published demo "
                        "(default: the most viewers measured)")
    parser.add_argument("--viewers", type=int, nargs="+", default=[1, 10, 20])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per page")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    info = machine()
    print(f"Machine: {cpu_line(info)}; load {info['load_before']}")
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        tmp_path = Path(tmp)
        bare_app = build_test_app(tmp_path / "bare", "bench")
        (bare_app / "voila.py").write_text(
            voila_config_text(pool=0), encoding="utf-8")  # a kernel per viewer, as plain voila
        app = (args.app.resolve() if args.app
               else demo_app(tmp_path / "demo", args.pool or max(args.viewers)))
        print(f"App: {app}{'' if args.app else ' (the demo, published)'}")
        results, bare, server_side = [], [], []
        for n in args.viewers:
            bare.append(run_level(bare_app, n, args.timeout, tmp_path))
            results.append(run_level(app, n, args.timeout, tmp_path))
            server_side.append({"viewers": n,
                                "bare": run_server_level(bare_app, n, args.timeout, tmp_path),
                                "app": run_server_level(app, n, args.timeout, tmp_path)})

    print(f"{'page':<5} {'viewers':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'vs bare':>7} "
          f"{'pool':>4} {'kernels':>7} {'kernel MB':>9} {'max MB':>7} {'voila MB':>8} torch")
    for r, b in zip(results, bare, strict=True):
        print(_row("bare", b, None))
        print(_row("app", r, b))
    print("\nServer alone (no browser): the page fetched, the kernel's websocket opened and "
          "every widget state received")
    print(f"{'viewers':>7} {'bare p50':>9} {'bare p95':>9} {'app p50':>8} {'app p95':>8} "
          f"{'app/bare':>8}")
    for level in server_side:
        b, a = level["bare"], level["app"]
        print(f"{level['viewers']:>7} {b['p50']:>9.2f} {b['p95']:>9.2f} {a['p50']:>8.2f} "
              f"{a['p95']:>8.2f} {a['p95'] / b['p95']:>7.2f}x")
    worst = results[-1]
    p95_ok = worst["render_s"]["p95"] <= TARGET_P95_S
    kernel_max = max(r["kernel_rss_mb"]["max"] or 0 for r in results)
    torch = any(r["torch_in_kernels"] for r in results)
    served = server_side[-1]["app"]["p95"] <= TARGET_P95_S
    print(f"Targets: p95 <= {TARGET_P95_S} s at {worst['viewers']} viewers: in the browser "
          f"{'met' if p95_ok else 'MISSED'}, from the server {'met' if served else 'MISSED'}; "
          f"<= {TARGET_KERNEL_MB} MB per kernel: "
          f"{'met' if kernel_max <= TARGET_KERNEL_MB else 'MISSED'} ({kernel_max:.1f} MB); "
          f"torch in a kernel: {'YES' if torch else 'no'}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "app": str(args.app or "demo"),
                                         "results": results, "bare": bare,
                                         "server": server_side}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
