"""Pseudonyms: stable, keyed and not reversible without the project key.

A pseudonym is an HMAC-SHA256 of the platform and the case-folded handle under the
project's secret key, so the same person gets the same pseudonym across imports of
one project, different pseudonyms in projects with different keys, and nobody
holding only published material can recover or confirm a handle.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

KEY_BYTES = 32
PSEUDONYM_CHARS = 12  # 60 bits: ~1e-6 chance of any collision among 1M authors


def new_key() -> bytes:
    """Return a fresh random project key."""
    return secrets.token_bytes(KEY_BYTES)


class Pseudonymizer:
    """Maps raw author handles to pseudonyms such as ``"anon_k3j5q2mzt7wa"``.

    Parameters
    ----------
    key : bytes
        The project's secret key (at least 16 bytes).
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError(f"pseudonym key is {len(key)} bytes; at least 16 are needed")
        self._key = key
        self._cache: dict[tuple[str, str], str] = {}

    def pseudonym(self, platform: str, author: str | None) -> str | None:
        """Return the pseudonym of ``author`` on ``platform`` (``None`` for no author)."""
        if not author:
            return None
        cache_key = (platform, author)
        found = self._cache.get(cache_key)
        if found is None:
            handle = author.strip().lstrip("@").casefold()
            digest = hmac.new(self._key, f"{platform}\x1f{handle}".encode(), hashlib.sha256)
            code = base64.b32encode(digest.digest()[:10]).decode("ascii").lower()
            found = "anon_" + code[:PSEUDONYM_CHARS]
            self._cache[cache_key] = found
        return found

    def column(self, platforms: list[str], authors: list[str | None]) -> list[str | None]:
        """Pseudonymise a column of authors (the platforms column alongside)."""
        get = self._cache.get
        out: list[str | None] = []
        append = out.append
        for platform, author in zip(platforms, authors, strict=True):
            if not author:
                append(None)
                continue
            found = get((platform, author))
            append(found if found is not None else self.pseudonym(platform, author))
        return out
