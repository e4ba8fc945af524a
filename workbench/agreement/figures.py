"""Agreement per code and overall, with bootstrap confidence intervals.

:func:`measure_project` reads a project's codings and codebook and hands them to
:func:`measure`, which works on plain frames. For each level of unit (comments, and
passages where codes were applied to passages; see :mod:`workbench.agreement.units`)
it reports, for every code and for all codes together:

- **percent agreement**: the share of coder pairs within a unit that agree, averaged
  over the units (:func:`~workbench.agreement.stats.percent_agreement`);
- **Cohen's kappa** when exactly two coders are compared;
- **Krippendorff's alpha** (nominal) for any number of coders, with missing data.

*All codes together* pools the units of every code: one unit per comment and code
(or per character and code), so each code counts as often as it could have been
applied. The coder ``consensus`` (the settled coding of a disagreement review,
:mod:`workbench.agreement.session`) is never one of the coders compared.

**Confidence intervals**: a nonparametric *cluster* bootstrap (Efron & Tibshirani
1993): ``replicates`` resamples of the comments, drawn with replacement with a
:func:`numpy.random.default_rng` seeded by ``seed`` (the same seed gives the same
intervals), each comment bringing all its units (passage characters included);
every figure is recomputed on each resample and the interval is the percentile
interval (the central ``confidence`` share of the replicates). Resamples on which a
figure is undefined (no variation, e.g. nobody applied the code) are left out; when
more than half are, the interval is left empty, as it is with fewer than two
comments. With few comments (say under 30) the intervals are rough. The comment and
passage levels draw from separate streams of the same seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.agreement.stats import (
    AgreementError,
    alpha_from_tallies,
    binary_tallies,
    cohen_kappa,
    kappa_from_tallies,
    krippendorff_alpha,
    percent_from_tallies,
)
from workbench.agreement.units import Units, comment_units, span_units

if TYPE_CHECKING:
    from workbench.codebook.model import Codebook
    from workbench.project import Project

#: The coder name of settled codings: left out of every agreement figure.
CONSENSUS = "consensus"
#: Columns of :attr:`AgreementReport.table`; ``code_id`` is None on the rows of all
#: codes together. ``units`` counts characters on the passage level.
COLUMNS: tuple[str, ...] = (
    "level", "code_id", "label", "comments", "units", "applied", "percent_agreement",
    "percent_low", "percent_high", "kappa", "kappa_low", "kappa_high", "alpha", "alpha_low",
    "alpha_high",
)  # fmt: skip
#: The figures of a row, each with ``_low`` and ``_high`` interval bounds.
FIGURES: tuple[str, ...] = ("percent_agreement", "kappa", "alpha")
#: The label of the rows of all codes together.
ALL_CODES = "all codes"
#: How the units and intervals are made, for reports and the methods record.
METHOD = {
    "comment": "a comment coded by two or more coders; per code, 1 if a coder applied the "
               "code anywhere in it, 0 if they coded the comment without it, missing if they "
               "did not code it",
    "span": "a character of a comment in which a code was applied to a passage; per code, 1 "
            "if a coder's coding of the code covers it (a whole-comment coding covers all), 0 "
            "if not, missing if they did not code the comment",
    "overall": "all codes pooled: one binary unit per comment (or character) and code",
    "bootstrap": "cluster bootstrap over comments (resampled with replacement, all their "
                 "units along), percentile interval; resamples where a figure is undefined "
                 "are left out",
}  # fmt: skip
_NOT_A_CODER = (f"{CONSENSUS!r} is the settled coding of the disagreement review, not a coder: "
                "it is left out of agreement figures")
_CHUNK_CELLS = 2_000_000  # resample weights held at once (replicates × comments)


@dataclass(frozen=True)
class Bootstrap:
    """How confidence intervals are drawn: ``replicates`` (0: none), ``seed``, ``confidence``."""

    replicates: int = 1000
    seed: int = 0
    confidence: float = 0.95

    def check(self) -> None:
        """Raise :class:`AgreementError` for a value out of range, quoting it."""
        if not isinstance(self.replicates, int) or self.replicates < 0:
            raise AgreementError(f"replicates ({self.replicates!r}) must be a whole number "
                                 ">= 0 (0: no confidence intervals)")  # fmt: skip
        if not 0 < self.confidence < 1:
            raise AgreementError(f"confidence ({self.confidence!r}) must be between 0 and 1, "
                                 "e.g. 0.95")  # fmt: skip


@dataclass(frozen=True)
class AgreementReport:
    """Agreement figures of some coders on some codes.

    Attributes
    ----------
    table : DataFrame
        One row per level and code (:data:`COLUMNS`), all codes together first.
    coders, codes : tuple of str
        Who was compared, on which codes (codebook order).
    levels : dict
        Per level: ``comments`` (units' comments) and ``units``; on the comment level
        also ``single_coded`` (comments only one of the coders coded: no units).
    bootstrap : Bootstrap
        How the intervals were drawn.
    units : dict of str to Units
        The reliability data itself, per level.
    """

    table: pd.DataFrame
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    levels: dict[str, dict[str, int]]
    bootstrap: Bootstrap
    units: dict[str, Units] = field(repr=False, default_factory=dict)

    def row(self, level: str, code_id: str | None = None) -> dict[str, Any]:
        """The figures of one code (None: all codes together) at ``level``."""
        rows = self.table[(self.table["level"] == level) & (
            self.table["code_id"].isna() if code_id is None else self.table["code_id"] == code_id
        )]  # fmt: skip
        if rows.empty:
            raise AgreementError(f"no {level} figures for {code_id or ALL_CODES!r}; levels: "
                                 f"{', '.join(self.levels)}; codes: {', '.join(self.codes)}")
        return _clean(rows.iloc[0].to_dict())

    def as_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (undefined figures are None)."""
        b = self.bootstrap
        return {
            "coders": list(self.coders), "codes": list(self.codes), "levels": self.levels,
            "definitions": {k: v for k, v in METHOD.items() if k != "bootstrap"},
            "bootstrap": {"replicates": b.replicates, "seed": b.seed,
                          "confidence": b.confidence, "method": METHOD["bootstrap"]},
            "rows": [_clean(r) for r in self.table.to_dict(orient="records")],
        }  # fmt: skip

    def describe(self) -> str:
        """The figures as a plain-text table, for a terminal."""
        lines = [f"coders: {', '.join(self.coders)}; {self.bootstrap.replicates} bootstrap "
                 f"replicates (seed {self.bootstrap.seed}), "
                 f"{self.bootstrap.confidence:.0%} intervals"]  # fmt: skip
        for level, sizes in self.levels.items():
            many = "" if sizes["comments"] == 1 else "s"
            lines.append(f"{level} units: {sizes['units']:,} in {sizes['comments']:,} comment{many}"
                         + (f" ({sizes['single_coded']} coded by one coder only: left out)"
                            if sizes.get("single_coded") else ""))  # fmt: skip
        lines.append(f"{'level':<8} {'code':<24} {'units':>7} {'applied':>7}  "
                     f"{'% agreement':<22} {'kappa':<22} {'alpha':<22}")  # fmt: skip
        for row in self.table.to_dict(orient="records"):
            figures = "  ".join(f"{_interval(row, name, len(self.coders)):<22}"
                                for name in FIGURES)  # fmt: skip
            code = ALL_CODES if pd.isna(row["code_id"]) else str(row["code_id"])
            lines.append(f"{row['level']:<8} {code[:24]:<24} "
                         f"{row['units']:>7,.0f} {row['applied']:>7,.0f}  {figures}")
        return "\n".join(lines)


def measure(codings: pd.DataFrame, *, coders: Sequence[str], codes: Sequence[str],
            labels: Mapping[str, str] | None = None, lengths: Mapping[str, int] | None = None,
            bootstrap: Bootstrap | None = None) -> AgreementReport:  # fmt: skip
    """Agreement of ``coders`` on ``codes`` in ``codings`` (see the module's text).

    Parameters
    ----------
    codings : DataFrame
        Active codings (``comment_id``, ``code_id``, ``coder``, ``span_start``,
        ``span_end``), every coder's; codes not measured still say who coded a
        comment.
    coders : sequence of str
        Two or more coders to compare (not :data:`CONSENSUS`).
    codes : sequence of str
        The codes measured, in the order of the rows.
    labels : mapping, optional
        Code labels for the table (default: the ids).
    lengths : mapping, optional
        Comment text lengths, for passages coded next to whole-comment codings.
        Without it, the passage level is left out.
    bootstrap : Bootstrap, optional
        Interval settings (default: 1000 replicates, seed 0, 95 %).
    """
    bootstrap = bootstrap or Bootstrap()
    bootstrap.check()
    coders, codes = list(dict.fromkeys(coders)), list(dict.fromkeys(codes))
    if CONSENSUS in coders:
        raise AgreementError(_NOT_A_CODER)
    if len(coders) < 2:
        raise AgreementError(f"agreement needs two or more coders; got {coders or 'none'}")
    if not codes:
        raise AgreementError("no codes to measure agreement on")
    labels = labels or {}
    levels = {"comment": comment_units(codings, coders, codes)}
    if lengths is not None:
        spans = span_units(codings, lengths, coders, codes)
        if spans.comments:
            levels["span"] = spans
    seeds = np.random.SeedSequence(bootstrap.seed).spawn(2)
    rows, sizes = [], {}
    for (name, units), seed in zip(levels.items(), seeds, strict=False):
        rows.extend(_rows(units, labels, bootstrap, np.random.default_rng(seed)))
        sizes[name] = {"comments": len(units.comments), "units": int(units.size)}
    mine = codings[codings["coder"].isin(coders)]
    sizes["comment"]["single_coded"] = int(mine["comment_id"].nunique()
                                           - len(levels["comment"].comments))  # fmt: skip
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return AgreementReport(table, tuple(coders), tuple(codes), sizes, bootstrap, levels)


def measure_project(project: Project, *, codes: Sequence[str] | None = None,
                    coders: Sequence[str] | None = None,
                    bootstrap: Bootstrap | None = None) -> AgreementReport:  # fmt: skip
    """Agreement on a project's codings (see :func:`measure`).

    Parameters
    ----------
    project : Project
        The open project; it needs a codebook.
    codes : sequence of str, optional
        Code ids (default: the codebook's active codes).
    coders : sequence of str, optional
        Coders with codings (default: all of them but :data:`CONSENSUS`).
    bootstrap : Bootstrap, optional
        Interval settings.

    Raises
    ------
    AgreementError
        For an unknown code or coder, or fewer than two coders.
    CodebookError
        When the project has no codebook yet.
    """
    from workbench.codebook import service

    codebook = service.require(project)
    codings = project.store.codings()
    codes, coders = choose(codebook, codings, codes, coders)
    labels = {code.id: code.label for code in codebook.codes}
    return measure(codings, coders=coders, codes=codes, labels=labels,
                   lengths=text_lengths(project, codings), bootstrap=bootstrap)  # fmt: skip


def choose(codebook: Codebook, codings: pd.DataFrame, codes: Sequence[str] | None,
           coders: Sequence[str] | None) -> tuple[list[str], list[str]]:  # fmt: skip
    """The codes and coders to compare, checked against the codebook and the codings.

    Without ``codes``, the codebook's active codes; without ``coders``, everyone with
    codings but :data:`CONSENSUS`.

    Raises
    ------
    AgreementError
        Naming an unknown code or coder (and the known ones), :data:`CONSENSUS` as a
        coder, or fewer than two coders.
    """
    named = bool(coders)
    if codes:
        unknown = [c for c in codes if not codebook.has(c)]
        if unknown:
            raise AgreementError(f"unknown code {unknown[0]!r}; the codebook's codes are: "
                                 f"{', '.join(codebook.ids)}")  # fmt: skip
        codes = list(dict.fromkeys(codes))
    else:
        codes = [code.id for code in codebook.active]
    known = sorted(set(codings["coder"]) - {CONSENSUS})
    if coders:
        if CONSENSUS in coders:
            raise AgreementError(_NOT_A_CODER)
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise AgreementError(f"no codings by coder {unknown[0]!r}; coders with codings: "
                                 f"{', '.join(known) or 'none yet'}")  # fmt: skip
        coders = list(dict.fromkeys(coders))
    else:
        coders = known
    if len(coders) < 2 and named:
        raise AgreementError(f"agreement compares two or more coders; only {coders[0]!r} was "
                             f"named (coders with codings: {', '.join(known)})")  # fmt: skip
    if len(coders) < 2:
        raise AgreementError("agreement needs codings by two or more coders; so far "
                             + (f"only {coders[0]} has coded" if coders else "nobody has coded"))
    return codes, coders


def text_lengths(project: Project, codings: pd.DataFrame) -> dict[str, int]:
    """Text lengths of the comments with passage codings (the only ones that need it)."""
    spanned = set(codings.loc[codings["span_start"].notna(), "comment_id"])
    if not spanned:
        return {}
    comments = project.comments()
    comments = comments[comments["comment_id"].isin(spanned)]
    return dict(zip(comments["comment_id"], comments["text"].fillna("").str.len(),
                    strict=True))  # fmt: skip


# -- one level ---------------------------------------------------------------------------------


def _rows(units: Units, labels: Mapping[str, str], bootstrap: Bootstrap,
          rng: np.random.Generator) -> list[dict[str, Any]]:  # fmt: skip
    """The rows of one level: all codes together, then each code."""
    tallies = np.stack([binary_tallies(units.values[k], units.weights)
                        for k in range(len(units.codes))], axis=1)  # units × codes × 9
    by_comment = np.zeros((len(units.comments), *tallies.shape[1:]))
    np.add.at(by_comment, units.comment_of, tallies)
    points = _points(units, tallies)
    bounds = _intervals(by_comment, bootstrap, rng)
    applied = (np.nan_to_num(units.values).max(axis=1) * units.weights).sum(axis=1)
    rows = []
    for k, code_id in enumerate([None, *units.codes]):
        row = {"level": units.level, "code_id": code_id,
               "label": ALL_CODES if code_id is None else labels.get(code_id, code_id),
               "comments": len(units.comments), "units": units.size * (
                   len(units.codes) if code_id is None else 1),
               "applied": float(applied.sum() if code_id is None else applied[k - 1])}
        for n, name in enumerate(FIGURES):
            row[name] = points[name][k]
            row[f"{_short(name)}_low"], row[f"{_short(name)}_high"] = bounds[n][k]
        rows.append(row)
    return rows


def _points(units: Units, tallies: np.ndarray) -> dict[str, list[float]]:
    """Each figure for all codes together and for each code.

    Comment units are equally weighted, so alpha and kappa come straight from the
    ``krippendorff`` package and scikit-learn; passage segments carry weights, which
    only scikit-learn's kappa takes, so their alpha comes from the coincidence
    tallies (tested equal to the package on the character-by-character data).
    """
    pooled = np.concatenate([tallies.sum(axis=(0, 1))[None], tallies.sum(axis=0)])
    two = len(units.coders) == 2
    columns = [units.values.transpose(1, 0, 2).reshape(len(units.coders), -1), *units.values]
    weights = [np.tile(units.weights, len(units.codes)), *([units.weights] * len(units.codes))]
    if units.level == "comment":
        alpha = [krippendorff_alpha(values) for values in columns]
    else:
        alpha = [float(a) for a in alpha_from_tallies(pooled)]
    kappa = [cohen_kappa(v[0], v[1], sample_weight=w) if two else math.nan
             for v, w in zip(columns, weights, strict=True)]  # fmt: skip
    return {"percent_agreement": [float(p) for p in percent_from_tallies(pooled)],
            "kappa": kappa, "alpha": alpha}


def _intervals(by_comment: np.ndarray, bootstrap: Bootstrap,
               rng: np.random.Generator) -> list[list[tuple[float, float]]]:  # fmt: skip
    """Percentile intervals of each figure (all codes, then each code) over resamples."""
    n_comments, n_codes = by_comment.shape[:2]
    empty = [[(math.nan, math.nan)] * (n_codes + 1) for _ in FIGURES]
    if bootstrap.replicates == 0 or n_comments < 2:
        return empty
    flat = by_comment.reshape(n_comments, -1)
    chunk = max(1, min(bootstrap.replicates, _CHUNK_CELLS // n_comments))
    draws = []
    for start in range(0, bootstrap.replicates, chunk):
        size = min(chunk, bootstrap.replicates - start)
        picks = rng.integers(0, n_comments, size=(size, n_comments))
        counts = np.bincount((picks + n_comments * np.arange(size)[:, None]).ravel(),
                             minlength=size * n_comments).reshape(size, n_comments)
        summed = (counts @ flat).reshape(size, n_codes, -1)
        draws.append(np.concatenate([summed.sum(axis=1, keepdims=True), summed], axis=1))
    resampled = np.concatenate(draws)  # replicates × (1 + codes) × 9
    tail = 100 * (1 - bootstrap.confidence) / 2
    out = []
    for figure in (percent_from_tallies, kappa_from_tallies, alpha_from_tallies):
        values = figure(resampled)
        bounds = []
        for column in values.T:
            defined = column[np.isfinite(column)]
            if len(defined) * 2 < len(column):
                bounds.append((math.nan, math.nan))
            else:
                low, high = np.percentile(defined, [tail, 100 - tail])
                bounds.append((float(low), float(high)))
        out.append(bounds)
    return out


def _short(name: str) -> str:
    return "percent" if name == "percent_agreement" else name


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """NaN as None; whole numbers of units as ints."""
    out = {}
    for key, value in row.items():
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif key in ("comments", "units", "applied") and value is not None:
            value = int(round(value))
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def _interval(row: dict[str, Any], name: str, coders: int) -> str:
    value = row[name]
    if name == "kappa" and coders != 2:
        return "n/a (two coders only)"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    low, high = row[f"{_short(name)}_low"], row[f"{_short(name)}_high"]
    digits = 1 if name == "percent_agreement" else 3
    text = f"{value:.{digits}f}"
    if low is None or (isinstance(low, float) and math.isnan(low)):
        return text
    return f"{text} [{low:.{digits}f}, {high:.{digits}f}]"
