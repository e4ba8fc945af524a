"""The text of a comment in which a coder selects a passage: an anywidget, offline.

The JavaScript (``workbench/widgets/static/passage.js``) ships inside the package and
travels to the browser in the widget's own state, so nothing is fetched from the
network. It marks the passages already coded, reports the coder's selection, and
carries the coding app's keyboard shortcuts (see :mod:`workbench.widgets.coding`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from workbench.coding.spans import span_from_utf16, span_to_utf16

STATIC = Path(__file__).parent / "static"


class PassageWidget(anywidget.AnyWidget):
    """A comment's text, in which a coder selects a passage; coded passages are marked.

    The browser reports the selection in UTF-16 units (:attr:`selection`);
    :meth:`selected_span` gives it as Python indices. The widget also carries the
    app's keyboard shortcuts: handlers given to :meth:`on_key` receive ``"next"``,
    ``"previous"``, ``"undo"``, ``"clear"`` or ``"code:<digit>"``.
    """

    _esm = STATIC / "passage.js"
    text = t.Unicode("").tag(sync=True)
    marks = t.List(t.Dict()).tag(sync=True)
    selection = t.Dict().tag(sync=True)
    shortcuts = t.Bool(True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key_handlers: list[Callable[[str], None]] = []
        self.on_msg(self._on_message)

    def on_key(self, handler: Callable[[str], None]) -> None:
        """Call ``handler(action)`` for every shortcut key pressed in the app."""
        self._key_handlers.append(handler)

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "key":
            for handler in self._key_handlers:
                handler(str(content.get("action", "")))

    def show(self, text: str, marks: list[dict[str, Any]]) -> None:
        """Show ``text`` with ``marks`` (``start``/``end`` Python indices), unselected."""
        utf16 = []
        for mark in marks:
            start, end = span_to_utf16(text, mark["start"], mark["end"])
            utf16.append({**mark, "start": start, "end": end})
        with self.hold_sync():
            self.text = text
            self.marks = utf16
            self.selection = {}

    def selected_span(self) -> tuple[int, int] | None:
        """The selection as Python indices into :attr:`text`, or None."""
        chosen = self.selection or {}
        if "start" not in chosen or "end" not in chosen:
            return None
        start, end = span_from_utf16(self.text, chosen["start"], chosen["end"])
        return (start, end) if start < end else None
