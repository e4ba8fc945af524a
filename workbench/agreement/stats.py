"""Reliability coefficients: Krippendorff's alpha, Cohen's kappa and percent agreement.

The coefficients come from the well-kept libraries, imported when first needed: the
``krippendorff`` package (Castro's implementation of Krippendorff 2011, "Computing
Krippendorff's Alpha-Reliability") and scikit-learn's ``cohen_kappa_score``. What
they lack is written here:

- :func:`percent_agreement` over any number of coders with missing data;
- the same three figures for *binary* data (a code applied or not) with *weighted*
  units, from per-unit tallies that add up: :func:`binary_tallies`, then
  :func:`alpha_from_tallies`, :func:`kappa_from_tallies` and
  :func:`percent_from_tallies`. The per-code decomposition sums them over codes,
  passage units weigh by their length in characters, and a bootstrap resample is a
  weighting of comments, so thousands of replicates cost one matrix product. The
  tests check these formulas against both libraries.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError

#: Levels of measurement :func:`krippendorff_alpha` knows (Krippendorff 2011).
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

#: The columns of :func:`binary_tallies`: the coincidences ``o00``, ``o01`` (= ``o10``)
#: and ``o11`` (Krippendorff 2011), the agreeing share of coder pairs and the weight
#: of pairable units (percent agreement), and the two-coder confusion counts ``cAB``
#: (first coder said A, second said B; zero unless there are exactly two coders).
TALLIES: tuple[str, ...] = ("o00", "o01", "o11", "agree", "pairable", "c00", "c01", "c10",
                            "c11")  # fmt: skip


class AgreementError(WorkbenchError):
    """Agreement cannot be measured as asked (bad data, unknown code or coder, bad option)."""


# -- the public coefficients ----------------------------------------------------------------


def krippendorff_alpha(data: Any, level: str = "nominal") -> float:
    """Krippendorff's alpha of a coders × units matrix, with missing values.

    Parameters
    ----------
    data : array-like, shape (coders, units)
        The value each coder gave each unit; ``NaN`` (or ``None``) where a coder did
        not code the unit. Values may be numbers or, for ``level="nominal"``, labels.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        The level of measurement (the distance between two values).

    Returns
    -------
    float
        Alpha (1 perfect, 0 chance, below 0 systematic disagreement), computed by the
        ``krippendorff`` package; ``NaN`` where alpha is undefined: no unit coded by
        two or more coders, or a single value among the pairable values (no
        variation to agree on).

    Raises
    ------
    AgreementError
        For an unknown level, data that is not 2-D, or labels with a level other
        than nominal.

    Examples
    --------
    Krippendorff (2011), section C (4 observers, 12 units, missing values):

    >>> nan = float("nan")
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(data), 3)
    0.743
    """
    if level not in LEVELS:
        raise AgreementError(f"level {level!r} is not a level of measurement; use one of "
                             f"{', '.join(LEVELS)}")  # fmt: skip
    matrix = _matrix(data, level)
    present = ~np.isnan(matrix)
    if not (present.sum(axis=0) >= 2).any() or len(np.unique(matrix[present])) < 2:
        return float("nan")
    import krippendorff

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))
    return value if np.isfinite(value) else float("nan")


def cohen_kappa(a: Any, b: Any, *, sample_weight: Any = None) -> float:
    """Cohen's kappa of two coders' values for the same units.

    Parameters
    ----------
    a, b : array-like, shape (units,)
        The two coders' values (numbers or labels); a unit either coder left out
        (``NaN`` or ``None``) is left out of the comparison.
    sample_weight : array-like, shape (units,), optional
        A weight per unit (e.g. a passage's length in characters).

    Returns
    -------
    float
        Kappa computed by scikit-learn's ``cohen_kappa_score``; ``NaN`` where it is
        undefined (no unit coded by both, or both coders used one and the same value
        throughout).

    Raises
    ------
    AgreementError
        When ``a``, ``b`` and ``sample_weight`` are not 1-D of the same length, or
        mix labels that cannot be compared.
    """
    first, second = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if first.ndim != 1 or first.shape != second.shape or (
        weights is not None and weights.shape != first.shape
    ):
        raise AgreementError(
            f"cohen_kappa needs two 1-D sequences of the same length (and weights to match), "
            f"got shapes {first.shape} and {second.shape}"
            + ("" if weights is None else f" with weights {weights.shape}")
        )  # fmt: skip
    keep = ~(pd.isna(first) | pd.isna(second))
    if not keep.any():
        return float("nan")
    first, second = _plain(first[keep]), _plain(second[keep])
    labels = list(pd.unique(np.concatenate([first, second])))
    from sklearn.metrics import cohen_kappa_score

    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(cohen_kappa_score(first, second, labels=labels,
                                            sample_weight=None if weights is None
                                            else weights[keep]))  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise AgreementError(f"cohen_kappa cannot compare these values: {exc}") from exc
    return value if np.isfinite(value) else float("nan")


def percent_agreement(data: Any) -> float:
    """Percent agreement of a coders × units matrix, with missing values.

    Within each unit coded by two or more coders, the share of coder pairs that gave
    the same value; averaged over those units (each counts once, however many coders
    coded it). For two coders this is the plain share of units both coded alike.

    Parameters
    ----------
    data : array-like, shape (coders, units)
        As for :func:`krippendorff_alpha`.

    Returns
    -------
    float
        A percentage (0 to 100); ``NaN`` when no unit was coded by two coders.
    """
    matrix = _matrix(data, "nominal")
    present = ~np.isnan(matrix)
    coders = present.sum(axis=0)
    pairable = coders >= 2
    if not pairable.any():
        return float("nan")
    same = sum(counts * (counts - 1) for counts in
               ((matrix == value).sum(axis=0) for value in np.unique(matrix[present])))
    share = same[pairable] / (coders[pairable] * (coders[pairable] - 1))
    return float(100 * share.mean())


# -- binary data with weighted units ---------------------------------------------------------


def binary_tallies(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The additive tallies (:data:`TALLIES`) of each unit of binary reliability data.

    Parameters
    ----------
    values : ndarray, shape (coders, units)
        1 where a coder applied the code, 0 where they coded the unit without it,
        ``NaN`` where they did not code the unit.
    weights : ndarray, shape (units,), optional
        Each unit's weight (default 1): a passage's length in characters, or how
        often a bootstrap resample drew it.

    Returns
    -------
    ndarray, shape (units, 9)
        Weighted tallies; units coded by fewer than two coders tally zero. Sum rows
        (over units, codes or comments) and hand the sum to the ``*_from_tallies``
        functions.
    """
    values = np.asarray(values, dtype=float)
    present = ~np.isnan(values)
    ones = np.where(present, values, 0).sum(axis=0)
    coders = present.sum(axis=0).astype(float)
    zeros = coders - ones
    weight = np.ones(values.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    pairable = coders >= 2
    scale = np.divide(weight, coders - 1, out=np.zeros_like(weight), where=pairable)
    out = np.zeros((values.shape[1], len(TALLIES)))
    out[:, 0] = scale * zeros * (zeros - 1)
    out[:, 1] = scale * zeros * ones
    out[:, 2] = scale * ones * (ones - 1)
    pairs = coders * (coders - 1)
    same = zeros * (zeros - 1) + ones * (ones - 1)
    out[:, 3] = weight * np.divide(same, pairs, out=np.zeros_like(same), where=pairable)
    out[:, 4] = np.where(pairable, weight, 0)
    if values.shape[0] == 2:
        both = present.all(axis=0)
        for column, (x, y) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1)), start=5):
            out[:, column] = weight * (both & (values[0] == x) & (values[1] == y))
    return out


