"""notebooks/02-explore.ipynb, executed for real with nbclient on a clustered demo copy.

The kernel and the execution (a cell timeout, ``WORKBENCH_PROJECT`` in the kernel's
environment, no errors allowed) are those of ``tests/test_notebooks.py``.
"""

from __future__ import annotations

import pytest

from tests.install_support import require

# Dependencies of the notebook and dev extras: missing, they fail the run.
nbformat = require("nbformat")
require("nbclient")
require("ipykernel")
require("plotly")
require("anywidget")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

from tests.explore_support import clustered_demo_copy  # noqa: E402
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

NOTEBOOK = "02-explore.ipynb"


def test_explore_notebook_has_a_parameters_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "WORKBENCH_PROJECT" in tagged[0].source and "RUN_ID = None" in tagged[0].source


@pytest.mark.slow
def test_explore_notebook_runs(
    kernel_specs: KernelSpecManager,  # noqa: F811 (the fixture imported above)
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    project_folder = clustered_demo_copy(tmp_path_factory, "explore-notebook")
    repo_demo = ROOT / "demo-project"
    existed = repo_demo.exists()

    notebook = execute(NOTEBOOK, kernel_specs, project_folder)

    assert errors_in(notebook) == []
    assert existed or not repo_demo.exists(), "the notebook must not write into the repository"

    views = widget_views(notebook, "explore-view")
    assert len(views) == 1
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    assert state[views[0].data[WIDGET_MIME]["model_id"]]["model_name"] == "VBoxModel"
    assert any(m["model_module"] == "anywidget" for m in state.values()), "no plotly map"
    assert any(m["model_name"] == "SelectModel" for m in state.values())

    [table] = [
        o for o in outputs_of(notebook, "cluster-table") if o.output_type == "execute_result"
    ]
    assert "outliers" in table.data["text/plain"] and "parking" in table.data["text/html"]
    assert "a typical comment" in table.data["text/html"], "plain column names"
    noise = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type == "stream" and o.get("name") == "stderr"]
    assert noise == [], "no library progress noise in the notebook"
    assert notebook.cells[-1].cell_type == "markdown" and "next" in notebook.cells[-1].source

    with Project.open(project_folder) as project:
        assert len(project.store.runs()) == 1  # the stored run was reused
