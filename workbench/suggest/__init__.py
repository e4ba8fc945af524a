"""Suggestions: which uncoded comments fit which code, learned as coding goes on.

* :class:`Suggester` — ``refresh()`` returns a :class:`Suggestions` snapshot
  (``for_code``, ``for_comment``, ``reason``, ``ask_next``, ``frame``, ``records``);
  cheap when nothing changed, a refit in well under a second when it did.
* :class:`BackgroundSuggester` — the same in a worker thread, for the coding app:
  ``request()`` after a click, read ``latest``; its ``provider`` is the app's
  ``suggested`` queue hook.
* :func:`accept` — code a suggested comment (``origin: suggestion-accepted``).
* :class:`CodeScorer` — the model on plain arrays (see :mod:`workbench.suggest.model`).
* :func:`suggestion_records`, :func:`export_name` — what ``workbench suggest`` prints.
"""

from __future__ import annotations

from workbench.suggest.background import BackgroundSuggester
from workbench.suggest.inputs import export_name, export_names
from workbench.suggest.model import CodeScorer, SuggestError
from workbench.suggest.report import suggestion_records
from workbench.suggest.suggester import (
    ACCEPTED,
    Reason,
    Suggester,
    Suggestion,
    Suggestions,
    accept,
)

__all__ = [
    "ACCEPTED",
    "BackgroundSuggester",
    "CodeScorer",
    "Reason",
    "SuggestError",
    "Suggester",
    "Suggestion",
    "Suggestions",
    "accept",
    "export_name",
    "export_names",
    "suggestion_records",
]
