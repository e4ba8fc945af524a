"""Build the demo project from the fictional consultation threads shipped in the package."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from workbench.errors import ProjectError
from workbench.settings import SETTINGS_FILE


def build_demo_project(root: str | Path, *, force: bool = False) -> dict[str, Any]:
    """Create a project at ``root`` and import every demo export into it.

    Parameters
    ----------
    root : path
        Folder for the project.
    force : bool, default False
        Replace ``root`` if it already holds a project (otherwise an existing
        demo project is reused as it is).

    Returns
    -------
    dict
        ``{"project": path, "created": bool, "stats": project stats}``.
    """
    from workbench.demo import DEMO_CSV_MAPPING, demo_files
    from workbench.project import Project
    from workbench.sources import ColumnMapping

    root = Path(root)
    if (root / SETTINGS_FILE).exists():
        if not force:
            with Project.open(root) as project:
                return {"project": str(root), "created": False, "stats": project.stats()}
        if not (root / ".pseudonym-key").exists():
            raise ProjectError(f"{root}: not a workbench project; refusing to delete it")
        shutil.rmtree(root)
    files = demo_files()
    tables = [f for f in files if f.suffix.lower() in (".csv", ".xlsx")]
    exports = [f for f in files if f not in tables]
    with Project.init(root, name="Demo: Riverside walk-in centre consultation",
                      actor="demo") as project:
        project.import_files(exports)
        if tables:
            project.import_files(tables, mapping=ColumnMapping(**DEMO_CSV_MAPPING))
        return {"project": str(root), "created": True, "stats": project.stats()}
