"""Representative members of clusters: the rows closest to each cluster's centre.

Closeness is cosine similarity between a row's embedding and the mean embedding
of its cluster, so the result does not depend on how embeddings are scaled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from workbench.cluster.checks import check_int, check_labels, check_matrix
from workbench.errors import ClusterError

__all__ = ["cluster_centroids", "representatives"]


def cluster_centroids(embeddings: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Return the unit-length mean embedding of every label, outliers (-1) included.

    Parameters
    ----------
    embeddings : ndarray of shape (n_rows, n_dims)
        Finite floating-point embeddings, one row per item.
    labels : ndarray of shape (n_rows,)
        Integer cluster of each row; ``-1`` marks outliers.

    Returns
    -------
    dict of int to ndarray of shape (n_dims,)
        For every label present (ascending), the mean of its rows scaled to
        unit length (float64). A mean of exactly zero is returned as zeros.

    Raises
    ------
    ClusterError
        If the embeddings are not a finite 2-D float array or the labels are
        not integers aligned with its rows.

    Examples
    --------
    >>> embeddings = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0]])
    >>> centroids = cluster_centroids(embeddings, np.array([0, 0, 1]))
    >>> centroids[0].tolist(), centroids[1].tolist()
    ([1.0, 0.0], [0.0, 1.0])
    """
    embeddings, labels = _checked(embeddings, labels)
    return {
        label: _unit(embeddings[rows].mean(axis=0, dtype=np.float64))
        for label, rows in _groups(labels)
    }


def representatives(
    embeddings: np.ndarray,
    labels: np.ndarray,
    texts: Sequence[str] | None = None,
    k: int = 5,
    prefer: Sequence[bool] | None = None,
) -> dict[int, list[int]]:
    """Return, per label, the rows closest (cosine) to the label's mean embedding.

    Parameters
    ----------
    embeddings : ndarray of shape (n_rows, n_dims)
        Finite floating-point embeddings, one row per item.
    labels : ndarray of shape (n_rows,)
        Integer cluster of each row; ``-1`` (outliers) is treated as a label of
        its own and gets representatives too.
    texts : sequence of str, optional
        Texts aligned with the rows. When given, a member whose normalised text
        (casefolded, whitespace collapsed) equals that of a member already
        chosen is skipped, so reposts and copy-pasted replies are shown once.
    k : int, default=5
        Most representatives per label; must be >= 1.
    prefer : sequence of bool, optional
        Rows worth showing first (comments that say something, not
        ``"@RiversideCHT this"``): the most central preferred rows come first, then,
        only if a label has fewer than ``k``, the most central of the others.

    Returns
    -------
    dict of int to list of int
        For every label present (ascending), up to ``k`` row indices into
        ``embeddings``, most central first; ties go to the lower row index.

    Raises
    ------
    ClusterError
        If the inputs are misshapen or misaligned, a text is not a string, or
        ``k`` is out of range.

    Examples
    --------
    >>> embeddings = np.array([[1.0, 0.1], [1.0, 0.0], [1.0, -0.1], [0.0, 1.0]])
    >>> representatives(embeddings, np.array([0, 0, 0, 1]), k=2)
    {0: [1, 0], 1: [3]}
    """
    embeddings, labels = _checked(embeddings, labels)
    check_int("k", k, minimum=1)
    if texts is not None and len(texts) != len(labels):
        raise ClusterError(
            f"texts ({len(texts)}) and labels ({len(labels)}) must have the same length"
        )
    if prefer is not None and len(prefer) != len(labels):
        raise ClusterError(
            f"prefer ({len(prefer)}) and labels ({len(labels)}) must have the same length"
        )
    preferred = None if prefer is None else np.asarray(prefer, dtype=bool)

    result: dict[int, list[int]] = {}
    for label, rows in _groups(labels):
        members = embeddings[rows]
        centre = _unit(members.mean(axis=0, dtype=np.float64))
        norms = np.linalg.norm(members, axis=1)
        norms[norms == 0] = 1.0  # a zero vector has similarity 0 to everything
        similarity = (members @ centre.astype(members.dtype)) / norms
        # rows are ascending within a group, so a stable sort breaks ties by row index.
        ranked = rows[np.argsort(-similarity, kind="stable")]
        if preferred is not None:  # stable: centrality order within each group
            ranked = ranked[np.argsort(~preferred[ranked], kind="stable")]
        if texts is None:
            result[label] = [int(row) for row in ranked[:k]]
        else:
            result[label] = _first_distinct(ranked, texts, k)
    return result


def _first_distinct(ranked: np.ndarray, texts: Sequence[str], k: int) -> list[int]:
    """Walk ``ranked`` rows and keep the first ``k`` whose normalised texts differ."""
    chosen: list[int] = []
    seen: set[str] = set()
    for row in ranked:
        text = texts[int(row)]
        if not isinstance(text, str):
            raise ClusterError(
                f"texts[{int(row)}] ({text!r}) must be a string; replace missing texts with ''"
            )
        key = " ".join(text.casefold().split())
        if key in seen:
            continue
        seen.add(key)
        chosen.append(int(row))
        if len(chosen) == k:
            break
    return chosen


def _groups(labels: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(label, rows)`` per label, labels ascending, rows ascending."""
    if len(labels) == 0:
        return
    order = np.argsort(labels, kind="stable")
    classes, starts = np.unique(labels[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    for label, start, end in zip(classes, starts, ends, strict=True):
        yield int(label), order[start:end]


def _unit(vector: np.ndarray) -> np.ndarray:
    """Scale ``vector`` to unit length; a zero vector stays zero."""
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _checked(embeddings: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    array = check_matrix("embeddings", embeddings)
    return array, check_labels(labels, len(array), f"embeddings ({len(array)} rows)")
