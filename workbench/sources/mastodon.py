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
  repeats by activity id dropped, with a warning. An activity id repeated with
  different content is an error (nothing is dropped that differs).
* Types are checked, never guessed: a reference (``attributedTo``, ``inReplyTo``,
  ``to``, ``url``...) must be a URI, an object with an ``id``/``href`` or a list
  of them; ids, texts, counts, times and flags must be of their type. A value of
  another type is a :class:`~workbench.errors.RecordError` naming the file, the
  record and the field, not an author, parent or count silently left empty.
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

__all__ = ["MastodonApiLoader", "MastodonOutboxLoader"]

_PUBLIC = frozenset(("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"))
_CONTENT_TYPES = frozenset(("Note", "Question", "Article", "Page"))
_ITEMS_KEY = b'"orderedItems"'
_REEXPORT = "Export the archive again; if the file was edited, restore that value"


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


def _links(fields: Fields, key: str) -> list[str]:
    """The URIs of the reference field ``key``.

    ActivityPub writes a reference as a URI, an object or link with an ``id`` or
    ``href``, or a list of those; anything else (a number, ``true``, a list holding
    ``null``) is refused rather than read as "no reference".
    """
    value = fields.obj.get(key)
    items = value if isinstance(value, list) else [] if value in (None, "") else [value]
    uris = []
    for item in items:
        uri = (item.get("id") or item.get("href")) if isinstance(item, dict) else item
        if not isinstance(uri, str) or not uri:
            raise fields.error(
                key,
                f"should be a URI, an object with an 'id' or 'href', or a list of them; "
                f"found {describe(value)}",
                _REEXPORT,
            )
        uris.append(uri)
    return uris


def _first_link(fields: Fields, key: str) -> str | None:
    uris = _links(fields, key)
    return uris[0] if uris else None


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
    note: Fields, activity: Fields, handles: dict[str, str]
) -> tuple[dict[str, Any], str | None]:
    """One outbox ``Note`` as a loader row and the URI it replies to.

    Raises
    ------
    RecordError
        Naming the field, if a value the row needs is missing or of the wrong type.
    """
    note_id = note.obj.get("id")
    if not isinstance(note_id, str) or not note_id:
        found = f"should be the note's URI, found {describe(note_id)}"
        raise note.error("id", "is missing" if note_id is None else found, _REEXPORT)
    content = note.str("content")
    content_map = note.dict("contentMap") or {}
    for language, mapped in content_map.items():
        if not isinstance(mapped, str):
            raise note.error(
                "contentMap", f"should map languages to text, found {language!r}: "
                f"{describe(mapped)}", _REEXPORT,
            )  # fmt: skip
    lang = iso639_1(next(iter(content_map), None))
    if content is None:
        content = next(iter(content_map.values()), "")
    actor = _first_link(note, "attributedTo") or _first_link(activity, "actor")
    author = None
    if actor:
        author = handles.get(actor)
        if author is None:
            author = handles[actor] = actor_handle(actor) or actor
    reply_to = _first_link(note, "inReplyTo")
    addressed = {
        key: _links(note, key) if key in note.obj else _links(activity, key) for key in ("to", "cc")
    }
    attributes: dict[str, Any] = {"visibility": _visibility(addressed["to"], addressed["cc"])}
    if summary := note.str("summary"):
        attributes["content_warning"] = summary
    if note.bool("sensitive"):
        attributes["sensitive"] = True
    if updated := note.str("updated"):
        note.time("updated")
        attributes["edited_at"] = updated
    if attachments := _attachments(note):
        attributes["attachments"] = attachments
    if options := _poll_options(note):
        attributes["poll_options"] = options
    likes = note.obj.get("likes")
    score = None
    if isinstance(likes, dict):
        score = note.child("likes").int("totalItems")  # type: ignore[union-attr]
    elif likes is not None and not (isinstance(likes, str) and "://" in likes):
        # a collection's URI is valid ActivityPub: then the likes are not counted here
        raise note.error(
            "likes", f"should be a collection or its URI, found {describe(likes)}", _REEXPORT
        )
    published = note.time("published")
    return {
        "comment_id": f"mastodon:{note_id}",
        "platform": PLATFORM,
        "thread_id": None,
        "parent_id": f"mastodon:{reply_to}" if reply_to else None,
        "kind": "comment" if reply_to else "post",
        "author": author,
        "created_at": activity.time("published") if published is None else published,
        "text": html_to_text(content),
        "text_raw": content,
        "score": as_count(score, "likes.totalItems"),
        "url": _first_link(note, "url") or note_id,
        "lang": lang,
        "is_deleted": False,
        "attributes": attributes,
    }, reply_to


