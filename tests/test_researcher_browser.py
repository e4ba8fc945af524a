"""Issue 11 in a real browser: JupyterLab + headless Chromium, as a researcher meets it.

JupyterLab serves copies of ``01-import.ipynb`` and ``02-explore.ipynb`` (never the
repository's own, which must stay without outputs) with ``WORKBENCH_PROJECT`` on a
clustered demo project into which a few comments were imported after its run. The
test opens a project of its own, imports a survey, sees an error name the user's
file, explores the map (no cloud upload in plotly's toolbar), searches for something
the comments never mention and re-clusters from the notebook. Screenshots go to
``tests/artifacts/screenshots/researcher-*.png``; no request may leave the machine.

Skipped without Playwright or Chromium, failed under ``WORKBENCH_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser_support import (
    RequestLog,
    artifacts_dir,
    free_port,
    wait_until_answers,
)
from tests.explore_support import clustered_demo_copy
from workbench.project import Project

ROOT = Path(__file__).resolve().parent.parent
#: The longest wait for a kernel to run cells (a cell's time limit), in milliseconds.
CELL_TIMEOUT_MS = 180_000
#: The longest wait for the page to react to a click.
UI_TIMEOUT_MS = 60_000
SURVEY = (
    "Response ID,What could we improve?,Respondent\n"
    "R1,The parking at the walk-in centre is far too expensive,Ann\n"
    "R2,Did not answer,Ben\n"
    "R3,N/A,Cara\n"
    "R4,-,Dan\n"
    "R5,@Ann is right: evening opening hours would help working parents,Eve\n"
)


@dataclass
class Lab:
    url: str
    notebooks: Path
    project: Path
    home: Path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    project = clustered_demo_copy(tmp_path_factory, "researcher-browser")
    later = project.parent / "later.ndjson"
    later.write_text("".join(json.dumps({
        "id": f"late{n}", "author": "late_commenter", "body": body,
        "created_utc": 1773000000 + n, "score": 1, "parent_id": "t3_late",
        "link_id": "t3_late", "subreddit": "Riverside"}) + "\n"
        for n, body in enumerate(["Please keep the walk-in open after 8pm on weekdays",
                                  "The new booking app logged me out twice"])
    ), encoding="utf-8")  # fmt: skip
    with Project.open(project) as opened:
        opened.import_files([later])
    notebooks = tmp_path_factory.mktemp("lab") / "notebooks"
    notebooks.mkdir()
    for name in ("01-import.ipynb", "02-explore.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, notebooks / name)
    home = notebooks.parent / "home"
    home.mkdir()
    port = free_port()
    log_path = notebooks.parent / "jupyterlab.log"
    env = {**os.environ, "WORKBENCH_PROJECT": str(project), "HOME": str(home),
           "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    env.pop("JUPYTER_PATH", None)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
        "--ServerApp.password=", f"--ServerApp.root_dir={notebooks}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=notebooks, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/lab", timeout=90)
        yield Lab(f"http://127.0.0.1:{port}", notebooks, project, home)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _shot(page, name: str, shots: list[Path]) -> None:
    path = artifacts_dir("screenshots") / f"researcher-{name}.png"
    page.screenshot(path=str(path), full_page=False)
    shots.append(path)


def _run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _choose_file(page, path: Path) -> None:
    """Choose ``path`` in the upload widget's file dialog (its input is not in the DOM)."""
    with page.expect_file_chooser() as chooser:
        page.locator("button", has_text="Choose files").first.click()
    chooser.value.set_files(str(path))


def _no_news(page) -> None:
    """Answer JupyterLab's "get notified about news?" toast, so it hides nothing."""
    toast = page.locator(".jp-toast-button", has_text="No")
    with contextlib.suppress(Exception):
        toast.first.click(timeout=3000)


def _open(page, lab: Lab, name: str) -> None:
    page.goto(f"{lab.url}/lab/tree/{name}", wait_until="domcontentloaded")
    page.locator(".jp-Notebook").first.wait_for(timeout=CELL_TIMEOUT_MS)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                 ".jp-Toolbar-kernelStatus").first.wait_for(timeout=CELL_TIMEOUT_MS)  # fmt: skip
    time.sleep(2)  # the kernel connects


