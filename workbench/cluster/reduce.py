"""UMAP reductions: a few dimensions to cluster in, and two for the map.

Both reductions share one nearest-neighbour graph (the costly part of UMAP that
depends only on the vectors), and the pair is cached under a key made of the
input hash, the UMAP parameters, the seed and the library versions, so that
re-clustering with other HDBSCAN parameters reads it back in a moment.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

REDUCTION_PARAMS = ("n_neighbors", "n_components", "min_dist", "seed")


@dataclass
class Reduction:
    """Points to cluster in and a 2-D layout, one row per comment."""

    key: str
    points: np.ndarray
    layout: np.ndarray
    reused: bool
    timings: dict[str, float] = field(default_factory=dict)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def reduction_key(input_hash: str, params: dict[str, Any]) -> str:
    """The cache key of a reduction."""
    wanted = {name: params[name] for name in REDUCTION_PARAMS}
    wanted["umap"] = _version("umap-learn")
    wanted["pynndescent"] = _version("pynndescent")
    text = json.dumps([input_hash, wanted], sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


EXACT_LIMIT = 20_000
"""Up to this many rows the neighbour graph is computed exactly (matrix products):
faster than NN-descent there, and free of its numba compilation (~30 s a process)."""


def exact_neighbours(
    vectors: np.ndarray, k: int, block: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows by cosine distance, itself first (as UMAP expects)."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    unit = unit.astype(np.float32, copy=False)
    indices = np.empty((len(unit), k), dtype=np.int32)
    distances = np.empty((len(unit), k), dtype=np.float32)
    for start in range(0, len(unit), block):
        sims = unit[start : start + block] @ unit.T
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = np.inf  # itself first, whatever duplicates exist
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1, kind="stable")
        chosen = np.take_along_axis(part, order, axis=1)
        found = np.take_along_axis(sims, chosen, axis=1)
        found[:, 0] = 1.0
        indices[start : start + block] = chosen
        distances[start : start + block] = np.clip(1.0 - found, 0.0, 2.0)
    return indices, distances


def _neighbours(vectors: np.ndarray, n_neighbors: int, seed: int) -> tuple[Any, Any, Any]:
    if len(vectors) <= EXACT_LIMIT:
        indices, distances = exact_neighbours(vectors, n_neighbors)
        return indices, distances, None
    from umap.umap_ import nearest_neighbors

    return nearest_neighbors(
        vectors,
        n_neighbors=n_neighbors,
        metric="cosine",
        metric_kwds={},
        angular=False,
        random_state=np.random.RandomState(seed),
        low_memory=True,
        use_pynndescent=True,
        verbose=False,
    )


def _umap(vectors: np.ndarray, knn: tuple[Any, Any, Any], components: int,
          params: dict[str, Any], **extra: Any) -> np.ndarray:
    import umap

    model = umap.UMAP(
        **extra,
        n_neighbors=params["n_neighbors"],
        n_components=components,
        min_dist=params["min_dist"],
        metric="cosine",
        random_state=params["seed"],
        precomputed_knn=knn,
        low_memory=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(model.fit_transform(vectors), dtype=np.float32)


def _layout(vectors: np.ndarray, knn: tuple[Any, Any, Any], points: np.ndarray,
            params: dict[str, Any]) -> np.ndarray:
    """The 2-D map: UMAP started from the reduction's two main axes.

    Starting there skips a second spectral initialisation, and on large corpora
    100 optimisation epochs (UMAP's default is 200) are plenty for a picture.
    """
    centred = points - points.mean(axis=0)
    _, _, axes = np.linalg.svd(centred[:: max(1, len(centred) // 20_000)], full_matrices=False)
    start = centred @ axes[:2].T
    start = 10.0 * start / np.maximum(np.abs(start).max(axis=0), 1e-12)
    epochs = 100 if len(points) > 10_000 else None
    return _umap(vectors, knn, 2, params, init=start.astype(np.float64), n_epochs=epochs)


def reduce(vectors: np.ndarray, input_hash: str, params: dict[str, Any],
           cache_dir: Path) -> Reduction:
    """Reduce ``vectors`` to ``params["n_components"]`` dimensions and to 2 for the map.

    Reads the pair from ``cache_dir`` when this exact reduction was made before.
    """
    key = reduction_key(input_hash, params)
    points_path = cache_dir / f"{key}.points.npy"
    layout_path = cache_dir / f"{key}.layout.npy"
    if points_path.exists() and layout_path.exists():
        start = time.perf_counter()
        points = np.load(points_path, allow_pickle=False)
        layout = np.load(layout_path, allow_pickle=False)
        if len(points) == len(vectors) == len(layout):
            return Reduction(key, points, layout, True,
                             {"reduce_cached": round(time.perf_counter() - start, 3)})
    from workbench.cluster.threads import use_workqueue_threads

    use_workqueue_threads()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    knn = _neighbours(vectors, params["n_neighbors"], params["seed"])
    timings["neighbours"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    points = _umap(vectors, knn, params["n_components"], params)
    timings["reduce"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    layout = points[:, :2].copy() if params["n_components"] == 2 else _layout(
        vectors, knn, points, params)
    timings["layout"] = round(time.perf_counter() - start, 3)
    for name, array in (("reduction", points), ("map layout", layout)):
        if not np.isfinite(array).all():
            from workbench.errors import ClusterError

            raise ClusterError(
                f"UMAP's {name} of {len(vectors)} comments came out with non-finite values "
                "(this happens when almost all texts are identical); cluster a more varied "
                "set of comments or raise n_neighbors"
            )
    cache_dir.mkdir(parents=True, exist_ok=True)
    for path, array in ((points_path, points), (layout_path, layout)):
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        tmp.replace(path)
    return Reduction(key, points, layout, False, timings)
