"""Security of a published app served by Voila: viewers cannot run code or read files.

Against a small app folder (``tests.browser_support.build_test_app``: widgets, and a
secret the kernel reads from ``private/secret.txt`` and never shows), served the way
the README says (``workbench serve``: :func:`workbench.publish.serve.serve_command`)
and, for the kernel and file checks, also by a bare ``voila /path/app.ipynb`` that
ignores the app folder's settings (Voila's own defaults must already be safe):

- over the page's own kernel websocket (the socket the page opened, recorded by an
  init script) and over a second websocket the page opens to the same kernel, an
  ``execute_request`` (print the secret, write a file), ``complete_request`` and
  ``inspect_request`` get no reply within a few seconds and the file is not written,
  while a ``kernel_info_request`` sent the same way is answered (the probe works);
- files outside what the page needs (the app's own notebook and private files, a
  PNG and the project store beside the app folder, /etc/passwd; by ``..``, ``%2e%2e``,
  ``%2f`` and absolute paths; Jupyter's ``/api/contents``, ``/api/kernels``, ``/tree``,
  ``/lab``, ``/notebooks``, ``/files``) answer 403 or 404, after redirects;
- the page requests nothing from another origin and carries the secret nowhere.

To run it on the publisher's output, change :func:`app_dir` only.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser_support import (
    PROBE_JS,
    VoilaServer,
    artifacts_dir,
    build_test_app,
    open_app,
    page_config,
)
from workbench.publish.serve import CONTENT_SECURITY_POLICY

SECRET = "wb-secret-7f3c9a1e-do-not-show"
#: Seconds to wait for a reply that must not come.
QUIET_S = 4

@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app folder under test; beside it, a private project store with the secret.

    To test the publisher's output instead, replace the ``build_test_app`` line with
    ``publish(demo_project, root / "app")`` (and have the bundle hold no SECRET).
    """
    root = tmp_path_factory.mktemp("app-security")
    (root / "project").mkdir()
    (root / "project" / "store.sqlite").write_text(SECRET, encoding="utf-8")
    (root / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET.encode())
    return build_test_app(root / "app", SECRET)


@pytest.fixture(scope="module")
def servers(app_dir: Path):
    """``servers(mode)``: one Voila per mode (``serve``, ``cwd``, ``bare``) for the module."""
    running: dict[str, VoilaServer] = {}

    def get(mode: str) -> VoilaServer:
        if mode not in running:
            running[mode] = VoilaServer(app_dir, mode=mode).start()
        return running[mode]

    yield get
    for server in running.values():
        server.stop()


def forbidden_requests(marker: Path) -> list[dict]:
    """Requests a viewer must not get answered: run code, complete, inspect."""
    code = (f"open({str(marker)!r}, 'w').write(SECRET)\n"
            "print(SECRET)\nSECRET")  # fmt: skip
    execute = {"code": code, "silent": False, "store_history": True,
               "user_expressions": {"s": "SECRET"}, "allow_stdin": False,
               "stop_on_error": False}  # fmt: skip
    return [
        {"msg_type": "execute_request", "channel": "shell", "content": execute},
        {"msg_type": "execute_request", "channel": "control", "content": execute},
        {"msg_type": "complete_request", "channel": "shell",
         "content": {"code": "SEC", "cursor_pos": 3}},
        {"msg_type": "inspect_request", "channel": "shell",
         "content": {"code": "SECRET", "cursor_pos": 6, "detail_level": 1}},
        {"msg_type": "history_request", "channel": "shell",
         "content": {"output": True, "raw": True, "hist_access_type": "tail", "n": 10}},
    ]  # fmt: skip


KERNEL_INFO = {"msg_type": "kernel_info_request", "channel": "shell", "content": {}}


@pytest.mark.parametrize("mode", ["serve", "bare"])
@pytest.mark.parametrize("socket", ["own", "fresh"])
def test_kernel_answers_no_code_requests(chromium, servers, tmp_path, mode, socket):
    server = servers(mode)
    marker = tmp_path / f"written-by-viewer-{mode}-{socket}.txt"
    app = open_app(chromium, server, record_sockets=True)
    try:
        kernel_id = page_config(app.page)["kernelId"]
        result = app.page.evaluate(PROBE_JS, {
            "kernelId": kernel_id, "socket": socket, "control": KERNEL_INFO,
            "requests": forbidden_requests(marker), "waitMs": QUIET_S * 1000,
        })  # fmt: skip
    finally:
        app.page.context.close()
    sent = result["sent"]
    replies = [m for m in result["received"] if m["parent"] in sent.values()]
    by_type = {name: [m["msg_type"] for m in replies if m["parent"] == msg_id]
               for name, msg_id in sent.items()}  # fmt: skip
    # The probe works: the allowed request sent the same way is answered.
    assert "kernel_info_reply" in by_type["kernel_info_request@shell"], result
    forbidden = {name: types for name, types in by_type.items()
                 if not name.startswith("kernel_info") and types}  # fmt: skip
    assert not forbidden, f"kernel answered a viewer's code requests: {forbidden}"
    assert not any(SECRET in m["text"] for m in result["received"]), "secret reached the page"
    time.sleep(0.5)
    assert not marker.exists(), "a viewer's execute_request ran: it wrote a file"
    if socket == "own":
        assert result["protocol"] == "v1.kernel.websocket.jupyter.org"
    assert "which is not allowed. Ignoring" in server.log()


