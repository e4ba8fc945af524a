"""The disagreement review, headless, on SQLite and on PostgreSQL (the ``store_url`` fixture).

The project is that of ``tests/test_agreement_figures.py``: ann, ben and cat disagree
on c1 (delays) and c5 (waiting, delays) and on c2's passages; they agree on c3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.test_agreement_figures import C1, C2, C3, C5, code_for_agreement, new_project
from workbench.agreement import AgreementError, Bootstrap, measure_project
from workbench.agreement.session import DISAGREEMENT_COLUMNS, AgreementSession
from workbench.project import Project

FAST = Bootstrap(replicates=50)


@pytest.fixture()
def project(store_url: str, tmp_path: Path) -> Iterator[Project]:
    database = None if store_url.startswith("sqlite") else store_url
    with new_project(tmp_path / "study", database) as opened:
        code_for_agreement(opened)
        yield opened


@pytest.fixture()
def session(project: Project) -> AgreementSession:
    return AgreementSession(project, reviewer="rev", bootstrap=FAST)


def consensus(project: Project) -> pd.DataFrame:
    return project.store.codings(coder="consensus")


def test_the_disagreements_are_listed(session: AgreementSession) -> None:
    units = session.disagreements()
    assert list(units.columns) == list(DISAGREEMENT_COLUMNS)
    assert units["comment_id"].tolist() == [C1, C2, C5], "c3 is agreed, c4 coded once"
    by_id = units.set_index("comment_id")
    assert by_id.at[C1, "kind"] == "codes" and by_id.at[C1, "disputed"] == ["delays"]
    assert by_id.at[C1, "agreed"] == ["waiting"]
    assert by_id.at[C2, "kind"] == "passages" and by_id.at[C2, "disputed"] == ["waiting"]
    assert by_id.at[C5, "disputed"] == ["waiting", "delays"] and by_id.at[C5, "agreed"] == []
    assert by_id.at[C5, "coders"] == ["ann", "ben", "cat"]
    assert not units["settled"].any()
    assert session.status() == ("3 coders (ann, ben, cat) on 5 codes: 4 comments coded by two "
                                "or more, 1 with passages; 3 disagreements, 3 not settled yet")
    assert session.table().equals(session.report.table)


def test_a_unit_shows_every_coder_with_passages(session: AgreementSession) -> None:
    unit = session.select(C2)
    assert session.selected == C2 and unit["kind"] == "passages"
    assert unit["text"].startswith("Same here") and unit["author"].startswith("anon_")
    assert set(unit["coders"]) == {"ann", "ben"}, "cat did not code c2"
    [ann] = unit["coders"]["ann"]
    assert ann["span"] == (0, 20) and ann["passage"] == unit["text"][:20]
    assert ann["label"] == "Waiting times"
    assert unit["proposed"] == ["waiting"] and unit["consensus"] == []
    assert session.unit(C1)["coders"]["ann"][0]["memo"] == "four hours"


def test_settling_records_the_consensus_and_leaves_the_figures(
    session: AgreementSession, project: Project,
) -> None:
    before = measure_project(project, bootstrap=FAST).table
    session.select(C1)
    message = session.settle(["waiting", "delays"], memo="both fit")
    assert message == f"{C1}: settled by rev as waiting, delays (2 added, 0 removed)"
    rows = consensus(project)
    assert sorted(rows["code_id"]) == ["delays", "waiting"]
    assert set(rows["origin"]) == {"consensus"} and set(rows["memo"]) == {"both fit"}
    assert rows["span_start"].isna().all()
    actions = project.store.actions()
    assert actions.iloc[-1]["actor"] == "rev", "the reviewer is who settled"
    assert session.disagreements()["comment_id"].tolist() == [C2, C5]
    settled = session.disagreements(include_settled=True).set_index("comment_id")
    assert settled.at[C1, "settled"] and settled.at[C1, "consensus"] == ["waiting", "delays"]
    assert session.unit(C1)["proposed"] == ["waiting", "delays"]
    pd.testing.assert_frame_equal(measure_project(project, bootstrap=FAST).table, before)
    assert ann_codes(project, C1) == ["waiting", "delays"], "the coders' codings stay"

    message = session.settle(["waiting"], C1)
    assert message.endswith("(0 added, 1 removed)")
    assert consensus(project)["code_id"].tolist() == ["waiting"]
    assert session.settle(["waiting"], C1).endswith("that is the consensus already; "
                                                    "nothing changed")


def ann_codes(project: Project, comment_id: str) -> list[str]:
    rows = project.store.codings(coder="ann")
    return rows.loc[rows["comment_id"] == comment_id, "code_id"].tolist()


def test_accepting_a_coder_copies_passages_and_undo_restores(
    session: AgreementSession, project: Project,
) -> None:
    session.select(C2)
    session.settle(["waiting"])
    assert session.accept("ben").startswith(f"{C2}: settled by rev as ben's coding (1 added, "
                                            "1 removed)")
    [row] = consensus(project).to_dict(orient="records")
    assert (row["span_start"], row["span_end"]) == (10, 30)
    ben = project.store.codings(coder="ben")
    assert row["derived_from"] == int(ben.loc[ben["comment_id"] == C2, "coding_id"].iloc[0])
    assert session.unit()["consensus"][0]["passage"] == session.unit()["text"][10:30]

    assert session.undo().startswith("undid the settlement")
    [row] = consensus(project).to_dict(orient="records")
    assert row["span_start"] is pd.NA or pd.isna(row["span_start"]), "the whole-comment one"
    session.undo()
    assert consensus(project).empty
    with pytest.raises(AgreementError, match="nothing to undo"):
        session.undo()


def test_refusals_say_why(session: AgreementSession) -> None:
    with pytest.raises(AgreementError, match="choose a comment to review first"):
        session.settle(["waiting"])
    with pytest.raises(AgreementError, match="'reddit:t1_c4' is not coded by two or more"):
        session.settle(["barriers"], "reddit:t1_c4")
    with pytest.raises(AgreementError, match="code 'waits' is not among the codes reviewed"):
        session.settle(["waits"], C1)
    with pytest.raises(AgreementError, match="a consensus needs at least one code"):
        session.settle([], C1)
    with pytest.raises(AgreementError, match="'dan' is not one of the coders compared"):
        session.accept("dan", C1)
    with pytest.raises(AgreementError, match="a consensus needs at least one code"):
        session.accept("cat", C3)  # cat did not code c3 at all: nothing to take


def test_a_subset_of_coders_and_codes(project: Project) -> None:
    session = AgreementSession(project, coders=["ann", "ben"], codes=["delays"], bootstrap=FAST)
    assert session.disagreements()["comment_id"].tolist() == [C1, C5]
    assert session.unit(C1)["coders"]["ben"] == [], "ben coded c1, but not with delays"
    assert session.report.row("comment", "delays")["kappa"] is not None


def test_without_codebook_or_second_coder_the_session_says_why(tmp_path: Path) -> None:
    with Project.init(tmp_path / "bare", actor="ann") as bare:
        session = AgreementSession(bare, bootstrap=FAST)
        assert session.report is None and "no codebook yet" in session.status()
        assert session.table().empty and session.disagreements().empty
        with pytest.raises(AgreementError, match="no codebook yet"):
            session.select(C1)
    with new_project(tmp_path / "one") as one:
        one.store.add_codings([{"comment_id": C1, "code_id": "waiting", "coder": "ann"}], "ann",
                              codebook_version=1)  # fmt: skip
        session = AgreementSession(one, bootstrap=FAST)
        assert session.status() == ("No agreement figures yet: agreement needs codings by two "
                                    "or more coders; so far only ann has coded.")


def test_a_colleagues_settlement_is_read_fresh(project: Project) -> None:
    first = AgreementSession(project, reviewer="rev", bootstrap=FAST)
    second = AgreementSession(project, reviewer="sam", bootstrap=FAST)
    first.settle(["waiting", "delays"], C1)
    assert second.settle(["waiting"], C1).endswith("(0 added, 1 removed)")
    assert consensus(project)["code_id"].tolist() == ["waiting"]
