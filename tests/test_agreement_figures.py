"""Agreement per code and overall on a small coded project, and the bootstrap intervals.

The project (:func:`code_for_agreement`): the five test comments, the small codebook,
and codings by ann, ben and cat chosen so that the figures can be worked by hand:

======  ===========================  ==================  ===========
comment ann                          ben                 cat
======  ===========================  ==================  ===========
c1      waiting, delays              waiting             waiting
c2      waiting on characters 0-20   waiting on 10-30    (none)
c3      barriers.access              barriers.access     (none)
c4      barriers                     (none)              (none)
c5      waiting                      delays              delays
======  ===========================  ==================  ===========

c4 is coded by ann alone, so it is no unit; c2 is the only comment with passages.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from workbench.agreement import (
    ALL_CODES,
    COLUMNS,
    AgreementError,
    Bootstrap,
    cohen_kappa,
    krippendorff_alpha,
    measure,
    measure_project,
)
from workbench.codebook import service
from workbench.errors import CodebookError
from workbench.project import Project

DATA = Path(__file__).parent / "data"
SMALL = DATA / "codebooks" / "small.yaml"
C1, C2, C3, C4, C5 = (f"reddit:t1_c{n}" for n in range(1, 6))
CODES = ["barriers", "barriers.access", "barriers.familiarity", "waiting", "delays"]


def new_project(root: Path, database: str | None = None) -> Project:
    """The five test comments and the small codebook, no codings yet."""
    project = Project.init(root, actor="ann", database=database)
    project.import_files([DATA / "project" / "dump_a.ndjson"])
    project.import_files([DATA / "project" / "dump_b.ndjson"])
    service.adopt(project, SMALL)
    return project


def code_for_agreement(project: Project) -> None:
    """The codings of the table in this module's text."""
    project.store.add_codings([
        {"comment_id": C1, "code_id": "waiting", "coder": "ann", "memo": "four hours"},
        {"comment_id": C1, "code_id": "delays", "coder": "ann"},
        {"comment_id": C1, "code_id": "waiting", "coder": "ben"},
        {"comment_id": C1, "code_id": "waiting", "coder": "cat"},
        {"comment_id": C2, "code_id": "waiting", "coder": "ann", "span_start": 0, "span_end": 20},
        {"comment_id": C2, "code_id": "waiting", "coder": "ben", "span_start": 10,
         "span_end": 30},
        {"comment_id": C3, "code_id": "barriers.access", "coder": "ann"},
        {"comment_id": C3, "code_id": "barriers.access", "coder": "ben"},
        {"comment_id": C4, "code_id": "barriers", "coder": "ann"},
        {"comment_id": C5, "code_id": "waiting", "coder": "ann"},
        {"comment_id": C5, "code_id": "delays", "coder": "ben"},
        {"comment_id": C5, "code_id": "delays", "coder": "cat"},
    ], "ann", codebook_version=1)  # fmt: skip


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Project]:
    with new_project(tmp_path / "study") as opened:
        code_for_agreement(opened)
        yield opened


# Comment-level values of each code: coders ann, ben, cat × units c1, c2, c3, c5.
VALUES = {
    "waiting": [[1, 1, 0, 1], [1, 1, 0, 0], [1, math.nan, math.nan, 0]],
    "delays": [[1, 0, 0, 0], [0, 0, 0, 1], [0, math.nan, math.nan, 1]],
    "barriers.access": [[0, 0, 1, 0], [0, 0, 1, 0], [0, math.nan, math.nan, 0]],
}


def test_per_code_figures_on_comments(project: Project) -> None:
    report = measure_project(project, bootstrap=Bootstrap(replicates=200))
    assert report.coders == ("ann", "ben", "cat") and report.codes == tuple(CODES)
    assert list(report.table.columns) == list(COLUMNS)
    assert report.levels["comment"] == {"comments": 4, "units": 4, "single_coded": 1}
    waiting = report.row("comment", "waiting")
    # Coincidences by hand: o00 = 3, o01 = 1, o11 = 5; n0 = 4, n1 = 6, n = 10.
    assert waiting["alpha"] == pytest.approx(1 - 9 * 1 / (4 * 6))
    assert waiting["percent_agreement"] == pytest.approx(100 * (3 + 1 / 3) / 4)
    assert waiting["kappa"] is None, "kappa is for two coders"
    assert waiting["label"] == "Waiting times" and waiting["applied"] == 3
    for code, values in VALUES.items():
        row = report.row("comment", code)
        assert row["alpha"] == pytest.approx(krippendorff.alpha(
            reliability_data=values, level_of_measurement="nominal")), code
        assert row["comments"] == 4 and row["units"] == 4
    for code in ("barriers", "barriers.familiarity"):
        row = report.row("comment", code)
        assert row["alpha"] is None and row["percent_agreement"] == 100.0 and row["applied"] == 0


