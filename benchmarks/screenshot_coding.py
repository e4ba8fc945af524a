"""Look at the coding app by eye: JupyterLab in headless Chromium, then a screenshot.

Not part of the test run. It builds the demo project (with the small test codebook
and a few comments queued) in a temporary folder, starts JupyterLab on
``notebooks/`` with ``WORKBENCH_PROJECT`` and ``WORKBENCH_CODER`` set, opens
``04-code.ipynb`` in Chromium through Playwright, runs every cell, then acts as a
coder would: clicks a code, presses ``n`` and ``p``, selects a passage with the mouse
and clicks a code to code it. It checks in the project that the passage stored is
the text selected, saves screenshots, and then times how long the next comment
takes to show after pressing ``n`` and after clicking Next (browser included)::

    python benchmarks/screenshot_coding.py            # -> /tmp/coding-app.png
    python benchmarks/screenshot_coding.py --out /tmp/shot.png --keep

Needs ``pip install playwright`` (the Python package only: never ``playwright
install``) and Debian's Chromium at ``/usr/bin/chromium`` (``apt-get install
chromium``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The demo's Reddit reply three levels down (parents above it, a reply below).
DEEP = "reddit:t1_mhb018k"
#: A comment with a flag emoji before the text selected (UTF-16 offsets differ).
EMOJI = "facebook:12b0bb961b7b5d982b7a"
SELECTED = "Thank you"


def build_project(folder: Path) -> None:
    """The demo project with the small codebook, three comments queued, one coded by ann."""
    from tests.test_coding_session import SMALL
    from workbench.codebook import service
    from workbench.demo.builder import build_demo_project
    from workbench.project import Project

    build_demo_project(folder)
    with Project.open(folder) as project:
        service.adopt(project, SMALL)
        project.store.queue_add([DEEP, EMOJI, "reddit:t1_mhb01jw"], "search: waiting", "ann")
        project.store.add_codings([{"comment_id": DEEP, "code_id": "delays", "coder": "ann",
                                    "span_start": 0, "span_end": 20, "memo": "first words"}],
                                  "ann", codebook_version=1)  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_lab(project: Path, port: int, token: str, log: Path) -> subprocess.Popen:
    bin_dir = Path(sys.executable).parent
    settings = log.parent / "lab-settings"
    quiet = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    quiet.parent.mkdir(parents=True, exist_ok=True)
    quiet.write_text('{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8")
    env = {**os.environ, "WORKBENCH_PROJECT": str(project), "WORKBENCH_CODER": "ann",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(log.parent / "jupyter-config"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings)}  # fmt: skip
    command = [str(bin_dir / "jupyter"), "lab", "--no-browser", f"--port={port}",
               "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=", "--ServerApp.disable_check_xsrf=True"]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")
    handle = log.open("w")
    lab = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}",
                                        timeout=2):  # fmt: skip
                return lab
        except OSError:
            if lab.poll() is not None:
                break
            time.sleep(0.5)
    lab.terminate()
    raise SystemExit(f"JupyterLab did not start; see {log}")


def drive(url: str, out: Path, clicks: int = 40) -> dict:
    """Open the notebook, run it, code like a coder; return what was seen."""
    from playwright.sync_api import sync_playwright

    seen: dict = {}
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1900})
        page.set_default_timeout(60_000)
        try:
            page.goto(url)
            page.wait_for_selector(".jp-Notebook")
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell")
            page.wait_for_selector("text=| Idle")  # the kernel is ready
            # Commands return promises that end when the work does: do not wait on them.
            page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area'); 0")
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells'); 0")
            seen.update(_code_like_a_coder(page, out, clicks))
        except Exception:
            page.screenshot(path=str(out.with_name(out.stem + "-failed.png")))
            raise
        finally:
            browser.close()
    return seen


def _code_like_a_coder(page: object, out: Path, clicks: int) -> dict:
    """Click a code, press n, select a passage and code it, press p; screenshots."""
    seen: dict = {}
    app = page.wait_for_selector(".workbench-coding .wb-passage-text", timeout=180_000)
    page.wait_for_timeout(1500)
    status = page.locator(".workbench-coding").first
    seen["first"] = app.inner_text()[:80]

    toggle = page.locator(".workbench-coding .widget-toggle-button",
                          has_text="Waiting times").first  # fmt: skip
    toggle.click()
    page.wait_for_timeout(800)
    seen["after click"] = status.inner_text().split("\n")[0]
    page.keyboard.press("n")  # focus is in the app (the toggle): next comment
    page.wait_for_timeout(800)
    seen["after n"] = page.locator(".wb-passage-text").first.inner_text()[:80]

    text = page.locator(".wb-passage-text").first
    box_text = text.inner_text()
    seen["emoji comment"] = box_text[:60]
    start = box_text.index(SELECTED)
    page.evaluate(
        """([start, length]) => {
            const box = document.querySelector('.wb-passage-text');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let node, seen = 0, range = document.createRange(), begun = false;
            while ((node = walker.nextNode())) {
              const n = node.data.length;
              if (!begun && seen + n >= start) { range.setStart(node, start - seen); begun = true; }
              if (begun && seen + n >= start + length) {
                range.setEnd(node, start + length - seen); break;
              }
              seen += n;
            }
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
            box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        [len(box_text[:start].encode("utf-16-le")) // 2, len(SELECTED)],
    )  # fmt: skip
    page.wait_for_timeout(800)
    seen["selection note"] = page.locator(".workbench-coding").first.inner_text().split(
        "Passage selected")[-1][:90]  # fmt: skip
    page.locator(".workbench-coding .widget-toggle-button", has_text="Delays").first.click()
    page.wait_for_timeout(1000)
    page.keyboard.press("p")
    page.wait_for_timeout(800)
    page.mouse.move(5, 5)
    page.locator(".workbench-coding").first.screenshot(path=str(out))
    page.screenshot(path=str(out.with_name(out.stem + "-page.png")), full_page=True)
    page.keyboard.press("n")
    page.wait_for_timeout(800)
    page.locator(".workbench-coding").first.screenshot(
        path=str(out.with_name(out.stem + "-passage.png")))  # fmt: skip
    seen["errors shown"] = page.locator(".workbench-coding").first.inner_text().count("Error:")
    seen.update(_latency(page, clicks))
    return seen


def _latency(page: object, clicks: int) -> dict:
    """Milliseconds from pressing n (or clicking Next) to the next comment on screen."""
    page.locator(".workbench-coding select").first.select_option(label="Uncoded comments")
    page.locator(".workbench-coding button", has_text="Open").first.click()
    page.wait_for_timeout(1500)
    found: dict = {}
    for how in ("key n", "Next button"):
        times = []
        for _ in range(clicks):
            old = page.locator(".wb-passage-text").first.inner_text()
            started = time.perf_counter()
            if how == "key n":
                page.keyboard.press("n")
            else:
                page.locator(".workbench-coding button", has_text="Next").first.click()
            page.wait_for_function(
                "(old) => document.querySelector('.wb-passage-text').innerText !== old",
                arg=old, polling="raf")  # fmt: skip
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        found[f"on screen after {how} (ms, p50 / p95 / max of {clicks})"] = (
            round(times[len(times) // 2], 1), round(times[int(0.95 * (len(times) - 1))], 1),
            round(times[-1], 1))  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/coding-app.png"))
    parser.add_argument("--keep", action="store_true", help="keep the project and logs")
    parser.add_argument("--clicks", type=int, default=40, help="timed next clicks")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coding-screenshot-"))
    project = work / "demo-project"
    build_project(project)
    port, token = free_port(), secrets.token_hex(16)
    lab = start_lab(project, port, token, work / "lab.log")
    try:
        seen = drive(f"http://127.0.0.1:{port}/lab/tree/04-code.ipynb?token={token}", args.out,
                     args.clicks)
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
    from workbench.project import Project

    with Project.open(project) as opened:
        codings = opened.store.codings(coder="ann")
        text = opened.store.comments().set_index("comment_id").at[EMOJI, "text"]
    passages = codings.loc[codings["comment_id"] == EMOJI]
    stored = [text[int(r.span_start):int(r.span_end)] for r in passages.itertuples()]
    for name, value in seen.items():
        print(f"{name}: {value!r}")
    print(f"codings by ann: {len(codings)}; passage stored for the emoji comment: {stored}")
    print(f"screenshots: {args.out} (and -page, -passage)")
    if stored != [SELECTED]:
        raise SystemExit(f"the passage stored is {stored}, not [{SELECTED!r}]")
    if args.keep:
        print(f"project and JupyterLab log kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
