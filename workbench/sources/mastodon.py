"""Mastodon loaders: an account archive's ``outbox.json`` and REST API statuses.

Two formats are registered:

``mastodon-outbox``
    The ``outbox.json`` of an account archive: an ActivityPub
    ``OrderedCollection`` of the account's own activities.
``mastodon-api``
    REST ``Status`` entities as the API returns them: one status, a JSON array of
    statuses (a timeline), ``{"statuses": [...]}`` search results, or a
    ``statuses/:id/context`` response ``{"ancestors": [...], "descendants":
    [...]}`` (optionally with the focal status under ``"status"``).

Rules
-----
* Ids: ``comment_id`` is ``"mastodon:<status uri>"`` (the ActivityPub id, the
  same in both formats and on every server); ``url`` is the status's web page.
* Text: ``content`` HTML becomes text (mentions and links keep their visible
  text); ``text_raw`` keeps the HTML. A content warning (outbox ``summary``, API
  ``spoiler_text``) is ``attributes.content_warning``; ``sensitive`` is kept when
  true. ``lang`` comes from the API ``language`` / the outbox ``contentMap`` key.
* Visibility: ``attributes.visibility`` is ``public``, ``unlisted``,
  ``followers-only`` or ``direct``. The outbox derives it from ``to``/``cc``
  (the ``as:Public`` collection in ``to``: public; in ``cc``: unlisted; a
  ``followers`` collection: followers-only; else direct); the API's own value is
  kept, its ``private`` spelled ``followers-only`` so both formats agree.
* Author: ``"@user@host"``. The outbox derives it from the ``attributedTo`` actor
  URI (``https://host/users/user`` or ``https://host/@user``, or ``actor.json``
  next to the file when the URI holds only a numeric id; failing both, the actor
  URI itself). The API's ``account.acct`` is completed with the host of
  ``account.url`` when it has no ``@host`` (a local account).
* Threads: reply links are followed through the statuses of the file; a status
  that replies to nothing is its own thread (``kind`` ``post``). A reply whose
  chain leaves the file has the missing status it answers as thread root: in the
  outbox ``"mastodon:<inReplyTo uri>"``. The API names parents by
  ``in_reply_to_id``, an id local to the server queried: a parent in the file is
  mapped to its uri; a parent not in the file becomes
  ``"mastodon:local:<in_reply_to_id>"`` (its uri cannot be known; a later import
  of that status will not attach automatically; ``attributes.in_reply_to_id``
  keeps the raw id). In a context response without the focal status, the focal
  status (the parent the descendants name but the file lacks) is taken to reply
  to the last ancestor, so ancestors and descendants share one thread.
* Boosts (outbox ``Announce``, API statuses with a ``reblog``) are not rows: they
  are reported in ``skipped`` as ``("boost", <uri of the boosted status>)``.
  Other activity and object types are skipped with their type as the reason.
* API ``favourites_count`` (outbox ``likes.totalItems`` where present) is the
  score; a status whose ``replies_count`` exceeds the replies to it in the file
  gets a ``more`` gap with the difference.
* Outbox quirks: a ``totalItems`` that disagrees with the items found is a
  warning; a duplicated ``orderedItems`` key (seen in real archives; a JSON
  parser keeps only the last) is detected and the items of every copy are read,
  repeats by activity id dropped, with a warning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from workbench.errors import RecordError, SourceError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields, describe
from .fileio import parse_json, read_bytes, read_json_document
from .mastodon_api import PLATFORM, MastodonApiLoader, set_threads
from .replychains import as_count, iso639_1
from .text import html_to_text
from .timeparse import epoch_seconds

__all__ = ["MastodonApiLoader", "MastodonOutboxLoader"]

_PUBLIC = frozenset(("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"))
_CONTENT_TYPES = frozenset(("Note", "Question", "Article", "Page"))
_ITEMS_KEY = b'"orderedItems"'


def actor_handle(uri: str) -> str | None:
    """``"@user@host"`` from an actor URI such as ``https://host/users/user``, if derivable.

    Examples
    --------
    >>> actor_handle("https://social.example/users/wren")
    '@wren@social.example'
    >>> actor_handle("https://social.example/ap/users/1170205") is None
    True
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    host = parts.netloc
    segments = [s for s in parts.path.split("/") if s]
    name = None
    if len(segments) >= 2 and segments[-2] in ("users", "u", "accounts", "profile"):
        name = segments[-1]
    elif len(segments) == 1 and segments[0].startswith("@"):
        name = segments[0][1:]
    if not host or not name or name.isdigit():
        return None
    return f"@{name}@{host}"


