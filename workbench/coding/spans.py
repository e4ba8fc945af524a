"""Passage offsets: Python string indices and the browser's UTF-16 code units.

A coding's span (``span_start``, ``span_end``) counts *characters* of the comment's
text, as Python indexes a string. A browser counts UTF-16 code units, in which a
character outside the Basic Multilingual Plane (most emoji: 😀, 🏥) takes two. So a
selection made after an emoji is off by one per emoji until converted::

    >>> text = "🏥 waited 4 hours"
    >>> span_from_utf16(text, 3, 9)
    (2, 8)
    >>> text[2:8]
    'waited'
    >>> span_to_utf16(text, 2, 8)
    (3, 9)

An offset that falls between the two halves of a character (a selection cannot,
but a stale one might) is moved outwards, so the span keeps the whole character.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


def _wide(text: str) -> bool:
    """Whether ``text`` has characters that take two UTF-16 units."""
    return not text.isascii() and any(ord(ch) > 0xFFFF for ch in text)


def _units_before(text: str) -> list[int]:
    """UTF-16 units before each character index 0..len(text)."""
    units = [0]
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return units


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (JavaScript's ``text.length``)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF) if _wide(text) else len(text)


def span_from_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """A selection's UTF-16 offsets as Python indices into ``text``.

    Offsets are clamped to the text; ``start`` inside a character moves to its
    start, ``end`` inside one to its end. The order is kept as given (check it).
    """
    total = utf16_length(text)
    start, end = min(max(int(start), 0), total), min(max(int(end), 0), total)
    if not _wide(text):
        return start, end
    units = _units_before(text)
    return bisect_right(units, start) - 1, bisect_left(units, end)


def span_to_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """Python indices into ``text`` as UTF-16 offsets (to mark a passage in the browser)."""
    start, end = min(max(int(start), 0), len(text)), min(max(int(end), 0), len(text))
    if not _wide(text):
        return start, end
    units = _units_before(text)
    return units[start], units[end]
