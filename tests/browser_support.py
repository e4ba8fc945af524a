"""Real Voila in real headless Chromium, for the tests of published apps.

- :class:`VoilaServer` starts Voila standalone on an app folder (on a free port, as a
  subprocess writing to a log file), waits until it answers and stops it cleanly.
- :func:`launch_chromium` starts Debian's ``/usr/bin/chromium`` through Playwright
  (the Python package only: never ``playwright install``). Without them the browser
  tests are skipped, except where ``WORKBENCH_REQUIRE_BROWSER=1`` (``.ci/run`` sets
  it): there a missing browser is a broken install and fails.
- :class:`RequestLog` records every request a page makes; ``assert_local()`` fails
  on any to another origin (the offline proof).
- :func:`artifacts_dir` is where screenshots go (``$WORKBENCH_ARTIFACTS``, default
  ``tests/artifacts/``, git-ignored).
- :func:`wait_for_widgets` waits until Voila's spinner is gone and widgets are drawn.
- :func:`build_test_app` writes a small app folder with a secret the page never shows.

The pytest fixtures over these (``chromium``: one browser per session;
``browser_page``: a fresh context and page with its request log) are defined here
and registered once, in ``tests/conftest.py``: a module that took its own copy would
start a second Playwright in the same thread, which fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from workbench.publish.serve import APP_NOTEBOOK, serve_command, write_serving_files

ROOT = Path(__file__).resolve().parent.parent
#: Set to ``1`` to turn "no browser" from a skip into a failure.
REQUIRE_ENV = "WORKBENCH_REQUIRE_BROWSER"
#: Where screenshots and logs of browser tests go (default ``tests/artifacts``).
ARTIFACTS_ENV = "WORKBENCH_ARTIFACTS"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Hosts a page may talk to: this machine only.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: URL schemes that never leave the page.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def browser_required() -> bool:
    """Whether this run must have the browser (``WORKBENCH_REQUIRE_BROWSER=1``)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(message: str) -> None:
    """Skip the test with ``message``, or fail it under ``WORKBENCH_REQUIRE_BROWSER=1``."""
    if browser_required():
        pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
    pytest.skip(f"{message}; set {REQUIRE_ENV}=1 to make this a failure")


def artifacts_dir(*parts: str) -> Path:
    """A folder for test artefacts (``$WORKBENCH_ARTIFACTS`` or ``tests/artifacts``)."""
    base = Path(os.environ.get(ARTIFACTS_ENV) or ROOT / "tests" / "artifacts")
    folder = base.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- Voila ------------------------------------------------------------------------------


