"""Reddit "things" (comments ``t1``, submissions ``t3``, ``more`` stubs) to loader rows.

Shared by every Reddit loader: the API documents (:mod:`workbench.sources.reddit`)
and the Pushshift / Arctic Shift dumps (:mod:`workbench.sources.reddit_dump`).

The converters are written for the dump path, which reads millions of records:
each field is read with a plain ``dict.get`` and a cheap class check, and only a
value of an unexpected type (a string ``created_utc`` in an old dump, a missing
``id``) takes the slow path, where :class:`~workbench.sources.fields.Fields` either
converts it or raises a :class:`~workbench.errors.RecordError` naming the file, the
record and the field.

Text decoding
-------------
The legacy Reddit API (without ``raw_json=1``) and old Pushshift dumps escape
exactly three characters in ``body``, ``selftext`` and ``title``: ``&`` as
``&amp;``, ``<`` as ``&lt;`` and ``>`` as ``&gt;``. With ``raw_json=1`` nothing is
escaped, so the same ``&amp;`` can also be five characters a user really typed
(the r/funny fixture has one, in a pasted URL). The two cannot be told apart, so we
always decode those three entities: a quoted line read as ``&gt; quote`` in every
old dump is a far worse error than showing ``&`` where a user once typed ``&amp;``,
and the exported text is kept in ``text_raw`` whenever decoding changed it. We do
*not* use :func:`~workbench.sources.text.unescape_entities` (``html.unescape``):
it also decodes semicolon-less legacy entities, turning ``?a=1&region=uk`` in a
URL into ``?a=1®ion=uk``; Reddit never writes any other entity in these fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import RecordError

from .fields import Fields, describe

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
DELETED_BODIES = {"[deleted]": "deleted", "[removed]": "removed"}
#: ``created_utc`` numbers from 0 up to this (the year 3000) are epoch seconds, taken
#: as they are on the fast path; anything else goes through ``epoch_seconds``,
#: which reads milliseconds and rejects impossible times.
MAX_EPOCH = 32503680000.0
#: Largest score stored (the store's integers are 64-bit).
MAX_INT = 2**63 - 1

Where = str | int
"""A record's location: a JSON path string, or a line number (formatted lazily)."""


def where_text(where: Where) -> str:
    """Format a record location for a message (``7`` -> ``"line 7"``)."""
    return f"line {where}" if isinstance(where, int) else where


def unescape_reddit(text: str) -> str:
    """Decode the three entities Reddit escapes (``&lt;``, ``&gt;``, ``&amp;``)."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- slow paths: each converts an unusual value or raises a located RecordError ---


def _fields(d: dict[str, Any], path: Path, where: Where) -> Fields:
    return Fields(d, path, where_text(where))


def _thing_id(d: dict[str, Any], prefix: str, path: Path, where: Where) -> str:
    """Return a thing's short id from ``id``, else from its fullname ``name``."""
    fields = _fields(d, path, where)
    value = fields.str("id")
    if value:
        return value
    name = fields.str("name")
    if not name:
        raise fields.error("id", "is missing (and so is 'name')", "Every Reddit record needs an id")
    return name[len(prefix) :] if name.startswith(prefix) else name


def _fullname(
    d: dict[str, Any], key: str, prefix: str, default: str | None, path: Path, where: Where
) -> str:
    """Return a fullname field (``t3_abc``), adding ``prefix`` if an old dump left it off."""
    fields = _fields(d, path, where)
    value = fields.str(key)
    if not value:
        if default is None:
            raise fields.error(
                key, "is missing", "A Reddit comment needs its post ('link_id') and parent"
            )
        return default
    if value[2:3] == "_" and value[:1] == "t":
        return value
    return prefix + value


def _parent(d: dict[str, Any], link: str, default: str | None, path: Path, where: Where) -> str:
    """``parent_id`` as a fullname: ``t3_`` if it names the post, else ``t1_``."""
    value = _fullname(d, "parent_id", "", default, path, where)
    if value[2:3] == "_" and value[:1] == "t":
        return value
    return link if value == link[3:] else "t1_" + value


def _text(d: dict[str, Any], key: str, path: Path, where: Where) -> str:
    """Return a text field that must be a string; missing or null reads as ``""``."""
    value = d.get(key)
    if value is None:
        return ""
    raise _fields(d, path, where).error(key, f"should be text, found {describe(value)}")


def _author(d: dict[str, Any], path: Path, where: Where) -> str | None:
    value = d.get("author")
    if value is None:
        return None
    raise _fields(d, path, where).error("author", f"should be text, found {describe(value)}")


def _time(d: dict[str, Any], path: Path, where: Where) -> float | None:
    value = d.get("created_utc")
    if isinstance(value, bool):
        raise _fields(d, path, where).error(
            "created_utc", f"is not a time: found {describe(value)}"
        )
    return _fields(d, path, where).time("created_utc")


