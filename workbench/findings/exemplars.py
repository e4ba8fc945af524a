"""Exemplar quotes: comments that represent a theme, spread over people and threads.

For each theme, its comments' sentence embeddings give a centre; a comment close to
the centre says what most of the theme's comments say. Quotes are picked one at a
time (maximal marginal relevance): each pick scores its closeness to the centre,
less its similarity to the quotes already picked, less a penalty when its author or
thread already has a quote, less a penalty for a bare or over-long comment. So a
theme's quotes are typical of it, different from each other and from different
people where the theme has them, not the first ones found.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Quotes per theme.
QUOTES_PER_THEME = 5
#: Weight of a candidate's similarity to quotes already chosen.
REDUNDANCY = 0.5
#: Score taken off a comment whose author already has a quote in the theme.
SAME_AUTHOR = 1.0
#: Score taken off a comment whose thread already has a quote in the theme.
SAME_THREAD = 0.15
#: Comments shorter than this say too little to quote; longer ones are too long to read.
SHORTEST, LONGEST = 40, 700
#: Score taken off a comment outside those lengths.
OFF_LENGTH = 0.3


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def choose(candidates: pd.DataFrame, vectors: np.ndarray,
           k: int = QUOTES_PER_THEME) -> pd.DataFrame:  # fmt: skip
    """Pick up to ``k`` exemplars of one theme.

    Parameters
    ----------
    candidates : DataFrame
        The theme's comments: ``comment_id``, ``text``, ``author_pseudonym``,
        ``thread_id``.
    vectors : ndarray
        Their embeddings, row ``i`` for ``candidates.iloc[i]``.
    k : int
        How many to pick.

    Returns
    -------
    DataFrame
        The chosen rows in the order picked, with ``rank`` (1 first) and
        ``centrality`` (cosine similarity to the theme's centre) added.
    """
    n = len(candidates)
    if n == 0 or k <= 0:
        return candidates.assign(rank=pd.Series(dtype=int), centrality=pd.Series(dtype=float))
    unit = normalise(np.asarray(vectors, dtype=np.float32))
    centre = normalise(unit.mean(axis=0, keepdims=True))[0]
    centrality = unit @ centre
    lengths = candidates["text"].fillna("").str.len().to_numpy()
    base = centrality - OFF_LENGTH * ((lengths < SHORTEST) | (lengths > LONGEST))
    authors = _strings(candidates["author_pseudonym"])
    threads = _strings(candidates["thread_id"])
    chosen: list[int] = []
    redundancy = np.zeros(n, dtype=np.float32)
    penalty = np.zeros(n, dtype=np.float32)
    available = np.ones(n, dtype=bool)
    while len(chosen) < min(k, n):
        score = np.where(available, base - REDUNDANCY * redundancy - penalty, -np.inf)
        pick = int(np.argmax(score))
        chosen.append(pick)
        available[pick] = False
        redundancy = np.maximum(redundancy, unit @ unit[pick])
        if authors[pick] is not None:
            penalty += SAME_AUTHOR * (authors == authors[pick])
        penalty += SAME_THREAD * (threads == threads[pick])
    out = candidates.iloc[chosen].copy()
    out["rank"] = np.arange(1, len(chosen) + 1)
    out["centrality"] = centrality[chosen].astype(float)
    return out.reset_index(drop=True)


def _strings(column: pd.Series) -> np.ndarray:
    """A column as an object array of str and None (missing values never compare equal)."""
    return np.array([v if isinstance(v, str) else None for v in column], dtype=object)


def theme_exemplars(assignments: pd.DataFrame, comments: pd.DataFrame,
                    vectors: dict[str, np.ndarray],
                    k: int = QUOTES_PER_THEME) -> pd.DataFrame:  # fmt: skip
    """Exemplars of every theme.

    Parameters
    ----------
    assignments : DataFrame
        ``comment_id``, ``code_id`` (rolled up: a parent theme quotes its children too).
    comments : DataFrame
        The comments (``comment_id``, ``text``, ``author_pseudonym``, ``thread_id``, ...).
    vectors : dict
        Embedding of each comment id that has one; comments without are not quoted.
    k : int
        Quotes per theme.

    Returns
    -------
    DataFrame
        ``code_id`` then the columns of :func:`choose`, themes in ``assignments`` order.
    """
    usable = comments[comments["comment_id"].isin(vectors.keys())
                      & ~comments["is_deleted"].fillna(False).astype(bool)]  # fmt: skip
    joined = assignments.merge(usable, on="comment_id")
    parts = []
    for code_id, rows in joined.groupby("code_id", sort=False):
        rows = rows.drop(columns="code_id").reset_index(drop=True)
        matrix = np.stack([vectors[c] for c in rows["comment_id"]])
        picked = choose(rows, matrix, k)
        picked.insert(0, "code_id", code_id)
        parts.append(picked)
    if not parts:
        return pd.DataFrame(columns=["code_id", *comments.columns, "rank", "centrality"])
    return pd.concat(parts, ignore_index=True)
