"""Suggesting codes by meaning: which of some codes a coded comment is closest to.

Used when a code is split: each of its codings is pre-assigned to the closer new
code, for a coder to confirm. Only comments whose vectors are already in the
project's embedding cache get a suggestion (nothing is embedded behind the
user's back); the codes' own descriptions are embedded (a few short texts).

The helpers here (:func:`code_text`, :func:`code_vectors`, :func:`unit_rows`) are
shared with the suggestions of :mod:`workbench.suggest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.codebook.model import Code

if TYPE_CHECKING:
    from workbench.codebook.revisions import Suggester
    from workbench.embed.encoder import SentenceEncoder
    from workbench.project import Project


def code_text(code: Code) -> str:
    """What a code is about, as one text to embed: label, definition and examples."""
    parts = [code.label, code.definition, code.use_when, *code.examples]
    return ". ".join(p.strip() for p in parts if p and p.strip())


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def embed_texts(project: Project, texts: list[str],
                encoder: SentenceEncoder | None = None) -> np.ndarray:  # fmt: skip
    """Unit vectors of ``texts`` through the project's embedding cache.

    Only texts the cache lacks are embedded (and then cached); the model is not
    loaded when all are there.
    """
    from workbench.embed.comments import cache_for, encoder_for, pin_backend
    from workbench.embed.texts import text_keys

    encoder = encoder or encoder_for(project)
    pin_backend(project, encoder)
    encoder.resolve(sample=texts[:64])
    cache = cache_for(project, encoder)
    keys = text_keys(texts)
    missing = cache.missing(keys)
    if missing:
        todo = list({keys[i]: i for i in missing}.values())
        cache.add([keys[i] for i in todo], encoder.embed([texts[i] for i in todo]))
    return unit_rows(cache.get(keys))


def code_vectors(project: Project, codes: list[Code],
                 encoder: SentenceEncoder | None = None) -> np.ndarray:  # fmt: skip
    """One unit vector per code: its :func:`code_text`, embedded (through the cache)."""
    return embed_texts(project, [code_text(c) for c in codes], encoder)


def embedding_suggester(project: Project) -> Suggester:
    """A suggester using the project's embedding model and cached comment vectors."""

    def suggest(codings: pd.DataFrame, codes: list[Code]) -> list[tuple[str, float] | None]:
        from workbench.embed.comments import cache_for, embeddable, encoder_for, pin_backend
        from workbench.embed.texts import text_keys

        wanted = set(codings["comment_id"])
        comments = project.comments()
        rows, texts = embeddable(comments[comments["comment_id"].isin(wanted)])
        if not texts:
            return [None] * len(codings)
        encoder = encoder_for(project)
        pin_backend(project, encoder)
        encoder.resolve(sample=texts[:64])
        cache = cache_for(project, encoder)
        keys = text_keys(texts)
        missing = set(cache.missing(keys))
        present = [i for i in range(len(keys)) if i not in missing]
        if not present:
            return [None] * len(codings)
        vectors = unit_rows(cache.get([keys[i] for i in present]))
        scores = vectors @ code_vectors(project, codes, encoder).T
        ids = rows["comment_id"].astype(str).tolist()
        best = {ids[i]: (codes[int(np.argmax(s))].id, float(np.max(s)))
                for i, s in zip(present, scores, strict=True)}  # fmt: skip
        return [best.get(str(c)) for c in codings["comment_id"]]

    return suggest