@pytest.mark.slow
def test_import_and_explore_as_a_researcher(chromium, lab: Lab) -> None:
    shots: list[Path] = []
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests = RequestLog().attach(page, context)
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        # -- 1 · import: the guided start, then a project of one's own ----------------------
        _open(page, lab, "01-import.ipynb")
        _run_all(page)
        line = page.locator(".workbench-project").first
        line.wait_for(timeout=CELL_TIMEOUT_MS)
        _no_news(page)
        assert "fictional demo project" in line.inner_text()
        import_button = page.locator("button.jupyter-button", has_text="Import").last
        assert import_button.is_disabled(), "Import is disabled until files are chosen"
        line.scroll_into_view_if_needed()
        _shot(page, "01-import-demo-guard", shots)

        mine = lab.home / "my-study"
        page.locator(".widget-text input").first.fill(str(mine))
        page.locator("button", has_text="Open or create").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.workbench-project')]"
            ".some(e => e.innerText.includes('my-study') && e.innerText.includes('new, empty'))"
        )
        survey = lab.home / "survey.csv"
        survey.write_text(SURVEY, encoding="utf-8")
        _choose_file(page, survey)
        page.wait_for_function("() => document.body.innerText.includes('survey.csv (')")
        text_column = page.locator(".widget-dropdown", has_text="Text column").locator("select")
        text_column.select_option(label="What could we improve?")
        page.locator(".widget-dropdown", has_text="Author column").locator("select").select_option(
            label="Respondent")
        assert not import_button.is_disabled()
        import_button.click()
        summary = page.locator(".workbench-import-summary").first
        summary.wait_for()
        assert "records read" in summary.inner_text() and "non-substantive" in summary.inner_text()
        text = page.locator(".jp-Notebook").first.inner_text()
        assert "3 answers said nothing" in text
        assert "@Ann is right" not in text, "the mention of a known author is a pseudonym"
        summary.scroll_into_view_if_needed()
        _shot(page, "01-import-survey-done", shots)
        file_list = page.locator(".jp-Notebook").first.inner_text()
        assert str(mine / "originals") not in file_list, "the user's file name, not the copy's"
        assert (mine / "originals").is_dir()

        broken = lab.home / "My thread export.json"
        broken.write_text('[{"kind": "Listing", "data": {"children": [{"kind": "t1", "data"',
                          encoding="utf-8")  # fmt: skip
        _choose_file(page, broken)
        page.wait_for_function("() => !document.querySelector('.workbench-import-summary')")
        import_button.click()
        page.wait_for_function(
            "() => document.body.innerText.includes('My thread export.json')"
            " && document.body.innerText.includes('Error')"
        )
        page_text = page.locator(".jp-Notebook").first.inner_text()
        assert str(mine / "originals") not in page_text
        page.get_by_text("Error:").first.scroll_into_view_if_needed()
        _shot(page, "01-import-error-names-the-file", shots)
        stats = page.locator(".jp-CodeCell", has_text="view.session.describe()").first
        stats.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")  # "run the next cell again after an import"
        page.get_by_text("The project “my-study” holds 5 comments").first.wait_for()
        heading = page.locator(".jp-Notebook h2", has_text="What to do next").first
        heading.scroll_into_view_if_needed()
        _shot(page, "01-import-summary-in-words", shots)

        # -- 2 · explore: a map at size, no cloud, plain search, re-cluster ------------------
        _open(page, lab, "02-explore.ipynb")
        _run_all(page)
        page.locator(".js-plotly-plot").first.wait_for(timeout=CELL_TIMEOUT_MS)
        page.wait_for_function("() => document.querySelectorAll('.scatterlayer .point, "
                               ".gl-container canvas').length > 0")  # fmt: skip
        stale = page.locator(".workbench-explore-stale").first
        stale.wait_for()
        assert "2 comments imported since this run" in stale.inner_text()
        plot = page.locator(".js-plotly-plot").first
        plot.scroll_into_view_if_needed()
        plot.hover()
        page.locator(".modebar").first.wait_for(state="attached")
        _shot(page, "02-explore-map", shots)
        for outbound in ("[data-title*='Share']", "[data-title*='Chart Studio']",
                         ".modebar-btn--logo", "a[href*='plotly.com']", "a[href*='plot.ly']",
                         "a[href*='chart-studio']", "[data-attr='sendChartToCloud']"):
            assert page.locator(outbound).count() == 0, f"{outbound} is on the page"
        assert page.locator(".legend").count() == 0, "no legend eating the plot"
        page.locator(".modebar").first.scroll_into_view_if_needed()
        _shot(page, "02-explore-toolbar-without-share", shots)

        page.locator("input[placeholder='e.g. parking at the hospital']").fill(
            "quantum chromodynamics of neutron star crusts")
        page.locator("button", has_text="Search").last.click()
        page.get_by_text("No comment matches").first.wait_for(timeout=CELL_TIMEOUT_MS)
        page.get_by_text("No comment matches").first.scroll_into_view_if_needed()
        _shot(page, "02-explore-weak-search", shots)

        page.locator("button", has_text="Re-cluster now").click()
        page.get_by_text("Done: run").first.wait_for(timeout=CELL_TIMEOUT_MS)
        page.get_by_text("every comment of the project").first.wait_for()
        page.get_by_text("Done: run").first.scroll_into_view_if_needed()
        _shot(page, "02-explore-reclustered", shots)

        requests.assert_local()
    except Exception:
        page.screenshot(path=str(artifacts_dir("screenshots") / "researcher-FAILED.png"))
        raise
    finally:
        context.close()
        print("\n".join(str(s) for s in shots))
