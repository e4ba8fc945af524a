"""A project's comments held in memory, to show one comment in its thread at once.

The coding app moves from comment to comment many times a minute; each step shows
the comment with the chain of comments it replies to and the replies it got. Asking
the database for a thread each time would cost a query per step, and a whole query
of a thread of 100,000 comments in the worst case; :class:`CommentIndex` reads the
comments once (pseudonyms only) and answers from memory in microseconds::

    index = CommentIndex(project.comments())
    context = index.context("reddit:t1_abc")      # the comment, its parents, replies
    index.thread_order("reddit:t3_xyz")           # a thread, in reading order

Comments imported after the index was made are seen once it is made again
(:meth:`CodingSession.refresh <workbench.coding.session.CodingSession.refresh>`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from workbench.privacy import MentionMasker

#: The columns of a comment in a :class:`ThreadContext` (dicts with these keys).
CONTEXT_FIELDS: tuple[str, ...] = (
    "comment_id", "thread_id", "parent_id", "kind", "platform", "author_pseudonym",
    "created_at", "title", "text", "score", "url", "depth", "is_deleted",
)  # fmt: skip
#: Parents shown above a comment at most (the nearest ones; the rest are counted).
MAX_ANCESTORS = 12
#: Replies shown below a comment at most (the earliest ones; the rest are counted).
MAX_REPLIES = 20
SHORT_CHARS = 80


def shorten(text: Any, limit: int = SHORT_CHARS) -> str:
    r"""``text`` on one line, cut to ``limit`` characters with an ellipsis.

    Examples
    --------
    >>> shorten("four   hours\nin A&E", 10)
    'four hour…'
    """
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ThreadContext:
    """One comment in its thread, as the coding app shows it.

    Attributes
    ----------
    comment : dict
        The comment (keys :data:`CONTEXT_FIELDS`; ``created_at`` a ``Timestamp`` or None).
    ancestors : list of dict
        The comments it replies to, the thread's top first, at most
        :data:`MAX_ANCESTORS` (the nearest); ``hidden_ancestors`` more above them.
    replies : list of dict
        Its direct replies, earliest first, at most :data:`MAX_REPLIES` of
        ``replies_total``.
    thread_title : str
        The thread's post title, or the start of its post, or its id.
    thread_size : int
        Comments of the thread in the project.
    source_url : str or None
        Where to read the comment on its platform: its permalink, or else the
        nearest parent's, or else the thread post's.
    parent_missing : bool
        It replies to a comment the project does not have (not imported).
    """

    comment: dict[str, Any]
    ancestors: list[dict[str, Any]] = field(default_factory=list)
    hidden_ancestors: int = 0
    replies: list[dict[str, Any]] = field(default_factory=list)
    replies_total: int = 0
    thread_title: str = ""
    thread_size: int = 1
    source_url: str | None = None
    parent_missing: bool = False

    @property
    def comment_id(self) -> str:
        """The comment's id."""
        return str(self.comment["comment_id"])


