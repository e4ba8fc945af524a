r"""Threads as REFI-QDA text sources, and the way back to comments.

One source per thread: a researcher opening the project in another program reads a
conversation, not hundreds of one-line documents. The source text is the thread's
comments in reading order (replies under their parent, each level by time), each
under a header line, separated by a blank line::

    [reddit:t1_a] hedgehog-17 · 2024-05-01T10:00:00Z
    The clinic closed at four.

    [reddit:t1_b] otter-3 · 2024-05-01T10:05:00Z · reply to reddit:t1_a
    Two buses each way, too.

Every coded comment or span becomes a ``PlainTextSelection`` of that text; a coding
of the whole comment selects exactly the comment's text (not its header).

To map selections back to comments exactly, the source's ``<Description>`` ends
with a block recording the thread and where each comment's text starts and ends
(in characters of the text, LF line ends)::

    Thread Workbench thread reddit:t3_x: 2 comments, each under a line "[comment id] ...".
    Workbench thread: reddit:t3_x
    Workbench comments (start end comment id):
    35 61 reddit:t1_a
    ...

Reading checks that each recorded comment still sits right under its header line;
if another program changed the text, the comments are found again by their header
lines (the recorded ids in order), so codings made there still map to comments.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.codebook.model import Codebook
from workbench.errors import ExchangeError
from workbench.exchange.model import (
    CommentPlace,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSource,
    QdaUser,
)
from workbench.exchange.xmlio import guid_for

_BLOCK = "Thread Workbench thread "
_THREAD = "Workbench thread: "
_COMMENTS = "Workbench comments (start end comment id):"


def value(row: Mapping[str, Any], key: str) -> Any:
    """``row[key]``, with a missing value (None, NaN, pandas NA) as None."""
    found = row.get(key)
    if found is None:
        return None
    try:
        if found != found:  # NaN
            return None
    except TypeError:  # pandas NA refuses to be a bool
        return None
    return found


def reading_order(comments: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Comments depth first: replies under their parent, siblings by time.

    Comments whose parent is not among them (top-level comments, replies to missing
    parents) start the order, by time.
    """
    ids = {str(value(c, "comment_id")) for c in comments}
    kids: dict[str | None, list[tuple[str, int, Mapping[str, Any]]]] = defaultdict(list)
    for index, comment in enumerate(comments):
        parent = value(comment, "parent_id")
        parent = str(parent) if parent is not None and str(parent) in ids else None
        kids[parent].append((str(value(comment, "created_at") or ""), index, comment))
    ordered: list[Mapping[str, Any]] = []
    stack = sorted(kids[None], key=lambda item: item[:2], reverse=True)
    seen: set[str] = set()
    while stack:
        _, _, comment = stack.pop()
        comment_id = str(value(comment, "comment_id"))
        if comment_id in seen:
            continue
        seen.add(comment_id)
        ordered.append(comment)
        stack.extend(sorted(kids[comment_id], key=lambda item: item[:2], reverse=True))
    ordered.extend(c for c in comments if str(value(c, "comment_id")) not in seen)  # loops
    return ordered


def header(comment: Mapping[str, Any], ids: set[str] | frozenset[str] = frozenset()) -> str:
    """The header line of a comment in a thread source (``ids``: the thread's comments)."""
    parts = [f"[{value(comment, 'comment_id')}]"]
    extras = [str(v) for v in (value(comment, "author_pseudonym") or value(comment, "author"),
                               value(comment, "created_at")) if v is not None and str(v)]
    parent = value(comment, "parent_id")
    if parent is not None and str(parent) in ids:
        extras.append(f"reply to {parent}")
    if extras:
        parts.append(" · ".join(extras))
    return " ".join(parts).replace("\n", " ")


def thread_source(thread_id: str, comments: Sequence[Mapping[str, Any]], *,
                  name: str | None = None, description: str = "") -> QdaSource:  # fmt: skip
    """One thread as a source (see the module docstring).

    ``comments`` are rows with ``comment_id``, ``text`` and, when known,
    ``author_pseudonym``, ``created_at`` and ``parent_id`` (raw handles never go into
    an export). The text of a comment is used as it is.
    """
    parts: list[str] = []
    places: list[CommentPlace] = []
    at = 0
    ids = {str(value(comment, "comment_id")) for comment in comments}
    for comment in reading_order(comments):
        line = header(comment, ids)
        text = str(value(comment, "text") or "")
        start = at + len(line) + 1
        places.append(CommentPlace(str(value(comment, "comment_id")), start, start + len(text)))
        parts.append(f"{line}\n{text}")
        at = start + len(text) + 2
    return QdaSource(guid=guid_for("thread", thread_id), name=name or thread_id,
                     text="\n\n".join(parts), thread_id=thread_id, comments=places,
                     description=description)  # fmt: skip


