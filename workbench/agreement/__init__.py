"""Inter-coder agreement: coefficients, per-code figures with intervals, and review.

:mod:`~workbench.agreement.stats` (:func:`krippendorff_alpha`, :func:`cohen_kappa`,
:func:`percent_agreement`, over the ``krippendorff`` package and scikit-learn),
:mod:`~workbench.agreement.units` (comments and passage characters as units),
:mod:`~workbench.agreement.figures` (per code and overall, bootstrap intervals:
:func:`measure_project`) and :mod:`~workbench.agreement.session` (the disagreement
review, :class:`~workbench.agreement.session.AgreementSession`).
"""

from __future__ import annotations

from workbench.agreement.figures import (
    ALL_CODES,
    COLUMNS,
    CONSENSUS,
    METHOD,
    AgreementReport,
    Bootstrap,
    measure,
    measure_project,
)
from workbench.agreement.stats import (
    LEVELS,
    AgreementError,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.units import Units, comment_units, span_units

__all__ = [
    "ALL_CODES",
    "COLUMNS",
    "CONSENSUS",
    "LEVELS",
    "METHOD",
    "AgreementError",
    "AgreementReport",
    "Bootstrap",
    "Units",
    "cohen_kappa",
    "comment_units",
    "krippendorff_alpha",
    "measure",
    "measure_project",
    "percent_agreement",
    "span_units",
]
