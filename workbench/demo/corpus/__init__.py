"""The written comments of the demo data set, grouped by platform and thread.

Everything here is fiction written for Thread Workbench: the town of Riverside,
Riverside Community Health NHS Trust, its Walk-in Centre and Urgent Treatment
Centre, every username and every comment. Postcodes use the made-up ``RV`` area,
web addresses the reserved ``.example`` domain and phone numbers Ofcom's drama
range (01632 960xxx).

Threads are written as flat lists of :func:`node` entries whose ``level`` gives the
nesting (1 = reply to the thread root, 2 = reply to the level-1 entry above it,
and so on). :mod:`workbench.demo.build_demo_data` turns them into each platform's
export format, inventing ids and timestamps deterministically.
"""

from __future__ import annotations

from typing import Any

#: Where and when the fiction happens (UTC).
SETTING: dict[str, str] = {
    "trust": "Riverside Community Health NHS Trust",
    "consultation": "Improving our Walk-in and Urgent Treatment Centre",
    "opens": "2026-03-02T09:00:00Z",
    "closes": "2026-04-30T23:59:00Z",
    "phone": "01632 960418",
    "email": "engage@riversidehealth.example",
}


def node(level: int, author: str, text: str, **options: Any) -> dict[str, Any]:
    """Describe one comment.

    Parameters
    ----------
    level : int
        Nesting level: 1 replies to the thread root, ``n`` replies to the nearest
        entry above it with level ``n - 1``.
    author : str
        The (invented) handle; ``"[deleted]"`` where the platform hides it.
    text : str
        The comment exactly as its author typed it (plain text / markdown).
    **options
        Per-platform extras: ``score``, ``edited`` (minutes after posting),
        ``after`` (minutes after the parent, overriding the invented delay),
        ``lang``, ``cw`` (content warning), ``key`` (a name other entries refer
        to), ``visibility`` and so on.
    """
    return {"type": "comment", "level": level, "author": author, "text": text, **options}


def more(level: int, count: int, listed: int) -> dict[str, Any]:
    """A Reddit "load more comments" stub hiding ``count`` comments, ``listed`` by id."""
    return {"type": "more", "level": level, "count": count, "listed": listed}


def continue_thread(level: int) -> dict[str, Any]:
    """A Reddit "continue this thread" stub (``id`` ``"_"``, ``count`` 0)."""
    return {"type": "continue", "level": level}
