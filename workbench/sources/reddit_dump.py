"""Pushshift / Arctic Shift Reddit dumps: NDJSON, one comment or submission a line.

The files are often ``.zst``-compressed (opened transparently by
:func:`~workbench.sources.fileio.open_binary`) and can hold hundreds of millions of
lines, so they are streamed and yielded in batches of ``options.batch_size`` rows.
A line with ``body`` is a comment, a line with ``title`` a submission (the thread
root, kind ``"post"``); comment and submission dumps may be mixed.

Quirks handled: ``created_utc`` as a string (old dumps) or a number; ``id`` missing
while the fullname ``name`` is present; ``link_id`` / ``parent_id`` without their
``t3_`` / ``t1_`` prefix; Arctic Shift's ``retrieved_on`` (kept in ``attributes``)
and ``_meta`` (ignored); a last line cut off mid-JSON (reported in
``Batch.skipped``, the rest loaded).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import msgspec
import orjson
from msgspec import UNSET, UnsetType

from workbench.errors import RecordError, WorkbenchError
from workbench.gcpause import collector_paused

from .base import ROW_KEYS, Batch, LoadOptions, Sample, register
from .fields import describe
from .fileio import iter_json_lines
from .reddit_things import (
    DELETED_BODIES,
    MAX_EPOCH,
    MAX_INT,
    PLATFORM,
    SITE,
    comment_row,
    post_row,
    unescape_reddit,
)

#: Keys whose presence makes a JSON line look like a Reddit comment / submission.
_COMMENT_KEYS = ('"body"', '"link_id"')
_POST_KEYS = ('"title"', '"subreddit"')


def _looks_like_reddit(record: dict[str, Any]) -> bool:
    if "body" in record:
        return "link_id" in record or "parent_id" in record or "subreddit" in record
    if "title" in record:
        return "subreddit" in record or "selftext" in record or "subreddit_id" in record
    return False


@register
class RedditDumpLoader:
    """Pushshift / Arctic Shift NDJSON dumps of comments and submissions."""

    name = "reddit-dump"
    certain_threads = True  # every thing names its post in link_id
    platform = PLATFORM
    description = "Reddit NDJSON dump (Pushshift / Arctic Shift), plain or .zst"

    def sniff(self, sample: Sample) -> float:
        """Recognise a first line that is one Reddit comment or submission object."""
        line = sample.first_line
        if not line.startswith("{"):
            return 0.0
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            # A first line longer than the sample (or cut off): judge by its keys.
            head = line[:4096]
            if '"kind"' in head[:40] or '"children"' in head or '"json"' in head[:40]:
                return 0.0  # a Listing or morechildren document on one line
            keys = _COMMENT_KEYS if '"body"' in line else _POST_KEYS
            return 0.5 if all(key in line for key in keys) and '"author"' in line else 0.0
        if not isinstance(record, dict) or "kind" in record or "json" in record:
            return 0.0
        return 0.9 if _looks_like_reddit(record) else 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Stream the dump in batches of ``options.batch_size`` rows.

        Raises
        ------
        RecordError
            For a line that is not valid JSON (except a cut-off last line), not an
            object, neither a comment nor a submission, or has a field of the wrong
            type; the message names the file, ``line N`` and the field.
        """
        size = max(1, options.batch_size)
        skipped: list[tuple[str, str]] = []
        lines = iter_json_lines(path, skipped=skipped, typed=_TYPED)
        while True:
            with collector_paused():
                columns = _fill(lines, path, size)
            if len(columns["comment_id"]) < size:
                break
            yield Batch(columns=columns)
        yield Batch(columns=columns, skipped=skipped)


class _Comment(msgspec.Struct, gc=False):
    """The usual dump line: a comment whose fields all have the usual types.

    Decoding a line into it checks those types (and ranges) in C; a line that does
    not fit is parsed as plain JSON and converted by the checked converters.
    Optional fields are ``UNSET`` when absent, so :func:`_as_record` gives back the
    line's own fields.
    """

    id: Annotated[str, msgspec.Meta(min_length=1)]
    link_id: str
    parent_id: str
    body: str
    author: str
    created_utc: Annotated[float, msgspec.Meta(ge=0, lt=MAX_EPOCH)]  # an int reads as float
    score: Annotated[int, msgspec.Meta(ge=-MAX_INT, le=MAX_INT)]
    subreddit: Annotated[str, msgspec.Meta(min_length=1)]
    permalink: str | None | UnsetType = UNSET
    edited: bool | int | float | str | None | UnsetType = UNSET
    distinguished: str | None | UnsetType = UNSET
    stickied: bool | None | UnsetType = UNSET
    is_submitter: bool | None | UnsetType = UNSET
    retrieved_on: int | float | str | None | UnsetType = UNSET
    link_title: str | None | UnsetType = UNSET


_TYPED = msgspec.json.Decoder(_Comment)


def _as_record(comment: _Comment) -> dict[str, Any]:
    """The fields of a decoded line as the JSON object they came from."""
    return {
        name: value
        for name in comment.__struct_fields__
        if (value := getattr(comment, name)) is not UNSET
    }