def project_from_rows(codebook: Codebook, comments: Iterable[Mapping[str, Any]],
                      codings: Iterable[Mapping[str, Any]] = (),
                      memos: Iterable[Mapping[str, Any]] = (), *, name: str = "",
                      description: str = "") -> QdaProject:  # fmt: skip
    """A project to export, from rows as the store gives them.

    Parameters
    ----------
    codebook : Codebook
    comments : iterable of mappings
        ``comment_id``, ``thread_id``, ``text`` and optionally ``author_pseudonym``,
        ``created_at``, ``parent_id``: every comment to include (one source per
        thread).
    codings : iterable of mappings
        ``comment_id``, ``code_id``, ``coder`` and optionally ``span_start``,
        ``span_end`` (None: the whole comment), ``memo``, ``created_at``.
    memos : iterable of mappings
        ``target_kind`` (project, code, thread, comment), ``target_id``, ``text`` and
        optionally ``author``, ``at`` (or ``created_at``).
    name, description : str
        Of the project (the name defaults to the codebook's title).

    Raises
    ------
    ExchangeError
        For a coding of a comment that is not among ``comments``, a span outside its
        comment, or a code that is not in the codebook.
    """
    threads: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for comment in comments:
        threads[str(value(comment, "thread_id"))].append(comment)
    sources = [thread_source(thread_id, rows) for thread_id, rows in threads.items()]
    where = {place.comment_id: (source, place) for source in sources for place in source.comments}
    by_thread = {source.thread_id: source for source in sources}
    users: set[str] = set()
    made: list[QdaCoding] = []
    for n, row in enumerate(codings, start=1):
        comment_id, code_id = str(value(row, "comment_id")), str(value(row, "code_id"))
        coder = str(value(row, "coder") or "")
        what = f"coding {n} (comment {comment_id!r}, code {code_id!r})"
        if comment_id not in where:
            raise ExchangeError(None, f"{what}: the comment is not among the comments given",
                                hint="pass the comments of every coded thread")  # fmt: skip
        if not codebook.has(code_id):
            raise ExchangeError(None, f"{what}: the code is not in codebook {codebook.id!r}")
        source, place = where[comment_id]
        span_start, span_end = value(row, "span_start"), value(row, "span_end")
        if span_start is not None and span_end is not None:
            span_start, span_end = int(span_start), int(span_end)
            if not 0 <= span_start <= span_end <= place.end - place.start:
                raise ExchangeError(None, f"{what}: span {span_start}..{span_end} is not "
                                    f"inside the comment's {place.end - place.start} "
                                    "characters")  # fmt: skip
        else:
            span_start = span_end = None
        start, end = (place.start, place.end) if span_start is None else (
            place.start + span_start, place.start + span_end)
        users.add(coder)
        made.append(QdaCoding(source.guid, code_id, coder, start, end,
                              created_at=_text(value(row, "created_at")),
                              memo=str(value(row, "memo") or ""), comment_id=comment_id,
                              span_start=span_start, span_end=span_end))  # fmt: skip
    notes = []
    for row in memos:
        kind, target = str(value(row, "target_kind")), value(row, "target_id")
        target = None if kind == "project" else str(target)
        if kind == "thread" and target not in by_thread:
            raise ExchangeError(None, f"memo on thread {target!r}: the thread has no comments "
                                "among those given")  # fmt: skip
        if kind == "comment" and target not in where:
            raise ExchangeError(None, f"memo on comment {target!r}: the comment is not among "
                                "the comments given")  # fmt: skip
        author = _text(value(row, "author"))
        if author:
            users.add(author)
        notes.append(QdaNote(str(value(row, "text") or ""), kind, target,  # type: ignore[arg-type]
                             author=author,
                             created_at=_text(value(row, "at") or value(row, "created_at"))))
    return QdaProject(codebook=codebook, name=name or codebook.title,
                      users=[QdaUser(guid_for("user", user), user) for user in sorted(users)],
                      sources=sources, codings=made, notes=notes, description=description)


