"""The ``x-archive`` loader: files of an X / Twitter account archive.

See :mod:`workbench.sources.twitter` for the rules (authors, threads, retweets,
deleted tweets, note tweets).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from workbench.errors import RecordError, SourceError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields, describe
from .fileio import open_binary, read_json_document
from .replychains import as_count, iso639_1
from .text import unescape_entities
from .timeparse import epoch_seconds
from .twitter_common import (
    PLATFORM,
    as_id,
    edit_attributes,
    expand_urls,
    fill_threads,
    retweeted_user,
    status_url,
    twitter_time,
    unexpected,
)

_YTD = re.compile(rb"^\s*window\.YTD\.(\w+)\.part\d+\s*=")
_PLAIN_ARCHIVE = re.compile(r'\[\s*\{\s*"(?:tweet|noteTweet)"\s*:\s*\{')
_NOT_KEY_TEXT = re.compile(r"https?://\S+|\s+|…")
#: A note tweet is matched to the tweet posted within this many seconds of it.
_NOTE_WINDOW_S = 120.0


def _prefix(path: Path) -> tuple[str | None, str | None]:
    """Return the ``window.YTD.<name>.partN =`` prefix of an archive file and its name."""
    with open_binary(path) as handle:
        start = handle.read(200)
    if start.startswith(b"\xef\xbb\xbf"):
        start = start[3:]
    match = _YTD.match(start)
    if match is None:
        return None, None
    return match.group(0).decode("ascii").strip(), match.group(1).decode("ascii")


def _read_archive_file(path: Path) -> tuple[list[Any], str | None]:
    """Parse an archive file (with or without its prefix); return items and YTD name."""
    prefix, name = _prefix(path)
    data = read_json_document(path, strip_prefix=prefix) if prefix else read_json_document(path)
    if not isinstance(data, list):
        raise RecordError(
            path,
            f"should hold a JSON array of archive records, found {describe(data)}",
            record="$",
            hint="Give the tweets.js (or deleted-tweets.js) file from the archive's data folder",
        )
    return data, name


def _archive_owner(path: Path, warnings: list[str]) -> str | None:
    """Return the archive owner's username, from ``account.js`` next to the file."""
    account = path.parent / "account.js"
    if not account.is_file():
        warnings.append(
            f"{path.name}: no account.js next to it, so the archive owner (the author of "
            "every tweet) is unknown and author is empty; keep the archive's data folder "
            "together to fill it"
        )
        return None
    try:
        items, _ = _read_archive_file(account)
        username = items[0]["account"]["username"]
        if isinstance(username, str) and username:
            return username
    except SourceError as exc:
        warnings.append(f"account.js could not be read ({exc}); authors are empty")
        return None
    except (LookupError, TypeError):
        pass
    warnings.append("account.js has no account.username; authors are empty")
    return None


def _read_notes(path: Path, warnings: list[str]) -> list[tuple[float, int, str, str]]:
    """Note tweets (long texts) from ``note-tweet.js`` next to ``path``.

    Returns ``(created_at, note id, text, raw text)`` sorted by time.
    """
    notes_path = path.parent / "note-tweet.js"
    if not notes_path.is_file() or notes_path == path:
        return []
    try:
        items, _ = _read_archive_file(notes_path)
    except SourceError as exc:
        warnings.append(f"note-tweet.js could not be read ({exc}); long tweets stay truncated")
        return []
    notes = []
    for index, item in enumerate(items):
        try:
            note = item["noteTweet"]
            raw = note["core"]["text"]
            created = epoch_seconds(note["createdAt"])
            note_id = int(note["noteTweetId"])
            if not isinstance(raw, str) or created is None:
                raise TypeError(f"text {describe(raw)}")
            text = expand_urls(
                unescape_entities(raw), note["core"].get("urls"), "shortUrl", "expandedUrl"
            )
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            warnings.append(f"note-tweet.js: record $[{index}] was ignored ({exc})")
            continue
        notes.append((created, note_id, text, raw))
    notes.sort()
    return notes


def _key(text: str) -> str:
    """Return the comparable start of a text: links, whitespace and ellipses removed."""
    return _NOT_KEY_TEXT.sub("", text)[:40]