def _int(d: dict[str, Any], key: str, path: Path, where: Where) -> int | None:
    fields = _fields(d, path, where)
    value = fields.int(key)
    if value is not None and not -MAX_INT <= value <= MAX_INT:
        raise fields.error(key, f"is out of range ({value})")
    return value


# --- fast converters ---


def comment_row(
    d: dict[str, Any],
    path: Path,
    where: Where,
    *,
    depth: int | None = None,
    link_default: str | None = None,
    parent_default: str | None = None,
    post_url: str | None = None,
) -> dict[str, Any]:
    """Convert one comment (``t1`` data, or a dump line with ``body``) to a loader row.

    Keys whose value is the default are left out (``kind`` "comment", ``title``,
    ``lang``, ``text_raw`` and ``depth`` None, ``is_deleted`` False): missing keys
    read as None (see :data:`~workbench.sources.base.ROW_KEYS`), and a 10-key dict is
    about a third cheaper to build, keep and free than a 16-key one, which matters
    for dumps of millions of comments.

    Parameters
    ----------
    d : dict
        The comment's fields.
    path : Path
        The file (for error messages).
    where : str or int
        The record's JSON path, or its line number in a dump.
    depth : int, optional
        Depth known from the document's nesting (top-level comment = 1).
    link_default, parent_default : str, optional
        Fullnames of the post and parent to use when the record lacks them (known
        from the nesting of a thread document).
    post_url : str, optional
        The post's permalink URL, to build the comment's when it has none.

    Raises
    ------
    RecordError
        If a field has a value of the wrong type, or the id or post is missing.
    """
    # Fast path: plain dict access and class checks; an unusual value goes to a
    # helper that converts it or raises a RecordError naming the field.
    cid = d.get("id")
    if cid.__class__ is not str or not cid:
        cid = _thing_id(d, "t1_", path, where)
    link = d.get("link_id")
    if link.__class__ is not str or not link.startswith("t3_"):
        link = _fullname(d, "link_id", "t3_", link_default, path, where)
    parent = d.get("parent_id")
    if parent.__class__ is not str or parent[2:3] != "_":
        parent = _parent(d, link, parent_default, path, where)
    body = d.get("body")
    if body.__class__ is not str:
        body = _text(d, "body", path, where)
    author = d.get("author")
    if author.__class__ is not str:
        author = _author(d, path, where)
    created = d.get("created_utc")
    if (created.__class__ is int or created.__class__ is float) and 0 <= created < MAX_EPOCH:
        created = float(created)
    else:
        created = _time(d, path, where)
    score = d.get("score")
    if score is not None and (score.__class__ is not int or not -MAX_INT <= score <= MAX_INT):
        score = _int(d, "score", path, where)
    subreddit = d.get("subreddit")
    attributes: dict[str, Any] = {"subreddit": subreddit} if subreddit else {}
    permalink = d.get("permalink")
    if permalink.__class__ is str and permalink[:1] == "/":
        url = SITE + permalink
    elif post_url is not None:
        url = f"{post_url}{cid}/"
    elif subreddit.__class__ is str and subreddit:
        url = f"{SITE}/r/{subreddit}/comments/{link[3:]}/_/{cid}/"
    else:
        url = f"{SITE}/comments/{link[3:]}/_/{cid}/"
    row = {
        "comment_id": "reddit:t1_" + cid,
        "platform": "reddit",
        "thread_id": "reddit:" + link,
        "parent_id": "reddit:" + parent,
        "author": None if author == "[deleted]" else author,
        "created_at": created,
        "text": body,
        "score": score,
        "url": url,
        "attributes": attributes,
    }
    if depth is not None:
        row["depth"] = depth
    if len(body) == 9 and (body == "[deleted]" or body == "[removed]"):
        attributes["removal"] = DELETED_BODIES[body]
        row["text"] = ""
        row["is_deleted"] = True
    elif "&" in body:
        text = unescape_reddit(body)
        if text != body:
            row["text"] = text
            row["text_raw"] = body
    add_comment_attributes(d, attributes)
    return row


def add_comment_attributes(d: dict[str, Any], attributes: dict[str, Any]) -> None:
    """Copy the comment fields worth keeping (edited, distinguished, ...) that are set."""
    if d.get("edited"):
        attributes["edited"] = d["edited"]
    if d.get("distinguished"):
        attributes["distinguished"] = d["distinguished"]
    if d.get("stickied"):
        attributes["stickied"] = True
    if d.get("is_submitter"):
        attributes["is_submitter"] = True
    if "retrieved_on" in d:
        attributes["retrieved_on"] = d["retrieved_on"]
    if "link_title" in d:
        attributes["link_title"] = d["link_title"]


