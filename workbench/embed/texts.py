"""What text of a comment is embedded, and the key that caches its vector."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Unicode NFC, every run of whitespace as one space, no outer spaces.

    Two comments whose texts differ only in those ways share one cached vector.
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def comment_text(title: str | None, text: str | None) -> str:
    """The text embedded for a comment: a post's title, then its body."""
    body = normalise_text(text or "")
    heading = normalise_text(title or "")
    if heading and body:
        return f"{heading}. {body}" if heading[-1] not in ".?!:" else f"{heading} {body}"
    return heading or body


def text_key(normalised: str) -> bytes:
    """A 16-byte BLAKE2b digest of normalised text: the cache key."""
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).digest()


def text_keys(texts: Iterable[str]) -> list[bytes]:
    """:func:`text_key` of each (already normalised) text."""
    blake = hashlib.blake2b
    return [blake(t.encode("utf-8"), digest_size=16).digest() for t in texts]
