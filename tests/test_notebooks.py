"""The notebooks, executed for real with nbclient in a kernel of this interpreter.

The kernel is started from a kernelspec written into a temporary folder whose
``argv`` names ``sys.executable`` (the virtualenv's Python running pytest), handed to
the kernel manager through its own ``KernelSpecManager``. That does not depend on
which ``python3`` kernelspecs happen to be installed for the user or system (they
come before the virtualenv's in Jupyter's search path and may name another Python),
nor on ``PATH``, and it writes nothing outside the test's temporary folders.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.install_support import require

# Dependencies of the dev extra: missing, they fail the run (a broken install).
nbformat = require("nbformat")
nbclient = require("nbclient")
require("ipykernel")

from jupyter_client import KernelManager  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="session")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernelspec manager that only knows a ``python3`` kernel of ``sys.executable``."""
    folder = tmp_path_factory.mktemp("kernels")
    spec_dir = folder / "python3"
    spec_dir.mkdir()
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (workbench tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(folder)])


def demo_data_available() -> bool:
    """Whether the packaged demo exports exist yet (``workbench.demo.demo_files``)."""
    try:
        from workbench.demo import DEMO_CSV_MAPPING, demo_files  # noqa: F401
    except ImportError:
        return False
    try:
        return bool(demo_files())
    except FileNotFoundError:  # the data files are built separately and may be absent
        return False


@pytest.fixture(scope="session")
def project_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the notebooks' project lives: a fresh folder outside the repository.

    With the demo data present, the folder does not exist yet and the notebook
    builds the demo project there. Without it, a minimal project is made here so
    the notebook skips building and the rest still runs for real.
    """
    folder = tmp_path_factory.mktemp("notebook-run") / "demo-project"
    if not demo_data_available():
        from workbench.project import Project

        with Project.init(folder, actor="tests") as project:
            project.import_files([ROOT / "tests" / "data" / "project" / "dump_a.ndjson"])
    return folder


def execute(name: str, kernel_specs: KernelSpecManager, project: Path) -> nbformat.NotebookNode:
    """Run ``notebooks/<name>`` top to bottom in ``notebooks/``; raise on any cell error."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_specs)
    client = nbclient.NotebookClient(
        notebook,
        km=manager,
        kernel_name="python3",
        timeout=300,
        allow_errors=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    env = {**os.environ, "WORKBENCH_PROJECT": str(project)}
    client.execute(env=env)
    return notebook


def outputs_of(notebook: nbformat.NotebookNode, cell_id: str) -> list[dict]:
    [cell] = [c for c in notebook.cells if c.get("id") == cell_id]
    return cell.outputs


def errors_in(notebook: nbformat.NotebookNode) -> list[dict]:
    """Every error output of the executed notebook."""
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type == "error"]


def widget_views(notebook: nbformat.NotebookNode, cell_id: str) -> list[dict]:
    """The widget outputs of one cell."""
    return [o for o in outputs_of(notebook, cell_id)
            if o.output_type in ("execute_result", "display_data") and WIDGET_MIME in o.data]


def test_stored_notebooks_have_no_outputs() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_import_notebook_has_a_parameters_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / "01-import.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "WORKBENCH_PROJECT" in tagged[0].source


@pytest.mark.slow
def test_import_notebook_runs(kernel_specs: KernelSpecManager, project_folder: Path) -> None:
    repo_demo = ROOT / "demo-project"
    existed = repo_demo.exists()
    notebook = execute("01-import.ipynb", kernel_specs, project_folder)

    assert errors_in(notebook) == []
    assert (project_folder / "workbench.yaml").is_file()
    assert existed or not repo_demo.exists(), "the notebook must not write into the repository"

    views = widget_views(notebook, "import-view")
    assert len(views) == 1
    model_id = views[0].data[WIDGET_MIME]["model_id"]
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    assert state[model_id]["model_name"] == "VBoxModel"
    assert any(model["model_name"] == "FileUploadModel" for model in state.values())

    [stats] = [o for o in outputs_of(notebook, "stats") if o.output_type == "execute_result"]
    said = stats.data["text/markdown"]
    assert said.startswith("The project “") and " comment" in said, "sentences, not a dict"
    assert "{" not in said and "schema_version" not in said

    # The guided start: the view says which project is open, and no library noise.
    state_text = json.dumps(state)
    assert "is open (folder" in state_text
    noise = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type == "stream" and o.get("name") == "stderr"]
    assert noise == [], noise
    assert notebook.cells[-1].cell_type == "markdown" and "next" in notebook.cells[-1].source
