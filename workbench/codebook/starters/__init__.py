"""Starter codebooks shipped with the workbench (the files live in ``codebooks/``).

Each ``<name>.yaml`` here is a link to ``codebooks/<name>.yaml`` in the source
tree, so the repository keeps one copy and an installed package still has them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The starter for health-service design and improvement on social media.
DEFAULT = "social-media-health-qi"


def starter_path(name: str = DEFAULT) -> Path:
    """The file of a starter codebook.

    Raises
    ------
    FileNotFoundError
        Naming the starters there are, for an unknown ``name``.
    """
    folder = resources.files(__name__)
    path = Path(str(folder / f"{name}.yaml"))
    if not path.is_file():
        known = sorted(p.name.removesuffix(".yaml") for p in Path(str(folder)).glob("*.yaml"))
        raise FileNotFoundError(f"no starter codebook {name!r}; known: {known}")
    return path
