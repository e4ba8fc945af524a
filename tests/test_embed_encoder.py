"""The sentence encoder, with the real packaged all-MiniLM-L6-v2 (no mocks)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tests.install_support import packaged_model  # noqa: F401 (a fixture)
from workbench.embed import SentenceEncoder, resolve_model
from workbench.embed.models import packaged_default
from workbench.errors import EmbedError

# The packaged model is a hard dependency: without it these tests fail, never skip.
pytestmark = pytest.mark.usefixtures("packaged_model")

TEXTS = [
    "The parking at the walk-in centre is impossible after 9am.",
    "Car park is always full, I had to park on the street.",
    "Staff were lovely and the nurse explained everything.",
    "Please keep the centre open in the evenings, I work days.",
    "😀👍",
    "Ankieta jest dostępna po polsku?",
]
LONG = " ".join(
    ["The bus to the hospital stops running at six so evening appointments are no use."] * 30
    + ["My real point is that the pharmacy should sell cheaper reading glasses."] * 30
)


@pytest.fixture(scope="module")
def reference() -> object:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(packaged_default()), device="cpu")


@pytest.fixture(scope="module")
def fp32() -> SentenceEncoder:
    return SentenceEncoder(backend="torch", threads=1).load()


def test_matches_plain_sentence_transformers(fp32: SentenceEncoder, reference) -> None:
    ours = fp32.embed(TEXTS)
    theirs = reference.encode(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(ours * theirs, axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosine.min() > 0.9999
    assert fp32.id == "sentence-transformers/all-MiniLM-L6-v2|torch|chunk"


def test_order_and_batching_do_not_change_vectors(fp32: SentenceEncoder) -> None:
    together = fp32.embed(TEXTS)
    one_by_one = np.vstack([fp32.embed([t]) for t in TEXTS])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)


def test_long_texts_are_chunked_not_cut(fp32: SentenceEncoder, reference) -> None:
    assert len(LONG.split()) > 3 * fp32.max_tokens
    chunked = fp32.embed([LONG])[0]
    truncated = SentenceEncoder(backend="torch", long_texts="truncate", threads=1).embed([LONG])[0]
    second_half = fp32.embed([LONG[len(LONG) // 2 :]])[0]
    # Truncation (what plain encode does) sees only the bus; chunking sees the glasses too.
    plain = reference.encode([LONG])[0]
    assert float(truncated @ plain) > 0.9999
    assert float(chunked @ second_half) > float(truncated @ second_half) + 0.05


def test_onnx_backends_agree_with_torch(fp32: SentenceEncoder) -> None:
    torch_vectors = fp32.embed(TEXTS)
    onnx = SentenceEncoder(backend="onnx", threads=1).embed(TEXTS)
    assert np.sum(onnx * torch_vectors, axis=1).min() > 0.9999
    int8 = SentenceEncoder(backend="onnx-int8", threads=1).embed(TEXTS)
    assert np.sum(int8 * torch_vectors, axis=1).mean() > 0.95


def test_bfloat16_stays_close(fp32: SentenceEncoder) -> None:
    bf16 = SentenceEncoder(backend="torch-bf16", threads=1).embed(TEXTS)
    assert np.sum(bf16 * fp32.embed(TEXTS), axis=1).min() > 0.99


def test_bad_settings_are_named() -> None:
    with pytest.raises(EmbedError, match=r"backend \('tpu'\)"):
        SentenceEncoder(backend="tpu").resolve()
    with pytest.raises(EmbedError, match=r"long_texts \('drop'\)"):
        SentenceEncoder(long_texts="drop").resolve()
    with pytest.raises(EmbedError, match="needs a GPU"):
        SentenceEncoder(backend="torch-fp16", device="cpu").load()


def test_model_names_and_folders(tmp_path: Path) -> None:
    assert resolve_model(None).model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2").local
    folder = resolve_model(str(packaged_default()))
    assert folder.local and folder.model_id.startswith("model@")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmbedError, match="not a sentence-transformers model"):
        resolve_model(str(tmp_path / "empty"))
    hub = resolve_model("someone/some-model")
    assert not hub.local and hub.location == "someone/some-model"


def test_a_model_that_cannot_be_had_offline_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbedError, match="could not load model 'nobody/no-such-model'"):
        SentenceEncoder("nobody/no-such-model", backend="torch").load()


def test_empty_input(fp32: SentenceEncoder) -> None:
    assert fp32.embed([]).shape[0] == 0