def test_all_codes_together_pool_one_unit_per_comment_and_code(project: Project) -> None:
    report = measure_project(project, bootstrap=Bootstrap(replicates=0))
    overall = report.row("comment")
    assert overall["code_id"] is None and overall["label"] == ALL_CODES
    pooled = np.concatenate([report.units["comment"].values[k] for k in range(len(CODES))],
                            axis=1)  # fmt: skip
    assert pooled.shape == (3, 20) and overall["units"] == 20
    assert overall["alpha"] == pytest.approx(krippendorff_alpha(pooled))
    assert overall["alpha_low"] is None, "no replicates, no interval"


def test_two_coders_get_kappa(project: Project) -> None:
    report = measure_project(project, coders=["ann", "ben"], bootstrap=Bootstrap(replicates=0))
    waiting = report.row("comment", "waiting")
    # ann 1 1 0 1, ben 1 1 0 0: observed 3/4, expected 3/4 · 2/4 + 1/4 · 2/4 = 1/2.
    assert waiting["kappa"] == pytest.approx(0.5)
    assert waiting["percent_agreement"] == 75.0
    overall = report.row("comment")
    values = report.units["comment"].values
    assert overall["kappa"] == pytest.approx(cohen_kappa(values[:, 0].ravel(),
                                                         values[:, 1].ravel()))  # fmt: skip


def test_passages_are_measured_on_characters(project: Project) -> None:
    report = measure_project(project, bootstrap=Bootstrap(replicates=50))
    assert report.levels["span"] == {"comments": 1, "units": 77}, "c2 has 77 characters"
    waiting = report.row("span", "waiting")
    # ann covers 0-20, ben 10-30: they agree on 10-20 (yes) and 30-77 (no).
    assert waiting["percent_agreement"] == pytest.approx(100 * 57 / 77)
    ann = np.r_[np.ones(20), np.zeros(57)]
    ben = np.r_[np.zeros(10), np.ones(20), np.zeros(47)]
    expected = krippendorff.alpha(reliability_data=[ann, ben], level_of_measurement="nominal")
    assert waiting["alpha"] == pytest.approx(expected) == pytest.approx(1 - 153 * 20 / (114 * 40))
    assert waiting["kappa"] is None, "cat coded c1 and c5, so three coders are compared"
    assert waiting["alpha_low"] is None, "one comment: no interval"
    two = measure_project(project, coders=["ann", "ben"], bootstrap=Bootstrap(replicates=0))
    assert two.row("span", "waiting")["kappa"] == pytest.approx(cohen_kappa(ann, ben))


def test_a_whole_comment_coding_covers_every_character() -> None:
    codings = pd.DataFrame([
        {"comment_id": "x", "code_id": "a", "coder": "p", "span_start": None, "span_end": None},
        {"comment_id": "x", "code_id": "a", "coder": "q", "span_start": 0, "span_end": 5},
        {"comment_id": "x", "code_id": "b", "coder": "q", "span_start": 5, "span_end": 10},
    ]).astype({"span_start": "Int64", "span_end": "Int64"})  # fmt: skip
    report = measure(codings, coders=["p", "q"], codes=["a", "b"], lengths={"x": 10},
                     bootstrap=Bootstrap(replicates=0))  # fmt: skip
    assert report.row("span", "a")["percent_agreement"] == 50.0, "p covers 0-10, q 0-5"
    assert report.row("span", "b")["percent_agreement"] == 50.0
    assert report.row("span")["units"] == 20


def test_intervals_are_seeded_and_contain_the_estimate() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for n in range(120):
        truth = rng.random() < 0.4
        for coder in ("p", "q", "r"):
            if coder == "r" and n % 3:
                continue  # r coded a third of the comments
            if (rng.random() < 0.85) == truth:
                rows.append({"comment_id": f"c{n}", "code_id": "a", "coder": coder})
            rows.append({"comment_id": f"c{n}", "code_id": "seen", "coder": coder})
    codings = pd.DataFrame(rows).assign(span_start=pd.NA, span_end=pd.NA)
    first = measure(codings, coders=["p", "q", "r"], codes=["a"], bootstrap=Bootstrap(seed=1))
    row = first.row("comment", "a")
    for name, short in (("percent_agreement", "percent"), ("alpha", "alpha")):
        assert row[f"{short}_low"] < row[name] < row[f"{short}_high"], name
    assert 0.3 < row["alpha"] < 0.8
    again = measure(codings, coders=["p", "q", "r"], codes=["a"], bootstrap=Bootstrap(seed=1))
    pd.testing.assert_frame_equal(first.table, again.table)
    other = measure(codings, coders=["p", "q", "r"], codes=["a"], bootstrap=Bootstrap(seed=2))
    assert other.row("comment", "a")["alpha_low"] != row["alpha_low"]
    narrow = measure(codings, coders=["p", "q", "r"], codes=["a"],
                     bootstrap=Bootstrap(seed=1, confidence=0.5)).row("comment", "a")
    assert row["alpha_low"] < narrow["alpha_low"] < narrow["alpha_high"] < row["alpha_high"]


