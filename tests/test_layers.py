"""The layering rules of DESIGN.md, enforced."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_and_cli_do_not_import_widgets() -> None:
    code = ("import sys, workbench, workbench.cli, workbench.project, workbench.sources, "
            "workbench.embed, workbench.cluster, workbench.explore; "
            "bad = [m for m in ('ipywidgets', 'IPython', 'torch', 'sentence_transformers', "
            "'umap', 'numba', 'sklearn', 'onnxruntime', 'plotly') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_store_writes_sql() -> None:
    sql = re.compile(r"\b(INSERT INTO|UPDATE \w+ SET|CREATE TABLE|DELETE FROM)\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "workbench").rglob("*.py")
        if path.parent.name != "store" and sql.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_modules_stay_small() -> None:
    large = {str(p.relative_to(ROOT)): n for p in (ROOT / "workbench").rglob("*.py")
             if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert large == {}
