"""The coefficients: Krippendorff's published examples, and agreement with the libraries.

The worked examples are those of Krippendorff, K. (2011). *Computing Krippendorff's
Alpha-Reliability*. Annenberg School for Communication, University of Pennsylvania
(https://repository.upenn.edu/asc_papers/43):

- the first, **binary data, two observers, no missing data** (Mary and Jon, ten
  units): o01 = 4, n0 = 14, n1 = 6, n = 20, so alpha = 1 - 19 · 4 / (14 · 6) = 0.095;
- **nominal data, any number of observers, missing data** (four observers, twelve
  units, unit 12 coded once and so not pairable): n = 40 pairable values, n_c = 9,
  13, 10, 5, 3 for the values 1..5, 8 disagreeing pairs, so alpha_nominal =
  1 - 39 · 8 / (40² - Σ n_c²) = 1 - 312 / 1216 = 0.743; the same data give
  alpha_ordinal = 0.815, alpha_interval = 0.849 and alpha_ratio = 0.797.
"""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from workbench.agreement import (
    AgreementError,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.stats import (
    TALLIES,
    alpha_from_tallies,
    binary_tallies,
    kappa_from_tallies,
    percent_from_tallies,
)
from workbench.errors import WorkbenchError

nan = math.nan
#: Krippendorff (2011), binary data, two observers: Mary's and Jon's values of 10 units.
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
          [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]  # fmt: skip
#: Krippendorff (2011), nominal data, observers A-D, 12 units, missing values.
NOMINAL = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
           [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
           [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
           [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]  # fmt: skip


# -- Krippendorff's worked examples ----------------------------------------------------------


def test_the_binary_two_observer_example() -> None:
    assert krippendorff_alpha(BINARY) == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert round(krippendorff_alpha(BINARY), 3) == 0.095
    tallies = binary_tallies(np.array(BINARY, dtype=float)).sum(axis=0)
    o00, o01, o11 = tallies[:3]
    assert (o00, o01, o11) == (10, 4, 2), "the paper's coincidence matrix"
    assert alpha_from_tallies(tallies) == pytest.approx(0.0952381, abs=1e-7)
    assert percent_agreement(BINARY) == 60.0, "6 of the 10 units agree"


def test_the_nominal_example_with_four_observers_and_missing_data() -> None:
    assert krippendorff_alpha(NOMINAL) == pytest.approx(1 - 312 / 1216)
    assert round(krippendorff_alpha(NOMINAL, level="nominal"), 3) == 0.743


@pytest.mark.parametrize(("level", "alpha"), [("ordinal", 0.815), ("interval", 0.849),
                                              ("ratio", 0.797)])  # fmt: skip
def test_the_same_data_at_other_levels_of_measurement(level: str, alpha: float) -> None:
    assert round(krippendorff_alpha(NOMINAL, level=level), 3) == alpha


def test_labels_are_nominal_values() -> None:
    labels = [[None if math.isnan(v) else "abcde"[int(v) - 1] for v in row] for row in NOMINAL]
    assert krippendorff_alpha(labels) == pytest.approx(1 - 312 / 1216)
    assert percent_agreement(labels) == pytest.approx(percent_agreement(NOMINAL))
    with pytest.raises(AgreementError, match="interval alpha needs numbers.*'a'"):
        krippendorff_alpha(labels, level="interval")


# -- undefined figures and helpful errors ----------------------------------------------------


def test_undefined_figures_are_nan() -> None:
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, nan]])), "no variation"
    assert math.isnan(krippendorff_alpha([[1, nan], [nan, 2]])), "no unit coded twice"
    assert math.isnan(krippendorff_alpha(np.zeros((3, 0)))), "no units"
    assert math.isnan(cohen_kappa([0, 0, 0], [0, 0, 0])), "one value throughout"
    assert math.isnan(cohen_kappa([0, nan], [nan, 1])), "no unit both coded"
    assert math.isnan(percent_agreement([[1, nan], [nan, 2]]))
    empty = np.zeros(len(TALLIES))
    for figure in (alpha_from_tallies, kappa_from_tallies, percent_from_tallies):
        assert math.isnan(figure(empty))