def _attach_notes(
    rows: list[dict[str, Any]], notes: list[tuple[float, int, str, str]], warnings: list[str]
) -> None:
    """Give long tweets the full text of their note tweet.

    The archive's ``note-tweet.js`` does not name the tweet a note belongs to; a
    note is matched to the tweet posted within two minutes of it whose text starts
    the same way, the nearest by id when several do.
    """
    timed = sorted(
        (row["created_at"], i) for i, row in enumerate(rows) if row["created_at"] is not None
    )
    times = [t for t, _ in timed]
    unmatched = 0
    for created, note_id, text, raw in notes:
        note_key = _key(text)
        lo = bisect.bisect_left(times, created - _NOTE_WINDOW_S)
        hi = bisect.bisect_right(times, created + _NOTE_WINDOW_S)
        best: tuple[int, int] | None = None
        for _, i in timed[lo:hi]:
            row = rows[i]
            if note_key.startswith(_key(row["text"])):
                distance = abs(int(row["comment_id"][2:]) - note_id)
                if best is None or distance < best[0]:
                    best = (distance, i)
        if best is None:
            unmatched += 1
            continue
        row = rows[best[1]]
        row["text"], row["text_raw"] = text, raw
        row["attributes"]["note_tweet_id"] = str(note_id)
    if unmatched:
        warnings.append(
            f"note-tweet.js: {unmatched} long text(s) matched no tweet in this file; "
            "those tweets (if any) keep their truncated text"
        )


def _check(tweet: dict[str, Any], path: Path, where: str) -> None:
    """Raise the located error explaining why ``tweet`` is unreadable, if one applies."""
    fields = Fields(tweet, path, where)
    if fields.str("id_str") is None:
        fields.str("id", required=True)
    text_key = "full_text" if "full_text" in tweet else "text"
    if not isinstance(fields.str(text_key, required=True), str) or not isinstance(
        tweet[text_key], str
    ):
        raise fields.error(text_key, f"should be text, found {describe(tweet[text_key])}")
    fields.time("created_at")
    fields.int("favorite_count")
    fields.int("retweet_count")
    fields.str("in_reply_to_status_id_str")
    fields.str("in_reply_to_status_id")
    fields.str("conversation_id")
    fields.str("lang")
    fields.str("deleted_at")
    fields.time("deleted_at")
    entities = fields.child("entities", required=False)
    if entities is not None:
        entities.list("urls")
    if fields.dict("retweeted_status") is not None:
        Fields(tweet["retweeted_status"], path, f"{where}.retweeted_status").str(
            "id_str", required=True
        )