def _fill(lines: Iterator[tuple[int, Any]], path: Path, size: int) -> dict[str, list]:
    """Convert up to ``size`` records to loader columns (fewer only at the end of the file).

    ``lines`` come from :func:`iter_json_lines` with the :class:`_Comment` decoder:
    the usual record arrives typed and checked, and is converted inline here
    straight into the columns (this is the loop a million-line dump runs through).
    Anything else (a submission, a missing field, a string timestamp, a wrong
    type) arrives as plain JSON and goes to the checked converters of
    :mod:`.reddit_things`, which convert it or raise a located RecordError. Both
    paths give identical values (tested).
    """
    ids: list[Any] = []
    threads_of: list[Any] = []
    parents: list[Any] = []
    authors: list[Any] = []
    times: list[Any] = []
    texts: list[Any] = []
    scores: list[Any] = []
    urls: list[Any] = []
    extras: list[Any] = []
    fast = (ids, threads_of, parents, authors, times, texts, scores, urls, extras)
    raws: dict[int, str] = {}
    deleted: list[int] = []
    checked: dict[int, dict[str, Any]] = {}
    # Locals, not globals, in the per-line loop.
    unescape, site, deleted_bodies = unescape_reddit, SITE, DELETED_BODIES
    typed, unset = _Comment, UNSET
    # Per thread: (thread_id, subreddit, comment URL prefix), built once and shared.
    threads: dict[str, tuple[str, str, str]] = {}
    number = 0
    d: Any = None
    try:
        for number, d in islice(lines, size):  # noqa: B007
            if d.__class__ is not typed or d.link_id[:3] != "t3_" or d.parent_id[2:3] != "_":
                # Plain JSON, or an old dump's bare ids (the checked converter adds
                # their prefixes).
                checked[len(ids)] = _checked_row(
                    _as_record(d) if d.__class__ is typed else d, path, number)
                for column in fast:  # a place for the row, filled in at the end
                    column.append(None)
                continue
            link = d.link_id
            subreddit = d.subreddit
            thread = threads.get(link)
            if thread is None or thread[1] != subreddit:
                thread = threads[link] = (
                    "reddit:" + link,
                    subreddit,
                    f"{site}/r/{subreddit}/comments/{link[3:]}/_/",
                )
            cid = d.id
            permalink = d.permalink
            if permalink.__class__ is str and permalink[:1] == "/":
                url = site + permalink
            else:
                url = thread[2] + cid + "/"
            # Same values as reddit_things.comment_row gives.
            body, author = d.body, d.author
            attributes = {"subreddit": subreddit}
            if len(body) == 9 and (body == "[deleted]" or body == "[removed]"):
                attributes["removal"] = deleted_bodies[body]
                deleted.append(len(ids))
                text = ""
            elif "&" in body:
                text = unescape(body)
                if text != body:
                    raws[len(ids)] = body
            else:
                text = body
            # As reddit_things.add_comment_attributes, inlined (one call per line
            # costs more than these lookups); UNSET (absent) is false.
            if d.edited:
                attributes["edited"] = d.edited
            if d.distinguished:
                attributes["distinguished"] = d.distinguished
            if d.stickied:
                attributes["stickied"] = True
            if d.is_submitter:
                attributes["is_submitter"] = True
            if d.retrieved_on is not unset:
                attributes["retrieved_on"] = d.retrieved_on
            if d.link_title is not unset:
                attributes["link_title"] = d.link_title
            ids.append("reddit:t1_" + cid)
            threads_of.append(thread[0])
            parent = d.parent_id
            parents.append(thread[0] if parent == link else "reddit:" + parent)
            authors.append(None if author == "[deleted]" else author)
            times.append(d.created_utc)
            texts.append(text)
            scores.append(d.score)
            urls.append(url)
            extras.append(attributes)
    except WorkbenchError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        # The checks above should leave nothing that fails here; if a record of
        # some unforeseen shape does, name its line rather than let it escape.
        raise RecordError(
            path,
            f"could not be read as a Reddit comment ({type(exc).__name__}: {exc})",
            record=f"line {number}",
            hint="Check that line; is this really a Reddit dump?",
        ) from None
    n = len(ids)
    columns: dict[str, list] = {key: [None] * n for key in ROW_KEYS}
    columns.update(
        comment_id=ids, platform=[PLATFORM] * n, thread_id=threads_of, parent_id=parents,
        author=authors, created_at=times, text=texts, score=scores, url=urls, attributes=extras,
    )  # fmt: skip
    for index, raw in raws.items():
        columns["text_raw"][index] = raw
    for index in deleted:
        columns["is_deleted"][index] = True
    for index, row in checked.items():
        for key in ROW_KEYS:
            columns[key][index] = row.get(key)
    return columns


def _checked_row(d: Any, path: Path, number: int) -> dict[str, Any]:
    """Convert any other record with the checked converters, or raise."""
    if not isinstance(d, dict):
        raise _not_reddit(path, number, d)
    if "body" in d:
        return comment_row(d, path, number)
    if "title" in d:
        return post_row(d, path, number)
    raise _not_reddit(path, number, d)


def _not_reddit(path: Path, number: int, record: Any) -> RecordError:
    if not isinstance(record, dict):
        return RecordError(
            path, f"expected a JSON object, found {describe(record)}", record=f"line {number}"
        )
    keys = ", ".join(sorted(record)[:8])
    return RecordError(
        path,
        f"is neither a comment (no 'body') nor a submission (no 'title'); keys: {keys}",
        record=f"line {number}",
        hint="Is this file really a Reddit dump? Choose another format (--format)",
    )
