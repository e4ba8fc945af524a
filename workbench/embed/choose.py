"""Pick the fastest embedding backend whose results stay materially the same.

``auto`` embeds a calibration sample with every candidate backend and with the
float32 ``torch`` reference, then takes the fastest candidate that keeps

* the mean cosine similarity to the reference vectors at or above 0.99, and
* the mean overlap of each text's 10 nearest neighbours at or above 0.9.

The choice is measured once per machine, model and library versions, and kept in
``backend-choice.json`` in the per-user cache (see
:func:`~workbench.embed.encoder.machine_cache_dir`), measurements included.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from workbench.embed.models import ModelRef

MIN_MEAN_COSINE = 0.99
MIN_NEIGHBOUR_OVERLAP = 0.9
CALIBRATION_SIZE = 384


def quality(reference: np.ndarray, candidate: np.ndarray, k: int = 10) -> dict[str, float]:
    """Mean cosine to ``reference`` and mean overlap of each row's ``k`` nearest neighbours.

    Both inputs are unit-length rows in the same order.
    """
    cosine = float(np.mean(np.sum(reference * candidate, axis=1)))
    k = min(k, len(reference) - 1)
    if k < 1:
        return {"mean_cosine": cosine, "neighbour_overlap": 1.0}
    overlap = np.mean(_neighbour_overlaps(reference, candidate, k))
    return {"mean_cosine": cosine, "neighbour_overlap": float(overlap)}


def _neighbour_overlaps(a: np.ndarray, b: np.ndarray, k: int, block: int = 2048) -> np.ndarray:
    out = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), block):
        rows = slice(start, start + block)
        found = []
        for matrix in (a, b):
            sims = matrix[rows] @ matrix.T
            sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -np.inf
            found.append(np.argpartition(-sims, k, axis=1)[:, :k])
        both = np.concatenate(found, axis=1)
        both.sort(axis=1)
        shared = (both[:, 1:] == both[:, :-1]).sum(axis=1)
        out[rows] = shared / k
    return out


def meets_bar(scores: dict[str, float]) -> bool:
    """Whether a backend's :func:`quality` scores are good enough to use."""
    return (
        scores["mean_cosine"] >= MIN_MEAN_COSINE
        and scores["neighbour_overlap"] >= MIN_NEIGHBOUR_OVERLAP
    )


def cpu_flags() -> set[str]:
    """The CPU's feature flags (empty where ``/proc/cpuinfo`` is missing)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def candidates(device: str) -> list[str]:
    """Backends worth measuring on ``device``."""
    if device != "cpu":
        return ["torch-fp16", "torch-bf16"]
    found = ["onnx", "onnx-int8"]
    flags = cpu_flags()
    if flags & {"avx512_bf16", "amx_bf16"} or "bf16" in flags:
        found.insert(0, "torch-bf16")
    return found


def calibration_texts(sample: Sequence[str] | None = None) -> list[str]:
    """Texts to measure with: ``sample`` when it is big enough, else the demo comments."""
    texts = [t for t in (sample or []) if t.strip()]
    if len(texts) >= 200:
        return list(texts[:CALIBRATION_SIZE])
    from workbench.demo import corpus
    from workbench.demo.corpus import mastodon, reddit, x, youtube

    found: list[str] = []
    for module in (reddit, youtube, x, mastodon, corpus):
        for value in vars(module).values():
            if isinstance(value, list):
                found.extend(
                    str(item["text"]) for item in value
                    if isinstance(item, dict) and str(item.get("text", "")).strip()
                )
    return found[:CALIBRATION_SIZE]


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _fingerprint(ref: ModelRef, device: str) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            cpu = next((ln.split(":", 1)[1].strip() for ln in handle
                        if ln.startswith("model name")), cpu)
    except OSError:
        pass
    if device != "cpu":
        import torch

        cpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else device
    flags = ",".join(sorted(cpu_flags() & {"avx2", "avx512f", "avx512_bf16", "amx_bf16",
                                           "avx512_vnni", "amx_int8"}))
    return (f"{ref.model_id}|{device}|{cpu}|{flags}|torch {_version('torch')}"
            f"|ort {_version('onnxruntime')}")


def measure(
    ref: ModelRef, device: str, threads: int, names: Sequence[str], texts: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Throughput and :func:`quality` of each backend in ``names`` against ``torch``."""
    from workbench.embed.encoder import SentenceEncoder
    from workbench.errors import EmbedError

    results: dict[str, dict[str, Any]] = {}
    reference: np.ndarray | None = None
    for name in ["torch", *[n for n in names if n != "torch"]]:
        try:
            encoder = SentenceEncoder(ref.location, name, threads=threads, device=device).load()
            encoder.embed(texts[:32])  # warm-up: first calls allocate and compile kernels
            start = time.perf_counter()
            vectors = encoder.embed(texts)
            seconds = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - a failing candidate is measured as failing
            if name == "torch":
                raise EmbedError(
                    f"the reference backend 'torch' failed on this machine "
                    f"({type(exc).__name__}: {exc}); name a backend with --backend"
                ) from exc
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        if reference is None:
            reference = vectors
        results[name] = {"texts_per_s": round(len(texts) / seconds, 1),
                         **{k: round(v, 4) for k, v in quality(reference, vectors).items()}}
    return results


def choose_backend(
    ref: ModelRef, device: str, threads: int, sample: Sequence[str] | None = None
) -> str:
    """The backend ``auto`` stands for on this machine (measured once, then remembered)."""
    from workbench.embed.encoder import machine_cache_dir

    path = machine_cache_dir() / "backend-choice.json"
    key = _fingerprint(ref, device)
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known and "backend" in known[key]:
        return str(known[key]["backend"])
    texts = calibration_texts(sample)
    results = measure(ref, device, threads, candidates(device), texts)
    usable = {n: r for n, r in results.items() if "error" not in r and meets_bar(r)}
    best = max(usable, key=lambda n: usable[n]["texts_per_s"]) if usable else "torch"
    known[key] = {"backend": best, "measured": results, "texts": len(texts),
                  "threads": threads, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{time.time_ns()}.tmp")
    tmp.write_text(json.dumps(known, indent=2), encoding="utf-8")
    tmp.replace(path)
    return best


def remembered_choices() -> dict[str, Any]:
    """Every stored measurement, by fingerprint (for reports and benchmarks)."""
    from workbench.embed.encoder import machine_cache_dir

    try:
        return json.loads((machine_cache_dir() / "backend-choice.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
