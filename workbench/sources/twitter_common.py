"""Helpers shared by the X / Twitter loaders (archive and API v2).

See :mod:`workbench.sources.twitter` for the rules these implement.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.errors import RecordError

from .replychains import thread_roots
from .timeparse import epoch_seconds

PLATFORM = "x"
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
#: ``RT @user: text`` -- how a retweet's text starts in every X format.
RETWEET_PREFIX = re.compile(r"RT @(\w{1,50}):")


def twitter_time(value: Any) -> float | None:
    """Return epoch seconds of an archive time like ``Fri Mar 06 13:02:05 +0000 2026``.

    A fast path for the fixed UTC form archives use (``strptime`` is ten times
    slower); anything else goes to :func:`~workbench.sources.timeparse.epoch_seconds`.

    Raises
    ------
    ValueError
        Quoting the value, if it is not a time.
    """
    if isinstance(value, str) and len(value) == 30 and value[19:25] == " +0000":
        try:
            _, month, day, clock, _, year = value.split(" ")
            hour, minute, second = clock.split(":")
            moment = datetime(
                int(year),
                _MONTHS[month],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=UTC,
            )
            return moment.timestamp()
        except (ValueError, KeyError):
            pass
    return epoch_seconds(value)


def as_id(value: Any) -> str:
    """Return a tweet or user id as text; ids are strings or (in old data) integers.

    Raises
    ------
    TypeError
        For anything else (the caller turns it into a located error).
    """
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"id {value!r} is not a string")


def status_url(username: str | None, tweet_id: str) -> str:
    """Return a tweet's permalink; ``/i/web/status/<id>`` works without the username."""
    if username:
        return f"https://x.com/{username}/status/{tweet_id}"
    return f"https://x.com/i/web/status/{tweet_id}"


def expand_urls(
    text: str, urls: Any, short_key: str = "url", long_key: str = "expanded_url"
) -> str:
    """Replace the ``t.co`` links in ``text`` by the addresses they stand for.

    ``urls`` is the ``entities.urls`` list (archive and API v2 use ``url`` /
    ``expanded_url``; note tweets use ``shortUrl`` / ``expandedUrl``). Entries that
    are not objects with both keys are ignored, and so are links that a truncated
    retweet cut in half (they no longer match).
    """
    if not urls or not isinstance(urls, list) or "t.co/" not in text:
        return text
    for entry in urls:
        if isinstance(entry, dict):
            short, long = entry.get(short_key), entry.get(long_key)
            if isinstance(short, str) and isinstance(long, str) and short and long:
                text = text.replace(short, long)
    return text


def retweeted_user(text: str) -> str | None:
    """Return the ``user`` of a text starting ``RT @user:``, else ``None``."""
    match = RETWEET_PREFIX.match(text)
    return match.group(1) if match else None


def edit_attributes(tweet_id: str, history: Any) -> dict[str, Any]:
    """Attributes describing an edited tweet from its list of version ids.

    Every version of an edited tweet is a tweet with its own id (replies, quotes
    and retweets point at the version they saw), so each version is its own row.
    Rows of one edited tweet share ``edit_group`` (the original's id); a version
    that was later replaced carries ``superseded_by`` (the latest version's id).
    A tweet never edited (a history of one id) gets no attributes.
    """
    if not isinstance(history, list) or len(history) < 2:
        return {}
    ids = [str(item) for item in history]
    extra: dict[str, Any] = {
        "edit_history": [f"x:{item}" for item in ids],
        "edit_group": f"x:{ids[0]}",
    }
    if tweet_id != ids[-1]:
        extra["superseded_by"] = f"x:{ids[-1]}"
    return extra


def fill_threads(
    rows: list[dict[str, Any]], reply_to: dict[str, str | None], warnings: list[str], path: Path
) -> None:
    """Give rows without a ``thread_id`` the root of their reply chain.

    Parameters
    ----------
    rows : list of dict
        Loader rows; those whose ``thread_id`` is ``None`` are filled in place.
    reply_to : dict of str to str or None
        Raw tweet id -> raw id of the tweet it replies to, for every tweet of the
        rows (the chain is followed only through these).
    warnings : list of str
        Receives a note when reply links form a loop.
    path : Path
        The file, for the note.
    """
    if not any(row["thread_id"] is None for row in rows):
        return
    roots, cycles = thread_roots(reply_to)
    if cycles:
        warnings.append(
            f"{path.name}: the reply links of {len(cycles)} tweet(s) loop back on themselves "
            f"(e.g. x:{cycles[0]}); each such tweet was made the root of its thread"
        )
    for row in rows:
        if row["thread_id"] is None:
            raw_id = row["comment_id"][2:]
            root = roots.get(raw_id, raw_id)
            row["thread_id"] = f"x:{root}"
            if root == raw_id:
                row["kind"] = "post"
                row["parent_id"] = None


def unexpected(path: Path, where: str, exc: BaseException) -> RecordError:
    """Return the error for a record the fast path could not read nor the checks explain."""
    return RecordError(
        path,
        f"could not be read as a tweet ({type(exc).__name__}: {exc})",
        record=where,
        hint="Is this file really in the format it was read as? Export it again if it is",
    )
