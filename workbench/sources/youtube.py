"""YouTube comments: Data API v3 responses and Google Takeout's ``comments.csv``.

Ids: ``comment_id`` is ``"youtube:<comment id>"``; the thread is the video,
``"youtube:video:<videoId>"`` (``"youtube:channel:<channelId>"`` for a comment on a
channel rather than a video; ``"youtube:post:<postId>"`` for a Takeout comment on a
community post). YouTube threads are two levels deep: a top-level comment has
``parent_id = thread_id`` and depth 1; a reply has ``parent_id =
"youtube:<parentId>"`` and depth 2 (a reply id reads ``"<parentId>.<suffix>"``).

Decisions
---------
- Text is ``textOriginal`` (plain) when present and not empty, else ``textDisplay``
  converted from HTML, which is then kept in ``text_raw``. A comment with neither,
  or without ``publishedAt``, is refused (every comment the API sends has both).
- A thread whose ``totalReplyCount`` exceeds the replies present in the file gives a
  gap ``{"kind": "more", "parent_id": top-level id, "count": missing}``.
- An item repeated in one file (overlapping pages) is read once; the repeats are
  recorded as ``("duplicate", "youtube:<id>")``. Reading each page on its own gives
  the same rows for the same items, so the project store can de-duplicate them.
- ``comments`` list responses (``comments?parentId=``) hold replies without a video
  id. When the top-level comment is not in the same file, the reply's thread is its
  top-level comment, ``"youtube:<parentId>"`` (what YouTube calls the comment
  thread), and a warning says so.
- In Takeout the archive owner wrote every comment: ``author`` is the ``Channel ID``
  column (the file has no handle). The text cell is a comma-joined run of JSON
  objects (``{"text":"Hi "},{"text":"there","bold":true}``); their ``text`` pieces
  are joined and the cell is kept in ``text_raw``. A cell that is not such JSON is
  taken as plain text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from workbench.errors import RecordError, SourceError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields
from .fileio import iter_json_lines, parse_json, read_bytes
from .tabular import cell_text, file_stem, iter_table, parse_time
from .text import html_to_text

_KIND = re.compile(
    r'"kind"\s*:\s*"youtube#(?:commentThreadListResponse|commentListResponse|commentThread|comment)"'
)
_LISTS = ("youtube#commentThreadListResponse", "youtube#commentListResponse")


def _chunks(batch: Batch, size: int) -> Iterator[Batch]:
    """Split a whole-document batch into ``size`` rows a batch (extras go first)."""
    size = max(1, size)
    rows = batch.rows
    batch.rows = rows[:size]
    yield batch
    for start in range(size, len(rows), size):
        yield Batch(rows=rows[start : start + size])


def _count(fields: Fields, key: str) -> int | None:
    """Return a count field, refusing values no counter can hold."""
    value = fields.int(key)
    if value is not None and not 0 <= value < 2**63:
        raise fields.error(key, f"is out of range ({value})", "Export the response again")
    return value


def _require_text_and_time(
    snippet: Fields, original: str | None, display: str | None, created: float | None
) -> None:
    """Refuse a comment snippet without its text or time (every API comment has both).

    An empty text is a text; a snippet with neither ``textOriginal`` nor
    ``textDisplay``, or without ``publishedAt``, is not a comment the API sent.
    """
    if original is None and display is None:
        raise snippet.error(
            "textDisplay",
            "is missing (and so is 'textOriginal'): the comment has no text",
            "Export the response again with part=snippet",
        )
    if created is None:
        raise snippet.error(
            "publishedAt",
            "is missing or empty: the comment has no time",
            "Export the response again with part=snippet",
        )


class _ApiReader:
    """Collects the rows of one file of API responses, de-duplicating by id."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batch = Batch()
        self.seen: set[str] = set()
        self.threads: dict[str, str] = {}  # top-level comment id -> thread id
        self.expected: dict[str, tuple[str, int]] = {}  # top-level id -> (thread, total)
        self.file_thread = f"youtube:file:{file_stem(path)}"

    def value(self, obj: Any, where: str, level: int = 0) -> None:
        """Read a response, a thread, a comment, or (at the top) a JSON array of them."""
        if isinstance(obj, list) and level == 0:
            for i, item in enumerate(obj):
                self.value(item, f"{where}[{i}]", 1)
            return
        fields = Fields(obj, self.path, where)
        kind = fields.str("kind")
        snippet = fields.obj.get("snippet")
        if level < 2 and (kind in _LISTS or (kind is None and "items" in fields.obj)):
            for i, item in enumerate(fields.list("items", required=True)):
                self.value(item, f"{where}.items[{i}]", 2)
            if fields.obj.get("nextPageToken"):
                self.batch.warnings.append(
                    f"the response at {where} has a nextPageToken: more pages of it exist; "
                    "export and import them too"
                )
        elif kind == "youtube#commentThread" or (
            kind is None and isinstance(snippet, dict) and "topLevelComment" in snippet
        ):
            self.thread(fields)
        elif kind == "youtube#comment" or (kind is None and isinstance(snippet, dict)):
            self.comment(fields, None, None)
        else:
            raise RecordError(
                self.path,
                f"kind {kind!r} is not a YouTube comment, comment thread or list of them",
                record=where,
                hint="Export commentThreads or comments responses (part=snippet,replies)",
            )

    def thread(self, fields: Fields) -> None:
        """Read a ``youtube#commentThread``: its top-level comment and included replies."""
        snippet = fields.child("snippet")
        assert snippet is not None
        video, channel = snippet.str("videoId"), snippet.str("channelId")
        if video:
            thread_id = f"youtube:video:{video}"
        elif channel:
            thread_id = f"youtube:channel:{channel}"
        else:
            thread_id = self.file_thread
        total = _count(snippet, "totalReplyCount")
        top = snippet.child("topLevelComment")
        assert top is not None
        top_id = self.comment(top, thread_id, video, total)
        replies = fields.child("replies", required=False)
        if replies is not None:
            for i, reply in enumerate(replies.list("comments") or []):
                where = f"{replies.where}.comments[{i}]"
                self.comment(Fields(reply, self.path, where), thread_id, video, None, top_id)
        if total:
            previous = self.expected.get(top_id, (thread_id, 0))[1]
            self.expected[top_id] = (thread_id, max(total, previous))

    def comment(
        self,
        fields: Fields,
        thread_id: str | None,
        video: str | None,
        total: int | None = None,
        parent_id: str | None = None,
    ) -> str:
        """Read one ``youtube#comment``; return its ``comment_id``."""
        local = fields.str("id", required=True)
        comment_id = f"youtube:{local}"
        snippet = fields.child("snippet")
        assert snippet is not None
        parent = snippet.str("parentId")
        if parent and parent_id is None:
            parent_id = f"youtube:{parent}"
        video = video or snippet.str("videoId")
        if thread_id is None:
            if parent_id is not None and parent_id in self.threads:
                thread_id = self.threads[parent_id]
            elif video:
                thread_id = f"youtube:video:{video}"
            elif parent_id is not None:
                thread_id = parent_id  # until its top-level comment turns up (see finish)
            else:
                channel = snippet.str("channelId")
                thread_id = f"youtube:channel:{channel}" if channel else self.file_thread
        if parent_id is None:
            self.threads[comment_id] = thread_id
        if comment_id in self.seen:
            self.batch.skipped.append(("duplicate", comment_id))
            return comment_id
        self.seen.add(comment_id)
        original, display = snippet.str("textOriginal"), snippet.str("textDisplay")
        created, score = snippet.time("publishedAt"), _count(snippet, "likeCount")
        _require_text_and_time(snippet, original, display, created)
        raw = None
        if original or (original is not None and not display):
            text = original
        else:
            text = html_to_text(display) if display else ""
            raw = display
        attributes: dict[str, Any] = {}
        owner = snippet.obj.get("authorChannelId")
        owner = owner.get("value") if isinstance(owner, dict) else owner
        if isinstance(owner, str) and owner:
            attributes["author_channel_id"] = owner
        if (channel := snippet.str("channelId")) is not None:
            attributes["channel_id"] = channel
        published, updated = snippet.str("publishedAt"), snippet.str("updatedAt")
        if updated and published and updated != published:
            attributes.update(edited=True, updated_at=updated)
        if total is not None:
            attributes["reply_count"] = total
        if status := snippet.str("moderationStatus"):
            attributes["moderation_status"] = status
        self.batch.rows.append(
            {
                "comment_id": comment_id,
                "platform": "youtube",
                "thread_id": thread_id,
                "parent_id": parent_id or thread_id,
                "kind": "comment",
                "author": snippet.str("authorDisplayName"),
                "created_at": created,
                "text": text,
                "text_raw": raw,
                "depth": 2 if parent_id else 1,
                "score": score,
                "url": f"https://www.youtube.com/watch?v={video}&lc={local}" if video else None,
                "is_deleted": False,
                "attributes": attributes or None,
            }
        )
        return comment_id

    def finish(self) -> Batch:
        """Add the gaps (replies counted but not present) and summary warnings."""
        batch = self.batch
        orphans = 0
        for row in batch.rows:
            if row["depth"] == 2 and row["thread_id"] == row["parent_id"]:
                if row["parent_id"] in self.threads:
                    row["thread_id"] = self.threads[row["parent_id"]]
                else:
                    orphans += 1
        present = Counter(row["parent_id"] for row in batch.rows if row["depth"] == 2)
        for top_id, (thread_id, total) in self.expected.items():
            if (missing := total - present[top_id]) > 0:
                batch.gaps.append(
                    {
                        "platform": "youtube",
                        "thread_id": thread_id,
                        "parent_id": top_id,
                        "kind": "more",
                        "count": missing,
                        "children": [],
                    }
                )
        if repeats := sum(1 for reason, _ in batch.skipped if reason == "duplicate"):
            batch.warnings.append(f"{repeats} repeated item(s) were read once")
        if orphans:
            batch.warnings.append(
                f"{orphans} reply(ies) carry no video id and their top-level comment is "
                "not in this file: their thread is that top-level comment until it is imported"
            )
        return batch