def _text(found: Any) -> str | None:
    return None if found is None else str(found)


# -- the description block -------------------------------------------------------------


def thread_block(source: QdaSource) -> str:
    """The description block recording ``source``'s thread and comment offsets."""
    count = len(source.comments)
    lines = [f"{_BLOCK}{source.thread_id}: {count} comment{'' if count == 1 else 's'}, each "
             'under a line "[comment id] author · time".',
             f"{_THREAD}{source.thread_id}", _COMMENTS]
    lines += [f"{p.start} {p.end} {p.comment_id}" for p in source.comments]
    block = "\n".join(lines)
    return f"{source.description}\n\n{block}" if source.description else block


def read_thread_block(description: str, text: str
                      ) -> tuple[str, str | None, list[CommentPlace], str | None]:  # fmt: skip
    """Description without the block, thread id, comment places and a note (or None).

    Not ours: ``(description, None, [], None)``.
    """
    at = 0 if description.startswith(_BLOCK) else description.rfind("\n\n" + _BLOCK)
    if at < 0:
        return description, None, [], None
    human = description[:at]
    lines = description[at:].strip("\n").split("\n")
    if len(lines) < 3 or not lines[1].startswith(_THREAD) or lines[2] != _COMMENTS:
        return description, None, [], None
    thread_id = lines[1][len(_THREAD):]
    recorded: list[CommentPlace] = []
    for line in lines[3:]:
        start, _, rest = line.partition(" ")
        end, _, comment_id = rest.partition(" ")
        if not (start.isdigit() and end.isdigit() and comment_id):
            return description, None, [], None
        recorded.append(CommentPlace(comment_id, int(start), int(end)))
    if all(_under_header(text, p) for p in recorded):
        return human, thread_id, recorded, None
    found = _find_by_headers(text, [p.comment_id for p in recorded])
    missing = len(recorded) - len(found)
    note = ("the recorded comment offsets do not match the text (changed in another "
            "program?); comments found again by their header lines")
    if missing:
        note += f"; {missing} of {len(recorded)} comments not found"
    return human, thread_id, found, note


def _under_header(text: str, place: CommentPlace) -> bool:
    if not 0 < place.start <= place.end <= len(text) or text[place.start - 1] != "\n":
        return False
    line_start = text.rfind("\n", 0, place.start - 1) + 1
    return text.startswith(f"[{place.comment_id}]", line_start)


def _find_by_headers(text: str, comment_ids: list[str]) -> list[CommentPlace]:
    heads: list[tuple[str, int, int]] = []
    position = 0
    for comment_id in comment_ids:
        marker, at = f"[{comment_id}]", position
        while True:
            at = text.find(marker, at)
            if at < 0 or at == 0 or text[at - 1] == "\n":
                break
            at += 1
        if at < 0:
            continue
        line_end = text.find("\n", at)
        start = len(text) if line_end < 0 else line_end + 1
        heads.append((comment_id, at, start))
        position = start
    places = []
    for index, (comment_id, _, start) in enumerate(heads):
        following = heads[index + 1][1] if index + 1 < len(heads) else len(text)
        end = len(text[start:following].rstrip("\n")) + start
        places.append(CommentPlace(comment_id, start, max(start, end)))
    return places


# -- selections back to comments -------------------------------------------------------


def comments_in(source: QdaSource, start: int, end: int, starts: Sequence[int] | None = None
                ) -> list[tuple[CommentPlace, int, int]]:  # fmt: skip
    """The comments a selection touches, each with the span inside it.

    ``starts``: the comments' start offsets, when the caller keeps them (faster).
    """
    places = source.comments
    starts = starts if starts is not None else [p.start for p in places]
    found = []
    index = bisect_right(starts, end) - 1
    while index >= 0 and places[index].end >= start:
        place = places[index]
        s, e = max(start, place.start), min(end, place.end)
        if s < e or (start == end and place.start <= start <= place.end) or \
                (place.start == place.end and start <= place.start <= end):  # fmt: skip
            found.append((place, s - place.start, max(s, e) - place.start))
        index -= 1
    return found[::-1]


def selection_name(comment_id: str, span_start: int | None, span_end: int | None) -> str:
    """Name of the selection of a comment (or of a span of it)."""
    if span_start is None or span_end is None:
        return comment_id
    return f"{comment_id} [{span_start}:{span_end}]"
