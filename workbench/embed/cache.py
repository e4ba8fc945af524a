"""The embedding cache: vectors by text key, in plain ``.npy`` shards.

One folder per (model, backend, long-text policy) under ``cache/embeddings/``::

    meta.json                     what the vectors are (model, backend, dim, dtype)
    shard-<stamp>.vectors.npy     float16 matrix, one row per text
    shard-<stamp>.keys.npy        16-byte BLAKE2b keys of the normalised texts (uint8)

A shard counts once its keys file exists, and the keys file is renamed into
place last, so a run cut short leaves either a whole shard or none. Vectors are
stored as float16 (half the space; cosine changes by under 1e-3) and read back as
float32. Nothing is ever pickled.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from workbench.errors import EmbedError

KEY_BYTES = 16
MAX_SHARDS = 16


def _key_matrix(keys: list[bytes]) -> np.ndarray:
    # A (n, 16) uint8 matrix: numpy's fixed-width bytes type would drop trailing zeros.
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)


class EmbeddingCache:
    """Cached vectors of one embedding configuration.

    Parameters
    ----------
    folder : Path
        The configuration's folder (created on first write).
    meta : dict
        What the vectors are; must match what an existing folder says.
    """

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.meta = meta
        self._index: dict[bytes, tuple[int, int]] | None = None
        self._shards: list[tuple[Path, np.ndarray]] = []
        meta_path = self.folder / "meta.json"
        if meta_path.exists():
            stored = json.loads(meta_path.read_text(encoding="utf-8"))
            clash = {k: (stored.get(k), v) for k, v in meta.items()
                     if k != "dim" and stored.get(k) != v}
            if clash:
                raise EmbedError(
                    f"{meta_path}: cache folder belongs to another configuration {clash}; "
                    "delete the folder to rebuild it"
                )
            self.meta = {**stored, **meta}

    # -- reading --------------------------------------------------------------------

    def _load_index(self) -> dict[bytes, tuple[int, int]]:
        if self._index is not None:
            return self._index
        index: dict[bytes, tuple[int, int]] = {}
        shards: list[tuple[Path, np.ndarray]] = []
        for keys_path in sorted(self.folder.glob("shard-*.keys.npy")):
            vectors_path = keys_path.with_name(keys_path.name.replace(".keys.", ".vectors."))
            try:
                keys = np.load(keys_path, allow_pickle=False)
                vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)
            except FileNotFoundError:
                continue  # merged away by another process's compaction meanwhile
            except (OSError, ValueError) as exc:
                raise EmbedError(
                    f"{keys_path}: unreadable cache shard ({exc}); delete it and embed again"
                ) from exc
            if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != KEY_BYTES:
                raise EmbedError(
                    f"{keys_path}: keys are {keys.dtype} {keys.shape}, expected uint8 "
                    f"(n, {KEY_BYTES}); delete this shard and embed again"
                )
            if len(keys) != len(vectors):
                raise EmbedError(
                    f"{keys_path}: {len(keys)} keys but {len(vectors)} vectors; delete "
                    "this shard and embed again"
                )
            shard = len(shards)
            shards.append((vectors_path, vectors))
            flat = np.ascontiguousarray(keys, dtype=np.uint8).tobytes()
            index.update(
                (flat[row * KEY_BYTES : (row + 1) * KEY_BYTES], (shard, row))
                for row in range(len(keys))
            )
        self._index, self._shards = index, shards
        return index

    def __len__(self) -> int:
        return len(self._load_index())

    def missing(self, keys: list[bytes]) -> list[int]:
        """Positions of ``keys`` that have no cached vector."""
        index = self._load_index()
        return [i for i, key in enumerate(keys) if key not in index]

    def get(self, keys: list[bytes]) -> np.ndarray:
        """Vectors (float32) for ``keys``, all of which must be cached."""
        index = self._load_index()
        dim = int(self.meta.get("dim") or 0)
        out = np.empty((len(keys), dim), dtype=np.float32)
        if not keys:
            return out
        try:
            where = np.array([index[key] for key in keys], dtype=np.int64)
        except KeyError as exc:
            raise EmbedError(
                f"{self.folder}: no cached vector for a text (key {exc.args[0].hex()}); "
                "run `workbench embed` first"
            ) from None
        for shard, (_, vectors) in enumerate(self._shards):
            mask = where[:, 0] == shard
            if mask.any():
                out[mask] = vectors[where[mask, 1]]
        return out

    # -- writing --------------------------------------------------------------------

    def add(self, keys: list[bytes], vectors: np.ndarray) -> None:
        """Store ``vectors`` under ``keys`` as one new shard."""
        if not keys:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        meta_path = self.folder / "meta.json"
        self.meta["dim"] = int(vectors.shape[1])
        if not meta_path.exists():
            tmp = meta_path.with_name(f"meta.json.{_unique()}.tmp")
            tmp.write_text(json.dumps({**self.meta, "dtype": "float16"}, indent=2), "utf-8")
            tmp.replace(meta_path)
        self._write(_unique(), _key_matrix(keys), vectors.astype(np.float16))
        self._index = None
        if len(list(self.folder.glob("shard-*.keys.npy"))) > MAX_SHARDS:
            self.compact()

    def _write(self, stamp: str, keys: np.ndarray, vectors: np.ndarray) -> None:
        vectors_path = self.folder / f"shard-{stamp}.vectors.npy"
        keys_path = self.folder / f"shard-{stamp}.keys.npy"
        for path, array in ((vectors_path, vectors), (keys_path, keys)):
            tmp = path.with_name(f"{path.name}.{_unique()}.tmp")
            with open(tmp, "wb") as handle:
                np.save(handle, array, allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(path)

    def compact(self) -> None:
        """Merge every shard into one (duplicates dropped).

        Only the shards that were merged are deleted: a shard another process adds
        meanwhile stays.
        """
        self._index = None
        index = self._load_index()
        merged = [path for path, _ in self._shards]
        if len(merged) < 2:
            return
        keys = list(index)
        vectors = self.get(keys).astype(np.float16)
        self._write(_unique(), _key_matrix(keys), vectors)
        self._index, self._shards = None, []
        for vectors_path in merged:
            vectors_path.with_name(vectors_path.name.replace(".vectors.", ".keys.")).unlink(
                missing_ok=True
            )
            vectors_path.unlink(missing_ok=True)


def _unique() -> str:
    """A name part no other process or call will use (time, process id, random)."""
    return f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
