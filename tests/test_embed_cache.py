"""The embedding cache: plain .npy shards, whole or absent, never pickles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.embed.cache import MAX_SHARDS, EmbeddingCache
from workbench.errors import EmbedError

META = {"model_id": "m", "backend": "torch", "long_texts": "chunk"}


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_round_trip_in_float16(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    keys = [bytes([i]) * 16 for i in range(5)]
    vectors = _vectors(5)
    assert cache.missing(keys) == [0, 1, 2, 3, 4]
    cache.add(keys, vectors)
    again = EmbeddingCache(tmp_path / "c", dict(META))
    assert again.missing(keys) == []
    got = again.get(keys[::-1])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, vectors[::-1], atol=1e-3)
    for path in (tmp_path / "c").glob("*.npy"):
        np.load(path, allow_pickle=False)  # plain arrays, no pickled objects


def test_keys_ending_in_zero_bytes_survive(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    keys = [b"\x01" + b"\x00" * 15, b"\x01" + b"\x00" * 14 + b"\x02"]
    cache.add(keys, _vectors(2))
    assert EmbeddingCache(tmp_path / "c", dict(META)).missing(keys) == []


def test_many_shards_are_compacted(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    keys = [i.to_bytes(16, "big") for i in range(MAX_SHARDS + 3)]
    vectors = _vectors(len(keys))
    for i, key in enumerate(keys):
        cache.add([key], vectors[i : i + 1])
    assert len(list((tmp_path / "c").glob("shard-*.keys.npy"))) <= MAX_SHARDS
    np.testing.assert_allclose(cache.get(keys), vectors, atol=1e-3)


def test_missing_vector_and_foreign_folder_are_clear_errors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    cache.add([b"a" * 16], _vectors(1))
    with pytest.raises(EmbedError, match="run `workbench embed` first"):
        cache.get([b"b" * 16])
    with pytest.raises(EmbedError, match="another configuration"):
        EmbeddingCache(tmp_path / "c", {**META, "backend": "onnx"})


def test_damaged_shard_names_the_file(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    cache.add([b"a" * 16, b"b" * 16], _vectors(2))
    keys_file = next((tmp_path / "c").glob("shard-*.keys.npy"))
    np.save(keys_file, np.zeros((1, 16), dtype=np.uint8))
    with pytest.raises(EmbedError, match=keys_file.name):
        len(EmbeddingCache(tmp_path / "c", dict(META)))


def test_half_written_shard_is_ignored(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c", dict(META))
    cache.add([b"a" * 16], _vectors(1))
    # A run cut short after writing vectors but before its keys: not a shard yet.
    np.save(tmp_path / "c" / "shard-zzz.vectors.npy", _vectors(3).astype(np.float16))
    assert len(EmbeddingCache(tmp_path / "c", dict(META))) == 1
