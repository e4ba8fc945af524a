"""Reddit API documents: thread pages, comment permalinks, listings, ``morechildren``.

Formats registered here (the NDJSON dumps are in :mod:`.reddit_dump`):

``reddit-thread``
    A thread's ``.json`` (``[post Listing, comments Listing]``), also a comment's
    permalink view (``?context=N``: the parent chain and the subtree, same shape).
    Replies nest in ``replies`` (``""`` for a leaf); ``more`` stubs become gaps.
``reddit-morechildren``
    A ``/api/morechildren`` response: ``{"json": {"errors": [], "data": {"things":
    [...]}}}``, flat comments attached to their thread by ``parent_id`` / ``link_id``.
``reddit-listing``
    One Listing page of things (a user's comments, a subreddit's posts): flat, the
    parents usually absent.

Depth follows the workbench convention (post 0, top-level comment 1), which is
Reddit's own ``depth`` field plus one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.errors import RecordError, SourceError

from . import reddit_dump  # noqa: F401 (registers reddit-dump)
from .base import Batch, LoadOptions, Sample, register
from .fields import Fields, describe
from .fileio import read_json_document
from .reddit_things import PLATFORM, comment_row, more_gap, post_row

_LISTING = re.compile(r'"kind"\s*:\s*"Listing"')
_T3 = re.compile(r'"kind"\s*:\s*"t3"')
_T1 = re.compile(r'"kind"\s*:\s*"t1"')
_NO_CHILDREN = re.compile(r'"children"\s*:\s*\[\s*\]')
_THING = re.compile(r'"kind"\s*:\s*"(?:t1|t3|more)"')
_STARTS_LISTING = re.compile(r'^\{\s*"kind"\s*:\s*"Listing"')
_STARTS_DATA = re.compile(r'^\{\s*"data"\s*:\s*\{')
_STARTS_LIST_DATA = re.compile(r'^\[\s*\{\s*"data"\s*:\s*\{')
_STARTS_JSON = re.compile(r'^\{\s*"json"\s*:\s*\{')


def _children(listing: Any, path: Path, where: str) -> list[Any]:
    """Return the ``data.children`` list of a Listing, checked."""
    fields = Fields(listing, path, where)
    kind = fields.str("kind")
    if kind is not None and kind != "Listing":
        raise fields.error("kind", f"should be 'Listing', found {kind!r}")
    data = fields.child("data")
    assert data is not None  # required=True
    children = data.list("children", required=True)
    assert children is not None
    return children


def _thing(item: Any, path: Path, where: str) -> tuple[str, dict[str, Any]]:
    """``(kind, data)`` of one ``{"kind": ..., "data": {...}}`` thing, checked."""
    fields = Fields(item, path, where)
    kind = fields.str("kind", required=True)
    data = fields.dict("data", required=True)
    assert kind is not None and data is not None
    return kind, data


def _unsupported(kind: str, where: str) -> tuple[str, str]:
    return (f"unsupported Reddit kind {kind!r}", where)


# --- reddit-thread ---


@register
class RedditThreadLoader:
    """A thread's ``.json`` or a comment permalink view: post plus nested comments."""

    name = "reddit-thread"
    certain_threads = True  # every thing names its post in link_id
    platform = PLATFORM
    description = "Reddit thread .json ([post Listing, comments Listing]) or permalink view"

    def sniff(self, sample: Sample) -> float:
        """Recognise ``[{"kind": "Listing" ... "t3" ...`` at the start of the file."""
        head = sample.head.lstrip()
        if not head.startswith("["):
            return 0.0
        if not (_LISTING.search(head) or _STARTS_LIST_DATA.match(head)):
            return 0.0
        if _T3.search(head):
            return 0.95 if _T1.search(head) or _NO_CHILDREN.search(head) else 0.9
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the post, every comment and every stub of the thread as one batch."""
        document = read_json_document(path)
        if not isinstance(document, list) or len(document) != 2:
            raise SourceError(
                path,
                "is not a Reddit thread: expected [post Listing, comments Listing], "
                f"found {describe(document)}",
                hint="Save the thread's .json page as it is, or choose another format",
            )
        posts = _children(document[0], path, "$[0]")
        if len(posts) != 1:
            raise RecordError(
                path,
                f"the post Listing should hold exactly one post, found {len(posts)} items",
                record="$[0].data.children",
            )
        kind, data = _thing(posts[0], path, "$[0].data.children[0]")
        if kind != "t3":
            raise RecordError(
                path,
                f"expected the post (kind 't3'), found kind {kind!r}",
                record="$[0].data.children[0]",
            )
        post = post_row(data, path, "$[0].data.children[0].data")
        batch = Batch(rows=[post])
        link = post["comment_id"][len("reddit:") :]
        walker = _ThreadWalker(path, batch, link, post["url"])
        top = _children(document[1], path, "$[1]")
        for index, item in enumerate(top):
            walker.visit(item, f"$[1].data.children[{index}]")
        yield batch


class _ThreadWalker:
    """Walks nested ``replies`` without recursion (threads nest hundreds deep)."""

    def __init__(self, path: Path, batch: Batch, link: str, post_url: str) -> None:
        self.path = path
        self.batch = batch
        self.link = link
        self.post_url = post_url

    def visit(self, item: Any, where: str) -> None:
        """Add ``item`` (at the top of the comments Listing) and its replies."""
        # (thing, its JSON path, parent fullname, parent's depth, at the top?)
        stack: list[tuple[Any, str, str, int | None, bool]] = [(item, where, self.link, 0, True)]
        path, rows = self.path, self.batch.rows
        while stack:
            item, where, parent, parent_depth, at_top = stack.pop()
            kind, data = _thing(item, path, where)
            if kind == "more":
                self.batch.gaps.append(
                    more_gap(data, path, f"{where}.data", link_default=self.link)
                )
                continue
            if kind != "t1":
                self.batch.skipped.append(_unsupported(kind, where))
                continue
            if at_top:
                depth = self._top_depth(data, f"{where}.data")
            else:
                depth = None if parent_depth is None else parent_depth + 1
            row = comment_row(
                data,
                path,
                f"{where}.data",
                depth=depth,
                link_default=self.link,
                parent_default=parent,
                post_url=self.post_url,
            )
            rows.append(row)
            replies = data.get("replies")
            if not replies:
                continue
            if not isinstance(replies, dict):
                raise Fields(data, path, f"{where}.data").error(
                    "replies", f'should be a Listing or "", found {describe(replies)}'
                )
            children = _children(replies, path, f"{where}.data.replies")
            fullname = row["comment_id"][len("reddit:") :]
            base = f"{where}.data.replies.data.children"
            for index in range(len(children) - 1, -1, -1):
                stack.append((children[index], f"{base}[{index}]", fullname, depth, False))

    def _top_depth(self, data: dict[str, Any], where: str) -> int | None:
        """Depth of a comment at the top of the comments Listing.

        In a full thread it is a top-level comment (1). In a permalink view with a
        short ``context`` the chain may start below the top; then Reddit's
        ``depth`` field (+1) is used where present, else the depth is unknown.
        """
        if data.get("parent_id") in (None, self.link):
            return 1
        return reddit_depth(data, self.path, where)


def reddit_depth(data: dict[str, Any], path: Path, where: str) -> int | None:
    """Return the workbench depth from Reddit's ``depth`` field (top level 0 -> 1).

    Raises
    ------
    RecordError
        If ``depth`` is present but not a whole number from 0 to 10,000.
    """
    given = data.get("depth")
    if given is None:
        return None
    if type(given) is not int or not 0 <= given <= 10_000:
        raise Fields(data, path, where).error(
            "depth", f"should be a whole number from 0, found {describe(given)}"
        )
    return given + 1


# --- reddit-morechildren ---


@register
class RedditMoreChildrenLoader:
    """An ``/api/morechildren`` response: flat comments that expand ``more`` stubs."""

    name = "reddit-morechildren"
    certain_threads = True  # every thing names its post in link_id
    platform = PLATFORM
    description = "Reddit /api/morechildren response ({'json': {'data': {'things': [...]}}})"

    def sniff(self, sample: Sample) -> float:
        """Recognise ``{"json": {...`` with ``"things"`` (or Reddit's ``"errors"``)."""
        head = sample.head.lstrip()
        if not head.startswith("{"):
            return 0.0
        if _STARTS_JSON.match(head) and ('"things"' in head or '"errors"' in head):
            return 0.95
        return 0.7 if '"json"' in head and '"things"' in head else 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the comments (rows) and nested ``more`` stubs (gaps) as one batch."""
        document = read_json_document(path)
        top = Fields(document, path, "$")
        body = top.child("json")
        assert body is not None
        errors = body.list("errors")
        if errors:
            raise SourceError(
                path,
                f"is an error response from Reddit: {errors!r:.200}",
                hint="Request the comments again; this file holds no comments",
            )
        data = body.child("data", required=False)
        if data is None:  # neither comments nor errors: not a response Reddit sends
            raise body.error(
                "data",
                "is missing, and 'errors' names no error: the response holds no comments",
                "Request /api/morechildren again with api_type=json and save the response",
            )
        things = data.list("things", required=True)
        assert things is not None
        batch = Batch()
        stubs: list[tuple[dict[str, Any], str]] = []
        link: str | None = None
        for index, item in enumerate(things):
            where = f"$.json.data.things[{index}]"
            kind, thing = _thing(item, path, where)
            if kind == "t1":
                depth = reddit_depth(thing, path, f"{where}.data")
                row = comment_row(thing, path, f"{where}.data", depth=depth)
                batch.rows.append(row)
                link = link or row["thread_id"][len("reddit:") :]
            elif kind == "more":
                stubs.append((thing, f"{where}.data"))
            else:
                batch.skipped.append(_unsupported(kind, where))
        for thing, where in stubs:
            batch.gaps.append(more_gap(thing, path, where, link_default=link))
        yield batch


# --- reddit-listing ---


@register
class RedditListingLoader:
    """One Listing page of comments and/or posts (e.g. ``/user/<name>/comments.json``)."""

    name = "reddit-listing"
    certain_threads = True  # every thing names its post in link_id
    platform = PLATFORM
    description = "Reddit Listing of comments or posts (user history, subreddit page)"

    def sniff(self, sample: Sample) -> float:
        """Recognise ``{"kind": "Listing", ...}``."""
        head = sample.head.lstrip()
        if not head.startswith("{"):
            return 0.0
        if _STARTS_LISTING.match(head):
            return 0.9
        if (
            '"children"' in head
            and _THING.search(head)
            and (_LISTING.search(head) or _STARTS_DATA.match(head))
        ):
            return 0.6  # keys re-ordered, e.g. by a tool that sorts them
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield every comment and post of the page as one batch."""
        document = read_json_document(path)
        children = _children(document, path, "$")
        batch = Batch()
        for index, item in enumerate(children):
            where = f"$.data.children[{index}]"
            kind, data = _thing(item, path, where)
            if kind == "t1":
                batch.rows.append(comment_row(data, path, f"{where}.data"))
            elif kind == "t3":
                batch.rows.append(post_row(data, path, f"{where}.data"))
            elif kind == "more":
                batch.gaps.append(more_gap(data, path, f"{where}.data"))
            else:
                batch.skipped.append(_unsupported(kind, where))
        after = document["data"].get("after")
        if after:
            batch.warnings.append(
                f"{path.name} is one page of a longer listing (next page after {after!r})"
            )
        yield batch


__all__ = [
    "RedditListingLoader",
    "RedditMoreChildrenLoader",
    "RedditThreadLoader",
]