def _type(value: Any) -> str | None:
    """Return an ActivityStreams ``type`` (a string, or in JSON-LD a list of them)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _link(value: Any) -> str | None:
    """Return an ActivityPub reference (URI, object with ``id``/``href``, list) as a URI."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id") or value.get("href")
    return value if isinstance(value, str) and value else None


def _visibility(to: list[str | None], cc: list[str | None]) -> str:
    if any(item in _PUBLIC for item in to):
        return "public"
    if any(item in _PUBLIC for item in cc):
        return "unlisted"
    if any(isinstance(item, str) and item.endswith("/followers") for item in to + cc):
        return "followers-only"
    return "direct"


def _parse_outbox(path: Path) -> tuple[Any, int]:
    """Parse ``outbox.json``; return the document and how many ``orderedItems`` keys it had.

    With one key orjson parses the file. With several, the standard library parser
    runs with a hook that concatenates the lists of every ``orderedItems`` key of an
    object instead of keeping the last one.
    """
    data = read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.count(_ITEMS_KEY) <= 1:
        return parse_json(data, path), 1
    copies = [1]

    def merge(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            previous = result.get(key)
            if key == "orderedItems" and isinstance(previous, list) and isinstance(value, list):
                result[key] = previous + value
                copies[0] += 1
            else:
                result[key] = value
        return result

    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=merge), copies[0]
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"is not UTF-8 text (byte offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            path,
            f"is not valid JSON ({exc.msg})",
            record=f"line {exc.lineno}, column {exc.colno}",
            hint="The archive may be truncated; extract it again",
        ) from None


def _actor_names(path: Path, warnings: list[str]) -> dict[str, str]:
    """Actor URI -> handle from ``actor.json`` next to the outbox, if present."""
    actor_path = path.parent / "actor.json"
    if not actor_path.is_file():
        return {}
    try:
        actor = read_json_document(actor_path)
        uri, name = actor["id"], actor["preferredUsername"]
        if isinstance(uri, str) and isinstance(name, str) and urlsplit(uri).netloc:
            return {uri: f"@{name}@{urlsplit(uri).netloc}"}
    except SourceError as exc:
        warnings.append(f"actor.json could not be read ({exc})")
    except (LookupError, TypeError, ValueError):
        warnings.append("actor.json has no id / preferredUsername; authors use the actor URI")
    return {}


def _note_row(
    note: dict[str, Any], activity: dict[str, Any], handles: dict[str, str]
) -> tuple[dict[str, Any], str | None]:
    """One outbox ``Note`` as a loader row and the URI it replies to (raises on bad data)."""
    note_id = note["id"]
    if not isinstance(note_id, str) or not note_id:
        raise TypeError(f"id {describe(note_id)}")
    content = note.get("content")
    content_map = note.get("contentMap")
    lang = None
    if isinstance(content_map, dict) and content_map:
        lang_key, mapped = next(iter(content_map.items()))
        lang = iso639_1(lang_key)
        if content is None:
            content = mapped
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise TypeError(f"content {describe(content)}")
    actor = _link(note.get("attributedTo")) or _link(activity.get("actor"))
    author = None
    if actor:
        author = handles.get(actor)
        if author is None:
            author = handles[actor] = actor_handle(actor) or actor
    reply_to = _link(note.get("inReplyTo"))
    to = [_link(x) for x in _as_list(note["to"] if "to" in note else activity.get("to"))]
    cc = [_link(x) for x in _as_list(note["cc"] if "cc" in note else activity.get("cc"))]
    attributes: dict[str, Any] = {"visibility": _visibility(to, cc)}
    summary = note.get("summary")
    if summary:
        attributes["content_warning"] = summary if isinstance(summary, str) else str(summary)
    if note.get("sensitive") is True:
        attributes["sensitive"] = True
    if note.get("updated"):
        attributes["edited_at"] = str(note["updated"])
    attachments = note.get("attachment")
    if attachments:
        attributes["attachments"] = len(_as_list(attachments))
    options = note.get("oneOf") or note.get("anyOf")
    if options:
        attributes["poll_options"] = [str(o.get("name")) for o in options if isinstance(o, dict)]
    likes = note.get("likes")
    score = likes.get("totalItems") if isinstance(likes, dict) else None
    return {
        "comment_id": f"mastodon:{note_id}",
        "platform": PLATFORM,
        "thread_id": None,
        "parent_id": f"mastodon:{reply_to}" if reply_to else None,
        "kind": "comment" if reply_to else "post",
        "author": author,
        "created_at": epoch_seconds(note.get("published") or activity.get("published")),
        "text": html_to_text(content),
        "text_raw": content,
        "score": as_count(score, "likes.totalItems"),
        "url": _link(note.get("url")) or note_id,
        "lang": lang,
        "is_deleted": False,
        "attributes": attributes,
    }, reply_to