@register
class YouTubeApiLoader:
    """YouTube Data API v3 ``commentThreads`` / ``comments`` responses (JSON)."""

    name = "youtube-api"
    platform = "youtube"
    description = "YouTube Data API v3 commentThreads / comments responses (JSON, JSON lines)"

    def sniff(self, sample: Sample) -> float:
        """Recognise a JSON document whose ``kind`` is a YouTube comment resource."""
        if not sample.head.lstrip().startswith(("{", "[")):
            return 0.0
        return 0.95 if _KIND.search(sample.head) else 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Read a response (or an array / JSON lines of responses) into one batch."""
        path = Path(path)
        reader = _ApiReader(path)
        data = read_bytes(path)
        try:
            document = parse_json(data, path)
        except RecordError as error:
            try:
                orjson.loads(data.lstrip().split(b"\n", 1)[0])
            except orjson.JSONDecodeError:
                raise error from None  # not JSON lines either: report the document's error
            for number, value in iter_json_lines(path, skipped=reader.batch.skipped):
                reader.value(value, f"line {number}")
        else:
            reader.value(document, "$")
        yield from _chunks(reader.finish(), options.batch_size)


_TAKEOUT = ("comment id", "channel id", "comment create timestamp", "comment text")


def takeout_text(cell: str) -> tuple[str, bool]:
    """Join the ``text`` pieces of a Takeout comment cell.

    Newer exports write ``{"text":"Hi "},{"text":"there"}`` (objects without the
    enclosing brackets); exports before mid-2024 write
    ``{"takeoutSegments":[{"text":"Hi there"}]}``.

    Returns
    -------
    text : str
        The comment text (the cell itself when it is neither form).
    structured : bool
        Whether the cell was JSON.
    """
    stripped = cell.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return cell, False
    try:
        pieces = orjson.loads(f"[{stripped}]")
    except orjson.JSONDecodeError:
        return cell, False
    segments: list[Any] = []
    for piece in pieces:
        inner = piece.get("takeoutSegments") if isinstance(piece, dict) else None
        segments.extend(inner if isinstance(inner, list) else [piece])
    if not all(isinstance(p, dict) for p in segments) or not any("text" in p for p in segments):
        return cell, False
    return "".join(p["text"] for p in segments if isinstance(p.get("text"), str)), True


@register
class YouTubeTakeoutLoader:
    """Google Takeout ``YouTube and YouTube Music/comments/comments.csv``."""

    name = "youtube-takeout"
    platform = "youtube"
    description = "Google Takeout YouTube comments.csv (the archive owner's comments)"

    def sniff(self, sample: Sample) -> float:
        """Recognise the Takeout header row."""
        first = sample.first_line.lower()
        return 0.95 if all(column in first for column in _TAKEOUT) else 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Stream the comments, ``options.batch_size`` rows a batch."""
        path = Path(path)
        header, records, warnings = iter_table(path, full_rows=True)
        index = {name.lower(): i for i, name in enumerate(header)}
        missing = [name for name in _TAKEOUT if name not in index]
        if missing:
            records.close()
            raise SourceError(
                path,
                f"lacks the Takeout column(s) {', '.join(map(repr, missing))}",
                record="row 1",
                hint=f"Found columns {', '.join(map(repr, header))}; is this comments.csv?",
            )
        ci, ai, ti, xi = (index[name] for name in _TAKEOUT)
        vi, pi = index.get("video id"), index.get("post id")
        parents = [index[n] for n in ("parent comment id", "top-level comment id") if n in index]
        known = {ci, ai, ti, xi, vi, pi, *parents}
        extras = [(i, name.lower().replace(" ", "_")) for i, name in enumerate(header)
                  if i not in known]  # fmt: skip
        seen: set[str] = set()
        batch = Batch(warnings=warnings)
        for ref, raw in records:
            cells = [cell_text(c) for c in raw]
            local = cells[ci].strip()
            if not local:
                raise RecordError(path, "the 'Comment ID' cell is empty", record=ref)
            comment_id = f"youtube:{local}"
            if comment_id in seen:
                batch.skipped.append(("duplicate", f"{ref} ({comment_id})"))
                continue
            seen.add(comment_id)
            try:
                created = parse_time(cells[ti])
            except ValueError as exc:
                raise RecordError(
                    path,
                    f"'Comment create timestamp' is not a time ({exc})",
                    record=ref,
                    hint="Export the Takeout archive again",
                ) from None
            named = [cells[i].strip() for i in parents if cells[i].strip() not in ("", local)]
            parent = named[0] if named else local.split(".", 1)[0] if "." in local else ""
            video = cells[vi].strip() if vi is not None else ""
            post = cells[pi].strip() if pi is not None else ""
            channel = cells[ai].strip()
            thread_id = (
                f"youtube:video:{video}" if video
                else f"youtube:post:{post}" if post
                else f"youtube:channel:{channel}"
            )  # fmt: skip
            text, structured = takeout_text(cells[xi])
            attributes = {
                k: cells[i].strip() for i, k in extras if cells[i].strip() not in ("", "0")
            }
            if post:
                attributes["post_id"] = post
            batch.rows.append(
                {
                    "comment_id": comment_id,
                    "platform": "youtube",
                    "thread_id": thread_id,
                    "parent_id": f"youtube:{parent}" if parent else thread_id,
                    "kind": "comment",
                    "author": channel or None,
                    "created_at": created,
                    "text": text,
                    "text_raw": cells[xi] if structured else None,
                    "depth": 2 if parent else 1,
                    "url": f"https://www.youtube.com/watch?v={video}&lc={local}" if video else None,
                    "is_deleted": False,
                    "attributes": attributes or None,
                }
            )
            if len(batch.rows) >= options.batch_size:
                yield batch
                batch = Batch()
        yield batch
