"""The numpy evaluation of fastText's language model gives fastText's own labels."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_language import AWKWARD
from workbench import langid, language
from workbench.language import _THRESHOLD, _line, _model, _predict, _table


def fasttext_labels(lines: list[str]) -> list[str | None]:
    """What fastText itself says, one line at a time."""
    return [found[0][9:] if found else None for found in _predict(lines)]


def numpy_labels(table: langid.TokenTable, lines: list[str]) -> tuple[list[str | None], int]:
    found, close = langid.predict(table, lines, _THRESHOLD)
    return [table.model.labels[i] if i >= 0 else None for i in found], len(close)


@pytest.fixture(scope="module")
def table() -> langid.TokenTable:
    built = _table()
    assert built is not None, "the packaged model is a hierarchical-softmax classifier"
    return langid.TokenTable(built.model)


#: Lines that test fastText's tokenising: its separators (and what is not one),
#: labels and end-of-line words inside a text, undecodable text, long words.
TOKENS = [
    "the waiting\ttime was\vtoo long\fand nobody\rtold us anything\n",
    "the waiting\x00time was too long and nobody told us anything\n",
    "the waiting\x1ctime was\x1ftoo long and nobody told us anything\n",
    "the waiting\u00a0time was\u2003too long and nobody\u3000told us anything\n",
    "czekałam </s> cztery godziny na przyjęcie, to jest za długo\n",
    "</s> nothing before the end of the line\n",
    "the __label__de waiting time was too long __label__xx and nobody cared\n",
    "__label__en __label__fr\n",
    "caf\ud800 and the waiting room was full all afternoon\n",
    "Pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism\n",
    "a b c d e f g h i j k l m n o p\n",
    "😀😀😀 👍👍 救急外来で三時間待ちましたが 😀\n",
    "    spaces   everywhere    in   this   line   of   text   \n",
    "\n",
]


def test_labels_match_fasttext_on_awkward_and_tokenising_lines(
    table: langid.TokenTable,
) -> None:
    lines = [line for line in map(_line, AWKWARD) if line] + TOKENS
    labels, _ = numpy_labels(table, lines)
    expected = fasttext_labels(lines)
    close = langid.predict(table, lines, _THRESHOLD)[1]
    for index in close:  # the caller asks fastText about these
        labels[index] = expected[index]
    assert labels == expected


def test_scores_are_fasttexts_probabilities(table: langid.TokenTable) -> None:
    """A threshold just under fastText's probability keeps the label, just over drops it."""
    lines = [line for line in map(_line, AWKWARD) if line]
    for line in lines:
        ((probability, name),) = _model().f.predict(line, 1, 0.0, "replace")
        # fastText reports exp(log(p + 1e-5)); the threshold is compared with p.
        p = probability - 1e-5
        below, _ = langid.predict(table, [line], p * (1 - 1e-4))
        above, close = langid.predict(table, [line], p * (1 + 1e-4))
        assert table.model.labels[below[0]] == name.removeprefix("__label__")
        assert above == [-1] or len(close) == 1


def test_a_small_table_starts_again_and_keeps_labels(table: langid.TokenTable) -> None:
    lines = [line for line in map(_line, AWKWARD) if line]
    small = langid.TokenTable(table.model, capacity=20)
    first, _ = numpy_labels(small, lines)
    second, _ = numpy_labels(small, lines[::-1])
    assert len(small.index) < 20 + len(" ".join(lines).split())
    assert second == first[::-1]
    assert first == numpy_labels(table, lines)[0]


def test_the_numpy_path_is_used_for_batches_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = langid.predict

    def counting(table: langid.TokenTable, lines: list[str], threshold: float):  # noqa: ANN202
        calls.append(len(lines))
        return real(table, lines, threshold)

    monkeypatch.setattr(language, "predict", counting)
    monkeypatch.setattr(language, "NUMPY_MIN_LINES", 1)
    monkeypatch.setattr(language, "NUMPY_CHUNK", 7)  # several chunks
    texts = AWKWARD * 3
    labels = language.detect_languages(texts)
    assert len(calls) > 1, "evaluated with numpy, a chunk at a time"
    monkeypatch.setattr(language, "NUMPY_MIN_LINES", 10**9)
    assert language.detect_languages(texts) == labels


def test_close_calls_are_left_to_fasttext(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = AWKWARD * 3
    monkeypatch.setattr(language, "NUMPY_MIN_LINES", 1)
    expected = language.detect_languages(texts)
    monkeypatch.setattr(langid, "MARGIN", 100.0)  # every decision is close
    asked: list[int] = []
    real = language._predict
    monkeypatch.setattr(language, "_predict", lambda lines: asked.append(len(lines))
                        or real(lines))
    assert language.detect_languages(texts) == expected
    assert sum(asked) == len({line for line in map(_line, texts) if line})


def test_a_model_of_another_kind_is_refused() -> None:
    with pytest.raises(langid.UnsupportedModel, match="not a fastText model"):
        langid.load_model(b"\0" * 64)
    data = bytearray(language._resource().read_bytes())
    data[8 + 4 * 6 : 8 + 4 * 7] = (2).to_bytes(4, "little")  # loss: negative sampling
    with pytest.raises(langid.UnsupportedModel, match="hierarchical softmax"):
        langid.load_model(bytes(data))


def test_the_model_is_read_whole(table: langid.TokenTable) -> None:
    model = table.model
    assert len(model.labels) == 176 and "en" in model.labels
    assert model.input.dtype == np.float32 and model.input.shape[1] == model.dim == 16
    assert sum(len(nodes) for nodes, _, _ in model.levels) == len(model.labels) - 1


def test_following_the_likelier_branch_finds_the_labels_of_scoring_every_leaf(
    table: langid.TokenTable,
) -> None:
    """At the workbench's threshold one path of the tree is walked; all leaves agree."""
    lines = [line for line in map(_line, AWKWARD) if line] + TOKENS
    hidden = langid._hidden(table, lines)
    path_leaf, path_score, _ = langid._descend(table.model, hidden)
    best, top, _ = langid._walk_all(table.model, hidden)
    limit = np.float32(np.log(np.float32(_THRESHOLD) + 1e-5))
    labelled = top >= limit
    assert labelled.sum() > len(lines) // 2, "most of these lines have a label"
    assert (path_leaf[labelled] == best[labelled]).all()
    assert np.allclose(path_score[labelled], top[labelled], atol=1e-5)
    assert _THRESHOLD >= langid.DESCEND_FROM, "the workbench's threshold takes one path"
    assert (path_leaf < len(table.model.labels)).all(), "every walk ends at a leaf"
