"""Sentence vectors for texts: tokenise, batch by length, run a backend, pool chunks.

Long texts are chunked, not cut: a text longer than the model's token limit
(256 word pieces for all-MiniLM-L6-v2, about 190 English words) is split into
windows of that size overlapping by an eighth, each window is embedded, and the
text's vector is the token-weighted mean of its windows' vectors, unit-normalised.
Nothing a commenter wrote is ignored. ``long_texts="truncate"`` keeps only the
first window instead, as plain ``SentenceTransformer.encode`` does.

Speed comes from padding each batch only to its longest member after sorting by
length (the bundled tokenizer pads everything to the limit if left alone), from a
backend picked by measurement (see :mod:`workbench.embed.choose`) and from setting
threads from the cores that are free.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workbench.embed.backends import BACKENDS, Backend, make_backend
from workbench.embed.models import ModelRef, load_sentence_transformer, resolve_model
from workbench.embed.threads import free_threads
from workbench.errors import EmbedError

LONG_TEXT_POLICIES = ("chunk", "truncate")


def machine_cache_dir() -> Path:
    """Per-user cache for ONNX exports and backend measurements."""
    import os

    if os.environ.get("WORKBENCH_CACHE_HOME"):
        return Path(os.environ["WORKBENCH_CACHE_HOME"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "thread-workbench"


def default_device() -> str:
    """``"cuda"`` when torch sees a GPU, else ``"cpu"``.

    Machines with no GPU driver at all are recognised without importing torch
    (about a second), so that a fully cached run stays fast.
    """
    markers = ("/proc/driver/nvidia", "/dev/nvidia0", "/dev/kfd", "/dev/dxg")
    if not any(Path(m).exists() for m in markers):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceEncoder:
    """Embed texts with a sentence-transformers model (the ``Embedder`` protocol).

    Parameters
    ----------
    model : str, optional
        Model name or folder; the packaged all-MiniLM-L6-v2 by default.
    backend : str, default "auto"
        ``"auto"`` or one of :data:`~workbench.embed.backends.BACKENDS`.
    long_texts : {"chunk", "truncate"}, default "chunk"
        What to do with texts longer than the model's token limit.
    threads : int, default 0
        CPU threads; 0 means the cores free when the model loads.
    device : str, optional
        ``"cpu"`` or ``"cuda"``; by default a GPU when torch sees one.
    batch_size : int, default 64
        Most sequences in one batch.
    batch_tokens : int, default 16384
        Most padded tokens in one batch.
    """

    def __init__(
        self,
        model: str | None = None,
        backend: str = "auto",
        *,
        long_texts: str = "chunk",
        threads: int = 0,
        device: str | None = None,
        batch_size: int = 64,
        batch_tokens: int = 16384,
    ) -> None:
        self.model = model
        self.backend = backend
        self.long_texts = long_texts
        self.threads = threads
        self.device = device
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._plan: tuple[ModelRef, str, int, str] | None = None
        self._loaded: tuple[ModelRef, Backend, Any, int] | None = None

    # -- loading --------------------------------------------------------------------

    def _validate(self) -> None:
        if self.backend != "auto" and self.backend not in BACKENDS:
            raise EmbedError(
                f"backend ({self.backend!r}) must be auto or one of {', '.join(BACKENDS)}"
            )
        if self.long_texts not in LONG_TEXT_POLICIES:
            raise EmbedError(
                f"long_texts ({self.long_texts!r}) must be one of {', '.join(LONG_TEXT_POLICIES)}"
            )
        if self.batch_size < 1 or self.batch_tokens < 64:
            raise EmbedError(
                f"batch_size ({self.batch_size}) must be >= 1 and batch_tokens "
                f"({self.batch_tokens}) >= 64"
            )

    def resolve(self, sample: Sequence[str] | None = None) -> SentenceEncoder:
        """Settle model, device, threads and backend without loading the model.

        ``auto`` is settled from the remembered measurement, or measured now on
        ``sample`` (see :mod:`workbench.embed.choose`).
        """
        if self._plan is not None:
            return self
        self._validate()
        ref = resolve_model(self.model)
        device = self.device or default_device()
        threads = free_threads(self.threads) if device == "cpu" else 1
        backend_name = self.backend
        if backend_name == "auto":
            from workbench.embed.choose import choose_backend

            backend_name = choose_backend(ref, device, threads, sample)
        self._plan = (ref, device, threads, backend_name)
        return self

    def load(self, sample: Sequence[str] | None = None) -> SentenceEncoder:
        """Load the model and backend (``sample`` feeds an ``auto`` measurement)."""
        if self._loaded is not None:
            return self
        ref, device, threads, backend_name = self.resolve(sample)._plan  # type: ignore[misc]
        if device == "cpu":
            import torch

            torch.set_num_threads(threads)
        model = load_sentence_transformer(ref, device)
        tokenizer = model.tokenizer
        limit = int(min(model.max_seq_length or 512, tokenizer.model_max_length or 512))
        backend = make_backend(
            backend_name, model, device, machine_cache_dir() / "onnx" / ref.slug, threads
        )
        self._loaded = (ref, backend, tokenizer, limit)
        return self

    def model_ref_unresolved(self) -> ModelRef:
        """The model this encoder will load, without settling anything else."""
        return self._plan[0] if self._plan is not None else resolve_model(self.model)

    @property
    def model_ref(self) -> ModelRef:
        """The resolved model."""
        return self.resolve()._plan[0]  # type: ignore[index]

    @property
    def backend_name(self) -> str:
        """The backend in use (after ``auto`` has chosen)."""
        return self.resolve()._plan[3]  # type: ignore[index]

    @property
    def threads_used(self) -> int:
        """CPU threads the backend runs with."""
        return self.resolve()._plan[2]  # type: ignore[index]

    @property
    def max_tokens(self) -> int:
        """Tokens per window, special tokens included."""
        return self.load()._loaded[3]  # type: ignore[index]

    @property
    def id(self) -> str:
        """What the vectors depend on: model, backend and long-text policy."""
        return f"{self.model_ref.model_id}|{self.backend_name}|{self.long_texts}"

    # -- embedding ------------------------------------------------------------------

    def _windows(self, texts: Sequence[str]) -> tuple[list[list[int]], np.ndarray]:
        _, _, tokenizer, limit = self._loaded  # type: ignore[misc]
        chunk = self.long_texts == "chunk"
        encoded = tokenizer(
            list(texts),
            truncation=True,
            max_length=limit,
            stride=limit // 8 if chunk else 0,
            return_overflowing_tokens=chunk,
            padding=False,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
        ids = encoded["input_ids"]
        owner = (
            np.asarray(encoded["overflow_to_sample_mapping"], dtype=np.int64)
            if chunk
            else np.arange(len(ids), dtype=np.int64)
        )
        return ids, owner

    def _batches(self, lengths: np.ndarray) -> Iterator[np.ndarray]:
        order = np.argsort(-lengths, kind="stable")
        start = 0
        while start < len(order):
            longest = int(lengths[order[start]])
            size = max(1, min(self.batch_size, self.batch_tokens // max(longest, 1)))
            yield order[start : start + size]
            start += size

    def _embed_block(self, texts: Sequence[str]) -> np.ndarray:
        _, backend, tokenizer, _ = self._loaded  # type: ignore[misc]
        ids, owner = self._windows(texts)
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        pad = tokenizer.pad_token_id or 0
        vectors: np.ndarray | None = None
        for batch in self._batches(lengths):
            width = int(lengths[batch].max())
            input_ids = np.full((len(batch), width), pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                n = lengths[index]
                input_ids[row, :n] = ids[index]
                mask[row, :n] = 1
            out = backend.run(input_ids, mask)
            if vectors is None:
                vectors = np.zeros((len(ids), out.shape[1]), dtype=np.float32)
            vectors[batch] = out
        assert vectors is not None
        if len(ids) == len(texts):
            pooled = vectors
        else:
            weights = lengths.astype(np.float32)[:, None]
            pooled = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            np.add.at(pooled, owner, vectors * weights)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    def iter_embed(
        self, texts: Sequence[str], *, block: int = 8192, progress: bool = False
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(start, vectors)`` for consecutive blocks of ``texts``.

        Callers that cache can store each block as it comes, so an interrupted run
        keeps what it finished.
        """
        self.load(sample=texts[:512])
        if not len(texts):
            return
        bar = _progress_bar(len(texts), progress, self.backend_name)
        try:
            for start in range(0, len(texts), block):
                part = texts[start : start + block]
                yield start, self._embed_block(part)
                bar.update(len(part))
        finally:
            bar.close()

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        parts = [vectors for _, vectors in self.iter_embed(texts, progress=progress)]
        if not parts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate(parts)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, show: bool, backend: str) -> Any:
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="text", desc=f"embedding ({backend})", smoothing=0.1)
