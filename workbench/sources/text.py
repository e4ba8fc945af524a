"""Text decoding shared by the loaders: HTML to text, entities, mojibake, Unicode."""

from __future__ import annotations

import html
import re
import unicodedata

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH = re.compile(r"</p\s*>\s*<p(?:\s[^>]*)?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|li|blockquote|h[1-6])\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_INVISIBLE = dict.fromkeys(map(ord, "\x00\u200b\ufeff"), None)


def html_to_text(markup: str) -> str:
    """Convert a fragment of post HTML (Mastodon, YouTube ``textDisplay``) to text.

    Line breaks and paragraphs become newlines, tags are dropped (the text of links
    and mentions is kept) and entities are decoded.
    """
    if "<" not in markup and "&" not in markup:
        return markup
    text = _BREAK.sub("\n", markup)
    text = _PARAGRAPH.sub("\n\n", text)
    text = _BLOCK_END.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """Decode HTML entities (``&amp;``, ``&gt;``, ``&#39;``) in plain text.

    Only complete entities, ending in ``;``, are decoded: ``html.unescape`` would
    also turn the legacy ``&region`` in ``?a=1&region=uk`` into ``®ion``.
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as Latin-1 (Facebook's "Download Your Information").

    The repair is applied only when it round-trips cleanly: the text must encode to
    Latin-1 and those bytes must be valid UTF-8 that differs from the input. Correct
    text (plain ASCII, or real accented characters such as ``"café"``) fails one of
    those tests and is returned unchanged.
    """
    if text.isascii():
        return text
    try:
        repaired = text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return repaired


def normalise_text(text: str) -> str:
    r"""Return the canonical form of a comment's text.

    NFC composition, ``\r\n`` and ``\r`` to ``\n``, invisible characters (NUL,
    zero-width space, stray BOM) removed, runs of spaces and tabs collapsed, at most
    one blank line in a row, and no leading or trailing whitespace. Emoji and
    non-Latin scripts are kept as they are.
    """
    if not text.isascii():
        # Looking for the three invisible characters first costs far less than a
        # translation, which takes a mapping lookup for every character.
        if "\u200b" in text or "\ufeff" in text or "\x00" in text:
            text = text.translate(_INVISIBLE)
        text = unicodedata.normalize("NFC", text)
    elif "\x00" in text:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
