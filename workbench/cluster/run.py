"""A cluster run: embed → reduce → cluster → label, stored and traceable.

Every run is kept with its parameters (defaults resolved), library versions,
embedding model and backend, and a hash of its input (comment ids and texts), so
any figure can be traced to the run that made it and reproduced with the same
seed. Re-clustering with other HDBSCAN parameters reuses the cached reduction.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.cluster.density import density_clusters
from workbench.cluster.exemplars import representatives
from workbench.cluster.keywords import class_tfidf_keywords
from workbench.cluster.params import ClusterParams
from workbench.cluster.reduce import reduce
from workbench.embed import CommentEmbeddings, SentenceEncoder, embed_rows, embeddable

if TYPE_CHECKING:
    from workbench.project import Project

VERSIONED = ("thread-workbench", "umap-learn", "pynndescent", "fast_hdbscan", "scikit-learn",
             "numpy", "numba", "sentence-transformers", "torch", "onnxruntime")


@dataclass
class ClusterRun:
    """A stored cluster run."""

    run_id: int
    record: dict[str, Any]
    """The run's row: params, versions, model, backend, input hash, timings, counts."""
    clusters: pd.DataFrame
    """cluster, size, keywords, exemplars (comment ids); outliers (-1) last."""
    members: pd.DataFrame
    """comment_id, cluster, probability, x, y, text_key (of the text clustered)."""
    reused_reduction: bool = False
    embedding: dict[str, Any] = field(default_factory=dict)

    @property
    def n_clusters(self) -> int:
        """Clusters found (the outlier group not counted)."""
        return int((self.clusters["cluster"] >= 0).sum())

    @property
    def outlier_share(self) -> float:
        """Share of comments HDBSCAN left as outliers."""
        total = int(self.clusters["size"].sum())
        outliers = int(self.clusters.loc[self.clusters["cluster"] < 0, "size"].sum())
        return outliers / total if total else 0.0

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (what ``workbench cluster --json`` prints)."""
        return {
            "run_id": self.run_id,
            "clusters": self.n_clusters,
            "outlier_share": round(self.outlier_share, 4),
            "comments": int(self.record["comments"]),
            "reused_reduction": self.reused_reduction,
            "params": self.record["params"],
            "model": self.record["model"],
            "backend": self.record["backend"],
            "seconds": self.record["seconds"],
            "timings": self.record["timings"],
            "embedding": self.embedding,
            "top": [
                {"cluster": int(row.cluster), "size": int(row.size),
                 "keywords": [term for term, _ in row.keywords[:6]]}
                for row in self.clusters.itertuples()
            ],
        }


def input_hash(embeddings: CommentEmbeddings) -> str:
    """A digest of what a run clusters: comment ids, their texts, model and backend."""
    digest = hashlib.blake2b(digest_size=16)
    report = embeddings.report
    digest.update(f"{report.model}|{report.backend}|{report.long_texts}\n".encode())
    for comment_id, key in zip(embeddings.comment_ids, embeddings.keys, strict=True):
        digest.update(comment_id.encode())
        digest.update(key)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the libraries a run depends on."""
    found = {}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def label_clusters(
    embeddings: CommentEmbeddings, labels: np.ndarray, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Size, c-TF-IDF keywords and exemplar comment ids of every label (-1 included)."""
    keywords = class_tfidf_keywords(embeddings.texts, labels, top_n=params["keywords"])
    from workbench.substance import is_substantive_exemplar

    chosen = representatives(embeddings.vectors, labels, embeddings.texts,
                             k=params["exemplars"],
                             prefer=[is_substantive_exemplar(t) for t in embeddings.texts])
    sizes = pd.Series(labels).value_counts()
    ids = embeddings.comment_ids
    return [
        {
            "cluster": int(label),
            "size": int(sizes[label]),
            "keywords": [[term, round(float(score), 5)] for term, score in
                         keywords.get(int(label), [])],
            "exemplars": [ids[i] for i in chosen.get(int(label), [])],
        }
        for label in sorted(sizes.index, key=lambda v: (v < 0, v))
    ]


def cluster_comments(
    project: Project,
    params: ClusterParams | None = None,
    *,
    encoder: SentenceEncoder | None = None,
    progress: bool = False,
    on_step: Callable[[str], None] | None = None,
    include_non_substantive: bool | None = None,
) -> ClusterRun:
    """Embed (through the cache), reduce, cluster and label a project's comments.

    Parameters
    ----------
    project : Project
        The project; the run is stored in it.
    params : ClusterParams, optional
        Parameters; defaults scale with the number of comments.
    encoder : SentenceEncoder, optional
        Embedding configuration; the project's settings by default.
    progress : bool, default False
        Show the embedding progress bar.
    on_step : callable, optional
        Called with a sentence as each step starts (``"Embedding 900 comments"``), for
        a progress line in a notebook.
    include_non_substantive : bool, optional
        Cluster non-substantive answers too (:mod:`workbench.substance`); by default
        the project's ``cluster_non_substantive`` setting (off). Left out, they are
        counted in the run's parameters as ``non_substantive.left_out``.
    """
    def step_to(words: str) -> None:
        if on_step is not None:
            on_step(words)

    params = params or ClusterParams()
    started = time.perf_counter()
    frame = project.comments()
    rows, texts = embeddable(frame)
    if include_non_substantive is None:
        include_non_substantive = bool(project.settings.get("cluster_non_substantive"))
    left_out = 0
    if not include_non_substantive:
        keep = np.array([not f for f in project.substance_rule().mask(texts)], dtype=bool)
        left_out = int((~keep).sum())
        rows = rows.loc[keep].reset_index(drop=True)
        texts = [t for t, k in zip(texts, keep, strict=True) if k]
    resolved = params.resolve(len(texts))  # bad parameters are refused before embedding
    step_to(f"Embedding {len(texts):,} comments (only new texts are computed)")
    embeddings = embed_rows(project, rows, texts, skipped=len(frame) - len(texts),
                            encoder=encoder, progress=progress)
    timings: dict[str, float] = {"embed": embeddings.report.seconds}
    resolved["non_substantive"] = {"included": include_non_substantive, "left_out": left_out}
    resolved["embedding"] = {"model": embeddings.report.model_name,
                             "long_texts": embeddings.report.long_texts}
    digest = input_hash(embeddings)
    step_to("Placing the comments on the map (the slowest step; reused when nothing changed)")
    reduction = reduce(embeddings.vectors, digest, resolved, project.cache_dir / "reductions")
    timings.update(reduction.timings)
    step = time.perf_counter()
    step_to("Grouping the comments into clusters")
    labels, probabilities = density_clusters(
        reduction.points,
        resolved["min_cluster_size"],
        resolved["min_samples"],
        resolved["max_cluster_size"],
    )
    timings["cluster"] = round(time.perf_counter() - step, 3)
    step = time.perf_counter()
    step_to("Finding each cluster's keywords and typical comments")
    clusters = label_clusters(embeddings, labels, resolved)
    timings["label"] = round(time.perf_counter() - step, 3)
    record = {
        "at": _now(),
        "actor": project.actor,
        "model": embeddings.report.model,
        "backend": embeddings.report.backend,
        "input_hash": digest,
        "reduction_key": reduction.key,
        "params": resolved,
        "versions": library_versions(),
        "comments": len(labels),
        "clusters": sum(1 for c in clusters if c["cluster"] >= 0),
        "outliers": int((labels < 0).sum()),
        "seconds": round(time.perf_counter() - started, 3),
        "timings": timings,
    }
    run_id = project.store.add_run(
        record, embeddings.comment_ids, labels, probabilities, reduction.layout, clusters,
        embeddings.keys, project.actor,
    )
    run = load_run(project, run_id)
    run.reused_reduction = reduction.reused
    run.embedding = embeddings.report.as_dict()
    return run


def load_run(project: Project, run_id: int | None = None) -> ClusterRun:
    """A stored run (the newest when ``run_id`` is None)."""
    record = project.store.run(run_id)
    run_id = int(record["run_id"])
    return ClusterRun(
        run_id=run_id,
        record=record,
        clusters=project.store.run_clusters(run_id),
        members=project.store.run_members(run_id),
    )


def list_runs(project: Project) -> list[dict[str, Any]]:
    """One JSON-ready line per stored run, oldest first (what ``workbench runs`` prints)."""
    return [
        {"run_id": int(r.run_id), "at": r.at, "comments": int(r.comments),
         "clusters": int(r.clusters), "outliers": int(r.outliers),
         "min_cluster_size": r.params["min_cluster_size"],
         "min_samples": r.params["min_samples"], "seed": r.params["seed"],
         "model": r.model, "backend": r.backend, "input_hash": r.input_hash}
        for r in project.store.runs().itertuples()
    ]


def _now() -> str:
    from workbench.store import utc_now

    return utc_now()
