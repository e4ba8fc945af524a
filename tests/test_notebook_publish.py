"""notebooks/06-publish.ipynb, executed for real with nbclient on a fresh demo project."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.install_support import require

nbformat = require("nbformat")
require("nbclient")
require("ipykernel")
require("ipywidgets")

from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

from tests.test_notebooks import (  # noqa: E402, F401 (kernel_specs is a fixture)
    NOTEBOOKS,
    WIDGET_STATE_MIME,
    errors_in,
    execute,
    kernel_specs,
    outputs_of,
    widget_views,
)

NOTEBOOK = "06-publish.ipynb"


def test_publish_notebook_has_a_parameters_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / NOTEBOOK, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("WORKBENCH_PROJECT", "OUT_DIR", "MIN_AUTHORS"):
        assert name in tagged[0].source


@pytest.mark.slow
def test_publish_notebook_runs_on_the_demo(kernel_specs: KernelSpecManager,  # noqa: F811
                                           tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    project = tmp_path / "demo-project"
    app = tmp_path / "committee-app"
    monkeypatch.setenv("WORKBENCH_APP", str(app))
    notebook = execute(NOTEBOOK, kernel_specs, project)
    assert errors_in(notebook) == []
    [status] = [o for o in outputs_of(notebook, "open-session") if o.output_type == "stream"]
    assert "Codebook version 1" in status["text"] and "waiting for review" in status["text"]
    views = widget_views(notebook, "publish-view")
    assert len(views) == 1
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    html = [m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"]
    assert any("twb-page" in value for value in html)  # the preview of the app
    [table] = [o for o in outputs_of(notebook, "themes-table") if o.output_type == "execute_result"]
    assert "shown" in table.data["text/plain"]
    assert (project / "publishing" / "review-v1.yaml").is_file()
    assert not app.exists()  # nothing is published until the button is pressed