def _iso(epoch: float | None) -> str | None:
    """Format epoch seconds as an ISO 8601 UTC string (for attributes)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def _tweet_row(
    tweet: dict[str, Any], owner: str | None, deleted: bool, reply_to: dict[str, str | None]
) -> dict[str, Any]:
    """Return one archive tweet as a loader row (plain dict access; raise on bad data)."""
    tweet_id = as_id(tweet.get("id_str") or tweet["id"])
    raw = tweet["full_text"] if "full_text" in tweet else tweet["text"]
    entities = tweet.get("entities")
    text = unescape_entities(raw)
    if entities:
        text = expand_urls(expand_urls(text, entities.get("urls")), entities.get("media"))
    parent = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    if parent is not None:
        parent = as_id(parent)
    reply_to[tweet_id] = parent
    conversation = tweet.get("conversation_id") or tweet.get("conversation_id_str")
    if conversation is not None:
        conversation = as_id(conversation)
    attributes: dict[str, Any] = {}
    retweeted = tweet.get("retweeted_status")
    rt_user = retweeted_user(raw)
    if retweeted or rt_user:
        attributes["is_retweet"] = True
        if retweeted:
            attributes["retweeted_id"] = f"x:{as_id(retweeted['id_str'])}"
            user = retweeted.get("user")
            rt_user = user.get("screen_name") if isinstance(user, dict) else rt_user
        attributes["retweeted_user"] = rt_user
    if tweet.get("in_reply_to_screen_name"):
        attributes["reply_to_user"] = tweet["in_reply_to_screen_name"]
    if tweet.get("retweet_count") is not None:
        attributes["retweet_count"] = as_count(tweet["retweet_count"], "retweet_count")
    edit = tweet.get("edit_info")
    if edit:
        control = edit.get("initial") or edit.get("edit", {}).get("editControlInitial") or {}
        attributes.update(edit_attributes(tweet_id, control.get("editTweetIds")))
    if deleted and tweet.get("deleted_at"):
        attributes["deleted_at"] = _iso(twitter_time(tweet["deleted_at"]))
    author = owner
    user = tweet.get("user")
    if isinstance(user, dict) and user.get("screen_name"):
        author = user["screen_name"]  # API v1.1 objects carry their author
    likes = tweet.get("favorite_count")
    return {
        "comment_id": f"x:{tweet_id}",
        "platform": PLATFORM,
        "thread_id": f"x:{conversation}" if conversation else (None if parent else f"x:{tweet_id}"),
        "parent_id": f"x:{parent}" if parent else None,
        "kind": "comment" if parent else "post",
        "author": author,
        "created_at": twitter_time(tweet["created_at"]),
        "text": text,
        "text_raw": raw,
        "score": as_count(likes, "favorite_count"),
        "url": status_url(author, tweet_id),
        "lang": iso639_1(tweet.get("lang")),
        "is_deleted": deleted,
        "attributes": attributes,
    }


@register
class XArchiveLoader:
    """Tweets from an X / Twitter account archive (``data/tweets.js`` and siblings)."""

    name: ClassVar[str] = "x-archive"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "X/Twitter account archive file: tweets.js, deleted-tweets.js "
        "(window.YTD.<name>.partN = [...]); author from account.js next to it"
    )

    def sniff(self, sample: Sample) -> float:
        """Recognise the ``window.YTD.`` prefix, or a bare array of ``{"tweet": ...}``."""
        head = sample.head.lstrip()
        if head.startswith("window.YTD."):
            return 0.99
        if _PLAIN_ARCHIVE.match(head):
            return 0.8
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the file's tweets as one batch (archive files are single documents)."""
        batch = Batch()
        items, ytd_name = _read_archive_file(path)
        owner = _archive_owner(path, batch.warnings) if items else None
        reply_to: dict[str, str | None] = {}
        rows = batch.rows
        notes_seen = 0
        seen: set[str] = set()
        for index, item in enumerate(items):
            where = f"$[{index}]"
            if not isinstance(item, dict) or not item:
                raise RecordError(
                    path,
                    f'expected an archive record like {{"tweet": {{...}}}}, found {describe(item)}',
                    record=where,
                )
            key, value = next(iter(item.items()))
            if not isinstance(value, dict):
                raise RecordError(
                    path,
                    f"field {key!r} should be an object, found {describe(value)}",
                    record=where,
                )
            if key == "noteTweet":
                notes_seen += 1
                batch.skipped.append(("note_tweet", f"note {value.get('noteTweetId')}"))
                continue
            if "full_text" not in value and "text" not in value:
                ref = value.get("tweet_id") or value.get("tweetId") or value.get("id_str")
                reason = "tweet_header" if key == "tweet" else f"archive_{key}"
                batch.skipped.append((reason, f"tweet {ref}" if ref else where))
                continue
            deleted = "deleted_at" in value or ytd_name == "deleted_tweets"
            try:
                row = _tweet_row(value, owner, deleted, reply_to)
            except (LookupError, TypeError, ValueError, AttributeError) as exc:
                _check(value, path, f"{where}.{key}")
                raise unexpected(path, f"{where}.{key}", exc) from None
            if row["comment_id"] in seen:
                batch.skipped.append(("duplicate", row["comment_id"]))
                continue
            seen.add(row["comment_id"])
            if key != "tweet":
                row["attributes"]["archive_record"] = key
            rows.append(row)
        if notes_seen:
            batch.warnings.append(
                f"{path.name}: {notes_seen} note tweet(s) (the full text of long tweets) "
                "were not imported on their own: import tweets.js from the same folder, "
                "which reads note-tweet.js next to it"
            )
        elif rows and ytd_name in (None, "tweets", "tweet"):
            notes = _read_notes(path, batch.warnings)
            if notes:
                _attach_notes(rows, notes, batch.warnings)
        fill_threads(rows, reply_to, batch.warnings, path)
        if not rows and batch.skipped and not notes_seen:
            batch.warnings.append(
                f"{path.name} holds no tweets ({batch.skipped[0][0]} records); nothing imported"
            )
        for row in rows:
            if not row["attributes"]:
                row["attributes"] = None
        yield batch
