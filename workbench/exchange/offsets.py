r"""Source texts and the character offsets other programs count in them.

REFI-QDA positions count characters, but exporters disagree on what a character
is. Seen in real files: a ``.txt`` with CRLF line ends whose offsets count each
CRLF as two characters (NVivo), or as one (ATLAS.ti); an LF file that a Windows
program counted as CRLF; inline ``PlainTextContent``, whose CRs the XML parser has
already turned into LFs; and programs that count UTF-16 units, where an emoji is
two characters.

The workbench keeps one text per source: no BOM, every line end ``\n`` (a lone CR
too). :class:`OffsetMap` maps the offsets of one way of counting onto it;
:func:`choose_map` picks the way for a source: only ways under which every
selection fits in the text, then the one under which most selections start and end
between words rather than inside one (a wrong guess shifts offsets by the number of
line ends before them, which lands inside words), and on a tie the reading the
standard implies (the file's own line ends), or plain LF for a program known to
count that way.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))  # fmt: skip

#: Ways of counting line ends: as one character, as two, as they are in the file.
LINE_ENDS = ("lf", "crlf", "file")
#: Ways of counting characters: code points, or UTF-16 units.
UNITS = ("codepoints", "utf16")


def decode(data: bytes) -> tuple[str, str | None]:
    """Text of a source file and, when it was not UTF-8, a note saying what it was.

    A BOM decides (UTF-8, UTF-16, UTF-32); without one, UTF-8, and failing that
    Windows-1252 (reported, since the standard asks for UTF-8).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            note = None if encoding == "utf-8" else f"encoded as {encoding.upper()}"
            return data[len(bom):].decode(encoding, errors="replace"), note
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("cp1252", errors="replace"), (
            f"is not UTF-8 (byte {exc.start}); read as Windows-1252")


def split_newlines(raw: str) -> tuple[str, list[int]]:
    r"""Normalise line ends to ``\n`` (and drop a leading BOM).

    Returns the text and each line end's width in ``raw`` (1 for LF or CR, 2 for
    CRLF), in order.
    """
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if "\r" not in raw:
        return raw, [1] * raw.count("\n")
    widths = [len(match.group()) for match in _NEWLINE.finditer(raw)]
    return _NEWLINE.sub("\n", raw), widths


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets counted one way (``basis``) onto the normalised text.

    ``bounds[i]`` is where character ``i`` of the text starts in the counted units
    (``bounds[-1]`` is the counted length); None when they are the same.
    """

    basis: str
    length: int
    bounds: tuple[int, ...] | None = None

    @property
    def counted_length(self) -> int:
        """Length of the text in the counted units."""
        return self.length if self.bounds is None else self.bounds[-1]

    def start(self, value: int) -> int:
        """Text index of a selection start (inside a character: that character)."""
        if self.bounds is None:
            return min(max(value, 0), self.length)
        return min(max(bisect_right(self.bounds, value) - 1, 0), self.length)

    def end(self, value: int) -> int:
        """Text index of a selection end (inside a character: after it)."""
        if self.bounds is None:
            return min(max(value, 0), self.length)
        return min(max(bisect_left(self.bounds, value), 0), self.length)

    def exact(self, value: int) -> int | None:
        """Text index of ``value`` when it falls between characters, else None."""
        if self.bounds is None:
            return value if 0 <= value <= self.length else None
        index = bisect_left(self.bounds, value)
        return index if index < len(self.bounds) and self.bounds[index] == value else None


def offset_map(text: str, widths: Sequence[int], basis: str) -> OffsetMap:
    """The map for ``basis`` (``"lf"``, ``"crlf"``, ``"file"``, each maybe ``"+utf16"``)."""
    line_ends, _, units = basis.partition("+")
    utf16 = units == "utf16"
    if line_ends == "lf" and not (utf16 and _astral(text)):
        return OffsetMap(basis, len(text))
    newline_widths = iter(widths)

    def width(char: str) -> int:
        if char == "\n":
            return 2 if line_ends == "crlf" else (next(newline_widths, 1)
                                                   if line_ends == "file" else 1)
        return 2 if utf16 and ord(char) > 0xFFFF else 1

    return OffsetMap(basis, len(text), tuple(accumulate((width(c) for c in text), initial=0)))


def _astral(text: str) -> bool:
    return not text.isascii() and any(ord(char) > 0xFFFF for char in text)


def candidates(text: str, widths: Sequence[int], line_ends: str = "auto",
               units: str = "auto", prefer_lf: bool = False) -> list[str]:  # fmt: skip
    """The bases worth trying for this text, most likely first."""
    if line_ends == "auto":
        mixed = 1 in widths and 2 in widths
        literal = "file" if mixed else ("crlf" if widths and widths[0] == 2 else "lf")
        ends = ["lf", literal] if prefer_lf else [literal, "lf"]
        if "\n" in text:
            ends.append("crlf")
        ends = list(dict.fromkeys(ends))
    else:
        ends = [line_ends]
    if units == "auto":
        unit_list = ["", "+utf16"] if _astral(text) else [""]
    else:
        unit_list = ["+utf16" if units == "utf16" else ""]
    return [f"{end}{unit}" for unit in unit_list for end in ends]


def choose_map(text: str, widths: Sequence[int], spans: Sequence[tuple[int, int]], *,
               line_ends: str = "auto", units: str = "auto",
               prefer_lf: bool = False) -> OffsetMap:  # fmt: skip
    """The map under which the selections ``spans`` fit ``text`` best (module docstring).

    Without selections, and nothing forced, there is nothing to map: plain ``lf``.
    """
    if not spans and line_ends == "auto" and units == "auto":
        return OffsetMap("lf", len(text))
    options = [offset_map(text, widths, basis)
               for basis in candidates(text, widths, line_ends, units, prefer_lf)]
    if len(options) == 1 or not spans:
        return options[0]

    def score(option: OffsetMap) -> tuple[int, int]:
        fits = sum(0 <= s <= e <= option.counted_length for s, e in spans)
        good = 0
        for s, e in spans:
            for value in (s, e):
                index = option.exact(value)
                if index is not None and _between_words(text, index):
                    good += 1
        return fits, good

    scores = [score(option) for option in options]
    best = max(scores)
    return options[scores.index(best)]


def _between_words(text: str, index: int) -> bool:
    if index <= 0 or index >= len(text):
        return True
    return not (text[index - 1].isalnum() and text[index].isalnum())
