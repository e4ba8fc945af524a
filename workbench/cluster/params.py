"""Clustering parameters, with defaults that scale with the corpus.

=====================  =========================================================
``min_cluster_size``   smallest group HDBSCAN calls a cluster; default
                       ``round(sqrt(n) / 2)`` kept within 5..500 (10 for 400
                       comments, 158 for 100,000)
``min_samples``        how conservative HDBSCAN is (higher: more outliers);
                       default a third of ``min_cluster_size``, at least 2
``max_cluster_share``  clusters above this share of all comments are split into
                       their sub-clusters; default 0.25 (1.0 turns it off)
``n_neighbors``        UMAP neighbourhood size; default 15 (fewer for tiny corpora)
``n_components``       dimensions UMAP reduces to before clustering; default 5
``min_dist``           UMAP's packing; 0.0 suits clustering
``seed``               makes UMAP (and so the whole run) reproducible; default 42
=====================  =========================================================
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from workbench.errors import ClusterError

MIN_COMMENTS = 10


def default_min_cluster_size(n: int) -> int:
    """The default ``min_cluster_size`` for ``n`` comments."""
    return int(min(500, max(5, round(math.sqrt(n) / 2))))


@dataclass(frozen=True)
class ClusterParams:
    """What a cluster run was asked for; ``None`` means "scale with the corpus"."""

    min_cluster_size: int | None = None
    min_samples: int | None = None
    max_cluster_share: float = 0.25
    n_neighbors: int = 15
    n_components: int = 5
    min_dist: float = 0.0
    seed: int = 42
    keywords: int = 10
    exemplars: int = 5

    def resolve(self, n: int) -> dict[str, Any]:
        """Every parameter for ``n`` comments, defaults filled in and checked."""
        if n < MIN_COMMENTS:
            raise ClusterError(
                f"clustering needs at least {MIN_COMMENTS} comments with text, found {n}; "
                "import more comments first"
            )
        values = asdict(self)
        size = values["min_cluster_size"]
        if size is None:
            size = values["min_cluster_size"] = default_min_cluster_size(n)
        if values["min_samples"] is None:
            values["min_samples"] = max(2, round(size / 3)) if isinstance(size, int) else 2
        values["n_neighbors"] = min(values["n_neighbors"], n - 1)
        checks = (
            ("min_cluster_size", 2, n),
            ("min_samples", 1, n),
            ("n_neighbors", 2, n - 1),
            ("n_components", 2, 100),
            ("keywords", 1, 100),
            ("exemplars", 1, 100),
        )
        for name, low, high in checks:
            value = values[name]
            if not isinstance(value, int) or isinstance(value, bool):
                raise ClusterError(f"{name} ({value!r}) must be a whole number")
            if not low <= value <= high:
                raise ClusterError(f"{name} ({value}) must be between {low} and {high} "
                                   f"for {n} comments")
        if not 0.0 <= float(values["min_dist"]) <= 1.0:
            raise ClusterError(f"min_dist ({values['min_dist']}) must be between 0 and 1")
        share = values["max_cluster_share"]
        if not isinstance(share, int | float) or not 0.0 < float(share) <= 1.0:
            raise ClusterError(f"max_cluster_share ({share!r}) must be above 0 and at most 1")
        values["max_cluster_size"] = (
            None if share >= 1.0 else max(size, int(share * n))
        )
        if not isinstance(values["seed"], int) or values["seed"] < 0:
            raise ClusterError(f"seed ({values['seed']!r}) must be a whole number >= 0")
        return values
