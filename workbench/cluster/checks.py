"""Argument checks shared by the clustering functions, with messages that quote values."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from workbench.errors import ClusterError


def check_int(name: str, value: object, *, minimum: int) -> None:
    """Raise :class:`ClusterError` unless ``value`` is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ClusterError(f"{name} ({value!r}) must be an integer >= {minimum}")
    if value < minimum:
        raise ClusterError(f"{name} ({value}) must be >= {minimum}")


def check_matrix(name: str, values: np.ndarray, *, min_rows: int = 0) -> np.ndarray:
    """``values`` as a C-contiguous 2-D float array of finite numbers, or an error."""
    array = np.asarray(values)
    if array.ndim != 2:
        raise ClusterError(
            f"{name} must be a 2-D array (n_rows, n_dims), got {array.ndim}-D with shape "
            f"{array.shape}; reshape a single feature with {name}.reshape(-1, 1)"
        )
    if not np.issubdtype(array.dtype, np.floating):
        raise ClusterError(
            f"{name} must be a floating-point array, got dtype {array.dtype}; "
            f"convert with {name}.astype(float)"
        )
    if array.shape[0] < min_rows:
        raise ClusterError(f"{name} has {array.shape[0]} row(s); at least {min_rows} needed")
    if array.shape[1] < 1:
        raise ClusterError(f"{name} has shape {array.shape}; it needs at least 1 column")
    finite = np.isfinite(array)
    if not finite.all():
        bad_row = int(np.flatnonzero(~finite.all(axis=1))[0])
        raise ClusterError(
            f"{name} must be finite, but row {bad_row} holds NaN or infinity; "
            "drop or repair such rows first"
        )
    return np.ascontiguousarray(array)


def check_labels(labels: np.ndarray, n_rows: int, rows: str) -> np.ndarray:
    """``labels`` as a 1-D int64 array of ``n_rows`` entries (``rows`` names them)."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ClusterError(f"labels must be 1-D, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ClusterError(f"labels must be integers (-1 for outliers), got dtype {array.dtype}")
    if len(array) != n_rows:
        raise ClusterError(f"{rows} and labels ({len(array)}) must have the same length")
    return array.astype(np.int64, copy=False)