@dataclass
class VoilaServer:
    """Voila standalone serving one app folder, as a subprocess.

    Parameters
    ----------
    app_dir
        The app folder (with ``app.ipynb`` and the files of ``write_serving_files``).
    log_path
        Where Voila's output goes (default ``app_dir/../voila-<port>.log``).
    mode
        ``"serve"``: :func:`serve_command` (``workbench serve``), from another folder;
        ``"cwd"``: ``voila app.ipynb`` started inside the app folder (what the README
        also offers); ``"bare"``: ``voila /abs/app.ipynb`` from another folder, so
        the app folder's settings are *not* read (Voila's own defaults).
    port
        Default: a free port.
    """

    app_dir: Path
    log_path: Path | None = None
    mode: str = "serve"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """The app's page."""
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> tuple[list[str], Path]:
        """The argument list and working folder for :attr:`mode`."""
        app_dir = Path(self.app_dir).resolve()
        neutral = app_dir.parent
        if self.mode == "serve":
            return serve_command(app_dir, self.port, ip="127.0.0.1"), neutral
        voila = [sys.executable, "-m", "voila", "--no-browser",
                 f"--port={self.port}", "--Voila.ip=127.0.0.1"]  # fmt: skip
        if self.mode == "cwd":
            # The console script, as a user types it: `python -m voila` started in the
            # app folder would import the folder's voila.py (the config) as the package.
            script = str(Path(sys.executable).parent / "voila")
            return [script, *voila[3:], APP_NOTEBOOK], app_dir
        if self.mode == "bare":
            return [*voila, str(app_dir / APP_NOTEBOOK)], neutral
        raise ValueError(f"mode ({self.mode!r}) must be 'serve', 'cwd' or 'bare'")

    def start(self, timeout: float = 120.0) -> VoilaServer:
        """Start Voila and wait until its page answers (raise with its log if not)."""
        command, cwd = self.command()
        if self.log_path is None:
            self.log_path = Path(self.app_dir).resolve().parent / f"voila-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if k != "JUPYTER_PATH"}
        env["PYTHONUNBUFFERED"] = "1"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Voila did not listen on {self.port} within {timeout} s:\n{self.log()}")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop Voila (SIGTERM, then SIGKILL) and the kernels it started."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout)
        # Kernels are in Voila's process group (start_new_session): none may outlive it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, 15)

    @property
    def pid(self) -> int:
        """Voila's process id."""
        if self.process is None:
            raise RuntimeError("Voila is not running")
        return self.process.pid

    def log(self) -> str:
        """Voila's output so far."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        """GET ``path`` sent byte for byte (no ``..`` clean-up, no redirects)."""
        status, body, _ = self.get_following(path, hops=0)
        return status, body

    def get_following(self, path: str, hops: int = 5) -> tuple[int, str, str]:
        """GET ``path`` raw, following same-server redirects: ``(status, body, final path)``."""
        import http.client

        for _ in range(hops + 1):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.putrequest("GET", path, skip_accept_encoding=True)
                conn.endheaders()
                response = conn.getresponse()
                body = response.read().decode("utf-8", errors="replace")
                location = response.getheader("Location")
            finally:
                conn.close()
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response.status, body, path
            parts = urlsplit(location)
            if parts.hostname not in (None, *LOCAL_HOSTS):
                return response.status, body, location
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        return response.status, body, path

    def __enter__(self) -> VoilaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_until_answers(url: str, timeout: float = 60.0) -> None:
    """Wait until ``url`` answers with any HTTP status."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# -- Chromium ---------------------------------------------------------------------------


def playwright_or_skip():
    """``playwright.sync_api.sync_playwright``; skip (fail under CI) without it or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        skip_or_fail(f"playwright is not installed (pip install playwright): {exc}")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return sync_playwright


def launch_chromium(playwright):
    """Launch Debian's headless Chromium with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


@dataclass
class RequestLog:
    """Every request a page (or a whole context) makes: attach with :meth:`attach`."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, page, context=None) -> RequestLog:
        """Record the requests of ``context`` (default: of ``page``), and the page's
        websockets and console errors and warnings."""
        source = context if context is not None else page
        source.on("request", lambda r: self.requests.append((r.method, r.url)))
        source.on("requestfailed", lambda r: self.failed.append((r.url, str(r.failure))))
        page.on("websocket", lambda ws: self.requests.append(("WEBSOCKET", ws.url)))
        page.on("console", self._console)
        return self

    def _console(self, message) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text}")

    def remote(self) -> list[str]:
        """URLs of requests to anywhere but this machine."""
        return [url for _, url in self.requests if not is_local(url)]

    def assert_local(self) -> None:
        """Fail when any request went to another origin."""
        remote = self.remote()
        assert not remote, f"page requested non-local URLs (not offline): {remote}"


def is_local(url: str) -> bool:
    """Whether ``url`` stays on this machine (loopback host or a local scheme)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


#: Voila 0.5's page is ready when its spinner is gone, the cells are shown and at
#: least one widget view is drawn. Returns ``performance.now()`` (ms since navigation).
WIDGETS_SHOWN_JS = """(selector) => {
    if (document.getElementById('loading')) return false;
    const cells = document.getElementById('rendered_cells');
    if (!cells || cells.style.display === 'none') return false;
    const views = [...document.querySelectorAll(selector)].filter(
        (el) => el.offsetWidth > 0 || el.offsetHeight > 0);
    return views.length > 0 ? performance.now() : false;
}"""


