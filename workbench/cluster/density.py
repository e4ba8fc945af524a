"""Density clustering (HDBSCAN) of reduced embeddings.

The heavy dependency, ``fast_hdbscan`` (numba), is imported inside
:func:`density_clusters` so that importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

from workbench.cluster.checks import check_int, check_matrix

__all__ = ["density_clusters"]


def density_clusters(
    points: np.ndarray,
    min_cluster_size: int,
    min_samples: int,
    max_cluster_size: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster points with HDBSCAN and number the clusters by size.

    Parameters
    ----------
    points : ndarray of shape (n_rows, n_dims)
        Finite floating-point coordinates, typically UMAP-reduced embeddings;
        at least 2 rows.
    min_cluster_size : int
        Smallest group HDBSCAN reports as a cluster; must be >= 2.
    min_samples : int
        Neighbourhood size used to estimate density; must be >= 1. Larger
        values make the clustering more conservative (more outliers).
    max_cluster_size : int, optional
        Clusters larger than this are split into their sub-clusters (HDBSCAN's
        excess-of-mass selection otherwise tends to return one giant cluster
        for a corpus that is all about one topic).

    Returns
    -------
    labels : ndarray of shape (n_rows,), int32
        Cluster of each row; ``-1`` marks outliers. Cluster ``0`` is the
        largest, ``1`` the next, and so on (ties keep HDBSCAN's order).
    probabilities : ndarray of shape (n_rows,), float32
        Strength of each row's membership in its cluster, in ``[0, 1]``;
        ``0`` for outliers.

    Raises
    ------
    ClusterError
        If ``points`` is not a finite 2-D float array with at least 2 rows, or
        a parameter is out of range.

    Notes
    -----
    When there are fewer rows than ``min_cluster_size`` no cluster can exist:
    every row is returned as an outlier instead of raising.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> points = np.vstack([rng.normal(0, 0.1, (30, 2)), rng.normal(5, 0.1, (20, 2))])
    >>> labels, probabilities = density_clusters(points, min_cluster_size=5, min_samples=3)
    >>> np.bincount(labels).tolist()
    [30, 20]
    """
    points = check_matrix("points", points, min_rows=2)
    check_int("min_cluster_size", min_cluster_size, minimum=2)
    check_int("min_samples", min_samples, minimum=1)
    if max_cluster_size is not None:
        check_int("max_cluster_size", max_cluster_size, minimum=int(min_cluster_size))

    n_rows = points.shape[0]
    if n_rows < min_cluster_size:
        return np.full(n_rows, -1, dtype=np.int32), np.zeros(n_rows, dtype=np.float32)

    import fast_hdbscan

    from workbench.cluster.threads import use_workqueue_threads

    use_workqueue_threads()

    model = fast_hdbscan.HDBSCAN(
        min_cluster_size=int(min_cluster_size),
        min_samples=int(min_samples),
        max_cluster_size=float("inf") if max_cluster_size is None else int(max_cluster_size),
        reproducible=True,
    )
    model.fit(points)
    labels = _relabel_by_size(np.asarray(model.labels_))
    probabilities = np.asarray(model.probabilities_, dtype=np.float32)
    probabilities = np.where(labels < 0, np.float32(0), probabilities).astype(np.float32)
    return labels, probabilities


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters so that 0 is the largest; ties go to the smaller old label."""
    result = np.full(labels.shape, -1, dtype=np.int32)
    clustered = labels >= 0
    if not clustered.any():
        return result
    old, inverse, counts = np.unique(labels[clustered], return_inverse=True, return_counts=True)
    # lexsort sorts by the last key first: size descending, then old label ascending.
    order = np.lexsort((old, -counts))
    new_of_old = np.empty(len(old), dtype=np.int32)
    new_of_old[order] = np.arange(len(old), dtype=np.int32)
    result[clustered] = new_of_old[inverse]
    return result