def _check_note(note: dict[str, Any], path: Path, where: str) -> None:
    """Raise the located error explaining why ``note`` is unreadable, if one applies."""
    fields = Fields(note, path, where)
    fields.str("id", required=True)
    fields.str("content")
    fields.dict("contentMap")
    fields.time("published")
    fields.str("summary")
    likes = fields.child("likes", required=False)
    if likes is not None:
        likes.int("totalItems")


@register
class MastodonOutboxLoader:
    """A Mastodon account archive's ``outbox.json`` (ActivityPub OrderedCollection)."""

    name: ClassVar[str] = "mastodon-outbox"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Mastodon account archive outbox.json (ActivityPub OrderedCollection of "
        "Create/Note and Announce activities)"
    )

    def sniff(self, sample: Sample) -> float:
        """Recognise an ActivityPub ordered collection of activities."""
        head = sample.head
        if not head.lstrip().startswith("{"):
            return 0.0
        if '"orderedItems"' in head and any(k in head for k in ('"Create"', '"Announce"')):
            return 0.95
        if '"OrderedCollection"' in head and "activitystreams" in head:
            return 0.8
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the outbox's notes as one batch (the file is a single document)."""
        document, copies = _parse_outbox(path)
        batch = Batch()
        if not isinstance(document, dict) or not isinstance(document.get("orderedItems"), list):
            found = describe(
                document.get("orderedItems") if isinstance(document, dict) else document
            )
            raise RecordError(
                path,
                f"should be an ActivityPub collection with an 'orderedItems' list, found {found}",
                record="$.orderedItems",
                hint="Give the outbox.json from the Mastodon archive",
            )
        items = document["orderedItems"]
        if copies > 1:
            activity_ids = [a.get("id") for a in items if isinstance(a, dict)]
            repeats = len(activity_ids) - len(set(activity_ids))
            batch.warnings.append(
                f"{path.name} has {copies} 'orderedItems' keys; the items of all of them "
                f"were read ({len(items)} items, {repeats} duplicate(s) dropped)"
            )
        total = document.get("totalItems")
        handles = _actor_names(path, batch.warnings)
        parents: dict[str, str | None] = {}
        seen_activities: set[str] = set()
        counted = 0
        for index, activity in enumerate(items):
            where = f"$.orderedItems[{index}]"
            if not isinstance(activity, dict):
                raise RecordError(
                    path, f"expected an activity object, found {describe(activity)}", record=where
                )
            activity_id = activity.get("id")
            if isinstance(activity_id, str):
                if activity_id in seen_activities:
                    continue
                seen_activities.add(activity_id)
            counted += 1
            kind = _type(activity.get("type"))
            note = activity.get("object")
            if kind == "Announce":
                batch.skipped.append(("boost", _link(note) or str(activity_id or where)))
                continue
            if kind != "Create":
                batch.skipped.append((f"activity_{kind}", str(activity_id or where)))
                continue
            if not isinstance(note, dict):
                batch.skipped.append(("create_without_object", _link(note) or where))
                continue
            note_type = _type(note.get("type"))
            if note_type not in _CONTENT_TYPES:
                reason = "tombstone" if note_type == "Tombstone" else f"object_{note_type}"
                batch.skipped.append((reason, _link(note) or where))
                continue
            try:
                row, reply_to = _note_row(note, activity, handles)
            except (LookupError, TypeError, ValueError, AttributeError) as exc:
                _check_note(note, path, f"{where}.object")
                raise RecordError(
                    path, f"could not be read as a Note ({exc})", record=f"{where}.object"
                ) from None
            if row["comment_id"][9:] in parents:
                batch.skipped.append(("duplicate", row["comment_id"]))
                continue
            parents[row["comment_id"][9:]] = reply_to
            batch.rows.append(row)
        if isinstance(total, int) and total != counted:
            batch.warnings.append(
                f"{path.name}: totalItems says {total} but {counted} activities were found; "
                "the archive may be incomplete"
            )
        set_threads(batch.rows, list(parents), parents, {}, "mastodon:", batch.warnings, path)
        yield batch
