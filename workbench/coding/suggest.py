"""Suggesting codes by meaning: which of some codes a coded comment is closest to.

Used when a code is split: each of its codings is pre-assigned to the closer new
code, for a coder to confirm. Only comments whose vectors are already in the
project's embedding cache get a suggestion (nothing is embedded behind the
user's back); the codes' own descriptions are embedded (a few short texts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.codebook.model import Code

if TYPE_CHECKING:
    from workbench.codebook.revisions import Suggester
    from workbench.project import Project


def code_text(code: Code) -> str:
    """What a code is about, as one text to embed: label, definition and examples."""
    parts = [code.label, code.definition, code.use_when, *code.examples]
    return ". ".join(p.strip() for p in parts if p and p.strip())


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
        vectors = _unit(cache.get([keys[i] for i in present]))
        code_vectors = _unit(encoder.embed([code_text(c) for c in codes]))
        scores = vectors @ code_vectors.T
        ids = rows["comment_id"].astype(str).tolist()
        best = {ids[i]: (codes[int(np.argmax(s))].id, float(np.max(s)))
                for i, s in zip(present, scores, strict=True)}  # fmt: skip
        return [best.get(str(c)) for c in codings["comment_id"]]

    return suggest


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
