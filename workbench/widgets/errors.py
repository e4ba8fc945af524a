"""The red error banner every view shows, and the decorator that fills it.

Exceptions raised inside widget callbacks are otherwise swallowed (and Voila hides
tracebacks), so every callback of a view is wrapped with :func:`shows_errors`.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from workbench.errors import WorkbenchError

log = logging.getLogger(__name__)

BANNER_STYLE = (
    "background:#fdecea;color:#611a15;border:1px solid #f5c2c7;border-radius:4px;"
    "padding:6px 10px;white-space:pre-wrap"
)

Handler = TypeVar("Handler", bound=Callable[..., Any])


def error_banner() -> w.HTML:
    """A hidden banner, ready for :func:`show_in_banner`."""
    return w.HTML(layout=w.Layout(display="none"))


def show_in_banner(banner: w.HTML, message: str | None, view: str) -> None:
    """Show ``message`` in ``banner``, or hide the banner for ``None``."""
    if message is None:
        banner.value = ""
        banner.layout.display = "none"
        return
    log.info("%s error: %s", view, message)
    banner.value = f'<div style="{BANNER_STYLE}"><b>Error:</b> {html.escape(message)}</div>'
    banner.layout.display = ""


def shows_errors(
    *, clear_first: bool = True, after: Callable[[Any], None] | None = None
) -> Callable[[Handler], Handler]:
    """Wrap a view's callback so any error appears in its banner instead of vanishing.

    The view must have ``show_error(message)``. A :class:`WorkbenchError` is a
    message for the user; anything else is a bug, shown too (by type and message)
    and then re-raised so it is logged.

    Parameters
    ----------
    clear_first : bool, default True
        Hide the banner before the callback runs.
    after : callable, optional
        Called with the view when the callback ends, however it ends.
    """

    def decorate(method: Handler) -> Handler:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if clear_first:
                self.show_error(None)
            try:
                return method(self, *args, **kwargs)
            except WorkbenchError as exc:
                self.show_error(str(exc))
            except Exception as exc:
                self.show_error(f"Unexpected error ({type(exc).__name__}): {exc}")
                raise
            finally:
                if after is not None:
                    after(self)
            return None

        return wrapper  # type: ignore[return-value]

    return decorate