def post_row(d: dict[str, Any], path: Path, where: Where) -> dict[str, Any]:
    """Convert one submission (``t3`` data, or a dump line with ``title``) to a row.

    The post is the thread root: ``parent_id`` is ``None`` and ``depth`` 0. Its
    ``selftext`` is the row's text (``""`` for a link post, whose target URL is kept
    as ``attributes["link"]``).

    Raises
    ------
    RecordError
        If a field has a value of the wrong type, or the id is missing.
    """
    pid = d.get("id")
    if pid.__class__ is not str or not pid:
        pid = _thing_id(d, "t3_", path, where)
    title = d.get("title")
    if title.__class__ is not str:
        title = _text(d, "title", path, where)
    body = d.get("selftext")
    if body.__class__ is not str:
        body = _text(d, "selftext", path, where)
    author = d.get("author")
    if author.__class__ is not str:
        author = _author(d, path, where)
    elif author == "[deleted]":
        author = None
    created = d.get("created_utc")
    if (created.__class__ is int or created.__class__ is float) and 0 <= created < MAX_EPOCH:
        created = float(created)
    else:
        created = _time(d, path, where)
    score = d.get("score")
    if score is not None and (score.__class__ is not int or not -MAX_INT <= score <= MAX_INT):
        score = _int(d, "score", path, where)

    attributes: dict[str, Any] = {}
    removal = DELETED_BODIES.get(body)
    if removal is not None:
        attributes["removal"] = removal
        text, raw = "", None
    else:
        text = unescape_reddit(body)
        raw = body if text != body else None
    permalink = d.get("permalink")
    subreddit = d.get("subreddit")
    if permalink.__class__ is str and permalink.startswith("/"):
        url = SITE + permalink
    elif subreddit.__class__ is str and subreddit:
        url = f"{SITE}/r/{subreddit}/comments/{pid}/"
    else:
        url = f"{SITE}/comments/{pid}/"
    link = d.get("url")
    is_self = d.get("is_self")
    if is_self is None:
        is_self = not link or (link.__class__ is str and link.startswith(url))
    for key, name in _POST_ATTRIBUTES:
        value = d.get(key)
        if value is not None and value is not False and value != "":
            attributes[name] = value
    if not is_self and link:
        attributes["link"] = link
    if "over_18" in d:
        attributes["over_18"] = bool(d["over_18"])
    return {
        "comment_id": "reddit:t3_" + pid,
        "platform": PLATFORM,
        "thread_id": "reddit:t3_" + pid,
        "parent_id": None,
        "kind": "post",
        "author": author,
        "created_at": created,
        "title": unescape_reddit(title),
        "text": text,
        "text_raw": raw,
        "depth": 0,
        "score": score,
        "url": url,
        "is_deleted": removal is not None,
        "attributes": attributes,
    }


#: Submission fields kept in ``attributes`` (source key, attribute name) when set.
_POST_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("subreddit", "subreddit"),
    ("num_comments", "num_comments"),
    ("edited", "edited"),
    ("distinguished", "distinguished"),
    ("stickied", "stickied"),
    ("locked", "locked"),
    ("link_flair_text", "flair"),
    ("upvote_ratio", "upvote_ratio"),
    ("poll_data", "poll"),
    ("removed_by_category", "removed_by_category"),
    ("retrieved_on", "retrieved_on"),
)


def more_gap(
    d: dict[str, Any], path: Path, where: Where, *, link_default: str | None = None
) -> dict[str, Any]:
    """Convert a ``more`` stub to a gap.

    A stub with ``id == "_"`` and ``count == 0`` is Reddit's "continue this thread"
    link (kind ``"continue"``, no children listed); any other lists the hidden
    comment ids in ``children`` and how many comments they hold in ``count``
    (kind ``"more"``).

    Raises
    ------
    RecordError
        If ``parent_id``, ``count`` or ``children`` has the wrong type.
    """
    fields = Fields(d, path, where_text(where))
    link = fields.str("link_id") or link_default
    parent = fields.str("parent_id", required=True)
    count = _int(d, "count", path, where) or 0
    children = fields.list("children") or []
    for index, child in enumerate(children):
        if not isinstance(child, str) or not child:
            raise RecordError(
                path,
                f"field 'children' item {index} should be a comment id, found {describe(child)}",
                record=where_text(where),
            )
    if link is None:
        raise fields.error("link_id", "is missing", "Cannot tell which post the stub is under")
    if not link.startswith("t3_"):
        link = "t3_" + link
    continuation = d.get("id") == "_" and count == 0 and not children
    return {
        "platform": PLATFORM,
        "thread_id": "reddit:" + link,
        "parent_id": "reddit:" + parent,
        "kind": "continue" if continuation else "more",
        "count": count,
        "children": ["reddit:t1_" + child for child in children],
    }
