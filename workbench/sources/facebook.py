r"""Facebook "Download Your Information" (DYI) JSON exports: comments and posts.

Formats read: comment files (``{"comments_v2": [...]}``, older ``{"comments":
[...]}``, ``{"group_comments_v2": [...]}``), whose entries hold ``data[].comment``
with ``timestamp``, ``comment``, ``author`` and maybe ``group``; and post files
(``your_posts_1.json``: a list of ``{"timestamp", "data": [{"post": ...}], "title",
"attachments"}``, or the same list under ``status_updates_v2`` / ``group_posts_v2``).

Decisions
---------
- Text is *mojibake*: Facebook writes each UTF-8 byte as a ``\u00XX`` code point.
  :func:`~workbench.sources.text.fix_mojibake` repairs text, author, title, group and
  tag names; it only changes text that round-trips cleanly, so correct text (a real
  ``"café"``, emoji, Chinese) is never altered.
- DYI has no ids. ``comment_id`` is ``"facebook:"`` plus a hash of (author,
  timestamp, repaired and normalised text), so the same comment gets the same id in
  every re-export (and in a future export with the encoding fixed). Two entries with
  the same id in one file are recorded once; repeats go to ``skipped`` as
  ``("duplicate", JSON path)``.
- DYI does not say which post a comment answers. The thread is the comment's group
  (``"facebook:group:<hash of name>"``) when given; else the target named by an
  English title such as "Ana commented on Ben's post." (``"facebook:target:<hash of
  "Ben's post">"``, a coarse grouping by whose item it was); else the file
  (``"facebook:file:<stem>"``). Comments are top level under that root
  (``parent_id = thread_id``); the title, group and target go to ``attributes``.
- A post is its own thread root (``kind = "post"``, ``parent_id = None``, ``title``
  = the entry title). Posts carry no author field (the archive owner wrote them), so
  ``author`` is ``None``.
- An entry with no text (a photo-only comment, a shared link without words) is
  skipped as ``("no_text", JSON path)``. Attachment links and media paths, tags and
  edit times are kept in ``attributes``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.errors import RecordError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields
from .fileio import read_json_document
from .tabular import file_stem
from .text import fix_mojibake, normalise_text

#: Top-level keys of DYI files and the kind of entry they hold.
WRAPPERS: dict[str, str] = {
    "comments_v2": "comment",
    "group_comments_v2": "comment",
    "comments": "comment",
    "status_updates_v2": "post",
    "group_posts_v2": "post",
}
_WRAPPED = re.compile(
    r'\{\s*"(comments_v2|group_comments_v2|status_updates_v2|group_posts_v2|comments)"\s*:\s*\['
)
_TARGET = re.compile(
    r"^.+? (?:commented on|replied to|commented in|responded to) (?P<target>.+?)\.?$", re.DOTALL
)


def dyi_id(author: str | None, timestamp: float | None, text: str) -> str:
    """Return the stable id of a DYI item: ``"facebook:"`` + hash of (author, time, text)."""
    moment = "" if timestamp is None else str(int(timestamp))
    key = "\x1f".join((author or "", moment, normalise_text(text)))
    return "facebook:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _name_hash(name: str) -> str:
    return hashlib.sha1(name.casefold().encode("utf-8")).hexdigest()[:16]


def _fix(value: str | None) -> str | None:
    return fix_mojibake(value) if value else value


def _extras(entry: dict[str, Any]) -> dict[str, Any]:
    """Return the links, media paths and tags of an entry (unknown shapes are ignored)."""
    links: list[str] = []
    media: list[str] = []
    attachments = entry.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        data = attachment.get("data") if isinstance(attachment, dict) else None
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            context, medium = item.get("external_context"), item.get("media")
            if isinstance(context, dict) and isinstance(context.get("url"), str):
                links.append(context["url"])
            if isinstance(medium, dict) and isinstance(medium.get("uri"), str):
                media.append(medium["uri"])
    tags = entry.get("tags")
    names = (
        [t.get("name") if isinstance(t, dict) else t for t in tags]
        if isinstance(tags, list)
        else []
    )
    extras: dict[str, Any] = {}
    if links:
        extras["links"] = links
    if media:
        extras["media"] = media
    if tagged := [fix_mojibake(n) for n in names if isinstance(n, str) and n]:
        extras["tags"] = tagged
    return extras


class _Reader:
    """Turns the entries of one DYI file into rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batch = Batch()
        self.seen: set[str] = set()
        self.file_thread = f"facebook:file:{file_stem(path)}"

    def add(self, row: dict[str, Any], where: str) -> None:
        if row["comment_id"] in self.seen:
            self.batch.skipped.append(("duplicate", where))
            return
        self.seen.add(row["comment_id"])
        self.batch.rows.append(row)

    def entry(self, obj: Any, where: str, default_kind: str) -> None:
        """Read one entry: a comment wrapper or a post."""
        fields = Fields(obj, self.path, where)
        stamp = fields.time("timestamp")
        title = _fix(fields.str("title"))
        data = fields.list("data") or []
        comments: list[tuple[Fields, str]] = []
        posts: list[str] = []
        updated = None
        for i, item in enumerate(data):
            part = Fields(item, self.path, f"{where}.data[{i}]")
            if "comment" in part.obj:
                comment = part.child("comment")
                assert comment is not None
                comments.append((comment, f"{part.where}.comment"))
            if (post := part.str("post")) is not None:
                posts.append(post)
            updated = part.time("update_timestamp") or updated
        extras = _extras(fields.obj)
        if comments or (default_kind == "comment" and not posts):
            if not comments:
                self.batch.skipped.append(("no_text", where))
            for comment, place in comments:
                self.comment(comment, place, stamp, title, extras)
            return
        text = fix_mojibake("\n\n".join(p for p in posts if p))
        if not text.strip():
            self.batch.skipped.append(("no_text", where))
            return
        if updated is not None and updated != stamp:
            extras.update(edited=True, updated_at=updated)
        comment_id = dyi_id(None, stamp, text)
        self.add(
            {
                "comment_id": comment_id,
                "platform": "facebook",
                "thread_id": comment_id,
                "parent_id": None,
                "kind": "post",
                "created_at": stamp,
                "title": title,
                "text": text,
                "depth": 0,
                "is_deleted": False,
                "attributes": extras or None,
            },
            where,
        )

    def comment(
        self,
        fields: Fields,
        where: str,
        stamp: float | None,
        title: str | None,
        extras: dict[str, Any],
    ) -> None:
        """Read one ``data[].comment`` object."""
        text = _fix(fields.str("comment")) or ""
        if not text.strip():
            self.batch.skipped.append(("no_text", where))
            return
        author = _fix(fields.str("author"))
        created = fields.time("timestamp") or stamp
        group = _fix(fields.str("group"))
        attributes = dict(extras)
        if title:
            attributes["title"] = title
        match = _TARGET.match(title) if title else None
        if group:
            attributes["group"] = group
            thread_id = f"facebook:group:{_name_hash(group)}"
        elif match:
            attributes["target"] = match["target"]
            thread_id = f"facebook:target:{_name_hash(match['target'])}"
        else:
            thread_id = self.file_thread
        self.add(
            {
                "comment_id": dyi_id(author, created, text),
                "platform": "facebook",
                "thread_id": thread_id,
                "parent_id": thread_id,
                "kind": "comment",
                "author": author,
                "created_at": created,
                "text": text,
                "is_deleted": False,
                "attributes": attributes or None,
            },
            where,
        )


