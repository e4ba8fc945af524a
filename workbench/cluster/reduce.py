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


def _neighbours(vectors: np.ndarray, n_neighbors: int, seed: int) -> tuple[Any, Any, Any]:
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
          params: dict[str, Any]) -> np.ndarray:
    import umap

    model = umap.UMAP(
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
    timings: dict[str, float] = {}
    start = time.perf_counter()
    knn = _neighbours(vectors, params["n_neighbors"], params["seed"])
    timings["neighbours"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    points = _umap(vectors, knn, params["n_components"], params)
    timings["reduce"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    layout = points[:, :2].copy() if params["n_components"] == 2 else _umap(
        vectors, knn, 2, params)
    timings["layout"] = round(time.perf_counter() - start, 3)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for path, array in ((points_path, points), (layout_path, layout)):
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        tmp.replace(path)
    return Reduction(key, points, layout, False, timings)