class CommentIndex:
    """Comments by id, by parent and by thread, for thread context without queries.

    Parameters
    ----------
    comments : pandas.DataFrame
        A comments frame (:mod:`workbench.frames`), e.g. ``project.comments()``;
        its order is kept as the storage order (:meth:`ids`).
    """

    def __init__(self, comments: pd.DataFrame) -> None:
        self._columns: dict[str, list[Any]] = {}
        for name in CONTEXT_FIELDS:
            values = comments[name]
            if name == "created_at":
                self._columns[name] = [None if pd.isna(v) else v for v in values]
            else:
                self._columns[name] = values.astype(object).where(values.notna(), None).tolist()
        ids = [str(c) for c in self._columns["comment_id"]]
        self._ids = ids
        self._pos = {c: i for i, c in enumerate(ids)}
        stamps = comments["created_at"].to_numpy("datetime64[ms]").astype("int64").tolist()
        self._order = stamps  # sort key: creation time (missing times sort first)
        children: dict[str, list[int]] = {}
        threads: dict[str, list[int]] = {}
        pairs = zip(self._columns["parent_id"], self._columns["thread_id"], strict=True)
        for i, (parent, thread) in enumerate(pairs):
            if parent is not None and parent in self._pos and parent != ids[i]:
                children.setdefault(parent, []).append(i)
            threads.setdefault(str(thread), []).append(i)
        self._children = {p: sorted(rows, key=self._key) for p, rows in children.items()}
        self._threads = threads
        self._posts = {t: self._post_of(t, rows) for t, rows in threads.items()}

    def _key(self, row: int) -> tuple[int, int]:
        return self._order[row], row

    def _post_of(self, thread_id: str, rows: list[int]) -> int | None:
        if thread_id in self._pos:
            return self._pos[thread_id]
        posts = [r for r in rows if self._columns["kind"][r] == "post"]
        return min(posts, key=self._key) if posts else None

    # -- lookups ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, comment_id: object) -> bool:
        return comment_id in self._pos

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def ids(self) -> list[str]:
        """Every comment id, in storage order."""
        return list(self._ids)

    def row(self, comment_id: str) -> dict[str, Any]:
        """One comment as a dict (keys :data:`CONTEXT_FIELDS`); KeyError if unknown."""
        return self._row(self._pos[comment_id])

    def _row(self, i: int) -> dict[str, Any]:
        return {name: values[i] for name, values in self._columns.items()}

    def text(self, comment_id: str) -> str:
        """A comment's text ("" for none)."""
        return str(self._columns["text"][self._pos[comment_id]] or "")

    def codable(self, comment_id: str) -> bool:
        """Whether the comment has text to code (deleted ones often have none)."""
        return bool(self.text(comment_id).strip())

    def thread_of(self, comment_id: str) -> str:
        """The thread a comment belongs to."""
        return str(self._columns["thread_id"][self._pos[comment_id]])

    def has_thread(self, thread_id: str) -> bool:
        """Whether the project has comments of this thread."""
        return thread_id in self._threads

    # -- threads ---------------------------------------------------------------------

    def thread_title(self, thread_id: str) -> str:
        """The thread's post title, or the start of its post, or its id."""
        post = self._posts.get(thread_id)
        if post is None:
            return thread_id
        title = self._columns["title"][post] or self._columns["text"][post]
        return shorten(title, 70) if title else thread_id

    def thread_size(self, thread_id: str) -> int:
        """Comments of the thread in the project."""
        return len(self._threads.get(thread_id, ()))

    def threads(self, limit: int | None = None) -> list[tuple[str, str]]:
        """``(label, thread_id)`` of the threads, largest first (ties by id).

        The label names the platform, the thread's title or start and its size.
        """
        order = sorted(self._threads, key=lambda t: (-len(self._threads[t]), t))
        return [(self.thread_label(t), t) for t in order[:limit]]

    def thread_label(self, thread_id: str) -> str:
        """``"reddit · Walk-in centre hours (131 comments)"``."""
        rows = self._threads.get(thread_id) or []
        platform = self._columns["platform"][rows[0]] if rows else "?"
        n = len(rows)
        return f"{platform} · {self.thread_title(thread_id)} ({n} comment{'s' * (n != 1)})"

    def thread_order(self, thread_id: str) -> list[str]:
        """A thread's comments in reading order: each comment, then its replies.

        Comments whose parent is not in the thread (the post, replies to missing
        comments) start a branch each, the post first, then by time; replies
        follow their parent, earliest first. Every comment of the thread appears
        once, even in data whose replies form a loop.
        """
        rows = self._threads.get(thread_id, [])
        members = set(rows)
        parents = self._columns["parent_id"]
        roots = [r for r in rows
                 if parents[r] is None or self._pos.get(parents[r]) not in members
                 or parents[r] == self._ids[r]]  # fmt: skip
        roots.sort(key=lambda r: (self._columns["kind"][r] != "post", *self._key(r)))
        seen: set[int] = set()
        order: list[int] = []
        for start in [*roots, *sorted(rows, key=self._key)]:  # the rest: loops
            stack = [start]
            while stack:
                row = stack.pop()
                if row in seen:
                    continue
                seen.add(row)
                order.append(row)
                kids = [k for k in self._children.get(self._ids[row], []) if k in members]
                stack.extend(reversed(kids))
        return [self._ids[r] for r in order]

    # -- context ---------------------------------------------------------------------

    def context(self, comment_id: str, *, max_ancestors: int = MAX_ANCESTORS,
                max_replies: int = MAX_REPLIES) -> ThreadContext:  # fmt: skip
        """The comment with its parent chain and replies (see :class:`ThreadContext`).

        Raises
        ------
        KeyError
            If the project has no such comment.
        """
        i = self._pos[comment_id]
        comment = self._row(i)
        chain: list[int] = []
        seen = {i}
        parent = comment["parent_id"]
        while parent is not None and parent in self._pos:
            p = self._pos[parent]
            if p in seen:  # a reply loop in bad data
                break
            seen.add(p)
            chain.append(p)
            parent = self._columns["parent_id"][p]
        # The chain stops at the top, at a loop, or at a parent the project lacks
        # (a reply to the thread's target, e.g. a Facebook page, is not missing).
        missing = parent is not None and parent not in self._pos and parent != comment["thread_id"]
        shown = chain[:max_ancestors]
        replies = self._children.get(comment_id, [])
        thread = str(comment["thread_id"])
        url = comment["url"] or next(
            (self._columns["url"][p] for p in chain if self._columns["url"][p]), None)
        post = self._posts.get(thread)
        if url is None and post is not None:
            url = self._columns["url"][post]
        return ThreadContext(
            comment=comment,
            ancestors=[self._row(p) for p in reversed(shown)],
            hidden_ancestors=len(chain) - len(shown),
            replies=[self._row(r) for r in replies[:max_replies]],
            replies_total=len(replies),
            thread_title=self.thread_title(thread),
            thread_size=self.thread_size(thread),
            source_url=url,
            parent_missing=bool(missing),
        )


def masked(context: ThreadContext, masker: MentionMasker) -> ThreadContext:
    """The context with mentions masked in every text shown beside the comment.

    The comment's own text stays as stored (passages are positions in it); the app
    shows it through :meth:`MentionMasker.mask_spans`.
    """
    if not masker.active:
        return context
    mask = masker.mask
    return replace(context, thread_title=mask(context.thread_title),
                   ancestors=[{**r, "text": mask(r.get("text"))} for r in context.ancestors],
                   replies=[{**r, "text": mask(r.get("text"))} for r in context.replies])


def utc_text(value: Any) -> str:
    """A creation time as ``2026-04-29 07:30 UTC`` ("no date" when unknown)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "no date"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")
