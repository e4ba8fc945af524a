"""The suggestion model on synthetic vectors: modes, calibration, prevalence, errors."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.coding.suggest import unit_rows
from workbench.suggest import CodeScorer, SuggestError


def _clusters(shares: list[float], n: int, rng: np.random.Generator, spread: float = 0.9):
    """Unit vectors around one direction per code (overlapping), and their codes."""
    dim = 16
    centres = np.eye(dim)[: len(shares)]
    codes = rng.choice(len(shares), size=n, p=shares)
    vectors = centres[codes] + spread * rng.standard_normal((n, dim)) / np.sqrt(dim) * 3
    return unit_rows(vectors), codes, centres


def _descriptions(centres: np.ndarray) -> list[np.ndarray]:
    return [c[None, :].astype(np.float32) for c in centres]


def test_cold_start_is_cosine_to_the_first_description_vector() -> None:
    rng = np.random.default_rng(0)
    vectors, _, centres = _clusters([0.5, 0.5], 50, rng)
    scorer = CodeScorer().fit(np.zeros((0, 16)), np.zeros((0, 2), bool), _descriptions(centres))
    assert scorer.mode_ == "cold-start"
    np.testing.assert_allclose(scorer.predict(vectors), vectors @ centres.T, atol=1e-6)


def test_codes_compete_only_when_no_comment_has_two() -> None:
    rng = np.random.default_rng(1)
    vectors, codes, centres = _clusters([0.4, 0.3, 0.3], 60, rng)
    labels = np.eye(3, dtype=bool)[codes]
    exclusive = CodeScorer().fit(vectors, labels, _descriptions(centres))
    assert exclusive.mode_ == "exclusive"
    probabilities = exclusive.predict(vectors)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)
    labels[0, :2] = True
    multi = CodeScorer().fit(vectors, labels, _descriptions(centres))
    assert multi.mode_ == "multi-label"
    scores = multi.predict(vectors)
    assert scores.shape == (60, 3) and ((scores >= 0) & (scores <= 1)).all()
    assert not np.allclose(scores.sum(axis=1), 1.0), "one model per code: no competition"


def test_comments_coded_only_with_other_codes_form_an_other_class() -> None:
    rng = np.random.default_rng(2)
    vectors, codes, centres = _clusters([0.3, 0.3, 0.4], 90, rng)
    labels = np.eye(3, dtype=bool)[codes][:, :2]  # the third code is not asked about
    scorer = CodeScorer().fit(vectors, labels, _descriptions(centres[:2]))
    assert scorer.mode_ == "exclusive" and scorer.classes_ == 3
    scores = scorer.predict(vectors)
    assert scores.shape == (90, 2)
    assert scores[codes == 2].sum(axis=1).mean() < scores[codes != 2].sum(axis=1).mean()


def test_prevalence_of_the_pool_is_recovered() -> None:
    """Coded examples balanced, the uncoded pool 80/20: EM finds the pool's shares."""
    rng = np.random.default_rng(3)
    coded, coded_codes, centres = _clusters([0.5, 0.5], 200, rng, spread=0.6)
    pool, pool_codes, _ = _clusters([0.8, 0.2], 3000, rng, spread=0.6)
    labels = np.eye(2, dtype=bool)[coded_codes]
    scorer = CodeScorer().fit(coded, labels, _descriptions(centres), pool)
    assert scorer.coded_prevalence_ == pytest.approx([0.5, 0.5], abs=0.08)
    # The coded comments count as Dirichlet pseudo-counts: the MAP estimate's target.
    share = (np.bincount(pool_codes, minlength=2) + labels.sum(axis=0)) / (3000 + 200)
    assert scorer.prevalence_ == pytest.approx(share, abs=0.03)
    shifted = scorer.predict(pool)
    plain = CodeScorer(prevalence=False).fit(coded, labels, _descriptions(centres), pool)
    assert shifted[:, 0].mean() > plain.predict(pool)[:, 0].mean() + 0.03
    accuracy = lambda s: (s.argmax(axis=1) == pool_codes).mean()  # noqa: E731
    assert accuracy(shifted) > accuracy(plain.predict(pool))


def test_prevalence_keeps_each_codes_order_when_codes_co_occur() -> None:
    rng = np.random.default_rng(4)
    coded, coded_codes, centres = _clusters([0.5, 0.5], 120, rng)
    pool, _, _ = _clusters([0.9, 0.1], 1000, rng)
    labels = np.eye(2, dtype=bool)[coded_codes]
    labels[:5] = True  # a few comments carry both codes
    shifted = CodeScorer().fit(coded, labels, _descriptions(centres), pool)
    plain = CodeScorer(prevalence=False).fit(coded, labels, _descriptions(centres), pool)
    assert shifted.mode_ == "multi-label" and shifted.prevalence_ is not None
    for j in range(2):
        order = np.argsort(-shifted.predict(pool)[:, j], kind="stable")
        again = np.argsort(-plain.predict(pool)[:, j], kind="stable")
        assert (order == again).mean() > 0.99


def test_calibration_waits_for_enough_codings() -> None:
    rng = np.random.default_rng(5)
    vectors, codes, centres = _clusters([0.5, 0.5], 8, rng)
    labels = np.eye(2, dtype=bool)[codes]
    few = CodeScorer().fit(vectors, labels, _descriptions(centres), vectors)
    assert few.calibration_.temperature == 1.0 and few.prevalence_ is None
    vectors, codes, centres = _clusters([0.5, 0.5], 40, rng)
    more = CodeScorer().fit(vectors, np.eye(2, dtype=bool)[codes], _descriptions(centres),
                            vectors)  # fmt: skip
    assert more.calibration_.temperature != 1.0 and more.prevalence_ is not None


def test_descriptions_count_as_examples() -> None:
    rng = np.random.default_rng(6)
    vectors, codes, centres = _clusters([0.5, 0.5], 6, rng, spread=1.5)
    labels = np.eye(2, dtype=bool)[codes]
    probe = centres[1][None, :]
    with_descriptions = CodeScorer(description_weight=5.0).fit(vectors, labels,
                                                               _descriptions(centres))
    without = CodeScorer(description_weight=0.0).fit(vectors, labels, _descriptions(centres))
    assert with_descriptions.predict(probe)[0, 1] > without.predict(probe)[0, 1]


def test_uncertainty_is_highest_between_codes() -> None:
    rng = np.random.default_rng(7)
    vectors, codes, centres = _clusters([0.5, 0.5], 60, rng)
    scorer = CodeScorer().fit(vectors, np.eye(2, dtype=bool)[codes], _descriptions(centres))
    between = unit_rows((centres[0] + centres[1])[None, :])
    clear = centres[:1]
    assert scorer.uncertainty(between)[0] > scorer.uncertainty(clear)[0]


@pytest.mark.parametrize(("params", "message"), [
    ({"C": 0}, r"C \(0\) must be > 0"),
    ({"description_weight": -1}, r"description_weight \(-1\) must be >= 0"),
    ({"folds": 1}, r"folds \(1\) must be >= 2"),
    ({"min_calibration": 2}, r"min_calibration \(2\) must be >= 4"),
    ({"max_pool": 10}, r"max_pool \(10\) must be >= 100"),
])  # fmt: skip
def test_bad_parameters_are_named_when_fitting(params: dict, message: str) -> None:
    scorer = CodeScorer(**params)  # stored untouched
    with pytest.raises(SuggestError, match=message):
        scorer.fit(np.zeros((0, 4)), np.zeros((0, 1), bool), [np.ones((1, 4))])
