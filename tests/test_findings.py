"""Findings: final codes, counts by platform/thread/period, co-occurrence, exemplars, methods."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.codebook import service
from workbench.codebook.model import Code, Codebook
from workbench.findings import compute
from workbench.findings.coded import final_codes, roll_up, theme_table
from workbench.findings.counts import period_unit, periods
from workbench.findings.exemplars import choose
from workbench.project import Project


def _codebook() -> Codebook:
    return Codebook(id="cb", title="t", codes=[
        Code(id="access", label="Access"), Code(id="access.bus", label="Bus", parent="access"),
        Code(id="praise", label="Praise"), Code(id="old", label="Old", status="retired"),
    ])  # fmt: skip


def test_final_codes_prefer_the_settled_consensus() -> None:
    codings = pd.DataFrame({
        "comment_id": ["c1", "c1", "c1", "c2", "c2"],
        "code_id": ["access", "praise", "praise", "access", "praise"],
        "coder": ["ann", "bob", "consensus", "ann", "bob"],
    })  # fmt: skip
    final = final_codes(codings)
    assert sorted(map(tuple, final.to_numpy())) == [("c1", "praise"), ("c2", "access"),
                                                    ("c2", "praise")]  # fmt: skip


def test_roll_up_counts_a_child_for_its_parent_and_drops_inactive_codes() -> None:
    themes = theme_table(_codebook())
    assert list(themes["code_id"]) == ["access", "access.bus", "praise"]
    pairs = pd.DataFrame({"comment_id": ["c1", "c1", "c2"],
                          "code_id": ["access.bus", "access", "old"]})  # fmt: skip
    rolled = roll_up(pairs, themes)
    assert sorted(map(tuple, rolled.to_numpy())) == [("c1", "access"), ("c1", "access.bus")]


def test_periods_are_weeks_from_monday_for_short_spans() -> None:
    times = pd.Series(pd.to_datetime(["2026-03-04T10:00Z", "2026-03-08T23:00Z", None], utc=True))
    assert period_unit(times) == "week"
    assert list(periods(times, "week")) == ["2026-03-02", "2026-03-02", None]
    long = pd.Series(pd.to_datetime(["2025-01-01T00:00Z", "2026-03-08T00:00Z"], utc=True))
    assert period_unit(long) == "month"
    assert list(periods(long, "month")) == ["2025-01", "2026-03"]


def _candidates(authors: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"comment_id": [f"c{i}" for i in range(len(authors))],
                         "text": ["a comment long enough to be quoted in an app"] * len(authors),
                         "author_pseudonym": authors,
                         "thread_id": ["t"] * len(authors)})  # fmt: skip


def test_exemplars_are_central_and_spread_over_authors() -> None:
    rng = np.random.default_rng(0)
    centre = np.ones(8)
    vectors = centre + rng.normal(0, 0.05, (6, 8))
    vectors[5] = -centre  # an outlier
    frame = _candidates(["a", "a", "a", "b", "c", "d"])
    picked = choose(frame, vectors, k=3)
    assert list(picked["rank"]) == [1, 2, 3]
    assert picked["author_pseudonym"].nunique() == 3  # not three quotes from "a"
    assert "c5" not in set(picked["comment_id"])  # the outlier is not typical
    assert picked["centrality"].iloc[0] == pytest.approx(picked["centrality"].max(), abs=0.05)


def test_exemplars_repeat_an_author_only_when_nobody_else_wrote() -> None:
    vectors = np.eye(4) + 1
    picked = choose(_candidates(["a", "a", "a", "a"]), vectors, k=3)
    assert len(picked) == 3


def test_exemplars_skip_bare_comments_when_there_are_better() -> None:
    frame = _candidates(["a", "b", "c"])
    frame.loc[0, "text"] = "ok"
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.2]])
    assert choose(frame, vectors, k=1)["comment_id"].iloc[0] != "c0"


@pytest.fixture(scope="module")
def findings(coded_demo: Path):
    with Project.open(coded_demo) as project:
        return compute(project)


def test_theme_counts_match_the_codings(findings, coded_demo: Path) -> None:
    with Project.open(coded_demo) as project:
        codings = project.store.codings()
        comments = project.comments()
    themes = findings.themes.set_index("code_id")
    ids = set(codings.loc[codings["code_id"] == "feedback.praise", "comment_id"])
    assert themes.loc["feedback.praise", "comments"] == len(ids)
    authors = comments.loc[comments["comment_id"].isin(ids), "author_pseudonym"].nunique()
    assert themes.loc["feedback.praise", "authors"] == authors
    # a parent counts its children's comments once each
    children = codings[codings["code_id"].str.startswith("feedback.")]["comment_id"].nunique()
    assert themes.loc["feedback", "comments"] == children


def test_breakdowns_add_up_to_the_theme(findings) -> None:
    themes = findings.themes.set_index("code_id")
    for dimension in ("platform", "thread", "period"):
        rows = findings.breakdown[findings.breakdown["dimension"] == dimension]
        sums = rows.groupby("code_id")["comments"].sum()
        for code_id, total in sums.items():
            assert total == themes.loc[code_id, "comments"], (dimension, code_id)
    assert findings.period_unit == "week"
    trend = findings.trend("feedback.complaint")
    assert list(trend["key"]) == sorted(trend["key"])


def test_cooccurrence_counts_comments_with_both(findings) -> None:
    direct = findings.coded.direct
    row = findings.cooccurrence.iloc[0]
    a = set(direct.loc[direct["code_id"] == row["code_a"], "comment_id"])
    b = set(direct.loc[direct["code_id"] == row["code_b"], "comment_id"])
    assert row["comments"] == len(a & b)
    assert row["jaccard"] == pytest.approx(len(a & b) / len(a | b))
    assert (findings.cooccurrence["code_a"] < findings.cooccurrence["code_b"]).all()


def test_crosstab_layout_quotes_agreement_and_methods(findings) -> None:
    assert findings.crosstab is not None and findings.crosstab["comments"].sum() > 0
    layout = findings.layout
    assert layout is not None and {"x", "y", "theme"} <= set(layout.columns)
    tops = set(findings.themes.loc[findings.themes["depth"] == 0, "code_id"])
    assert set(layout["theme"].dropna()) <= tops
    quotes = findings.quotes
    assert (quotes.groupby("code_id")["rank"].max() <= 5).all()
    for code_id, rows in quotes.groupby("code_id"):
        coded = set(findings.coded.assignments.loc[
            findings.coded.assignments["code_id"] == code_id, "comment_id"])
        assert set(rows["comment_id"]) <= coded
    assert findings.agreement is not None and len(findings.agreement["coders"]) == 2
    methods = findings.methods
    assert methods["clustering"]["run_id"] >= 1 and len(methods["codebook"]["sha256"]) == 64
    assert all(len(i["sha256"]) == 64 for i in methods["imports"])
    assert methods["coders"] == ["demo-coder-a", "demo-coder-b"]


def test_findings_of_an_earlier_codebook_version(coded_demo: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(coded_demo, root)
    with Project.open(root) as project:
        from workbench.codebook import revisions

        service.revise(project, lambda cb: revisions.rename(cb, "feedback.praise", "Thanks", "ann"))
        now = compute(project, embed=False)
        before = compute(project, 1, embed=False)
    assert now.version == 2 and before.version == 1
    label = {1: before, 2: now}
    assert label[2].themes.set_index("code_id").loc["feedback.praise", "label"] == "Thanks"
    assert label[1].themes.set_index("code_id").loc["feedback.praise", "label"] != "Thanks"