def _attachments(note: Fields) -> int:
    """How many attachments a note has (an object, a URI or a list of them)."""
    value = note.obj.get("attachment")
    items = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(item, dict | str) for item in items):
        raise note.error(
            "attachment",
            f"should be an attachment object or a list of them, found {describe(value)}",
            _REEXPORT,
        )
    return len(items)


def _poll_options(note: Fields) -> list[str]:
    """The option names of a poll (``oneOf``: pick one, ``anyOf``: pick several)."""
    key = "oneOf" if note.obj.get("oneOf") else "anyOf"
    value = note.obj.get(key)
    items = value if isinstance(value, list) else [] if value is None else [value]
    names = []
    for index, item in enumerate(items):
        option = Fields(item, note.path, f"{note.where}.{key}[{index}]")
        names.append(option.str("name") or "")
    return names


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
        total = document.get("totalItems")
        handles = _actor_names(path, batch.warnings)
        parents: dict[str, str | None] = {}
        first_copies: dict[str, tuple[int, Any]] = {}  # activity id -> (index, activity)
        counted = repeats = 0
        for index, activity in enumerate(items):
            where = f"$.orderedItems[{index}]"
            if not isinstance(activity, dict):
                raise RecordError(
                    path, f"expected an activity object, found {describe(activity)}", record=where
                )
            fields = Fields(activity, path, where)
            activity_id = fields.obj.get("id")
            if activity_id is not None and not isinstance(activity_id, str):
                raise fields.error(
                    "id", f"should be the activity's URI, found {describe(activity_id)}", _REEXPORT
                )
            if activity_id:
                first = first_copies.setdefault(activity_id, (index, activity))
                if first[0] != index:
                    if first[1] != activity:
                        raise fields.error(
                            "id",
                            f"{activity_id!r} is also the id of $.orderedItems[{first[0]}], "
                            "which holds a different activity",
                            "Activity ids must be unique; is this two archives joined?",
                        )
                    repeats += 1  # the same activity again: read once
                    continue
            counted += 1
            note = self._note(fields, activity_id or where, batch)
            if note is None:
                continue
            try:
                row, reply_to = _note_row(note, fields, handles)
            except (LookupError, TypeError, ValueError, AttributeError) as exc:
                raise RecordError(
                    path, f"could not be read as a Note ({exc})", record=note.where
                ) from None
            if row["comment_id"][9:] in parents:
                batch.skipped.append(("duplicate", row["comment_id"]))
                continue
            parents[row["comment_id"][9:]] = reply_to
            batch.rows.append(row)
        if copies > 1 or repeats:
            keys = f"has {copies} 'orderedItems' keys; the items of all of them were read"
            batch.warnings.append(
                f"{path.name} {keys if copies > 1 else 'repeats activities'} "
                f"({len(items)} items, {repeats} duplicate(s) dropped)"
            )
        if isinstance(total, int) and not isinstance(total, bool) and total != counted:
            batch.warnings.append(
                f"{path.name}: totalItems says {total} but {counted} activities were found; "
                "the archive may be incomplete"
            )
        set_threads(batch.rows, list(parents), parents, {}, "mastodon:", batch.warnings, path)
        yield batch

    @staticmethod
    def _note(activity: Fields, reference: str, batch: Batch) -> Fields | None:
        """The content object of a ``Create`` activity; other activities are skipped."""
        kind = _type(activity.obj.get("type"))
        note = activity.obj.get("object")
        if kind == "Announce":
            batch.skipped.append(("boost", _link(note) or reference))
            return None
        if kind != "Create":
            batch.skipped.append((f"activity_{kind}", reference))
            return None
        if not isinstance(note, dict):
            batch.skipped.append(("create_without_object", _link(note) or activity.where))
            return None
        note_type = _type(note.get("type"))
        if note_type not in _CONTENT_TYPES:
            reason = "tombstone" if note_type == "Tombstone" else f"object_{note_type}"
            batch.skipped.append((reason, _link(note) or activity.where))
            return None
        return Fields(note, activity.path, f"{activity.where}.object")
