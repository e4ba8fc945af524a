"""notebooks/03-codebook.ipynb, executed for real with nbclient on coded demo copies.

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

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

from tests.test_codebook_session import code_demo  # noqa: E402
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
from workbench.codebook import service  # noqa: E402
from workbench.project import Project  # noqa: E402

NOTEBOOK = "03-codebook.ipynb"


def test_codebook_notebook_has_a_parameters_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "WORKBENCH_PROJECT" in tagged[0].source and "STARTER_CODEBOOK" in tagged[0].source
    assert "STARTER_CODEBOOK = str(starter_path())" in tagged[0].source
    from workbench.codebook.starters import starter_path

    shipped = starter_path()
    assert shipped.is_file(), "the starter codebook the notebook offers is installed"
    assert shipped.resolve() == ROOT / "codebooks" / "social-media-health-qi.yaml"


def view_model(notebook: nbformat.NotebookNode) -> tuple[dict, dict]:
    """The view's root model and every widget model of the executed notebook."""
    views = widget_views(notebook, "codebook-view")
    assert len(views) == 1
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    return state[views[0].data[WIDGET_MIME]["model_id"]], state


@pytest.mark.slow
def test_codebook_notebook_runs_on_a_coded_project(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    demo_copy: Path,
) -> None:
    with Project.open(demo_copy) as project:
        code_demo(project)
    repo_demo = ROOT / "demo-project"
    existed = repo_demo.exists()

    started = time.perf_counter()
    notebook = execute(NOTEBOOK, kernel_specs, demo_copy)
    print(f"{NOTEBOOK} ran in {time.perf_counter() - started:.1f}s")

    assert errors_in(notebook) == []
    assert existed or not repo_demo.exists(), "the notebook must not write into the repository"
    root, state = view_model(notebook)
    assert root["model_name"] == "VBoxModel"
    names = {m["model_name"] for m in state.values()}
    assert {"SelectModel", "SelectMultipleModel", "TextareaModel", "TabModel",
            "ButtonModel"} <= names  # fmt: skip
    apply = [m["state"] for m in state.values() if m["model_name"] == "ButtonModel"
             and m["state"].get("description") == "Apply this plan"]  # fmt: skip
    assert len(apply) == 1 and apply[0]["disabled"] is True, "no plan yet: Apply is disabled"

    [tree] = [o for o in outputs_of(notebook, "code-tree") if o.output_type == "execute_result"]
    html = tree.data["text/html"]
    assert "Waiting times" in html and all(f"<th>{who}</th>" in html for who in ("ann", "ben"))
    [versions] = [o for o in outputs_of(notebook, "versions")
                  if o.output_type == "execute_result"]  # fmt: skip
    assert "adopt" in versions.data["text/plain"]

    with Project.open(demo_copy) as project:
        assert service.require(project).version == 1, "showing the codebook changes nothing"


@pytest.mark.slow
def test_codebook_notebook_offers_the_starter_without_a_codebook(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    demo_copy: Path,
) -> None:
    started = time.perf_counter()
    notebook = execute(NOTEBOOK, kernel_specs, demo_copy)
    print(f"{NOTEBOOK} (no codebook) ran in {time.perf_counter() - started:.1f}s")

    assert errors_in(notebook) == []
    _, state = view_model(notebook)
    [path] = [m["state"]["value"] for m in state.values() if m["model_name"] == "TextModel"
              and m["state"].get("description") == "Codebook file"]  # fmt: skip
    from workbench.codebook.starters import starter_path

    assert path == str(starter_path()), "the shipped starter codebook is offered"
    with Project.open(demo_copy) as project:
        assert service.current(project) is None, "adopting is the researcher's choice"
