"""The codebook controller, headless: counts, wording, merge, split, undo, history, errors.

The project is a copy of the demo project with the small test codebook and codings by
three coders (:func:`code_demo`, also used by the widget and notebook tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from workbench.codebook import service
from workbench.codebook.session import (
    TREE_COLUMNS,
    UNKNOWN_STATUS,
    VERSION_COLUMNS,
    CodebookSession,
    CodebookSessionError,
    NoPendingPlan,
    PlanChanged,
)
from workbench.errors import CodebookError, WorkbenchError
from workbench.project import Project

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
TREE_ORDER = ["barriers", "barriers.access", "barriers.familiarity", "waiting", "delays"]
#: Active codings per code and coder that :func:`code_demo` makes.
COUNTS = {
    "barriers": {"ann": 1},
    "barriers.access": {"ann": 1, "ben": 1},
    "barriers.familiarity": {"ben": 1},
    "waiting": {"ann": 1, "ben": 1},
    "delays": {"ann": 1, "ben": 1, "cat": 1},
}


def code_demo(project: Project) -> list[str]:
    """Adopt the small codebook and add 9 codings by ann, ben and cat; the comment ids."""
    service.adopt(project, SMALL)
    c = project.comments()["comment_id"].tolist()[:6]
    project.store.add_codings([
        {"comment_id": c[0], "code_id": "waiting", "coder": "ann", "memo": "four hours"},
        {"comment_id": c[0], "code_id": "delays", "coder": "ann", "memo": "no reason given"},
        {"comment_id": c[1], "code_id": "delays", "coder": "ben"},
        {"comment_id": c[1], "code_id": "waiting", "coder": "ben", "span_start": 0,
         "span_end": 5},
        {"comment_id": c[2], "code_id": "barriers.access", "coder": "ann"},
        {"comment_id": c[2], "code_id": "barriers.access", "coder": "ben"},
        {"comment_id": c[3], "code_id": "barriers.familiarity", "coder": "ben"},
        {"comment_id": c[4], "code_id": "barriers", "coder": "ann"},
        {"comment_id": c[5], "code_id": "delays", "coder": "cat"},
    ], "ann", codebook_version=1)  # fmt: skip
    return c


def halves(rows: pd.DataFrame, codes: list) -> list[tuple[str, float] | None]:
    """A suggester: the first new code for the first coding, the second for the next,
    then none (as if their comments were not embedded)."""
    return [(codes[n].id, 0.9) if n < 2 else None for n in range(len(rows))]


@pytest.fixture()
def project(demo_copy: Path) -> Iterator[Project]:
    with Project.open(demo_copy) as opened:
        code_demo(opened)
        yield opened


@pytest.fixture()
def session(project: Project) -> CodebookSession:
    return CodebookSession(project, suggest=halves)


def counts_of(session: CodebookSession) -> dict[str, dict[str, int]]:
    tree = session.tree().set_index("id")
    return {code: {who: int(tree.at[code, who]) for who in session.coders
                   if tree.at[code, who]} for code in tree.index}  # fmt: skip


def stored(project: Project) -> tuple[list[dict], dict]:
    codings = project.store.codings().drop(columns=["removed_by"]).to_dict(orient="records")
    return codings, service.require(project).model_dump(exclude={"version", "changes"})


# -- the tree --------------------------------------------------------------------------------


def test_tree_counts_codings_per_code_and_coder(session: CodebookSession) -> None:
    tree = session.tree()
    assert list(tree.columns) == [*TREE_COLUMNS, "ann", "ben", "cat", "total"]
    assert tree["id"].tolist() == TREE_ORDER, "children right after their parent"
    assert tree["depth"].tolist() == [0, 1, 1, 0, 0]
    assert set(tree["status"]) == {"active"} and tree["merged_into"].isna().all()
    assert counts_of(session) == COUNTS
    assert tree.set_index("id")["total"].to_dict() == {
        "barriers": 1, "barriers.access": 2, "barriers.familiarity": 1, "waiting": 2,
        "delays": 3}  # fmt: skip
    assert session.coders == ["ann", "ben", "cat"]
    assert session.status() == "Small test codebook (version 1): 5 active codes; 9 codings " \
                               "by 3 coders"


def test_removed_codings_leave_the_counts_after_a_refresh(
    project: Project, session: CodebookSession
) -> None:
    ids = project.store.codings(code_id="delays", coder="cat")["coding_id"].tolist()
    project.store.remove_codings(ids, "ann")
    assert counts_of(session)["delays"] == {"ann": 1, "ben": 1, "cat": 1}, "until refreshed"
    session.refresh()
    assert counts_of(session)["delays"] == {"ann": 1, "ben": 1}
    assert session.coders == ["ann", "ben"] and "cat" not in session.tree().columns


def test_select_shows_a_codes_details(session: CodebookSession) -> None:
    details = session.select("barriers.access")
    assert session.selected == "barriers.access"
    assert details["path"] == ["Barriers", "Access"] and details["parent"] == "barriers"
    assert details["definition"] == "No device, no connection, no time."
    assert details["examples"] == ["I don't have a smartphone"]
    assert details["counts"] == {"ann": 1, "ben": 1} and details["total"] == 2
    assert session.details("waiting")["label"] == "Waiting times"


def test_choosing_an_unknown_code_names_the_known_ones(session: CodebookSession) -> None:
    with pytest.raises(CodebookError, match=r"code 'nope': no such code; known: barriers, "):
        session.select("nope")
    assert session.selected is None
    with pytest.raises(CodebookSessionError, match="no code is chosen"):
        session.details()


# -- wording ---------------------------------------------------------------------------------


def test_a_new_definition_is_planned_shown_then_applied(
    project: Project, session: CodebookSession
) -> None:
    before = stored(project)
    session.select("waiting")
    text = session.plan_redefine(definition="  How long people wait.\n",
                                 use_when="Any mention of waiting", examples="four hours\n\n"
                                 "all day  ", rationale="clearer")  # fmt: skip
    assert text.startswith("redefine -> version 2")
    assert "definition was: 'How long people wait for care.'" in text
    assert "definition now: 'How long people wait.'" in text
    assert "examples now: 'four hours'; 'all day'" in text and "no coding changes" in text
    assert session.pending is not None and session.plan_text == text
    assert stored(project) == before and service.require(project).version == 1, "only planned"

    summary = session.apply()

    assert summary["version"] == 2 and session.pending is None
    code = service.require(project).code("waiting")
    assert (code.definition, code.use_when) == ("How long people wait.", "Any mention of waiting")
    assert code.examples == ["four hours", "all day"]
    assert service.require(project).changes[-1].rationale == "clearer"
    assert stored(project)[0] == before[0], "codings untouched"
    assert session.codebook.version == 2 and "stored version 2 (redefine)" in session.message
    assert session.details()["definition"] == "How long people wait.", "refreshed"


def test_unchanged_wording_is_refused(session: CodebookSession) -> None:
    session.select("barriers.access")
    same = session.details()
    with pytest.raises(CodebookSessionError, match="nothing would change"):
        session.plan_redefine(definition=same["definition"] + "  ", use_when="",
                              examples=same["examples"])  # fmt: skip
    assert session.pending is None


def test_apply_without_a_shown_plan_is_refused(session: CodebookSession) -> None:
    with pytest.raises(NoPendingPlan, match="no plan to apply: plan a change first"):
        session.apply()
    assert issubclass(NoPendingPlan, WorkbenchError)


def test_a_plan_that_fails_leaves_nothing_to_apply(session: CodebookSession) -> None:
    session.select("waiting")
    session.plan_redefine(definition="Waiting.")
    with pytest.raises(CodebookSessionError, match="choose the codes to merge"):
        session.plan_merge([])
    assert session.pending is None
    with pytest.raises(NoPendingPlan):
        session.apply()


def test_discard_forgets_the_plan(project: Project, session: CodebookSession) -> None:
    session.plan_merge(["waiting"], "delays")
    session.discard()
    assert session.pending is None and session.plan_text is None
    assert service.require(project).version == 1


# -- merge -----------------------------------------------------------------------------------


def test_merge_into_a_new_code_shows_the_plan_then_applies_it(
    project: Project, session: CodebookSession
) -> None:
    before = stored(project)
    text = session.plan_merge(["waiting", "delays"], new_label="Waits and delays",
                              rationale="they overlap")  # fmt: skip
    assert text.startswith("merge -> version 2 (5 codings move, 4 result)")
    assert "into Waits and delays (waits-and-delays, new)" in text
    assert "1 duplicate codings collapse" in text
    assert "codings that move, by coder: ann 2, ben 2, cat 1" in text
    assert stored(project) == before, "nothing changes before apply"

    session.apply()

    tree = session.tree().set_index("id")
    assert tree.loc[["waiting", "delays"], "status"].tolist() == ["merged", "merged"]
    assert tree.loc[["waiting", "delays"], "merged_into"].tolist() == ["waits-and-delays"] * 2
    assert tree.loc[["waiting", "delays"], "total"].tolist() == [0, 0]
    assert counts_of(session)["waits-and-delays"] == {"ann": 1, "ben": 2, "cat": 1}
    assert tree.at["waits-and-delays", "depth"] == 0 and session.codebook.version == 2


def test_merge_into_an_existing_code(session: CodebookSession) -> None:
    text = session.plan_merge(["barriers.familiarity"], "barriers.access", new_label="ignored")
    assert "into Access (barriers.access)" in text and "new)" not in text
    session.apply()
    assert counts_of(session)["barriers.access"] == {"ann": 1, "ben": 2}
    assert session.tree().set_index("id").at["barriers.familiarity", "status"] == "merged"


def test_a_new_merged_code_sits_under_the_sources_shared_parent(
    session: CodebookSession,
) -> None:
    session.plan_merge(["barriers.access", "barriers.familiarity"], "barriers.any",
                       new_label="Any barrier")  # fmt: skip
    session.apply()
    assert session.codebook.code("barriers.any").parent == "barriers"
    assert session.codebook.code("barriers.any").label == "Any barrier"


@pytest.mark.parametrize(("sources", "target", "label", "message"), [
    ([], None, "X", "choose the codes to merge"),
    (["waiting"], None, "", "to merge into a new code, give its label"),
    (["waiting"], "Not An Id", "X", "'Not An Id' cannot be a code id"),
    (["nope"], "delays", "", "code 'nope': no such code"),
    (["waiting"], "waiting", "", "a code cannot be merged into itself"),
])  # fmt: skip
def test_merge_errors_say_what_to_do(
    session: CodebookSession, sources: list[str], target: str | None, label: str, message: str
) -> None:
    with pytest.raises(CodebookError, match=message):
        session.plan_merge(sources, target, new_label=label)
    assert session.pending is None


def test_merged_codes_cannot_be_merged_or_redefined_again(session: CodebookSession) -> None:
    session.plan_merge(["waiting"], "delays")
    session.apply()
    with pytest.raises(CodebookError, match="code 'waiting': the code is merged"):
        session.plan_merge(["waiting"], "barriers")
    session.select("waiting")
    with pytest.raises(CodebookError, match="only active codes can be revised"):
        session.plan_redefine(definition="again")


# -- split -----------------------------------------------------------------------------------


def test_split_queues_the_codings_for_re_review_with_suggestions(
    project: Project, session: CodebookSession
) -> None:
    text = session.plan_split("barriers.access", "Device\ndata = No mobile data",
                              rationale="two kinds")  # fmt: skip
    assert text.startswith("split -> version 2 (2 codings queued for re-review)")
    assert "into Device (device), No mobile data (data)" in text
    assert "re-review queue: 2 codings of barriers.access, by coder: ann 1, ben 1" in text
    assert "suggested new codes: Device (device) 1, No mobile data (data) 1" in text
    assert project.store.reviews().empty, "nothing queued before apply"

    session.apply()

    reviews = project.store.reviews()
    assert len(reviews) == 2 and set(reviews["code_id"]) == {"barriers.access"}
    assert reviews["suggested_code"].tolist() == ["device", "data"]
    tree = session.tree().set_index("id")
    assert tree.at["barriers.access", "status"] == "retired"
    assert tree.at["barriers.access", "total"] == 2, "a retired code keeps its codings"
    assert tree.loc[["device", "data"], "depth"].tolist() == [1, 1]
    assert session.codebook.code("device").parent == "barriers"
    assert session.status().endswith("; 2 codings await re-review")


def test_split_says_which_codings_have_no_suggestion(session: CodebookSession) -> None:
    session.plan_merge(["waiting"], "delays")
    session.apply()  # delays now has 4 codings (ann's two on one comment collapsed)
    text = session.plan_split("delays", ["Late", "Cancelled"])
    assert "re-review queue: 4 codings of delays, by coder: ann 1, ben 2, cat 1" in text
    assert "; no suggestion for 2 (their comments are not embedded yet)" in text


def test_split_with_the_default_suggester(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        code_demo(project)
        session = CodebookSession(project)  # embedding suggestions; nothing is embedded here
        text = session.plan_split("waiting", "Short\nLong")
        assert "suggested new codes: none; no suggestion for 2" in text
        session.apply()
        assert project.store.reviews()["suggested_code"].isna().all()


@pytest.mark.parametrize(("into", "message"), [
    ("Only one", "a split makes at least two new codes, 1 given"),
    ("waiting = Taken\nOther", "code 'waiting': the id is taken"),
    ("Bad Id = X\nOther", "'Bad Id' cannot be a code id"),
])  # fmt: skip
def test_split_errors_say_what_to_do(session: CodebookSession, into: str, message: str) -> None:
    with pytest.raises(CodebookError, match=message):
        session.plan_split("delays", into)


def test_split_ids_made_from_labels_never_repeat(session: CodebookSession) -> None:
    text = session.plan_split("delays", "Waiting\nWaiting")
    assert "into Waiting (waiting-2), Waiting (waiting-3)" in text


# -- undo and staleness ----------------------------------------------------------------------


def test_undo_is_planned_shown_and_restores_codings_exactly(
    project: Project, session: CodebookSession
) -> None:
    before = stored(project)
    session.plan_merge(["waiting", "delays"], new_label="Waits")
    session.apply()
    text = session.plan_undo()
    assert text.startswith("undo -> version 3")
    assert "undo version 2 (merge)" in text and "codebook: Waiting times (waiting) is active" \
        in text
    assert "5 codings come back, 4 codings it made are removed" in text
    assert service.require(project).version == 2, "only planned"

    session.apply()

    assert stored(project) == before
    assert counts_of(session) == COUNTS and "waits" not in session.tree()["id"].tolist()
    assert session.versions()["undone"].tolist() == [False, True, False]


def test_undo_of_a_split_withdraws_its_reviews(project: Project, session: CodebookSession) -> None:
    session.plan_split("barriers.access", "Device\nData")
    session.apply()
    text = session.plan_undo()
    assert "no coding changes" in text and "2 re-reviews it asked for are withdrawn" in text
    session.apply()
    assert project.store.reviews().empty and counts_of(session) == COUNTS


def test_nothing_to_undo_is_an_error(session: CodebookSession) -> None:
    with pytest.raises(CodebookError, match="no revision left to undo"):
        session.plan_undo()
    assert session.pending is None


def test_a_stale_plan_is_planned_again_and_shown_before_it_is_applied(
    project: Project, session: CodebookSession
) -> None:
    text = session.plan_merge(["waiting"], "delays")
    assert "2 codings of waiting move to delays" in text
    c = project.comments()["comment_id"].tolist()
    project.store.add_codings([{"comment_id": c[7], "code_id": "waiting", "coder": "cat"}],
                              "cat", codebook_version=1)  # a coder keeps coding  # fmt: skip

    with pytest.raises(PlanChanged, match="planned again from the current state"):
        session.apply()

    assert service.require(project).version == 1, "nothing stored"
    assert session.pending is not None and "3 codings of waiting move" in session.plan_text
    session.apply()
    assert counts_of(session)["delays"] == {"ann": 1, "ben": 2, "cat": 2}


def test_a_plan_overtaken_by_another_revision_cannot_be_applied_twice(
    project: Project, session: CodebookSession
) -> None:
    session.plan_merge(["waiting"], "delays")
    other = CodebookSession(project)
    other.plan_merge(["waiting"], "barriers")
    other.apply()
    with pytest.raises(CodebookSessionError, match="cannot be planned again: .*the code is "
                                                   "merged"):  # fmt: skip
        session.apply()
    assert session.pending is None and service.require(project).version == 2


# -- history ---------------------------------------------------------------------------------


def test_versions_and_differences(session: CodebookSession) -> None:
    session.select("delays")
    session.plan_redefine(definition="Care that came too late.", rationale="sharper")
    session.apply()
    session.plan_merge(["waiting"], "delays")
    session.apply()
    versions = session.versions()
    assert list(versions.columns) == list(VERSION_COLUMNS)
    assert versions["operation"].tolist() == ["adopt", "redefine", "merge"]
    assert versions["rationale"].tolist()[1] == "sharper" and not versions["undone"].any()
    assert session.diff(1, 3) == [
        "Waiting times (waiting) merged into Delays (delays)",
        "Delays (delays): definition changed",
    ]
    assert session.diff(2, 2) == []
    with pytest.raises(CodebookError, match=r"no codebook version 9; known: \[1, 2, 3\]"):
        session.diff(1, 9)
    with pytest.raises(CodebookSessionError, match="choose two version numbers"):
        session.diff(None, 2)


# -- no codebook yet -------------------------------------------------------------------------


def test_a_project_without_a_codebook_says_how_to_adopt_one(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        session = CodebookSession(project)
        assert not session.has_codebook and session.tree().empty
        assert "no codebook yet" in session.status() and session.versions().empty
        with pytest.raises(CodebookSessionError, match="has no codebook yet; adopt one first"):
            session.plan_merge(["a"], "b")
        with pytest.raises(CodebookSessionError, match="no codebook file at 'missing.yaml'"):
            session.adopt("missing.yaml")

        summary = session.adopt(f"  {SMALL}  ")

        assert summary["codes"] == 5 and session.has_codebook
        assert session.tree()["id"].tolist() == TREE_ORDER
        assert session.status().endswith("5 active codes; no codings yet")
        with pytest.raises(CodebookError, match="already has a codebook"):
            session.adopt(SMALL)


def test_codings_made_before_a_codebook_are_listed_by_code(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        c = project.comments()["comment_id"].tolist()
        project.store.add_codings([{"comment_id": c[0], "code_id": "parking", "coder": "ann"}],
                                  "ann", codebook_version=0)  # fmt: skip
        tree = CodebookSession(project).tree()
        assert tree[["id", "status", "ann", "total"]].values.tolist() == [
            ["parking", UNKNOWN_STATUS, 1, 1]]
