"""Exploring a cluster run: map, filters, selection, search, and the coding queue.

:class:`ExploreSession` is the controller behind
:class:`workbench.widgets.explore.ExploreView`; :func:`ensure_run` gives a project a
run to explore (clustering it when it has none).
"""

from __future__ import annotations

from workbench.explore.filters import ExploreError, ExploreFilters
from workbench.explore.points import (
    POINT_COLUMNS,
    cluster_label,
    hover_text,
    readable_clusters,
    shorten,
)
from workbench.explore.session import CLUSTER_COLUMNS, ExploreSession, ensure_run

__all__ = [
    "CLUSTER_COLUMNS",
    "POINT_COLUMNS",
    "ExploreError",
    "ExploreFilters",
    "ExploreSession",
    "cluster_label",
    "ensure_run",
    "hover_text",
    "readable_clusters",
    "shorten",
]
