"""Turn loader rows into canonical comment columns.

This is the one place where text is normalised, times become UTC ISO strings,
depth is derived from the reply tree and the required fields are checked, so every
loader's output looks the same downstream.
"""

from __future__ import annotations

import json
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
_INT_LIMIT = 2**63
_LAST_SECOND = 32503680000.0  # 3000-01-01: later (or negative) times are not real


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
    values = np.array(
        [e if isinstance(e, int | float) and 0 <= e <= _LAST_SECOND else np.nan for e in epochs],
        dtype="float64",
    )
    missing = np.isnan(values)
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
        for cid, depth in zip(ids, depths, strict=True):
            if depth is not None:
                store[cid] = depth
        if len(store) > self.capacity:
            keep = list(store.items())[len(store) // 2 :]
            self.depths = dict(keep)


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
    position = {cid: i for i, cid in enumerate(ids)}
    result: list[int | None] = list(given)
    for i in range(len(ids)):
        if result[i] is None:
            if kinds[i] == "post" or parents[i] is None:
                result[i] = 0
            elif parents[i] == threads[i]:
                result[i] = 1
    for i in range(len(ids)):
        if result[i] is not None:
            continue
        chain = []
        j: int | None = i
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


def finish_rows(
    rows: list[dict[str, Any]],
    source_format: str,
    path: Path,
    memory: DepthMemory | None = None,
) -> dict[str, list]:
    """Lay loader rows out as canonical columns.

    Parameters
    ----------
    rows : list of dict
        Loader rows (see :data:`workbench.sources.base.ROW_KEYS`).
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
        If a row lacks an id, platform, thread or text.
    """
    cols: dict[str, list] = {name: [] for name in FINISHED_COLUMNS}
    ids, platforms, threads, parents = (
        cols["comment_id"],
        cols["platform"],
        cols["thread_id"],
        cols["parent_id"],
    )
    kinds, authors, titles, texts = cols["kind"], cols["author"], cols["title"], cols["text"]
    raws, scores, urls, langs = cols["text_raw"], cols["score"], cols["url"], cols["lang"]
    deleted, attrs = cols["is_deleted"], cols["attributes"]
    times: list[float | None] = []
    given_depths: list[int | None] = []
    for number, row in enumerate(rows):
        cid = row.get("comment_id")
        text = row.get("text")
        if not cid or not isinstance(cid, str):
            raise RecordError(path, f"record {number + 1} has no id", hint="Check the export")
        if text is None:
            text = ""
        elif not isinstance(text, str):
            raise RecordError(path, f"record {cid!r} has text of type {type(text).__name__}")
        clean = normalise_text(text) if text else text
        raw = row.get("text_raw")
        if raw is None:
            raw = text
        ids.append(cid)
        platforms.append(row["platform"])
        thread = row.get("thread_id") or cid
        threads.append(thread)
        parents.append(row.get("parent_id"))
        kind = row.get("kind") or "comment"
        if kind not in _KINDS:
            raise RecordError(path, f"record {cid!r} has kind {kind!r}; expected post or comment")
        kinds.append(kind)
        authors.append(row.get("author") or None)
        times.append(row.get("created_at"))
        title = row.get("title")
        titles.append(normalise_text(title) if title else None)
        texts.append(clean)
        raws.append(raw if raw != clean else None)
        given_depths.append(_small_int(row.get("depth")))
        scores.append(_small_int(row.get("score")))
        urls.append(row.get("url") or None)
        langs.append(row.get("lang") or None)
        deleted.append(bool(row.get("is_deleted")))
        extra = row.get("attributes")
        attrs.append(_dump_attributes(extra) if extra else None)
    cols["created_at"] = iso_times(times)
    cols["depth"] = derive_depths(
        ids, parents, threads, kinds, given_depths, memory.depths if memory else None
    )
    if memory is not None:
        memory.remember(ids, cols["depth"])
    cols["source_format"] = [source_format] * len(ids)
    return cols
