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
        self._by_platform: dict[str, dict[str, str]] = {}

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
        if platforms and platforms.count(platforms[0]) == len(platforms):
            platform = platforms[0]
            known = self._by_platform.setdefault(platform, {})
            get = known.get
            out = [get(author) if author else None for author in authors]
            for index, found in enumerate(out):
                if found is None and authors[index]:
                    out[index] = known[authors[index]] = self.pseudonym(platform, authors[index])
            return out
        return [
            self.pseudonym(platform, author)
            for platform, author in zip(platforms, authors, strict=True)
        ]