def probe_paths(app_dir: Path) -> list[str]:
    """Paths a viewer must not read."""
    store = (app_dir.parent / "project" / "store.sqlite").as_posix()
    return [
        "/voila/files/private/secret.txt",
        "/voila/files/app.ipynb",
        "/voila/files/voila.py",
        "/voila/files/../outside.png",
        "/voila/files/%2e%2e/outside.png",
        "/voila/files/..%2foutside.png",
        "/voila/files/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/voila/files/../project/store.sqlite",
        f"/voila/files/{store}",
        f"/voila/files/%2F{store.lstrip('/').replace('/', '%2F')}",
        "/voila/files//etc/passwd",
        f"/{store}",
        "/..%2foutside.png",
        "/%2e%2e/project/store.sqlite",
        "/private/secret.txt",
        "/voila/static/../../../../../../etc/passwd",
        "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/voila/templates/lab/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/voila/templates/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/static/passwd",
        "/voila/labextensions/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/voila/api/themes/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/api/contents",
        "/api/contents/app.ipynb",
        "/api/contents/private/secret.txt",
        "/api/kernels",
        "/api/sessions",
        "/api/kernelspecs",
        "/api/terminals",
        "/tree",
        "/tree/private",
        "/lab",
        "/lab/tree/app.ipynb",
        "/notebooks/app.ipynb",
        "/files/private/secret.txt",
        "/edit/app.ipynb",
        "/voila/render/app.ipynb",
        "/voila/tree",
        "/voila/api/contents",
        "/voila/api/contents/private",
    ]


@pytest.mark.parametrize("mode", ["serve", "bare"])
def test_files_outside_the_page_are_refused(servers, app_dir, mode):
    server = servers(mode)
    # The probe works: what the page needs is served.
    assert server.get("/voila/static/voila.js")[0] == 200
    answered = {}
    for path in probe_paths(app_dir):
        status, body, final = server.get_following(path)
        assert SECRET not in body, f"{path} -> {final} leaked the secret"
        assert "root:x:0:0" not in body, f"{path} -> {final} leaked /etc/passwd"
        # Voila's template file handler asserts on the shape of the path it is given
        # (voila/static_file_handler.py: `assert static == "static"`), so a malformed
        # path there fails with a bare 500 page: refused, nothing read.
        refused = (403, 404, 500) if path.startswith("/voila/templates/") else (403, 404)
        if status not in refused or (status == 500 and "Traceback" in body):
            answered[path] = (status, final, body[:200])
    assert not answered, f"answered instead of 403/404: {answered}"


@pytest.mark.parametrize("mode", ["serve", "cwd"])
def test_page_is_offline_and_hides_the_secret(chromium, servers, mode):
    server = servers(mode)
    app = open_app(chromium, server)
    try:
        app.page.get_by_role("button", name="Add one").click()
        app.page.wait_for_function(
            "() => [...document.querySelectorAll('input')].some((i) => i.value === '1')")
        html = app.page.content()
        app.screenshot(f"app-security-{mode}")
        response = app.page.request.get(server.url)
        csp = response.headers.get("content-security-policy")
    finally:
        app.page.context.close()
    app.requests.assert_local()
    assert SECRET not in html
    assert "Traceback" not in html
    assert csp == CONTENT_SECURITY_POLICY
    assert not [m for m in app.requests.console if "Content Security Policy" in m], (
        app.requests.console)
    assert artifacts_dir("screenshots").joinpath(f"app-security-{mode}.png").is_file()


def test_serving_files_and_command(tmp_path):
    from workbench.errors import WorkbenchError
    from workbench.publish.serve import serve_command, voila_config_text, write_serving_files

    with pytest.raises(WorkbenchError, match="app.ipynb"):
        serve_command(tmp_path)
    (tmp_path / "app.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="voila.py"):
        serve_command(tmp_path)
    write_serving_files(tmp_path)
    command = serve_command(tmp_path, 9999)
    assert command[1:3] == ["-m", "voila"] and "--port=9999" in command
    assert f"--Voila.config_file_paths={tmp_path.resolve()}" in command
    with pytest.raises(WorkbenchError, match="port"):
        serve_command(tmp_path, 0)
    compile(voila_config_text(), "voila.py", "exec")
    template = tmp_path / "share/jupyter/voila/templates/workbench/index.html.j2"
    assert "https://" not in template.read_text(encoding="utf-8")