def wait_for_widgets(page, selector: str = ".jupyter-widgets", timeout: float = 60.0) -> float:
    """Wait until Voila shows its widgets; return ms from navigation start to then.

    Fails when a widget shows Voila's "Error displaying widget" placeholder.
    """
    handle = page.wait_for_function(WIDGETS_SHOWN_JS, arg=selector, timeout=timeout * 1000)
    shown_ms = float(handle.json_value())
    errors = page.locator(".jupyter-widgets-error, .jp-RenderedText[data-mime-type="
                          "'application/vnd.jupyter.stderr']")  # fmt: skip
    if errors.count():
        raise AssertionError(f"widget error on the page: {errors.first.inner_text()[:500]}")
    return shown_ms


def page_config(page) -> dict:
    """Voila's ``jupyter-config-data`` of the page (``kernelId``, ``baseUrl``, ...)."""
    import json

    return json.loads(page.locator("#jupyter-config-data").text_content() or "{}")


# -- A small app ------------------------------------------------------------------------

#: Cells of the test app: a secret read by the kernel and never shown, and widgets.
TEST_APP_CELLS = [
    "from pathlib import Path\n"
    "import ipywidgets as w\n"
    "SECRET = Path('private/secret.txt').read_text(encoding='utf-8').strip()",
    "count = w.IntText(value=0, description='Count')\n"
    "button = w.Button(description='Add one')\n"
    "button.on_click(lambda _: setattr(count, 'value', count.value + 1))\n"
    "w.VBox([w.HTML('<h1>Test app</h1><p>Nothing secret here.</p>'), count, button])",
]


def build_test_app(out_dir: Path, secret: str) -> Path:
    """A small app folder: ``app.ipynb`` with widgets, serving files, a private secret.

    The kernel reads ``private/secret.txt`` into ``SECRET`` and never displays it,
    so the secret reaches a viewer only through a hole. The secret is not in the
    notebook's source either.
    """
    import nbformat

    out_dir = Path(out_dir)
    (out_dir / "private").mkdir(parents=True, exist_ok=True)
    (out_dir / "private" / "secret.txt").write_text(secret + "\n", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in TEST_APP_CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}  # fmt: skip
    nbformat.write(notebook, out_dir / APP_NOTEBOOK)
    write_serving_files(out_dir, pool=1)
    return out_dir


# -- pytest fixtures --------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    """One headless Chromium for the session (skipped without it, failed under CI)."""
    sync_playwright = playwright_or_skip()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class BrowserPage:
    """A fresh page in its own context, with its :class:`RequestLog`."""

    page: object
    requests: RequestLog

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot as a test artefact; return its path."""
        path = artifacts_dir("screenshots") / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture()
def browser_page(chromium) -> Iterator[BrowserPage]:
    """A new browser context and page recording every request it makes."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log = RequestLog().attach(page, context)
    try:
        yield BrowserPage(page, log)
    finally:
        context.close()


def copy_app(source: Path, target: Path) -> Path:
    """A private copy of an app folder (tests may write into it)."""
    shutil.copytree(source, target)
    return target


#: Installed before the page loads: remembers every WebSocket the page opens.
RECORD_SOCKETS_JS = """(() => {
  const Native = window.WebSocket;
  window.__wbNativeWebSocket = Native;
  window.__wbSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__wbSockets.push(this); }
  };
})();"""

