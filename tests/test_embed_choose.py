"""Choosing the backend: measured quality bar, remembered per machine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.install_support import packaged_model  # noqa: F401 (a fixture)
from workbench.embed.choose import candidates, choose_backend, meets_bar, quality
from workbench.embed.models import resolve_model


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_quality_of_identical_and_perturbed_vectors() -> None:
    rng = np.random.default_rng(0)
    base = _unit(rng.normal(size=(300, 32)))
    same = quality(base, base)
    assert same == {"mean_cosine": pytest.approx(1.0), "neighbour_overlap": 1.0}
    assert meets_bar(same)
    slightly = quality(base, _unit(base + rng.normal(scale=0.01, size=base.shape)))
    assert slightly["mean_cosine"] > 0.99 and slightly["neighbour_overlap"] > 0.9
    noisy = quality(base, _unit(base + rng.normal(scale=0.3, size=base.shape)))
    assert noisy["neighbour_overlap"] < 0.9 and not meets_bar(noisy)


def test_candidates_for_gpu_and_cpu() -> None:
    assert candidates("cuda") == ["torch-fp16", "torch-bf16"]
    assert {"onnx", "onnx-int8"} <= set(candidates("cpu"))


@pytest.mark.usefixtures("packaged_model")
def test_auto_measures_once_then_remembers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WORKBENCH_CACHE_HOME", str(tmp_path))
    from workbench.demo.corpus import reddit

    sample = [str(c["text"]) for c in reddit.COMMENTS if c.get("text")]
    sample = (sample * 3)[:200]
    ref = resolve_model(None)
    chosen = choose_backend(ref, "cpu", 1, sample)
    stored = json.loads((tmp_path / "backend-choice.json").read_text())
    (entry,) = stored.values()
    assert entry["backend"] == chosen
    measured = entry["measured"]
    assert measured["torch"]["mean_cosine"] == pytest.approx(1.0)
    if chosen != "torch":
        assert meets_bar(measured[chosen])
        assert measured[chosen]["texts_per_s"] >= max(
            r["texts_per_s"] for n, r in measured.items() if "error" not in r and meets_bar(r)
        )
    # The second call reads the stored choice instead of measuring again.
    (tmp_path / "backend-choice.json").write_text(
        json.dumps({key: {**value, "backend": "onnx"} for key, value in stored.items()})
    )
    assert choose_backend(ref, "cpu", 1, sample) == "onnx"


@pytest.mark.usefixtures("packaged_model")
def test_a_failing_candidate_is_recorded_not_fatal() -> None:
    from workbench.embed.choose import measure

    texts = ["parking is hard", "buses are late", "staff were kind"] * 4
    results = measure(resolve_model(None), "cpu", 1, ["no-such-backend"], texts)
    assert results["torch"]["mean_cosine"] == pytest.approx(1.0)
    assert "backend ('no-such-backend') must be" in results["no-such-backend"]["error"]
