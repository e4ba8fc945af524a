"""Pseudonyms: stable, keyed and not reversible without the project key.

A pseudonym is an HMAC-SHA256 of the platform and the case-folded handle under the
project's secret key, so the same person gets the same pseudonym across imports of
one project, different pseudonyms in projects with different keys, and nobody
holding only published material can recover or confirm a handle.

:class:`MentionMasker` does the same for handles *inside* texts: what a notebook
shows names known authors by their pseudonyms, while the store keeps the raw text.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

KEY_BYTES = 32
PSEUDONYM_CHARS = 12  # 60 bits: ~1e-6 chance of any collision among 1M authors
_BASE32 = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)
_UNUSED_BITS = np.uint64(64 - 5 * PSEUDONYM_CHARS)  # of the digest's first 8 bytes
_DIGIT_SHIFTS = np.arange(5 * (PSEUDONYM_CHARS - 1), -1, -5, dtype=np.uint64)


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
            found = self._cache[cache_key] = self._codes(platform, [author])[0]
        return found

    def column(self, platforms: list[str], authors: list[str | None]) -> list[str | None]:
        """Pseudonymise a column of authors (the platforms column alongside)."""
        if platforms and platforms.count(platforms[0]) == len(platforms):
            platform = platforms[0]
            known = self._by_platform.setdefault(platform, {})
            get = known.get
            out = [get(author) if author else None for author in authors]
            new = [i for i, found in enumerate(out) if found is None and authors[i]]
            if new:
                fresh = list(dict.fromkeys(authors[i] for i in new))  # type: ignore[misc]
                known.update(zip(fresh, self._codes(platform, fresh), strict=True))
                for i in new:
                    out[i] = known[authors[i]]  # type: ignore[index]
            return out
        return [
            self.pseudonym(platform, author)
            for platform, author in zip(platforms, authors, strict=True)
        ]

    def _codes(self, platform: str, authors: list[str]) -> list[str]:
        """The pseudonyms of ``authors`` on ``platform``, computed together.

        ``"anon_"`` and the first :data:`PSEUDONYM_CHARS` characters of the base32
        (lower case) of the HMAC-SHA256 of ``platform``, a unit separator and the
        case-folded handle without ``@``: the first 60 bits of the digest, written
        out for all authors by one numpy expression.
        """
        key = self._key
        digests = b"".join([
            hmac.digest(key, f"{platform}\x1f{a.strip().lstrip('@').casefold()}".encode(),
                        "sha256")[:8]
            for a in authors
        ])  # fmt: skip
        bits = np.frombuffer(digests, dtype=">u8").astype(np.uint64) >> _UNUSED_BITS
        letters = _BASE32[(bits[:, None] >> _DIGIT_SHIFTS) & np.uint64(31)].tobytes().decode()
        size = PSEUDONYM_CHARS
        return ["anon_" + letters[i : i + size] for i in range(0, len(letters), size)]


#: An @mention: ``@handle`` (Mastodon's ``@handle@server`` and Reddit's ``u/handle`` too).
_MENTION = re.compile(
    r"(?<![\w@/])(?:@|/?u/)([A-Za-z0-9_][\w.-]*?)(@[\w-]+(?:\.[\w-]+)+)?(?=[^\w]|$)"
)


class MentionMasker:
    """Replace mentions of known handles with their pseudonyms, for what is displayed.

    The private store keeps every text as written; a masker changes only what a
    notebook shows. Mentions of handles the project does not know (a service's own
    account that never posted, say) stay as written: they name nobody in the data.

    Parameters
    ----------
    handles : mapping of str to str
        Case-folded handle (without ``@``) to pseudonym. Empty: texts are left as
        they are (the project setting ``show_raw_text``).

    Examples
    --------
    >>> masker = MentionMasker({"tired_mum_of_4": "anon_abc"})
    >>> masker.mask("@Tired_Mum_of_4 agreed, and u/tired_mum_of_4 too; @nhs_trust no")
    '@anon_abc agreed, and @anon_abc too; @nhs_trust no'
    """

    def __init__(self, handles: dict[str, str]) -> None:
        self._handles = dict(handles)

    @classmethod
    def from_authors(cls, authors: Iterable[Any], pseudonyms: Iterable[Any]) -> MentionMasker:
        """A masker for raw ``authors`` and their ``pseudonyms`` (aligned columns)."""
        handles: dict[str, str] = {}
        for author, pseudonym in zip(authors, pseudonyms, strict=True):
            if isinstance(author, str) and isinstance(pseudonym, str):
                handle = author.strip().lstrip("@").split("@", 1)[0].casefold()
                if handle:
                    handles.setdefault(handle, pseudonym)
        return cls(handles)

    @property
    def active(self) -> bool:
        """Whether any mention can be replaced."""
        return bool(self._handles)

    def mask(self, text: Any) -> Any:
        """``text`` with every mention of a known handle replaced (non-strings unchanged)."""
        if not self._handles or not isinstance(text, str) or ("@" not in text and "u/" not in text):
            return text

        def swap(match: re.Match[str]) -> str:
            found = self._handles.get(match.group(1).casefold())
            return match.group(0) if found is None else f"@{found}"

        return _MENTION.sub(swap, text)

    def mask_spans(self, text: str) -> MaskedText:
        """``text`` masked, with the way back from what is shown to what is stored.

        The coding app shows masked text but codes passages of the stored text:
        :meth:`MaskedText.to_raw` turns a selection in the shown text into stored
        positions (a selection that cuts into a replaced mention takes all of it).
        """
        replacements: list[tuple[int, int, int, int]] = []
        if self._handles and isinstance(text, str) and ("@" in text or "u/" in text):
            parts, last, shift = [], 0, 0
            for match in _MENTION.finditer(text):
                found = self._handles.get(match.group(1).casefold())
                if found is None:
                    continue
                shown = f"@{found}"
                parts.append(text[last:match.start()])
                parts.append(shown)
                start = match.start() + shift
                replacements.append((match.start(), match.end(), start, start + len(shown)))
                shift += len(shown) - (match.end() - match.start())
                last = match.end()
            if replacements:
                parts.append(text[last:])
                return MaskedText("".join(parts), tuple(replacements))
        return MaskedText(text if isinstance(text, str) else "", ())

    def mask_all(self, texts: Iterable[Any]) -> list[Any]:
        """:meth:`mask` of every text."""
        return [self.mask(text) for text in texts]


@dataclass(frozen=True)
class MaskedText:
    """A text as shown (mentions masked) and where each replacement came from.

    ``replacements`` holds ``(raw_start, raw_end, shown_start, shown_end)`` of each
    replaced mention, in order.
    """

    text: str
    replacements: tuple[tuple[int, int, int, int], ...] = ()

    def _map(self, index: int, *, to_raw: bool, end: bool) -> int:
        shift = 0
        for raw_start, raw_end, shown_start, shown_end in self.replacements:
            start, stop = (shown_start, shown_end) if to_raw else (raw_start, raw_end)
            if index <= start:
                break
            if index < stop or (end and index == stop):
                # inside a replaced mention: take all of it
                return (raw_end if end else raw_start) if to_raw else (
                    shown_end if end else shown_start)
            shift = (raw_end - shown_end) if to_raw else (shown_end - raw_end)
        return index + shift

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """A span of the shown text as a span of the stored text."""
        return self._map(start, to_raw=True, end=False), self._map(end, to_raw=True, end=True)

    def to_shown(self, start: int, end: int) -> tuple[int, int]:
        """A span of the stored text as a span of the shown text."""
        return (self._map(start, to_raw=False, end=False),
                self._map(end, to_raw=False, end=True))