def test_bad_input_is_refused_with_the_value_and_the_fix() -> None:
    with pytest.raises(AgreementError, match="level 'nominl' .* nominal, ordinal, interval"):
        krippendorff_alpha(NOMINAL, level="nominl")
    with pytest.raises(AgreementError, match=r"coders × units matrix \(2-D\); got shape \(3,\)"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(AgreementError, match=r"same length.*\(3,\) and \(2,\)"):
        cohen_kappa([1, 2, 3], [1, 2])
    assert issubclass(AgreementError, WorkbenchError)


def test_kappa_leaves_out_units_either_coder_missed() -> None:
    a, b = [1, 0, nan, 1, 0, None], [1, 1, 0, 1, 0, 1]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score([1, 0, 1, 0], [1, 1, 1, 0]))
    labels = ["yes", "no", None, "yes", "no"], ["yes", "yes", "no", "yes", "no"]
    assert cohen_kappa(*labels) == pytest.approx(cohen_kappa(a[:5], b[:5]))


# -- agreement with the libraries on random data ---------------------------------------------


def _random_matrix(rng: np.random.Generator, values: int, missing: float) -> np.ndarray:
    coders, units = int(rng.integers(2, 6)), int(rng.integers(3, 60))
    data = rng.integers(0, values, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < missing] = nan
    return data


@pytest.mark.parametrize("seed", range(25))
def test_alpha_kappa_and_percent_agree_with_the_libraries(seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = _random_matrix(rng, int(rng.integers(2, 6)), float(rng.uniform(0, 0.5)))
    present = ~np.isnan(data)
    if (present.sum(axis=0) >= 2).any() and len(np.unique(data[present])) > 1:
        with np.errstate(all="ignore"):
            expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        got = krippendorff_alpha(data)
        assert got == pytest.approx(expected, nan_ok=True)
    both = present[0] & present[1]
    if len(set(data[0, both]) | set(data[1, both])) > 1:
        assert cohen_kappa(data[0], data[1]) == pytest.approx(
            cohen_kappa_score(data[0, both], data[1, both]))
    assert percent_agreement(data) == pytest.approx(_pairwise_percent(data), nan_ok=True)


def _pairwise_percent(data: np.ndarray) -> float:
    """Percent agreement the slow way: every pair of coders within every unit."""
    shares = []
    for unit in data.T:
        values = unit[~np.isnan(unit)]
        if len(values) >= 2:
            pairs = list(itertools.combinations(values, 2))
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    return 100 * float(np.mean(shares)) if shares else nan


binary_data = st.integers(2, 5).flatmap(lambda coders: st.lists(
    st.lists(st.sampled_from([0.0, 1.0, nan]), min_size=coders, max_size=coders),
    min_size=1, max_size=30))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(units=binary_data, weights=st.lists(st.integers(1, 4), min_size=30, max_size=30))
def test_weighted_tallies_equal_the_libraries_on_repeated_units(units: list[list[float]],
                                                                 weights: list[int]) -> None:
    """A unit of weight w counts as w copies (passages, bootstrap resamples)."""
    data = np.array(units).T  # coders × units
    w = np.array(weights[: data.shape[1]])
    tallies = binary_tallies(data, w).sum(axis=0)
    repeated = np.repeat(data, w, axis=1)
    present = ~np.isnan(repeated)
    defined = (present.sum(axis=0) >= 2).any() and len(np.unique(repeated[present])) > 1
    with np.errstate(all="ignore"):
        expected = (krippendorff.alpha(reliability_data=repeated, level_of_measurement="nominal")
                    if defined else nan)  # fmt: skip
    assert alpha_from_tallies(tallies) == pytest.approx(expected, nan_ok=True, abs=1e-9)
    assert percent_from_tallies(tallies) == pytest.approx(_pairwise_percent(repeated),
                                                          nan_ok=True)  # fmt: skip
    if data.shape[0] == 2:
        assert kappa_from_tallies(tallies) == pytest.approx(
            cohen_kappa(data[0], data[1], sample_weight=w), nan_ok=True, abs=1e-9)
        assert cohen_kappa(data[0], data[1], sample_weight=w) == pytest.approx(
            cohen_kappa(repeated[0], repeated[1]), nan_ok=True)


def test_tallies_add_up_over_units() -> None:
    rng = np.random.default_rng(7)
    data = rng.integers(0, 2, size=(3, 40)).astype(float)
    data[rng.random(data.shape) < 0.2] = nan
    whole = binary_tallies(data).sum(axis=0)
    parts = binary_tallies(data[:, :15]).sum(axis=0) + binary_tallies(data[:, 15:]).sum(axis=0)
    assert np.allclose(whole, parts)
    assert alpha_from_tallies(whole) == pytest.approx(krippendorff_alpha(data))
