"""Deterministic ids, times and reply trees for the demo data builder.

Nothing here is random: every "invented" number comes from a SHA-256 hash of a
stable key, so rebuilding the demo data gives byte-identical files on any
machine and Python version.
"""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime, timedelta
from typing import Any

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def unit(*key: object) -> float:
    """Return a number in [0, 1) fixed by ``key``."""
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def number(*key: object, bits: int = 64) -> int:
    """Return a non-negative integer of at most ``bits`` bits fixed by ``key``."""
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest, "big") >> (256 - bits)


def token(*key: object, length: int, alphabet: str = BASE64URL) -> str:
    """Return a string of ``length`` characters from ``alphabet`` fixed by ``key``."""
    chars: list[str] = []
    block = 0
    while len(chars) < length:
        value = number(*key, block, bits=256)
        for _ in range(min(40, length - len(chars))):  # 40 symbols use < 256 bits
            value, index = divmod(value, len(alphabet))
            chars.append(alphabet[index])
        block += 1
    return "".join(chars)


def base36(value: int) -> str:
    """Write a non-negative integer in base 36 (Reddit ids)."""
    digits = ""
    while True:
        value, index = divmod(value, 36)
        digits = BASE36[index] + digits
        if value == 0:
            return digits


def escape_html(text: str) -> str:
    """Escape text for HTML the way Mastodon, Reddit and YouTube do (``&#39;``, ``&quot;``)."""
    return html.escape(text, quote=False).replace('"', "&quot;").replace("'", "&#39;")


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 UTC time such as ``2026-03-02T09:00:14.391Z``."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def iso(moment: datetime, *, millis: bool = False) -> str:
    """Write ``moment`` as ``YYYY-MM-DDTHH:MM:SSZ`` (with ``.mmm`` if ``millis``)."""
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def link_levels(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each entry of a level list its ``parent`` (index, or ``None`` for the root).

    Returns new dicts with ``index``, ``parent`` and ``children`` (indices) added.

    Raises
    ------
    ValueError
        If an entry's level skips a level (a reply with no parent above it).
    """
    linked: list[dict[str, Any]] = []
    stack: list[int] = []  # stack[k] = index of the latest entry at level k + 1
    for index, entry in enumerate(entries):
        level = entry["level"]
        if level < 1 or level > len(stack) + 1:
            raise ValueError(
                f"entry {index} ({entry.get('author')!r}) has level {level} "
                f"but the entry above it has level {len(stack)}"
            )
        del stack[level - 1 :]
        parent = stack[-1] if stack else None
        item = {**entry, "index": index, "parent": parent, "children": []}
        linked.append(item)
        if parent is not None:
            linked[parent]["children"].append(index)
        if entry.get("type", "comment") == "comment":
            stack.append(index)
    return linked


def schedule(
    entries: list[dict[str, Any]],
    root_time: datetime,
    *,
    key: str,
    spread: timedelta,
    max_delay_minutes: float = 360.0,
) -> None:
    """Give every linked entry a ``time`` after its parent (in place).

    Top-level entries are spread over ``spread`` after ``root_time``, more of them
    early (as in a real thread); replies follow their parent by two minutes to
    ``max_delay_minutes`` (an entry's ``after`` option, in minutes, overrides the
    delay), and each reply comes after the sibling written above it.
    """
    tops = [e for e in entries if e["parent"] is None]
    previous = root_time
    for rank, entry in enumerate(tops):
        share = ((rank + 1) / (len(tops) + 1)) ** 1.6
        jitter = timedelta(minutes=unit(key, "top", rank) * 20)
        moment = root_time + spread * share + jitter
        if "after" in entry:
            moment = root_time + timedelta(minutes=entry["after"])
        previous = max(moment, previous + timedelta(minutes=1))
        entry["time"] = previous + timedelta(seconds=int(unit(key, "s", rank) * 59))
    for entry in entries:  # parents always come before their replies
        if entry["parent"] is None:
            continue
        parent = entries[entry["parent"]]
        u = unit(key, "reply", entry["index"])
        delay = entry.get("after", 2 + (u**2) * max_delay_minutes)
        moment = parent["time"] + timedelta(minutes=delay)
        siblings = parent["children"]
        position = siblings.index(entry["index"])
        if position:
            moment = max(moment, entries[siblings[position - 1]]["time"] + timedelta(minutes=1))
        entry["time"] = moment.replace(
            microsecond=int(unit(key, "ms", entry["index"]) * 999) * 1000
        )
