"""The ``x-api-v2`` and ``x-twarc-flat`` loaders: X API v2 responses and twarc2 output.

See :mod:`workbench.sources.twitter` for the rules (authors, threads, retweets,
edits, ``errors[]``, ``includes.tweets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import orjson

from workbench.errors import RecordError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields, describe
from .fileio import iter_json_lines, open_binary, read_json_document
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
    unexpected,
)

_TWEET_KEYS = (
    '"author_id"',
    '"conversation_id"',
    '"edit_history_tweet_ids"',
    '"public_metrics"',
    '"referenced_tweets"',
)
_PAGE_START = re.compile(r'[\[\s]*\{\s*"data"\s*:\s*[\[{]')
_PAGE_KEYS = frozenset(("data", "includes", "errors", "meta", "matching_rules"))
_SNAKE = re.compile(r"[^a-z0-9]+")


def _first_json(sample: Sample) -> Any:
    """Return the sample's first line parsed as JSON, or ``None`` if it is not complete."""
    line = sample.first_line
    if not line.startswith("{"):
        return None
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _is_tweet(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and ("text" in value or "note_tweet" in value)


def _reason(error: dict[str, Any]) -> str:
    """Return a short snake_case reason from an API error's ``type`` (or ``title``)."""
    kind = error.get("type")
    if isinstance(kind, str) and "/" in kind:
        name = kind.rstrip("/").rsplit("/", 1)[-1]
    else:
        name = str(error.get("title") or kind or "api_error")
    return _SNAKE.sub("_", name.lower()).strip("_") or "api_error"


def _v2_row(
    tweet: dict[str, Any],
    users: dict[str, str],
    included: dict[str, Any],
) -> tuple[dict[str, Any], str | None]:
    """One API v2 tweet as a loader row, and the id it replies to (raises on bad data)."""
    tweet_id = as_id(tweet["id"])
    note = tweet.get("note_tweet")
    if note and note.get("text"):
        raw = note["text"]
        urls = (note.get("entities") or {}).get("urls")
    else:
        raw = tweet["text"]
        urls = (tweet.get("entities") or {}).get("urls")
    if not isinstance(raw, str):
        raise TypeError("text is not a string")
    text = expand_urls(unescape_entities(raw), urls)
    author_obj = tweet.get("author")
    author_id = tweet.get("author_id")
    if isinstance(author_obj, dict):
        author = author_obj.get("username")
        if author is not None and not isinstance(author, str):
            raise TypeError(f"author.username {describe(author)}")
    elif author_obj is not None:  # twarc2 flatten inlines the user object, nothing else
        raise TypeError(f"author {describe(author_obj)}")
    else:
        author = users.get(author_id) if author_id else None
    attributes: dict[str, Any] = {}
    if author_id:
        attributes["author_id"] = as_id(author_id)
    reply_to = None
    for ref in tweet.get("referenced_tweets") or ():
        kind, ref_id = ref["type"], as_id(ref["id"])
        if kind == "replied_to":
            reply_to = ref_id
        elif kind == "retweeted":
            attributes["is_retweet"] = True
            attributes["retweeted_id"] = f"x:{ref_id}"
            original = ref if ("author" in ref or "text" in ref) else included.get(ref_id)
            rt_user = None
            if isinstance(original, dict):
                if isinstance(original.get("author"), dict):
                    rt_user = original["author"].get("username")
                else:
                    rt_user = users.get(original.get("author_id"))
            attributes["retweeted_user"] = rt_user or retweeted_user(raw)
        elif kind == "quoted":
            attributes["quoted_id"] = f"x:{ref_id}"
    if "is_retweet" not in attributes and retweeted_user(raw):
        attributes["is_retweet"] = True
        attributes["retweeted_user"] = retweeted_user(raw)
    reply_user = tweet.get("in_reply_to_user")
    if isinstance(reply_user, dict) and reply_user.get("username"):
        attributes["reply_to_user"] = reply_user["username"]
    elif tweet.get("in_reply_to_user_id") in users:
        attributes["reply_to_user"] = users[tweet["in_reply_to_user_id"]]
    metrics = tweet.get("public_metrics") or {}
    for name in ("retweet_count", "reply_count", "quote_count"):
        if metrics.get(name) is not None:
            attributes[name] = as_count(metrics[name], name)
    attributes.update(edit_attributes(tweet_id, tweet.get("edit_history_tweet_ids")))
    conversation = tweet.get("conversation_id")
    if conversation:
        conversation = as_id(conversation)
        thread: str | None = f"x:{conversation}"
        is_root = conversation == tweet_id
        parent = f"x:{reply_to}" if reply_to else (None if is_root else thread)
    else:
        thread = None if reply_to else f"x:{tweet_id}"
        is_root = reply_to is None
        parent = f"x:{reply_to}" if reply_to else None
    likes = metrics.get("like_count")
    return {
        "comment_id": f"x:{tweet_id}",
        "platform": PLATFORM,
        "thread_id": thread,
        "parent_id": parent,
        "kind": "post" if is_root else "comment",
        "author": author,
        "created_at": epoch_seconds(tweet.get("created_at")),
        "text": text,
        "text_raw": raw,
        "score": as_count(likes, "like_count"),
        "url": status_url(author, tweet_id),
        "lang": iso639_1(tweet.get("lang")),
        "is_deleted": False,
        "attributes": attributes,
    }, reply_to


def _check(tweet: Any, path: Path, where: str) -> None:
    """Raise the located error explaining why ``tweet`` is unreadable, if one applies."""
    fields = Fields(tweet, path, where)
    fields.str("id", required=True)
    note = fields.child("note_tweet", required=False)
    if note is not None and note.obj.get("text") is not None:
        if not isinstance(note.obj["text"], str):
            raise note.error("text", f"should be text, found {describe(note.obj['text'])}")
    elif not isinstance(fields.str("text", required=True), str) or not isinstance(
        tweet["text"], str
    ):
        raise fields.error("text", f"should be text, found {describe(tweet['text'])}")
    fields.time("created_at")
    fields.str("conversation_id")
    fields.str("author_id")
    fields.str("lang")
    author = fields.child("author", required=False)
    if author is not None and not isinstance(author.obj.get("username"), str | None):
        raise author.error("username", f"should be text, found {describe(author.obj['username'])}")
    fields.list("edit_history_tweet_ids")
    metrics = fields.child("public_metrics", required=False)
    if metrics is not None:
        for name in ("like_count", "retweet_count", "reply_count", "quote_count"):
            metrics.int(name)
    entities = fields.child("entities", required=False)
    if entities is not None:
        entities.list("urls")
    for index, ref in enumerate(fields.list("referenced_tweets") or ()):
        ref_fields = Fields(ref, path, f"{where}.referenced_tweets[{index}]")
        ref_fields.str("type", required=True)
        ref_fields.str("id", required=True)


class _Reader:
    """Accumulates rows from pages and flattened tweets, and yields batches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batch = Batch()
        self.reply_to: dict[str, str | None] = {}
        self.seen: set[str] = set()

    def value(self, value: Any, prefix: str, root: str) -> None:
        """Read one top-level value: an API page, or one (flattened) tweet."""
        if not isinstance(value, dict):
            raise RecordError(
                self.path,
                f"expected an API v2 page or a tweet object, found {describe(value)}",
                record=f"{prefix}{root}",
            )
        if _is_tweet(value) and "data" not in value:
            self.tweet(value, {}, {}, prefix, root, value.get("matching_rules"))
        elif _PAGE_KEYS.intersection(value):
            self.page(value, prefix, root)
        else:
            raise RecordError(
                self.path,
                f"is neither an API v2 page (data, includes, errors) nor a tweet (id, text); "
                f"its keys are {sorted(value)[:8]}",
                record=f"{prefix}{root}",
                hint="Give a file written by twarc2 or saved from the X API v2",
            )

    def _index(self, items: Any, prefix: str, where: str, key: str) -> dict[str, Any]:
        if items is None:
            return {}
        if not isinstance(items, list):
            raise RecordError(
                self.path, f"should be a list, found {describe(items)}", record=f"{prefix}{where}"
            )
        index: dict[str, Any] = {}
        for number, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                Fields(item, self.path, f"{prefix}{where}[{number}]").str("id", required=True)
            try:
                index[as_id(item["id"])] = item.get(key) if key else item
            except TypeError:
                Fields(item, self.path, f"{prefix}{where}[{number}]").str("id")
                raise RecordError(
                    self.path,
                    f"field 'id' should be text, found {describe(item['id'])}",
                    record=f"{prefix}{where}[{number}]",
                ) from None
        return index

    def page(self, page: dict[str, Any], prefix: str, root: str) -> None:
        """Read an API v2 response page (search page or one stream line)."""
        includes = page.get("includes") or {}
        if not isinstance(includes, dict):
            raise RecordError(
                self.path,
                f"field 'includes' should be an object, found {describe(includes)}",
                record=f"{prefix}{root}",
            )
        users = self._index(includes.get("users"), prefix, f"{root}.includes.users", "username")
        included = self._index(includes.get("tweets"), prefix, f"{root}.includes.tweets", "")
        rules = page.get("matching_rules")
        data = page.get("data")
        if isinstance(data, dict):
            self.tweet(data, users, included, prefix, f"{root}.data", rules)
        elif isinstance(data, list):
            for number, tweet in enumerate(data):
                self.tweet(tweet, users, included, prefix, f"{root}.data[{number}]", rules)
        elif data is not None:
            raise RecordError(
                self.path,
                f"field 'data' should be a list or an object, found {describe(data)}",
                record=f"{prefix}{root}",
            )
        errors = page.get("errors")
        if errors is None:
            errors = []
        elif not isinstance(errors, list):
            errors = [errors]
        for error in errors:
            if isinstance(error, dict) and error.get("resource_id") is not None:
                reference = f"{error.get('resource_type') or 'resource'} {error['resource_id']}"
                if error.get("detail"):
                    reference = f"{reference}: {error['detail']}"
                self.batch.skipped.append((_reason(error), reference))
            else:
                self.batch.warnings.append(
                    f"{self.path.name}, {prefix}{root}: the API reported "
                    f"an error: {describe(error)}"
                )

    def tweet(
        self,
        tweet: Any,
        users: dict[str, str],
        included: dict[str, Any],
        prefix: str,
        where: str,
        rules: Any,
    ) -> None:
        """Turn one tweet into a row."""
        try:
            row, reply_to = _v2_row(tweet, users, included)
        except (LookupError, TypeError, ValueError, AttributeError) as exc:
            _check(tweet, self.path, f"{prefix}{where}")
            raise unexpected(self.path, f"{prefix}{where}", exc) from None
        cid = row["comment_id"]
        if cid in self.seen:
            self.batch.skipped.append(("duplicate", cid))
            return
        self.seen.add(cid)
        if isinstance(rules, list) and rules:
            row["attributes"]["matching_rules"] = [
                str(rule.get("tag") or rule.get("id")) if isinstance(rule, dict) else str(rule)
                for rule in rules
            ]
        self.reply_to[cid[2:]] = reply_to
        self.batch.rows.append(row)

    def flush(self) -> Batch:
        """Finish and return the current batch, and start a new one."""
        batch = self.batch
        fill_threads(batch.rows, self.reply_to, batch.warnings, self.path)
        for row in batch.rows:
            if not row["attributes"]:
                row["attributes"] = None
        self.batch = Batch()
        self.reply_to = {}
        return batch


def _is_json_lines(path: Path) -> bool:
    """Whether the file's first non-blank line is a complete JSON value."""
    with open_binary(path) as handle:
        for line in handle:
            if line.strip():
                try:
                    orjson.loads(line)
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


def _load(path: Path, options: LoadOptions) -> Iterator[Batch]:
    """Read an API v2 document or JSON-lines file (pages and/or flattened tweets)."""
    reader = _Reader(path)
    if _is_json_lines(path):
        skipped: list[tuple[str, str]] = []
        for number, value in iter_json_lines(path, skipped=skipped):
            reader.value(value, f"line {number}, ", "$")
            if len(reader.batch.rows) >= options.batch_size:
                yield reader.flush()
        reader.batch.skipped.extend(skipped)
    else:
        document = read_json_document(path)
        if isinstance(document, list):
            for number, value in enumerate(document):
                reader.value(value, "", f"$[{number}]")
        else:
            reader.value(document, "", "$")
    yield reader.flush()


@register
class XApiV2Loader:
    """X API v2 responses: search pages or filtered-stream lines (twarc2 default output)."""

    name: ClassVar[str] = "x-api-v2"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "X API v2 responses ({data, includes, errors, meta}) as one JSON document or JSON "
        "lines, as twarc2 search/stream write them"
    )

    def sniff(self, sample: Sample) -> float:
        """Recognise a page or stream line whose ``data`` holds tweets."""
        first = _first_json(sample)
        if isinstance(first, dict):
            data = first.get("data")
            if isinstance(data, list):
                return 0.95 if data and _is_tweet(data[0]) else 0.0
            return 0.95 if _is_tweet(data) else 0.0
        head = sample.head.lstrip()
        if _PAGE_START.match(head) and '"text"' in head and any(k in head for k in _TWEET_KEYS):
            return 0.9
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the file's tweets in batches (JSON lines are streamed)."""
        return _load(path, options)


@register
class XTwarcFlatLoader:
    """``twarc2 flatten`` output: one API v2 tweet per line with ``author`` inlined."""

    name: ClassVar[str] = "x-twarc-flat"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "twarc2 flatten output (one API v2 tweet a line, author inlined) or any JSON lines "
        "of API v2 tweet objects"
    )

    def sniff(self, sample: Sample) -> float:
        """Recognise a first line that is one API v2 tweet rather than a page."""
        first = _first_json(sample)
        if isinstance(first, dict):
            if "data" in first or not _is_tweet(first):
                return 0.0
            if "__twarc" in first or isinstance(first.get("author"), dict):
                return 0.95
            return 0.85 if any(k.strip('"') in first for k in _TWEET_KEYS) else 0.0
        line = sample.first_line
        if (
            line.startswith("{")
            and not _PAGE_START.match(line)
            and '"text"' in line
            and '"author_id"' in line
            and '"conversation_id"' in line
        ):
            return 0.7
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the file's tweets in batches, streaming the lines."""
        return _load(path, options)
