"""Turn loader rows into canonical comment columns.

This is the one place where text is normalised, times become UTC ISO strings,
depth is derived from the reply tree and the required fields are checked, so every
loader's output looks the same downstream.
"""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from workbench.errors import RecordError

from .base import ROW_KEYS
from .text import normalise_text

#: Columns produced by :func:`finish_rows`, in order (``author_pseudonym`` and
#: ``import_id`` are added by the project at import time).
FINISHED_COLUMNS: tuple[str, ...] = (*ROW_KEYS, "source_format")

_KINDS = frozenset(("post", "comment"))
_KINDS_OR_NONE = frozenset(("post", "comment", None, ""))
_INT_LIMIT = 2**63
_LAST_SECOND = 32503680000.0  # 3000-01-01: later (or negative) times are not real
_NUMBERS = frozenset((float, int, bool))


def _small_int(value: object) -> int | None:
    """An integer SQLite and pandas can hold, else ``None`` (scores, depths)."""
    if isinstance(value, int) and not isinstance(value, bool) and -_INT_LIMIT < value < _INT_LIMIT:
        return value
    return None


def _dump_attributes(extra: dict) -> str:
    try:
        return orjson.dumps(extra).decode()
    except TypeError:  # integers beyond 64 bits and other values orjson refuses
        return json.dumps(extra, default=str, ensure_ascii=False)


def iso_times(epochs: list[float | None]) -> list[str | None]:
    """Format epoch seconds as ISO 8601 UTC strings with milliseconds (vectorised).

    ``None``, and times before 1970 or after the year 3000, become ``None``.
    """
    if not epochs:
        return []
    if set(map(type, epochs)) <= _NUMBERS:  # the usual column: no value needs a look
        values = np.array(epochs, dtype="float64")
        values[~((values >= 0) & (values <= _LAST_SECOND))] = np.nan
    else:
        values = np.array(
            [e if isinstance(e, int | float) and 0 <= e <= _LAST_SECOND else np.nan
             for e in epochs],
            dtype="float64",
        )  # fmt: skip
    missing = np.isnan(values)
    if not missing.any() and (values == np.floor(values)).all():  # whole seconds
        seconds = np.datetime_as_string(values.astype("int64").astype("datetime64[s]"), unit="s")
        return [s + ".000Z" for s in seconds.tolist()]
    millis = np.where(missing, 0, np.round(values * 1000.0)).astype("int64")
    text = np.datetime_as_string(millis.astype("datetime64[ms]"), unit="ms")
    out: list[str | None] = [s + "Z" for s in text.tolist()]
    if missing.any():
        for index in np.flatnonzero(missing).tolist():
            out[index] = None
    return out


