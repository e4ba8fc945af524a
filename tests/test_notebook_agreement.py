"""notebooks/05-agreement.ipynb, executed for real with nbclient on a coded project.

The kernel and the execution (a cell timeout, ``WORKBENCH_PROJECT`` in the kernel's
environment, no errors allowed) are those of ``tests/test_notebooks.py``. The project
is the small one of ``tests/test_agreement_figures.py`` (three coders, one comment
coded on passages), so the run stays short.
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

from tests.test_agreement_figures import code_for_agreement, new_project  # noqa: E402
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

NOTEBOOK = "05-agreement.ipynb"


def test_agreement_notebook_has_a_parameters_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("WORKBENCH_PROJECT", "CODERS", "REPLICATES", "SEED"):
        assert name in tagged[0].source


@pytest.mark.slow
def test_agreement_notebook_runs_on_a_coded_project(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    folder = tmp_path / "study"
    with new_project(folder) as project:
        code_for_agreement(project)
        before = project.store.codings()
    repo_demo = ROOT / "demo-project"
    existed = repo_demo.exists()

    started = time.perf_counter()
    notebook = execute(NOTEBOOK, kernel_specs, folder)
    print(f"{NOTEBOOK} ran in {time.perf_counter() - started:.1f}s")

    assert errors_in(notebook) == []
    assert existed or not repo_demo.exists(), "the notebook must not write into the repository"
    views = widget_views(notebook, "agreement-view")
    assert len(views) == 1
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    assert state[views[0].data[WIDGET_MIME]["model_id"]]["model_name"] == "VBoxModel"
    names = {m["model_name"] for m in state.values()}
    assert {"SelectModel", "CheckboxModel", "ButtonModel", "DropdownModel", "HTMLModel"} <= names
    [table_html] = [m["state"]["value"] for m in state.values() if m["model_name"] == "HTMLModel"
                    and "workbench-agreement" in m["state"].get("value", "")]  # fmt: skip
    assert "Krippendorff's alpha" in table_html and "0.625" in table_html

    [table] = [o for o in outputs_of(notebook, "agreement-table")
               if o.output_type == "execute_result"]  # fmt: skip
    assert "waiting" in table.data["text/plain"] and "alpha_low" in table.data["text/plain"]
    [units] = [o for o in outputs_of(notebook, "disagreements")
               if o.output_type == "execute_result"]  # fmt: skip
    assert "passages" in units.data["text/plain"] and "reddit:t1_c5" in units.data["text/plain"]

    with Project.open(folder) as project:
        assert project.store.codings().equals(before), "showing the figures changes nothing"
