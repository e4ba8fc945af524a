"""notebooks/04-code.ipynb, executed for real with nbclient on a copy of the demo project.

The kernel and the execution (a cell timeout, ``WORKBENCH_PROJECT`` in the kernel's
environment, no errors allowed) are those of ``tests/test_notebooks.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.install_support import require

# Dependencies of the notebook and dev extras: missing, they fail the run.
nbformat = require("nbformat")
require("nbclient")
require("ipykernel")
require("ipywidgets")
require("anywidget")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

from tests.test_coding_session import DEEP, adopt_small  # noqa: E402
from tests.test_notebooks import (  # noqa: E402, F401 (kernel_specs is a fixture)
    NOTEBOOKS,
    ROOT,
    WIDGET_MIME,
    WIDGET_STATE_MIME,
    errors_in,
    execute,
    kernel_specs,
    outputs_of,
    widget_views,
)
from workbench.project import Project  # noqa: E402

NOTEBOOK = "04-code.ipynb"


def test_coding_notebook_has_a_parameters_cell_and_the_hooks() -> None:
    notebook = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert all(name in tagged[0].source for name in ("WORKBENCH_PROJECT", "WORKBENCH_CODER",
                                                     "BLIND"))  # fmt: skip
    source = "\n".join(c.source for c in notebook.cells)
    assert "suggestions=suggester.provider" in source, "the suggested queue is wired"
    assert "disagreements=disagreement_provider" in source, "the disagreements queue is wired"
    assert "BackgroundSuggester(project, coders=[coder])" in source, "blind: own codings only"
    assert "after_save=suggester.request" in source, "suggestions learn as coding goes on"


@pytest.mark.slow
def test_coding_notebook_opens_the_app_for_the_named_coder(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    demo_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Project.open(demo_copy) as project:
        adopt_small(project)
        project.store.queue_add([DEEP], "search: waiting", "explorer")
        project.store.add_codings([{"comment_id": DEEP, "code_id": "waiting", "coder": "ben"}],
                                  "ben", codebook_version=1)  # fmt: skip
    monkeypatch.setenv("WORKBENCH_CODER", "ann")
    repo_demo = ROOT / "demo-project"
    existed = repo_demo.exists()

    started = time.perf_counter()
    notebook = execute(NOTEBOOK, kernel_specs, demo_copy)
    print(f"{NOTEBOOK} ran in {time.perf_counter() - started:.1f}s")

    assert errors_in(notebook) == []
    assert existed or not repo_demo.exists(), "the notebook must not write into the repository"
    [view] = widget_views(notebook, "coding-view")
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    root = state[view.data[WIDGET_MIME]["model_id"]]
    assert root["model_name"] == "VBoxModel" and "workbench-coding" in root["state"]["_dom_classes"]
    names = {m["model_name"] for m in state.values()}
    assert {"ToggleButtonModel", "TextareaModel", "DropdownModel", "AnyModel"} <= names
    [passage] = [m["state"] for m in state.values() if m["model_name"] == "AnyModel"]
    with Project.open(demo_copy) as project:
        assert passage["text"] == project.store.comments().set_index("comment_id").at[DEEP, "text"]
    assert "export default" in passage["_esm"], "the JavaScript travels with the widget"
    statuses = [m["state"]["value"] for m in state.values() if m["model_name"] == "HTMLModel"
                and "Coder ann" in m["state"].get("value", "")]  # fmt: skip
    assert statuses and "Coding queue: 1 of 1" in statuses[0] and "blind" in statuses[0]
    toggles = [m["state"] for m in state.values() if m["model_name"] == "ToggleButtonModel"]
    assert len(toggles) == 5 and not any(t["value"] for t in toggles), "ben's coding is hidden"

    [table] = [o for o in outputs_of(notebook, "my-codings") if o.output_type == "execute_result"]
    assert "coding_id" in table.data["text/plain"]
    with Project.open(demo_copy) as project:
        assert project.store.codings(coder="ann").empty, "opening the app codes nothing"


@pytest.mark.slow
def test_coding_notebook_builds_the_demo_with_the_starter_codebook(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo-project"
    notebook = execute(NOTEBOOK, kernel_specs, folder)

    assert errors_in(notebook) == []
    from workbench.codebook import service
    from workbench.codebook.starters import starter_path

    with Project.open(folder) as project:
        codebook = service.require(project)
        assert codebook.title == service.read_file(starter_path())[0].title
        assert project.store.codings().empty
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    toggles = [m for m in state.values() if m["model_name"] == "ToggleButtonModel"]
    assert len(toggles) == len(codebook.active)


@pytest.mark.slow
def test_coding_notebook_gives_the_demo_a_codebook_but_not_other_projects(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    demo_copy: Path,
    tmp_path: Path,
) -> None:
    from workbench.codebook import service

    execute(NOTEBOOK, kernel_specs, demo_copy)  # the demo project, without a codebook
    with Project.open(demo_copy) as project:
        assert service.current(project) is not None

    own = tmp_path / "own"
    with Project.init(own, actor="tester") as project:
        project.import_files([ROOT / "tests" / "data" / "project" / "dump_a.ndjson"])
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="has no codebook yet"):
        execute(NOTEBOOK, kernel_specs, own)
    with Project.open(own) as project:
        assert service.current(project) is None, "adopting is the researcher's choice"