class DepthMemory:
    """Depths of recently finished rows, so replies find parents from earlier batches.

    Bounded: once it holds ``capacity`` ids, the older half is forgotten, so memory
    stays flat however long the file (a forgotten parent only leaves a depth for
    the store to derive).
    """

    def __init__(self, capacity: int = 400_000) -> None:
        self.capacity = capacity
        self.depths: dict[str, int] = {}

    def remember(self, ids: list[str], depths: list[int | None]) -> None:
        """Add the known depths of one batch."""
        store = self.depths
        store.update(zip(ids, depths, strict=True))  # an unknown (None) reads as missing
        if len(store) > self.capacity:
            self.depths = dict(islice(store.items(), len(store) // 2, None))


def derive_depths(
    ids: list[str],
    parents: list[str | None],
    threads: list[str],
    kinds: list[str],
    given: list[int | None],
    known: dict[str, int] | None = None,
) -> list[int | None]:
    """Depth of each row from the reply tree held in the batch.

    A thread root is 0; a comment whose parent is the thread root is 1 (whether or
    not the root itself is in the batch); otherwise parent's depth + 1 when the
    parent is in the batch or in ``known`` (depths of earlier batches), else
    ``None`` (left for the store to fill once the parent arrives). A depth the
    loader already knows is kept.
    """
    known = known or {}
    result: list[int | None] = [
        depth if depth is not None
        else 0 if kind == "post" or parent is None
        else 1 if parent == thread
        else None
        for depth, kind, parent, thread in zip(given, kinds, parents, threads, strict=True)
    ]  # fmt: skip
    open_rows = [i for i, depth in enumerate(result) if depth is None]
    if not open_rows:
        return result
    position = {cid: i for i, cid in enumerate(ids)}
    get, earlier = position.get, known.get
    for i in open_rows:
        if result[i] is not None:  # set on the way up from an earlier row
            continue
        parent = parents[i]
        j = get(parent)
        above = earlier(parent) if j is None else result[j]
        if above is not None or j is None:  # the usual reply: its parent's depth is known
            result[i] = None if above is None else above + 1
            continue
        chain = []
        j = i
        base: int | None = None
        while j is not None and result[j] is None and len(chain) <= len(ids):
            chain.append(j)
            parent = parents[j]
            j = position.get(parent) if parent is not None else None
            if j is None and parent is not None:
                base = known.get(parent)
        if j is not None:
            base = result[j]
        for k in reversed(chain):
            if base is not None:
                base += 1
            result[k] = base
    return result


def loader_columns(rows: list[dict[str, Any]]) -> dict[str, list]:
    """Loader rows laid out as one list per key of :data:`ROW_KEYS` (``None`` where missing)."""
    return {key: [row.get(key) for row in rows] for key in ROW_KEYS}


def finish_rows(
    rows: list[dict[str, Any]],
    source_format: str,
    path: Path,
    memory: DepthMemory | None = None,
) -> dict[str, list]:
    """Lay loader rows out as canonical columns (:func:`finish_columns` of their columns)."""
    return finish_columns(loader_columns(rows), source_format, path, memory)


def _first(flags: Any) -> int | None:
    """Index of the first true value, or ``None``."""
    for index, flag in enumerate(flags):
        if flag:
            return index
    return None


def _all(column: list, value: Any) -> bool:
    """Whether every item of ``column`` is ``value`` (counted in C)."""
    return column.count(value) == len(column)


def _check(columns: dict[str, list], path: Path) -> None:
    """Raise for the first record that lacks an id, platform or text, or has a bad kind."""
    ids, texts = columns["comment_id"], columns["text"]
    problems: list[tuple[int, str, str | None]] = []
    if set(map(type, ids)) != {str} or "" in ids:
        bad = _first(not cid or not isinstance(cid, str) for cid in ids)
        if bad is not None:
            problems.append((bad, f"record {bad + 1} has no id", "Check the export"))
    if not set(map(type, texts)) <= {str, type(None)}:
        bad = _first(text is not None and not isinstance(text, str) for text in texts)
        if bad is not None:
            problems.append((bad, f"record {ids[bad]!r} has text of type "
                                  f"{type(texts[bad]).__name__}", None))  # fmt: skip
    platforms = columns["platform"]
    if not all(platforms):
        bad = _first(not platform for platform in platforms)
        problems.append((bad, f"record {ids[bad]!r} has no platform", "Check the export"))  # type: ignore[index]
    kinds = columns["kind"]
    if not _known_kinds(kinds):
        bad = _first(kind and (not isinstance(kind, str) or kind not in _KINDS) for kind in kinds)
        if bad is not None:
            problems.append((bad, f"record {ids[bad]!r} has kind {kinds[bad]!r}; "
                                  "expected post or comment", None))  # fmt: skip
    if problems:
        _, message, hint = min(problems, key=lambda problem: problem[0])
        raise RecordError(path, message, hint=hint)


def _known_kinds(kinds: list) -> bool:
    """Whether every kind is post, comment or left out (the usual batch)."""
    try:
        return set(kinds) <= _KINDS_OR_NONE
    except TypeError:  # an unhashable value
        return False


def _or_none(column: list) -> list:
    """Empty values (``""``, ``0``...) as ``None``."""
    if _all(column, None) or all(column):
        return column
    return [value or None for value in column]


def _small_ints(column: list) -> list[int | None]:
    """:func:`_small_int` of each value."""
    if _all(column, None):
        return column
    if set(map(type, column)) <= {int, type(None)}:
        present = [value for value in column if value is not None]
        if -_INT_LIMIT < min(present) and max(present) < _INT_LIMIT:
            return column
    return [_small_int(value) for value in column]


def finish_columns(
    columns: dict[str, list],
    source_format: str,
    path: Path,
    memory: DepthMemory | None = None,
) -> dict[str, list]:
    """Turn loader columns into canonical columns.

    Parameters
    ----------
    columns : dict of str to list
        One list per key of :data:`ROW_KEYS`, all of one length (``None`` where a
        row has no value). Lists may be changed or reused.
    source_format : str
        Name of the loader that read them.
    path : Path
        The file they came from, for error messages.
    memory : DepthMemory, optional
        Depths of earlier batches of the same file; updated with this batch's.

    Returns
    -------
    dict of str to list
        One list per name in :data:`FINISHED_COLUMNS`.

    Raises
    ------
    RecordError
        For the first record that lacks an id, platform or text (or has a text that
        is no string, or a kind other than post or comment).
    """
    _check(columns, path)
    ids, texts, raws = columns["comment_id"], columns["text"], columns["text_raw"]
    n = len(ids)
    texts = [text or "" for text in texts]  # a missing text is empty
    clean = [normalise_text(text) if text else text for text in texts]
    if _all(raws, None):
        kept = [None if text == done else text for text, done in zip(texts, clean, strict=True)]
    else:
        kept = [
            None if (raw if raw is not None else text) == done else (raw if raw is not None
                                                                     else text)
            for raw, text, done in zip(raws, texts, clean, strict=True)
        ]  # fmt: skip
    threads = columns["thread_id"]
    if not all(threads):
        threads = [thread or cid for thread, cid in zip(threads, ids, strict=True)]
    kinds = columns["kind"]
    if not _all(kinds, "comment"):
        kinds = [kind or "comment" for kind in kinds]
    titles = columns["title"]
    if not _all(titles, None):
        titles = [normalise_text(title) if title else None for title in titles]
    attributes = columns["attributes"]
    if not _all(attributes, None):
        attributes = [_dump_attributes(extra) if extra else None for extra in attributes]
    deleted = columns["is_deleted"]
    deleted = [False] * n if _all(deleted, None) else list(map(bool, deleted))
    parents = columns["parent_id"]
    depths = derive_depths(ids, parents, threads, kinds, _small_ints(columns["depth"]),
                           memory.depths if memory else None)  # fmt: skip
    if memory is not None:
        memory.remember(ids, depths)
    return {
        "comment_id": ids,
        "platform": columns["platform"],
        "thread_id": threads,
        "parent_id": parents,
        "kind": kinds,
        "author": _or_none(columns["author"]),
        "created_at": iso_times(columns["created_at"]),
        "title": titles,
        "text": clean,
        "text_raw": kept,
        "depth": depths,
        "score": _small_ints(columns["score"]),
        "url": _or_none(columns["url"]),
        "lang": _or_none(columns["lang"]),
        "is_deleted": deleted,
        "attributes": attributes,
        "source_format": [source_format] * n,
    }