def alpha_from_tallies(tallies: np.ndarray) -> np.ndarray:
    """Krippendorff's alpha (binary, nominal) from summed tallies; ``NaN`` if undefined.

    ``alpha = 1 - (n - 1) o01 / (n0 n1)`` (Krippendorff 2011, section A), where
    ``n0 = o00 + o01`` and ``n1 = o11 + o01`` are the pairable values of each kind.
    Works on any leading shape (``tallies[..., :9]``).
    """
    t = np.asarray(tallies, dtype=float)
    o00, o01, o11 = t[..., 0], t[..., 1], t[..., 2]
    n0, n1 = o00 + o01, o11 + o01
    with np.errstate(all="ignore"):
        alpha = 1 - (n0 + n1 - 1) * o01 / (n0 * n1)
    return np.where(n0 * n1 > 0, alpha, np.nan)


def kappa_from_tallies(tallies: np.ndarray) -> np.ndarray:
    """Cohen's kappa (two coders, binary) from summed tallies; ``NaN`` if undefined."""
    t = np.asarray(tallies, dtype=float)
    c00, c01, c10, c11 = t[..., 5], t[..., 6], t[..., 7], t[..., 8]
    total = c00 + c01 + c10 + c11
    with np.errstate(all="ignore"):
        observed = (c00 + c11) / total
        first_zero, second_zero = (c00 + c01) / total, (c00 + c10) / total
        expected = first_zero * second_zero + (1 - first_zero) * (1 - second_zero)
        kappa = (observed - expected) / (1 - expected)
    return np.where((total > 0) & (expected < 1 - 1e-12), kappa, np.nan)


def percent_from_tallies(tallies: np.ndarray) -> np.ndarray:
    """Percent agreement (0 to 100) from summed tallies; ``NaN`` without pairable units."""
    t = np.asarray(tallies, dtype=float)
    with np.errstate(all="ignore"):
        percent = 100 * t[..., 3] / t[..., 4]
    return np.where(t[..., 4] > 0, percent, np.nan)


# -- helpers ---------------------------------------------------------------------------------


def _matrix(data: Any, level: str) -> np.ndarray:
    """``data`` as a float coders × units matrix (labels numbered for nominal data)."""
    raw = data.to_numpy() if isinstance(data, pd.DataFrame) else data
    try:
        matrix = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        labelled = np.asarray(raw, dtype=object)
        if level != "nominal":
            raise AgreementError(
                f"{level} alpha needs numbers; these values include labels such as "
                f"{next(v for v in labelled.ravel() if not _is_number(v))!r} (use nominal)"
            ) from None
        missing = pd.isna(labelled)
        numbers, _ = pd.factorize(pd.Series(labelled[~missing]).astype(str), sort=True)
        matrix = np.full(labelled.shape, np.nan)
        matrix[~missing] = numbers
    if matrix.ndim != 2:
        raise AgreementError(f"the data must be a coders × units matrix (2-D); got shape "
                             f"{matrix.shape}")  # fmt: skip
    return matrix


def _plain(values: np.ndarray) -> np.ndarray:
    """Numbers as floats (so 1 and 1.0 are one label), labels as they are."""
    try:
        return values.astype(float)
    except (TypeError, ValueError):
        return values


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