@register
class FacebookDyiLoader:
    """Facebook "Download Your Information" comments and posts (JSON)."""

    name = "facebook-dyi"
    platform = "facebook"
    description = "Facebook Download Your Information JSON: comments_v2 / your_posts_*.json"

    def sniff(self, sample: Sample) -> float:
        """Recognise a DYI wrapper key, or a list of ``{"timestamp", "data": [{"post"}]}``."""
        head = sample.head.lstrip()
        if match := _WRAPPED.match(head):
            if match.group(1) != "comments":
                return 0.95
            return 0.9 if re.search(r'"comment"\s*:\s*\{', head) else 0.0
        if head.startswith("[") and re.search(r'"timestamp"\s*:\s*\d', head):
            if re.search(r'"post"\s*:\s*"', head) and not re.search(r'"kind"\s*:', head):
                return 0.85
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Read the whole file (DYI files are small) and yield it in batches."""
        path = Path(path)
        document = read_json_document(path)
        if isinstance(document, dict):
            key = next((k for k in WRAPPERS if k in document), None)
            if key is None:
                raise RecordError(
                    path,
                    f"has none of the DYI keys {', '.join(WRAPPERS)} (found "
                    f"{', '.join(map(repr, list(document)[:5])) or 'an empty object'})",
                    record="$",
                    hint="Import the comments or posts JSON file of a DYI export",
                )
            entries = Fields(document, path, "$").list(key, required=True) or []
            base, kind = f"$.{key}", WRAPPERS[key]
        elif isinstance(document, list):
            entries, base, kind = document, "$", "post"
        else:
            raise RecordError(
                path,
                f"is a JSON {type(document).__name__}, not a DYI object or list",
                record="$",
                hint="Import the comments or posts JSON file of a DYI export",
            )
        reader = _Reader(path)
        for i, entry in enumerate(entries):
            reader.entry(entry, f"{base}[{i}]", kind)
        batch = reader.batch
        if duplicates := sum(1 for reason, _ in batch.skipped if reason == "duplicate"):
            batch.warnings.append(f"{duplicates} repeated entr(ies) were read once")
        size = max(1, options.batch_size)
        rows, batch.rows = batch.rows, batch.rows[:size]
        yield batch
        for start in range(size, len(rows), size):
            yield Batch(rows=rows[start : start + size])
