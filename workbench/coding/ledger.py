"""The active codings a coding session shows, held in memory and kept in step.

:class:`Ledger` is read from the store once (``project.store.codings()``) and then
changed by the session after each save it made (the ids the store returned), so
showing a comment's codings never waits for a query. It keeps the session coder's
codings and, apart, everyone else's (which blind mode does not show).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

#: The keys of a coding row in the ledger.
ROW_KEYS: tuple[str, ...] = (
    "coding_id", "comment_id", "code_id", "coder", "span_start", "span_end", "memo", "origin",
)  # fmt: skip


def _value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def as_row(coding: dict[str, Any]) -> dict[str, Any]:
    """A coding (a store row or a dict given to ``add_codings``) with :data:`ROW_KEYS`."""
    row = {key: _value(coding.get(key)) for key in ROW_KEYS}
    for key in ("coding_id", "span_start", "span_end"):
        if row[key] is not None:
            row[key] = int(row[key])
    row["comment_id"], row["code_id"] = str(row["comment_id"]), str(row["code_id"])
    row["coder"] = str(row["coder"])
    return row


class Ledger:
    """Active codings by comment: the coder's own, and the other coders'.

    Parameters
    ----------
    coder : str
        The session's coder.
    """

    def __init__(self, coder: str) -> None:
        self.coder = coder
        self._mine: dict[int, dict[str, Any]] = {}
        self._by_comment: dict[str, list[int]] = {}
        self._others: dict[str, list[dict[str, Any]]] = {}
        self.coders: set[str] = set()

    def load(self, codings: pd.DataFrame) -> None:
        """Start again from the store's active codings (every coder's)."""
        self._mine, self._by_comment, self._others = {}, {}, {}
        self.coders = set()
        for record in codings.to_dict(orient="records"):
            row = as_row(record)
            self.coders.add(row["coder"])
            if row["coder"] == self.coder:
                self.add([row])
            else:
                self._others.setdefault(row["comment_id"], []).append(row)

    # -- changes -----------------------------------------------------------------------

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record the coder's new codings (rows with their ``coding_id``)."""
        for row in rows:
            row = as_row(row)
            self._mine[row["coding_id"]] = row
            self._by_comment.setdefault(row["comment_id"], []).append(row["coding_id"])
            self.coders.add(self.coder)

    def remove(self, coding_ids: Iterable[int]) -> None:
        """Forget codings of the coder that were removed."""
        for coding_id in coding_ids:
            row = self._mine.pop(int(coding_id), None)
            if row is not None:
                ids = self._by_comment.get(row["comment_id"], [])
                if row["coding_id"] in ids:
                    ids.remove(row["coding_id"])

    # -- reading -----------------------------------------------------------------------

    def get(self, coding_id: int) -> dict[str, Any] | None:
        """One of the coder's active codings, or None."""
        row = self._mine.get(int(coding_id))
        return None if row is None else dict(row)

    def mine(self, comment_id: str) -> list[dict[str, Any]]:
        """The coder's active codings of a comment, oldest first."""
        return [dict(self._mine[i]) for i in sorted(self._by_comment.get(comment_id, []))]

    def whole(self, comment_id: str, code_id: str) -> dict[str, Any] | None:
        """The coder's coding of the whole comment with ``code_id``, or None."""
        for row in self.mine(comment_id):
            if row["code_id"] == code_id and row["span_start"] is None:
                return row
        return None

    def find(self, comment_id: str, code_id: str, start: int | None,
             end: int | None) -> dict[str, Any] | None:  # fmt: skip
        """The coder's active coding equal to this one (same code and span), or None."""
        for row in self.mine(comment_id):
            if (row["code_id"], row["span_start"], row["span_end"]) == (code_id, start, end):
                return row
        return None

    def others(self, comment_id: str) -> list[dict[str, Any]]:
        """The other coders' active codings of a comment (as last read from the store)."""
        return [dict(row) for row in self._others.get(comment_id, [])]

    def coded_comments(self) -> set[str]:
        """Comments the coder has at least one active coding on."""
        return {c for c, ids in self._by_comment.items() if ids}

    def count(self) -> int:
        """The coder's active codings."""
        return len(self._mine)
