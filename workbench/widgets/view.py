"""What every view shares: shown through its ``widget``, an error banner, quiet updates.

A view (import, explore, codebook, coding, agreement) builds ``self.widget`` and
``self.error_banner`` (:func:`~workbench.widgets.errors.error_banner`) and wraps its
callbacks with :func:`~workbench.widgets.errors.shows_errors`; :class:`View` gives it
the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import ipywidgets as w

from workbench.widgets.errors import show_in_banner


class View:
    """Base of the views: display, ``show_error`` and :meth:`_silently`."""

    #: How the view is named in the log when it shows an error.
    NAME: ClassVar[str] = "view"
    widget: w.Widget
    error_banner: w.HTML
    #: True while the view sets its own controls (their observers do nothing then).
    _quiet: bool = False

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def show_error(self, message: str | None) -> None:
        """Show ``message`` in the red banner, or hide the banner for ``None``."""
        show_in_banner(self.error_banner, message, self.NAME)

    @contextmanager
    def _silently(self) -> Iterator[None]:
        """Change controls without their observers reacting."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
