"""How the cluster map is drawn at any size: colours, the default view, labels, WebGL.

Pure functions over the map's points, so the explore view only copies their results
into plotly, and tests check them without a browser:

- :func:`distinct_colors`: one colour per cluster that no other cluster shares, for
  any number of clusters (a fixed palette repeats after 24);
- :func:`bulk_range`: the default view on the bulk of the points, so a few outlying
  points do not squash the main cloud into a corner (zooming out shows them);
- :func:`cluster_centres`: where each cluster's number is written on the map;
- :func:`use_webgl`: whether to draw with WebGL (thousands of points) or SVG.
"""

from __future__ import annotations

import colorsys

import numpy as np
import pandas as pd

#: Above this many points the map is drawn with WebGL (``Scattergl``).
WEBGL_THRESHOLD = 5_000
#: The default view keeps this share of the points inside it (the rest by zooming out).
BULK_SHARE = 0.98
#: Clusters smaller than this get no label on the map (the list names them all).
LABEL_MIN_SIZE = 1

# Hand-picked, well separated colours first (Okabe-Ito and Tableau 10 without grey,
# which is the outliers' colour), then evenly spread hues at varied lightness.
_BASE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#bcbd22", "#17becf", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
    "#d55e00", "#f0e442",
)  # fmt: skip


def distinct_colors(n: int) -> list[str]:
    """``n`` different colours, as ``#rrggbb``, none grey, as far apart as can be.

    The first 16 are a hand-picked qualitative palette; each further colour is the
    candidate (hues round the circle at several lightness and saturation levels)
    farthest from every colour already chosen, so no two clusters ever share a
    colour and near-twins come as late as possible.

    Examples
    --------
    >>> colors = distinct_colors(60)
    >>> len(colors), len(set(colors))
    (60, 60)
    """
    if n < 0:
        raise ValueError(f"n ({n}) must be >= 0")
    colors = list(dict.fromkeys(_BASE))[:n]
    if len(colors) == n:
        return colors
    candidates = []
    for step in range(max(240, 2 * n)):
        hue = (step * 0.618033988749895) % 1.0
        lightness = (0.35, 0.5, 0.65, 0.78)[step % 4]
        saturation = (0.9, 0.65, 0.8)[(step // 4) % 3]
        candidates.append(colorsys.hls_to_rgb(hue, lightness, saturation))
    pool = np.round(np.array(candidates) * 255)
    chosen = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors], float)
    nearest = np.sqrt(((pool[:, None, :] - chosen[None, :, :]) ** 2).sum(-1)).min(axis=1)
    while len(colors) < n:
        best = int(np.argmax(nearest))
        r, g, b = (int(v) for v in pool[best])
        colors.append(f"#{r:02x}{g:02x}{b:02x}")
        nearest = np.minimum(nearest, np.sqrt(((pool - pool[best]) ** 2).sum(-1)))
        nearest[best] = -1.0
    return colors


def bulk_range(
    values: np.ndarray | pd.Series,
    share: float = BULK_SHARE,
    include: np.ndarray | pd.Series | None = None,
) -> list[float] | None:
    """An axis range holding the central ``share`` of ``values``, with a margin.

    ``include`` are values the range must hold too (the clusters' centres, so that
    every cluster's number is on the first view).

    Returns ``None`` (plotly's automatic range) when there are too few finite
    values, or when the bulk spans the whole range anyway.

    Examples
    --------
    >>> values = np.r_[np.linspace(0, 1, 200), 40.0]  # one far outlier
    >>> low, high = bulk_range(values)
    >>> low < 0.05 and 0.95 < high < 2
    True
    """
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array)]
    if len(array) < 20:
        return None
    tail = (1.0 - share) / 2
    low, high = np.quantile(array, [tail, 1.0 - tail])
    if not high > low:
        return None
    if include is not None and len(include):
        extra = np.asarray(include, dtype=float)
        low, high = min(low, float(np.nanmin(extra))), max(high, float(np.nanmax(extra)))
    margin = (high - low) * 0.06
    low, high = float(low - margin), float(high + margin)
    if low <= array.min() and high >= array.max():
        return None
    return [low, high]


def cluster_centres(points: pd.DataFrame, min_size: int = LABEL_MIN_SIZE) -> pd.DataFrame:
    """Where to write each cluster's number: the median of its points (no outliers).

    Parameters
    ----------
    points : DataFrame
        Map rows with ``cluster``, ``x`` and ``y``.
    min_size : int
        Smaller clusters get no label.

    Returns
    -------
    DataFrame
        ``cluster``, ``x``, ``y``, ``size``, one row per cluster (outliers left out).
    """
    real = points.loc[points["cluster"] >= 0, ["cluster", "x", "y"]]
    if real.empty:
        return pd.DataFrame({"cluster": [], "x": [], "y": [], "size": []})
    grouped = real.groupby("cluster")
    centres = grouped[["x", "y"]].median()
    centres["size"] = grouped.size()
    centres = centres.loc[centres["size"] >= min_size].reset_index()
    return centres.astype({"cluster": int, "size": int})


def use_webgl(n_points: int, threshold: int = WEBGL_THRESHOLD) -> bool:
    """Whether a map of ``n_points`` is drawn with WebGL (fast for many points)."""
    return n_points > threshold
