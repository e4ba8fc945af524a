"""Which comments say something: non-substantive answers and low-content comments.

Survey exports are full of answers that say nothing ("Did not answer", "N/A", "-").
They are kept in the project (they are data: who did not answer is a finding too),
but clustered they become themes of their own ("answer, did"). A
:class:`SubstanceRule` decides, from two project settings, which texts are
*non-substantive*:

- ``non_substantive_answers``: a list of answers compared ignoring case, spacing and
  trailing full stops or exclamation marks (``"N/A."`` matches ``"n/a"``);
- ``non_substantive_min_chars``: the short-text rule, an answer with fewer letters or
  digits than this (``"-"``, ``"?"``, ``"..."``) says nothing either, unless it holds
  an emoji (``"👍"`` does say something).

The rule is derived, not stored: changing the settings changes what the next import
counts and the next cluster run leaves out, and no stored row changes.

:func:`content_words` measures how much a text says once @mentions, links and emoji
are set aside; exemplar choice prefers comments with some (``"@RiversideCHT this"``
and ``"👍 cheers"`` are poor examples of a theme).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_SPACE = re.compile(r"\s+")
_NOISE = re.compile(
    r"(?:https?://|www\.)\S+|(?<!\w)@\w+(?:@[\w.-]+)?|(?<![\w/])/?[ur]/[\w-]+", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: The reason an import report counts non-substantive answers under.
NON_SUBSTANTIVE = "a non-substantive answer"
#: Comments with fewer content words than this are poor exemplars.
MIN_CONTENT_WORDS = 3


def _emoji(char: str) -> bool:
    """Whether ``char`` is an emoji or other pictograph (Unicode category So)."""
    return unicodedata.category(char) == "So"


def _key(text: str) -> str:
    folded = str(text).strip().casefold()
    if "  " in folded or not folded.isprintable():  # runs of spaces, tabs, line breaks
        folded = _SPACE.sub(" ", folded)
    return folded.rstrip(".! ")


@dataclass(frozen=True)
class SubstanceRule:
    """Tell non-substantive answers from substantive ones.

    Parameters
    ----------
    answers : iterable of str
        Answers that say nothing, compared ignoring case, spacing and trailing full
        stops or exclamation marks.
    min_chars : int, default 2
        An answer with fewer letters or digits than this (and no emoji) is
        non-substantive; 0 turns the short-text rule off.

    Examples
    --------
    >>> rule = SubstanceRule(["did not answer", "n/a"], min_chars=2)
    >>> [rule.is_non_substantive(t) for t in ["Did not answer.", "N/A", "-", "No", "OK"]]
    [True, True, True, False, False]
    """

    answers: frozenset[str]
    min_chars: int = 2

    def __init__(self, answers: Iterable[str] = (), min_chars: int = 2) -> None:
        if isinstance(min_chars, bool) or not isinstance(min_chars, int) or min_chars < 0:
            raise ValueError(f"min_chars ({min_chars!r}) must be a whole number >= 0")
        object.__setattr__(self, "answers", frozenset(_key(a) for a in answers))
        object.__setattr__(self, "min_chars", min_chars)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SubstanceRule:
        """The rule of a project's settings (``non_substantive_answers`` and ``_min_chars``)."""
        return cls(
            settings.get("non_substantive_answers") or (),
            int(settings.get("non_substantive_min_chars", 2)),
        )

    def is_non_substantive(self, text: Any) -> bool:
        """Whether ``text`` says nothing (a missing text counts as saying nothing)."""
        if text is None or not isinstance(text, str):
            return True
        if self.min_chars and not _at_least_alnum(text, self.min_chars):
            if not any(_emoji(c) for c in text):  # "👍" says something
                return True
        return len(text) <= 80 and _key(text) in self.answers

    def flag(
        self, columns: Mapping[str, Sequence[Any]], start: int = 0, stop: int | None = None
    ) -> list[tuple[str, str]]:
        """``(NON_SUBSTANTIVE, comment_id)`` for answers of rows ``start:stop`` that say nothing.

        A deleted comment, with no text, is not an answer. The import calls this on
        each batch (beside the storing process, like language labelling), so the flags
        travel with the batch's other flagged rows.
        """
        ids, texts = columns["comment_id"], columns["text"]
        stop = len(ids) if stop is None else stop
        return [(NON_SUBSTANTIVE, str(ids[i])) for i in range(start, stop)
                if isinstance(texts[i], str) and texts[i].strip()
                and self.is_non_substantive(texts[i])]  # fmt: skip

    def mask(self, texts: Sequence[Any]) -> list[bool]:
        """:meth:`is_non_substantive` of every text."""
        return [self.is_non_substantive(text) for text in texts]


def _at_least_alnum(text: str, n: int) -> bool:
    """Whether ``text`` has ``n`` letters or digits.

    It stops reading once it has: imports ask this of every comment, and most start
    with words.
    """
    found = 0
    for char in text:
        if char.isalnum():
            found += 1
            if found >= n:
                return True
    return False


def content_words(text: Any) -> int:
    """How many words ``text`` says once mentions, links and emoji are set aside.

    A word is a run of two or more letters; in Chinese, Japanese and Korean, where
    words are not separated by spaces, every two characters count as one word.

    Examples
    --------
    >>> content_words("@RiversideCHT this"), content_words("👍 cheers")
    (1, 1)
    >>> content_words("The parking at the hospital is far too expensive")
    9
    """
    if not isinstance(text, str):
        return 0
    clean = _NOISE.sub(" ", text)
    cjk = len(_CJK.findall(clean))
    return len(_WORD.findall(_CJK.sub(" ", clean))) + cjk // 2


def is_substantive_exemplar(text: Any, min_words: int = MIN_CONTENT_WORDS) -> bool:
    """Whether ``text`` says enough to stand as an example of a theme."""
    return content_words(text) >= min_words
