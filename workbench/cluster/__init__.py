"""What is there: UMAP + HDBSCAN clusters of comment embeddings, with keywords.

:func:`cluster_comments` runs embed → reduce → cluster → label on a project and
stores the run; :func:`load_run` reads any stored run back. The pieces
(:func:`density_clusters`, :func:`class_tfidf_keywords`, :func:`representatives`)
take plain arrays and work on any embeddings.
"""

from __future__ import annotations

from workbench.cluster.density import density_clusters
from workbench.cluster.exemplars import representatives
from workbench.cluster.keywords import class_tfidf_keywords
from workbench.cluster.params import ClusterParams, default_min_cluster_size
from workbench.cluster.run import ClusterRun, cluster_comments, list_runs, load_run

__all__ = [
    "ClusterParams",
    "ClusterRun",
    "class_tfidf_keywords",
    "cluster_comments",
    "default_min_cluster_size",
    "density_clusters",
    "list_runs",
    "load_run",
    "representatives",
]