def test_one_replicate_is_the_figure_on_a_resample_of_the_comments(project: Project) -> None:
    """The vectorised bootstrap equals the library on the comments it drew."""
    report = measure_project(project, coders=["ann", "ben"],
                             bootstrap=Bootstrap(replicates=1, seed=11))  # fmt: skip
    units = report.units["comment"]
    rng = np.random.default_rng(np.random.SeedSequence(11).spawn(2)[0])
    picks = rng.integers(0, len(units.comments), size=(1, len(units.comments)))[0]
    for k, code in enumerate(CODES):
        drawn = units.values[k][:, picks]
        row = report.row("comment", code)
        alpha, kappa = krippendorff_alpha(drawn), cohen_kappa(drawn[0], drawn[1])
        assert row["alpha_low"] == pytest.approx(alpha, nan_ok=True) or math.isnan(alpha)
        assert row["kappa_low"] == pytest.approx(kappa, nan_ok=True) or math.isnan(kappa)
        if not math.isnan(alpha):
            assert row["alpha_low"] == row["alpha_high"] == pytest.approx(alpha)


def test_report_as_json_and_text(project: Project) -> None:
    report = measure_project(project, codes=["waiting", "delays"], coders=["ann", "ben"],
                             bootstrap=Bootstrap(replicates=100, seed=5))  # fmt: skip
    data = report.as_dict()
    assert data["coders"] == ["ann", "ben"] and data["codes"] == ["waiting", "delays"]
    assert data["bootstrap"]["replicates"] == 100 and data["bootstrap"]["seed"] == 5
    assert set(data["definitions"]) == {"comment", "span", "overall"}
    assert [(r["level"], r["code_id"]) for r in data["rows"]] == [
        ("comment", None), ("comment", "waiting"), ("comment", "delays"),
        ("span", None), ("span", "waiting"), ("span", "delays")]  # fmt: skip
    assert all(not (isinstance(v, float) and math.isnan(v)) for r in data["rows"]
               for v in r.values()), "NaN never reaches JSON"  # fmt: skip
    text = report.describe()
    assert "coders: ann, ben; 100 bootstrap replicates (seed 5)" in text
    assert "all codes" in text and "waiting" in text


def test_consensus_is_never_a_coder(project: Project) -> None:
    project.store.add_codings([{"comment_id": C5, "code_id": "delays", "coder": "consensus",
                                "origin": "consensus"}], "ann", codebook_version=1)
    report = measure_project(project, bootstrap=Bootstrap(replicates=0))
    assert "consensus" not in report.coders
    with pytest.raises(AgreementError, match="'consensus' is the settled coding"):
        measure_project(project, coders=["ann", "consensus"])


def test_helpful_errors(project: Project, tmp_path: Path) -> None:
    with pytest.raises(AgreementError, match="unknown code 'waits'; the codebook's codes are: "
                                             "barriers, "):
        measure_project(project, codes=["waits"])
    with pytest.raises(AgreementError, match="no codings by coder 'dan'; coders with codings: "
                                             "ann, ben, cat"):
        measure_project(project, coders=["ann", "dan"])
    with pytest.raises(AgreementError, match="two or more coders; only 'ann' was named "
                                             r"\(coders with codings: ann, ben, cat\)"):
        measure_project(project, coders=["ann"])
    with pytest.raises(AgreementError, match=r"confidence \(1.5\) must be between 0 and 1"):
        measure_project(project, bootstrap=Bootstrap(confidence=1.5))
    with pytest.raises(AgreementError, match=r"replicates \(-1\) must be a whole number"):
        measure_project(project, bootstrap=Bootstrap(replicates=-1))
    with Project.init(tmp_path / "bare", actor="ann") as bare, pytest.raises(
            CodebookError, match="has no codebook yet"):
        measure_project(bare)
