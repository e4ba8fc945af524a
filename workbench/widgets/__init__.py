"""Jupyter widgets: thin views over the package's controllers.

This is the only package allowed to import ``ipywidgets`` and ``IPython``
(DESIGN.md, layers); importing :mod:`workbench` itself never loads it.
"""

from workbench.widgets.importer import ImportView

__all__ = ["ImportView"]
