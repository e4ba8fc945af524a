"""Representative members and centroids of clusters (workbench.cluster.exemplars)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.cluster.exemplars import cluster_centroids, representatives
from workbench.errors import ClusterError


def _brute_force(embeddings: np.ndarray, labels: np.ndarray, label: int) -> list[int]:
    rows = np.flatnonzero(labels == label)
    mean = embeddings[rows].mean(axis=0)
    cosine = [
        float(embeddings[r] @ mean / np.linalg.norm(embeddings[r]) / np.linalg.norm(mean))
        for r in rows
    ]
    return [int(rows[i]) for i in sorted(range(len(rows)), key=lambda i: (-cosine[i], rows[i]))]


def test_representatives_are_the_closest_to_the_centroid() -> None:
    rng = np.random.default_rng(0)
    embeddings = np.vstack(
        [
            rng.normal([5, 0, 0, 0], 1.0, (30, 4)),
            rng.normal([0, 5, 0, 0], 1.0, (20, 4)),
            rng.normal(0, 1.0, (7, 4)),
        ]
    )
    labels = np.repeat([1, 0, -1], [30, 20, 7])
    rng.shuffle(labels)  # members interleaved, not in blocks

    result = representatives(embeddings, labels, k=5)

    assert list(result) == [-1, 0, 1]
    for label, rows in result.items():
        assert rows == _brute_force(embeddings, labels, label)[:5]
        assert all(labels[r] == label for r in rows)


def test_cosine_ignores_the_length_of_vectors() -> None:
    embeddings = np.array([[1.0, 0.0], [0.9, 0.1], [0.5, 0.5], [0.0, 1.0]])
    labels = np.zeros(4, dtype=np.int64)
    before = representatives(embeddings, labels, k=4)
    scaled = embeddings * np.array([[100.0], [0.01], [3.0], [1.0]])
    # The mean moves when rows are rescaled, so compare against brute force, not `before`.
    assert representatives(scaled, labels, k=4)[0] == _brute_force(scaled, labels, 0)
    assert before[0] == _brute_force(embeddings, labels, 0)


def test_duplicate_texts_are_skipped() -> None:
    embeddings = np.array(
        [[1.0, 0.0], [1.0, 0.1], [1.0, -0.15], [1.0, 0.3], [1.0, -0.3], [0.0, 1.0]]
    )
    labels = np.array([0, 0, 0, 0, 0, 1])
    texts = [
        "Hello world",
        "  hello\n WORLD ",
        "HELLO  world",
        "Something else",
        "something   ELSE",
        "alone",
    ]

    assert representatives(embeddings, labels, k=5)[0] == [0, 1, 2, 4, 3]
    assert representatives(embeddings, labels, texts, k=3) == {0: [0, 4], 1: [5]}
    assert representatives(embeddings, labels, texts, k=1) == {0: [0], 1: [5]}


def test_k_larger_than_the_cluster_returns_every_member() -> None:
    embeddings = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    result = representatives(embeddings, np.array([-1, -1, -1]), k=10)
    assert result == {-1: [2, 0, 1]}  # [1, 1] is the centre's direction; ties by row


def test_zero_vectors_do_not_break_the_ranking() -> None:
    embeddings = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.1]], dtype=np.float32)
    result = representatives(embeddings, np.array([0, 0, 0]), k=3)
    assert result[0][-1] == 0
    assert sorted(result[0]) == [0, 1, 2]


def test_centroids_are_unit_means() -> None:
    embeddings = np.array([[2.0, 0.0], [0.0, 2.0], [3.0, 4.0], [-1.0, 0.0], [1.0, 0.0]])
    labels = np.array([0, 0, 1, 2, 2])
    centroids = cluster_centroids(embeddings, labels)
    assert list(centroids) == [0, 1, 2]
    np.testing.assert_allclose(centroids[0], [np.sqrt(0.5), np.sqrt(0.5)])
    np.testing.assert_allclose(centroids[1], [0.6, 0.8])
    np.testing.assert_array_equal(centroids[2], [0.0, 0.0])  # the mean is zero


def test_empty_input_gives_an_empty_result() -> None:
    assert representatives(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)) == {}
    assert cluster_centroids(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)) == {}


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((np.ones((3, 2)), np.zeros(3, dtype=int)), {"k": 0}, "k (0) must be >= 1"),
        ((np.ones((3, 2)), np.zeros(3, dtype=int)), {"k": 2.0}, "k (2.0) must be an integer"),
        ((np.ones((3, 2)), np.zeros(2, dtype=int)), {}, "embeddings (3 rows) and labels (2)"),
        ((np.ones((3, 2)), np.zeros(3)), {}, "labels must be integers"),
        ((np.ones(3), np.zeros(3, dtype=int)), {}, "2-D"),
        ((np.ones((3, 2), dtype=int), np.zeros(3, dtype=int)), {}, "floating-point"),
        ((np.array([[1.0, 0.0], [np.nan, 1.0]]), np.zeros(2, dtype=int)), {}, "row 1"),
        ((np.ones((3, 2)), np.zeros(3, dtype=int), ["a", "b"]), {}, "texts (2) and labels (3)"),
        ((np.ones((2, 2)), np.zeros(2, dtype=int), ["a", None]), {}, "texts[1] (None)"),
    ],
)
def test_bad_inputs_are_explained(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ClusterError) as caught:
        representatives(*args, **kwargs)
    assert message in str(caught.value)
