"""HDBSCAN clustering with clusters numbered by size (workbench.cluster.density)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.cluster.density import _relabel_by_size, density_clusters
from workbench.errors import ClusterError, WorkbenchError


def _blobs(sizes: list[int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Well-separated Gaussian blobs in 5-D, and the blob of each row."""
    rng = np.random.default_rng(seed)
    centres = np.eye(5)[: len(sizes)] * 20.0
    points = np.vstack(
        [rng.normal(centre, 0.5, (size, 5)) for centre, size in zip(centres, sizes, strict=True)]
    )
    truth = np.repeat(np.arange(len(sizes)), sizes)
    return points, truth


def test_finds_separated_blobs_with_label_0_the_largest() -> None:
    points, truth = _blobs([40, 90, 60])
    labels, probabilities = density_clusters(points, min_cluster_size=10, min_samples=5)

    assert labels.dtype == np.int32 and probabilities.dtype == np.float32
    assert labels.shape == probabilities.shape == (190,)
    clustered = labels >= 0
    assert clustered.mean() > 0.9
    assert set(np.unique(labels[clustered])) == {0, 1, 2}
    # Each blob maps to exactly one cluster, numbered by size: 90 -> 0, 60 -> 1, 40 -> 2.
    for blob, expected in [(1, 0), (2, 1), (0, 2)]:
        assert set(labels[(truth == blob) & clustered]) == {expected}
    sizes = np.bincount(labels[clustered])
    assert list(sizes) == sorted(sizes, reverse=True)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    assert np.all(probabilities[~clustered] == 0)


def test_a_far_point_is_an_outlier() -> None:
    points, _ = _blobs([30, 30], seed=1)
    points = np.vstack([points, np.full((1, 5), 500.0)])
    labels, probabilities = density_clusters(points, min_cluster_size=5, min_samples=3)
    assert labels[-1] == -1
    assert probabilities[-1] == 0
    assert set(labels[:-1]) <= {0, 1}


def test_accepts_float32_points() -> None:
    points, _ = _blobs([25, 15], seed=2)
    labels, _ = density_clusters(points.astype(np.float32), min_cluster_size=5, min_samples=3)
    assert np.bincount(labels[labels >= 0]).tolist()[0] >= 20


def test_fewer_rows_than_min_cluster_size_are_all_outliers() -> None:
    points = np.random.default_rng(3).normal(size=(4, 3))
    labels, probabilities = density_clusters(points, min_cluster_size=5, min_samples=2)
    assert labels.tolist() == [-1, -1, -1, -1]
    assert labels.dtype == np.int32
    assert probabilities.tolist() == [0.0] * 4
    assert probabilities.dtype == np.float32


def test_relabel_by_size_breaks_ties_by_smallest_original_label() -> None:
    labels = np.array([3, 3, 1, 1, 1, 0, -1, 2, 2, 2])
    # sizes: 1 -> 3, 2 -> 3, 3 -> 2, 0 -> 1
    assert _relabel_by_size(labels).tolist() == [2, 2, 0, 0, 0, 3, -1, 1, 1, 1]
    assert _relabel_by_size(np.array([-1, -1])).tolist() == [-1, -1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_cluster_size": 1, "min_samples": 1}, "min_cluster_size (1) must be >= 2"),
        ({"min_cluster_size": 5, "min_samples": 0}, "min_samples (0) must be >= 1"),
        ({"min_cluster_size": 2.5, "min_samples": 1}, "min_cluster_size (2.5) must be an integer"),
        ({"min_cluster_size": 5, "min_samples": True}, "min_samples (True) must be an integer"),
    ],
)
def test_bad_parameters_quote_the_value(kwargs: dict, message: str) -> None:
    points = np.zeros((10, 2))
    with pytest.raises(ClusterError) as caught:
        density_clusters(points, **kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, WorkbenchError)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (np.zeros(10), "2-D"),
        (np.zeros((10, 2), dtype=np.int64), "dtype int64"),
        (np.zeros((1, 2)), "1 row(s)"),
        (np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]), "row 1"),
        (np.array([[0.0, 1.0], [np.inf, 2.0]]), "finite"),
    ],
)
def test_bad_points_are_explained(points: np.ndarray, message: str) -> None:
    with pytest.raises(ClusterError, match="points") as caught:
        density_clusters(points, min_cluster_size=2, min_samples=1)
    assert message in str(caught.value)


def test_numba_uses_the_work_queue_pool_that_leaves_torch_alone() -> None:
    # numba's OpenMP pool made torch embedding ~9x slower in the same process.
    import subprocess
    import sys

    code = (
        "import workbench, numpy as np, numba\n"
        "from workbench.cluster import density_clusters\n"
        "density_clusters(np.random.default_rng(0).random((300, 5)), 5, 3)\n"
        "print(numba.threading_layer())\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "NUMBA_THREADING_LAYER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip().splitlines()[-1] == "workqueue", out.stderr
