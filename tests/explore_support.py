"""A clustered demo project for the explore tests, made once per test run and copied.

Clustering the demo project with the real model takes from ten seconds to a minute,
so the first module that asks builds and clusters it once (through
:func:`workbench.explore.ensure_run`, which clusters a project without runs) and
every module gets its own copy, free to queue and filter without disturbing others.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.demo.builder import build_demo_project
from workbench.explore import ensure_run
from workbench.project import Project

from .install_support import demo_files, packaged_model_folder

_TEMPLATE: dict[str, Path] = {}


def clustered_demo_copy(factory: pytest.TempPathFactory, name: str) -> Path:
    """A fresh copy of the clustered demo project, in a new temporary folder.

    Fails (never skips) when the packaged demo data files or the packaged embedding
    model are missing: that is a broken install (see tests/install_support.py).
    """
    if "demo" not in _TEMPLATE:
        demo_files()
        packaged_model_folder()
        folder = factory.mktemp("explore-template") / "demo-project"
        build_demo_project(folder)
        with Project.open(folder) as project:
            run = ensure_run(project)
            assert run.n_clusters >= 3, run.summary()
        _TEMPLATE["demo"] = folder
    target = factory.mktemp(name) / "demo-project"
    shutil.copytree(_TEMPLATE["demo"], target)
    return target
