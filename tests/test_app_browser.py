"""The published demo app in Voila and headless Chromium, as an advisory member uses it.

Overview -> themes -> a theme -> a filter -> feedback -> map -> methods, with chart
marks drawn, nothing fetched from the internet, keyboard use, 200 % zoom, text
alternatives, and a leak test over every page's HTML and every widget's state.
Screenshots are saved as test artefacts (``tests/artifacts/screenshots``).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.browser_support import (
    PROBE_JS,
    BrowserPage,
    VoilaServer,
    copy_app,
    open_app,
    page_config,
)
from tests.test_app_security import forbidden_requests
from workbench.project import Project
from workbench.publish.publisher import project_names

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w])(?:\+44\s?7\d{3}|\(?0\d{4}\)?)\s?\d{3}\s?\d{3}(?![\w])")


@pytest.fixture(scope="module")
def server(published_app: Path, tmp_path_factory: pytest.TempPathFactory):
    app = copy_app(published_app, tmp_path_factory.mktemp("served") / "app")
    with VoilaServer(app, mode="serve") as running:
        yield running


def _open(chromium, server: VoilaServer, *, width: int = 1280, sockets: bool = False
          ) -> BrowserPage:  # fmt: skip
    app = open_app(chromium, server, record_sockets=sockets, width=width)
    app.page.wait_for_selector(".twb-page h1")
    return app


def _heading(page) -> str:
    page.wait_for_timeout(300)
    return page.locator(".twb-page h1").first.inner_text()


def _wait_heading(page, text: str) -> None:
    page.wait_for_function("(t) => { const h = document.querySelector('.twb-page h1');"
                           " return h && h.innerText.includes(t); }", arg=text, timeout=20000)


def _marks(page) -> int:
    return page.locator("svg .twb-mark").count()


def test_a_member_walks_through_the_findings(chromium, server: VoilaServer,
                                             published_app: Path) -> None:  # fmt: skip
    bundle = json.loads((published_app / "bundle" / "findings.json").read_text())
    app = _open(chromium, server)
    page = app.page
    try:
        assert "What people said" in _heading(page)
        assert _marks(page) > 5  # bars of the platform and week charts are drawn
        assert page.locator(".twb-page").inner_text().count("comments") >= 1
        app.screenshot("app-overview")

        page.get_by_role("button", name="Themes", exact=True).click()
        _wait_heading(page, "Themes")
        assert _marks(page) >= len(bundle["themes"])
        app.screenshot("app-themes")

        theme = next(t for t in bundle["themes"] if t["depth"] > 0)
        page.get_by_label("Theme", exact=True).select_option(label=theme["label"])
        _wait_heading(page, theme["label"])
        assert theme["definition"][:40] in page.locator(".twb-page").inner_text()
        assert _marks(page) > 0
        quotes = page.locator(".twb-quote")
        assert quotes.count() == len([q for q in bundle["quotes"] if q["theme"] == theme["id"]])
        app.screenshot("app-theme")

        page.get_by_label("Platform", exact=True).select_option(label="Reddit")
        page.wait_for_function("() => document.querySelector('.twb-page').innerText"
                               ".includes('What people said from Reddit')")  # fmt: skip
        footers = page.locator(".twb-quote footer").all_inner_texts()
        assert all("Reddit" in f for f in footers)
        expected = [q for q in bundle["quotes"]
                    if q["theme"] == theme["id"] and q["platform"] == "reddit"]  # fmt: skip
        assert len(footers) == len(expected)

        page.get_by_label("Your view").fill("The bus times matter to my neighbours too.")
        page.get_by_role("button", name="Send feedback on this theme").click()
        page.wait_for_selector("[role=status]", timeout=20000)
        assert "Thank you" in page.locator("[role=status]").inner_text()
        saved = list((server.app_dir / "feedback").glob("*.json"))
        assert len(saved) == 1
        assert json.loads(saved[0].read_text())["theme"] == theme["id"]

        page.get_by_label("Platform", exact=True).select_option(label="all platforms")
        page.get_by_role("button", name="Map of comments").click()
        _wait_heading(page, "Map of comments")
        assert page.locator("svg circle.twb-mark").count() > 100
        app.screenshot("app-map")

        page.get_by_role("button", name="How this was done").click()
        _wait_heading(page, "How this was done")
        text = page.locator(".twb-page").inner_text()
        assert "Krippendorff" in text and "codebook" in text
        app.screenshot("app-methods")
        app.requests.assert_local()
    finally:
        page.context.close()


def test_keyboard_zoom_and_text_alternatives(chromium, server: VoilaServer) -> None:
    # 200 % zoom of a 1280-pixel window is a 640-pixel one
    app = _open(chromium, server, width=640)
    page = app.page
    try:
        button = page.get_by_role("button", name="How this was done")
        button.focus()
        page.keyboard.press("Enter")
        _wait_heading(page, "How this was done")
        page.get_by_role("button", name="Overview").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.innerText")
        assert focused.strip() == "Themes"
        page.keyboard.press("Enter")
        _wait_heading(page, "Themes")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 2, f"the page scrolls sideways at 200 % zoom by {overflow}px"
        charts = page.locator("svg[role=img]")
        assert charts.count() > 0
        for i in range(charts.count()):
            labelled = charts.nth(i).get_attribute("aria-labelledby").split()
            for ref in labelled:
                assert page.locator(f"[id='{ref}']").first.text_content().strip()
        assert page.locator("figure.twb-chart details table").count() == charts.count()
        app.screenshot("app-themes-200-percent")
    finally:
        page.context.close()


def test_nothing_private_in_pages_or_widget_state(chromium, server: VoilaServer,
                                                  coded_demo: Path, published_app: Path,
                                                  tmp_path: Path) -> None:  # fmt: skip
    with Project.open(coded_demo) as project:
        names = {n for n in project_names(project) if len(n) >= 4}
    bundle = json.loads((published_app / "bundle" / "findings.json").read_text())
    app = _open(chromium, server, sockets=True)
    page = app.page
    seen = []
    try:
        for name in ("Overview", "Themes", "Map of comments", "How this was done"):
            page.get_by_role("button", name=name, exact=True).click()
            _wait_heading(page, name.split()[0] if name != "Overview" else "What people")
            seen.append(page.content())
        page.get_by_role("button", name="Theme page").click()
        for theme in bundle["themes"]:
            page.get_by_label("Theme", exact=True).select_option(label=theme["label"])
            _wait_heading(page, theme["label"])
            seen.append(page.content())
        kernel = page_config(page)["kernelId"]
        marker = tmp_path / "written-by-viewer.txt"
        states = page.evaluate(PROBE_JS, {
            "kernelId": kernel, "socket": "own", "waitMs": 3000,
            "control": {"msg_type": "comm_open", "channel": "shell",
                        "metadata": {"version": "1.0.0"}, "content": {
                "comm_id": "leak-test", "target_name": "jupyter.widget.control", "data": {}}},
            "requests": [{"msg_type": "comm_msg", "channel": "shell", "content": {
                "comm_id": "leak-test", "data": {"method": "request_states"}}},
                *forbidden_requests(marker)],
        })  # fmt: skip
    finally:
        page.context.close()
    dumped = [m["text"] for m in states["received"]]
    assert any("update_states" in text for text in dumped), "no widget state came back"
    text = "\n".join(seen + dumped)
    leaked = sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    assert leaked == []
    assert "anon_" not in text
    quotes = "\n".join(q["text"] for q in bundle["quotes"])
    assert EMAIL.findall(quotes) == [] and PHONE.findall(text) == []
    sent = states["sent"]
    answered = {m["msg_type"] for m in states["received"]
                if m["parent"] in {v for k, v in sent.items() if "comm" not in k}}  # fmt: skip
    assert not answered & {"execute_reply", "complete_reply", "inspect_reply", "history_reply"}
    time.sleep(0.5)
    assert not marker.exists()