# Sends kernel messages over a kernel websocket from inside the Voila page and
# collects what comes back (used by tests/test_app_security.py through page.evaluate).
#
# args: {kernelId, socket: "own" | "fresh", requests: [{msg_type, channel, content, metadata?}],
#        control: {msg_type, channel, content}, waitMs}
# "own": the page's own kernel connection (recorded by RECORD_SOCKETS_JS before the page
# loaded), in whatever protocol the page negotiated; "fresh": a new websocket to the same
# channels URL, JSON protocol (no subprotocol).
# Returns {protocol, sent: {msg_type: msg_id}, received: [{msg_type, channel, parent, text}]}.
PROBE_JS = """async (args) => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const uuid = () =>
    (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
  const session = uuid();

  function message(req) {
    return {
      header: {
        msg_id: uuid(), msg_type: req.msg_type, session, username: "viewer",
        date: new Date().toISOString(), version: "5.3",
      },
      parent_header: {}, metadata: req.metadata || {}, content: req.content, buffers: [],
      channel: req.channel,
    };
  }

  function encodeV1(msg) {
    const parts = [enc.encode(msg.channel)].concat(
      ["header", "parent_header", "metadata", "content"].map(
        (k) => enc.encode(JSON.stringify(msg[k]))));
    const n = parts.length + 1;
    const offsets = [8 * (n + 1)];
    for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.length);
    const buf = new ArrayBuffer(offsets[offsets.length - 1]);
    const view = new DataView(buf);
    view.setBigUint64(0, BigInt(n), true);
    offsets.forEach((o, i) => view.setBigUint64(8 * (i + 1), BigInt(o), true));
    const bytes = new Uint8Array(buf);
    let pos = offsets[0];
    for (const p of parts) { bytes.set(p, pos); pos += p.length; }
    return buf;
  }

  function decode(data) {
    try {
      if (typeof data === "string") {
        const m = JSON.parse(data);
        return { msg_type: m.header && m.header.msg_type, channel: m.channel,
                 parent: m.parent_header && m.parent_header.msg_id, text: data };
      }
      const view = new DataView(data);
      const n = Number(view.getBigUint64(0, true));
      const offsets = [];
      for (let i = 0; i < n; i++) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
      const part = (i) => dec.decode(new Uint8Array(data, offsets[i], offsets[i + 1] - offsets[i]));
      const header = JSON.parse(part(1));
      const parent = JSON.parse(part(2));
      return { msg_type: header.msg_type, channel: part(0), parent: parent.msg_id,
               text: [part(1), part(2), part(3), part(4)].join("\\n") };
    } catch (error) {
      return { msg_type: "undecodable", channel: null, parent: null, text: String(error) };
    }
  }

  const path = `/api/kernels/${args.kernelId}/channels`;
  let ws;
  if (args.socket === "own") {
    ws = (window.__wbSockets || []).find(
      (s) => s.url.includes(path) && s.readyState === WebSocket.OPEN);
    if (!ws) throw new Error("the page has no open kernel websocket to " + path);
  } else {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}` +
      `?session_id=${session}`;
    ws = new (window.__wbNativeWebSocket || WebSocket)(url);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", () => reject(new Error("websocket failed: " + url)),
                          { once: true });
    });
  }
  const received = [];
  const onMessage = (event) => received.push(decode(event.data));
  ws.addEventListener("message", onMessage);
  const v1 = ws.protocol === "v1.kernel.websocket.jupyter.org";
  const send = (msg) => ws.send(v1 ? encodeV1(msg) : JSON.stringify(msg));

  const sent = {};
  for (const req of [args.control, ...args.requests]) {
    const msg = message(req);
    sent[req.msg_type + "@" + req.channel] = msg.header.msg_id;
    send(msg);
  }
  await new Promise((resolve) => setTimeout(resolve, args.waitMs));
  ws.removeEventListener("message", onMessage);
  if (args.socket !== "own") ws.close();
  return { protocol: ws.protocol, sent, received };
}
"""


def open_app(chromium, server: VoilaServer, *, record_sockets: bool = False,
             width: int = 1280) -> BrowserPage:  # fmt: skip
    """A fresh context and page on the app, widgets shown, every request recorded.

    ``record_sockets`` keeps the page's websockets for :data:`PROBE_JS`; ``width`` is
    the window's (640 px is a 1280-px window at 200 % zoom).
    """
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log = RequestLog().attach(page, context)
    if record_sockets:
        page.add_init_script(RECORD_SOCKETS_JS)
    page.goto(server.url)
    wait_for_widgets(page)
    return BrowserPage(page, log)
