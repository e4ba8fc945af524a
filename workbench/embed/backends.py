"""Backends that turn padded token batches into sentence vectors.

=============  =============================================================
``torch``      the sentence-transformers model in float32: the reference
``torch-bf16`` the same model cast to bfloat16 (fast on CPUs with AVX512-BF16
               or AMX, and on GPUs); float32 out
``torch-fp16`` float16, GPUs only
``onnx``       the transformer exported to ONNX and run by ONNX Runtime, pooled
               here as the model's pooling layer says (mean, cls or max)
``onnx-int8``  that export with dynamically quantised int8 MatMul weights
=============  =============================================================

``auto`` (see :mod:`workbench.embed.choose`) measures them and takes the fastest
whose results stay materially the same as ``torch``'s.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.errors import EmbedError

BACKENDS = ("torch", "torch-bf16", "torch-fp16", "onnx", "onnx-int8")
"""Every backend name; ``auto`` picks one of them."""


class Backend(Protocol):
    """Runs one padded batch of token ids through the model."""

    name: str

    def run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Pooled vectors, float32, one row per sequence (not yet normalised)."""
        ...


class TorchBackend:
    """The sentence-transformers model itself, in float32, bfloat16 or float16."""

    def __init__(self, model: Any, name: str, device: str) -> None:
        import torch

        dtypes = {"torch": torch.float32, "torch-bf16": torch.bfloat16, "torch-fp16": torch.float16}
        if name == "torch-fp16" and device == "cpu":
            raise EmbedError("backend 'torch-fp16' needs a GPU; on CPU use 'torch-bf16'")
        self.name = name
        self.device = device
        self._torch = torch
        self._model = model.to(dtypes[name]).eval() if name != "torch" else model.eval()
        self._types = "token_type_ids" in getattr(model.tokenizer, "model_input_names", ())

    def run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Pooled vectors for one batch."""
        torch = self._torch
        features = {
            "input_ids": torch.from_numpy(input_ids).to(self.device),
            "attention_mask": torch.from_numpy(attention_mask).to(self.device),
        }
        if self._types:
            features["token_type_ids"] = torch.zeros_like(features["input_ids"])
        with torch.inference_mode():
            out = self._model(features)["sentence_embedding"]
        return out.float().cpu().numpy()


def _pooling_mode(model: Any) -> str:
    for module in model:
        if type(module).__name__ == "Pooling":
            config = module.get_config_dict()
            mode = config.get("pooling_mode")
            if mode is None:  # older configs: one flag per mode
                mode = next(
                    (m for m in ("cls", "max", "mean") if config.get(f"pooling_mode_{m}_token")
                     or config.get(f"pooling_mode_{m}_tokens")),
                    "mean",
                )
            return str(mode)
    return "mean"


def _export_onnx(model: Any, path: Path) -> None:
    """Export the model's transformer (token states only) to ``path``."""
    import torch

    transformer = model[0].auto_model
    types = "token_type_ids" in getattr(model.tokenizer, "model_input_names", ())

    class _States(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            extra = {"token_type_ids": torch.zeros_like(input_ids)} if types else {}
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state

    sample = model.tokenizer(["a short example", "and another one"], padding=True,
                             return_tensors="pt")
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.{time.time_ns()}.tmp.onnx")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _States().eval(),
            (sample["input_ids"], sample["attention_mask"]),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["states"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "states": {0: "batch", 1: "tokens"},
            },
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(path)


def _quantise(source: Path, target: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f"{target.stem}.{os.getpid()}.{time.time_ns()}.tmp.onnx")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic warns through the root logger
    try:
        quantize_dynamic(str(source), str(tmp), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"])
    except Exception as exc:  # noqa: BLE001 - the quantiser's failures are many and varied
        tmp.unlink(missing_ok=True)
        raise EmbedError(
            f"could not quantise {source} to int8 ({type(exc).__name__}: {exc}); "
            "use --backend onnx or torch"
        ) from exc
    finally:
        root.setLevel(level)
    tmp.replace(target)


class OnnxBackend:
    """The transformer exported to ONNX (optionally int8), pooled in numpy."""

    def __init__(self, model: Any, name: str, folder: Path, threads: int) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise EmbedError(
                f"backend {name!r} needs onnxruntime: pip install onnxruntime"
            ) from exc
        self.name = name
        self.pooling = _pooling_mode(model)
        if self.pooling not in ("mean", "cls", "max"):
            raise EmbedError(
                f"backend {name!r} supports mean, cls and max pooling, not "
                f"{self.pooling!r}; use --backend torch"
            )
        self.normalise = any(type(m).__name__ == "Normalize" for m in model)
        plain = folder / "model.onnx"
        if not plain.exists():
            try:
                _export_onnx(model, plain)
            except Exception as exc:  # noqa: BLE001 - exporter failures are many and varied
                raise EmbedError(
                    f"could not export the model to ONNX ({type(exc).__name__}: {exc}); "
                    "use --backend torch"
                ) from exc
        path = plain
        if name == "onnx-int8":
            path = folder / "model-int8.onnx"
            if not path.exists():
                _quantise(plain, path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Pooled vectors for one batch."""
        states = self._session.run(
            None,
            {"input_ids": input_ids.astype(np.int64),
             "attention_mask": attention_mask.astype(np.int64)},
        )[0]
        if self.pooling == "cls":
            pooled = states[:, 0, :]
        elif self.pooling == "max":
            masked = np.where(attention_mask[:, :, None] > 0, states, -np.inf)
            pooled = masked.max(axis=1)
        else:
            weights = attention_mask[:, :, None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if self.normalise:
            pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32, copy=False)


def make_backend(name: str, model: Any, device: str, onnx_folder: Path, threads: int) -> Backend:
    """Build backend ``name`` around a loaded sentence-transformers ``model``.

    The torch backends may cast ``model`` in place: load one per backend.
    """
    if name not in BACKENDS:
        raise EmbedError(
            f"unknown backend {name!r}; choose one of auto, {', '.join(BACKENDS)}"
        )
    if name.startswith("torch"):
        return TorchBackend(model, name, device)
    if device != "cpu":
        raise EmbedError(f"backend {name!r} runs on CPU only; on a GPU use 'torch-fp16'")
    return OnnxBackend(model, name, onnx_folder, threads)
