"""Revising a project's codebook on both backends: plans, applies, undo, hand edits.

Every test with the ``coded`` fixture runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.codebook import revisions, service
from workbench.codebook.model import Code
from workbench.errors import CodebookError, CodingError
from workbench.project import Project

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
C1, C2, C3, C4, C5 = (f"reddit:t1_c{n}" for n in range(1, 6))


@pytest.fixture()
def coded(store_url: str, tmp_path: Path, data_dir: Path):
    """5 comments, the small codebook, and codings by two coders (spans, memos)."""
    database = None if store_url.startswith("sqlite") else store_url
    with Project.init(tmp_path / "study", actor="ann", database=database) as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
        project.import_files([data_dir / "project" / "dump_b.ndjson"])
        service.adopt(project, SMALL)
        project.store.add_codings([
            {"comment_id": C1, "code_id": "waiting", "coder": "ann", "memo": "four hours"},
            {"comment_id": C1, "code_id": "delays", "coder": "ann", "memo": "no explanation"},
            {"comment_id": C1, "code_id": "delays", "coder": "ben"},
            {"comment_id": C2, "code_id": "waiting", "coder": "ben", "span_start": 0,
             "span_end": 9},
            {"comment_id": C2, "code_id": "delays", "coder": "ben", "span_start": 0,
             "span_end": 9, "memo": "same passage"},
            {"comment_id": C3, "code_id": "barriers.access", "coder": "ann"},
            {"comment_id": C5, "code_id": "barriers.familiarity", "coder": "ben"},
        ], "ann", codebook_version=1)  # fmt: skip
        yield project


def _state(project: Project) -> tuple[list[dict], dict]:
    codings = project.store.codings().drop(columns=["removed_by"]).to_dict(orient="records")
    body = service.require(project).model_dump(exclude={"version", "changes"})
    return codings, body


def _apply(project: Project, plan: revisions.Plan) -> None:
    service.apply(project, plan)


# -- each operation: plan, apply, undo -------------------------------------------------------


def test_merge_moves_codings_collapses_duplicates_and_keeps_attribution(coded) -> None:
    before = _state(coded)
    plan = revisions.merge(service.require(coded), ["waiting", "delays"],
                           Code(id="waits", label="Waits and delays"), coded.store.codings(),
                           "ann", used_ids=service.used_ids(coded))  # fmt: skip
    dry = service.apply(coded, plan, dry_run=True)
    assert dry["dry_run"] and _state(coded) == before, "a dry run changes nothing"
    assert "2 duplicate codings collapse" in plan.describe()
    _apply(coded, plan)
    after = coded.store.codings()

    def of(comment_id: str, coder: str) -> pd.DataFrame:
        return after[(after["comment_id"] == comment_id) & (after["coder"] == coder)]

    assert set(after["code_id"]) == {"waits", "barriers.access", "barriers.familiarity"}
    assert len(of(C1, "ann")) == 1, "ann's two codings of c1 collapse into one"
    assert of(C1, "ann")["memo"].iloc[0] == "four hours / no explanation"
    assert of(C1, "ben")["code_id"].tolist() == ["waits"], "ben keeps his own coding"
    c2 = of(C2, "ben")
    assert len(c2) == 1 and (c2["span_start"].iloc[0], c2["span_end"].iloc[0]) == (0, 9)
    assert c2["memo"].iloc[0] == "same passage" and c2["origin"].iloc[0] == "migrated"
    codebook = service.require(coded)
    assert codebook.code("waiting").status == "merged"
    assert codebook.code("waiting").merged_into == "waits" and codebook.version == 2
    assert codebook.changes[-1].operation == "merge"
    _apply(coded, service.plan_undo(coded))
    assert _state(coded) == before, "undo restores the codings and codebook exactly"


def test_merge_into_an_existing_code(coded) -> None:
    plan = revisions.merge(service.require(coded), ["delays"], "waiting",
                           coded.store.codings(), "ann")  # fmt: skip
    _apply(coded, plan)
    codings = coded.store.codings()
    assert set(codings.loc[codings["comment_id"] == C1, "code_id"]) == {"waiting"}
    assert len(codings[codings["code_id"] == "waiting"]) == 3


def test_split_queues_codings_for_review_with_suggestions(coded) -> None:
    before = _state(coded)
    into = [Code(id="access.device", label="No device"), Code(id="access.time", label="No time")]

    def suggest(rows: pd.DataFrame, codes: list[Code]) -> list:
        return [("access.time", 0.8) for _ in range(len(rows))]

    plan = revisions.split(service.require(coded), "barriers.access", into,
                           coded.store.codings(), "ann", suggest=suggest)  # fmt: skip
    _apply(coded, plan)
    codebook = service.require(coded)
    assert codebook.code("barriers.access").status == "retired"
    assert codebook.code("access.device").parent == "barriers"
    reviews = coded.store.reviews()
    assert reviews["comment_id"].tolist() == [C3]
    assert reviews["suggested_code"].tolist() == ["access.time"]
    assert "split of barriers.access" in reviews["reason"].iloc[0]
    assert _state(coded)[0] == before[0], "nothing is recoded silently"
    _apply(coded, service.plan_undo(coded))
    assert _state(coded) == before and coded.store.reviews().empty


@pytest.mark.parametrize("operation", ["rename", "redefine", "move", "retire", "add"])
def test_simple_operations_apply_and_undo(coded, operation: str) -> None:
    before = _state(coded)
    codebook, codings = service.require(coded), coded.store.codings()
    plan = {
        "rename": lambda: revisions.rename(codebook, "waiting", "Long waits", "ann"),
        "redefine": lambda: revisions.redefine(codebook, "waiting",
                                               {"definition": "Time spent waiting."}, "ann"),
        "move": lambda: revisions.move(codebook, "delays", "waiting", "ann"),
        "retire": lambda: revisions.retire(codebook, "delays", codings, "ann"),
        "add": lambda: revisions.add(codebook, Code(id="trust", label="Trust"), "ann"),
    }[operation]()  # fmt: skip
    _apply(coded, plan)
    now = service.require(coded)
    assert now.version == 2 and now.changes[-1].operation == operation
    assert _state(coded)[0] == before[0], f"{operation} recodes nothing"
    assert _state(coded)[1] != before[1]
    _apply(coded, service.plan_undo(coded))
    assert _state(coded) == before


def test_retired_codes_keep_codings_flagged_in_the_export(coded, tmp_path: Path) -> None:
    from workbench.coding.spreadsheet import export_codings

    _apply(coded, revisions.retire(service.require(coded), "delays", coded.store.codings(),
                                   "ann"))  # fmt: skip
    exported = pd.read_csv(export_codings(coded, tmp_path / "codings.csv"))
    assert set(exported.loc[exported["code_id"] == "delays", "code_status"]) == {"retired"}
    assert len(exported) == 7


def test_ids_are_never_reused(coded) -> None:
    _apply(coded, revisions.add(service.require(coded), Code(id="trust", label="Trust"), "ann"))
    _apply(coded, service.plan_undo(coded))
    with pytest.raises(CodebookError, match="never reused"):
        revisions.add(service.require(coded), Code(id="trust", label="Trust again"), "ann",
                      used_ids=service.used_ids(coded))  # fmt: skip


def test_a_stale_plan_is_refused(coded) -> None:
    codebook = service.require(coded)
    first = revisions.rename(codebook, "waiting", "Long waits", "ann")
    second = revisions.rename(codebook, "delays", "Late care", "ben")
    _apply(coded, first)
    with pytest.raises(CodingError, match="revised meanwhile"):
        _apply(coded, second)
    assert service.require(coded).code("delays").label == "Delays"


def test_undo_walks_back_and_stops_at_adoption(coded) -> None:
    before = _state(coded)
    codebook = service.require(coded)
    _apply(coded, revisions.rename(codebook, "waiting", "Long waits", "ann"))
    _apply(coded, revisions.merge(service.require(coded), ["delays"], "waiting",
                                  coded.store.codings(), "ann"))  # fmt: skip
    _apply(coded, service.plan_undo(coded))
    _apply(coded, service.plan_undo(coded))
    assert _state(coded) == before and service.require(coded).version == 5
    with pytest.raises(CodebookError, match="no revision left to undo"):
        service.plan_undo(coded)
    assert service.diff(coded, 1, 3) == [
        "Waiting times (waiting) relabelled 'Long waits'",
        "Delays (delays) merged into Long waits (waiting)",
    ]


# -- hand edits of the YAML -------------------------------------------------------------------


def test_hand_edited_yaml_becomes_a_revision(coded, tmp_path: Path) -> None:
    exported = service.export(coded, tmp_path / "codebook.yaml").read_text()
    assert "# the commonest complaint" in exported, "analysts' comments survive"
    edited = (exported.replace("label: Waiting times", "label: Long waits")
              .replace("  - id: delays\n    label: Delays\n    definition: Care that came "
                       "late.\n", ""))  # fmt: skip
    edited = edited.replace("changes:\n", "  - id: trust\n    label: Trust\nchanges:\n")
    (tmp_path / "edited.yaml").write_text(edited)
    plan = service.plan_import(coded, tmp_path / "edited.yaml")
    text = plan.describe()
    assert "relabelled 'Long waits'" in text and "Delays (delays) retired" in text
    assert "new code Trust (trust)" in text
    _apply(coded, plan)
    codebook = service.require(coded)
    assert codebook.code("delays").status == "retired", "removed with codings: retired"
    assert len(coded.store.codings(code_id="delays")) == 3, "its codings are kept"
    again = service.export(coded, tmp_path / "again.yaml").read_text()
    assert "# the commonest complaint" in again and "label: Long waits" in again


def test_hand_edit_marking_a_merge_moves_codings(coded, tmp_path: Path) -> None:
    exported = service.export(coded, tmp_path / "codebook.yaml").read_text()
    edited = exported.replace("    definition: Care that came late.\n",
                              "    definition: Care that came late.\n    status: merged\n"
                              "    merged_into: waiting\n")  # fmt: skip
    (tmp_path / "edited.yaml").write_text(edited)
    _apply(coded, service.plan_import(coded, tmp_path / "edited.yaml"))
    assert coded.store.codings(code_id="delays").empty
    assert len(coded.store.codings(code_id="waiting")) == 3, "duplicates collapse"


def test_adopting_twice_or_a_broken_file_is_refused(coded, tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="already has a codebook"):
        service.adopt(coded, SMALL)
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.read_text().replace("parent: barriers\n", "parent: nowhere\n", 1))
    with Project.init(tmp_path / "fresh") as fresh, pytest.raises(CodebookError) as caught:
        service.adopt(fresh, broken)
    assert "broken.yaml, line 11, code 'barriers.access'" in str(caught.value)
    assert "'nowhere' is not a code" in str(caught.value)


# -- coding actions -------------------------------------------------------------------------


def test_coding_actions_undo_exactly(coded) -> None:
    before = _state(coded)
    action, ids = coded.store.add_codings([{"comment_id": C4, "code_id": "waiting",
                                            "coder": "cat"}], "cat", codebook_version=1)
    assert len(ids) == 1
    removal = coded.store.remove_codings(ids[:1] + [1], "cat")
    with pytest.raises(CodingError, match="changed later"):
        coded.store.undo_action(action, "cat")
    coded.store.undo_action(removal, "cat")
    coded.store.undo_action(action, "cat")
    assert _state(coded) == before
    with pytest.raises(CodingError, match="already undone"):
        coded.store.undo_action(action, "cat")
    kinds = [r.kind for r in coded.store.read_events()][-5:]
    assert kinds == ["codings-added", "codings-removed", "action-undone", "action-undone"][-4:] \
        or kinds[-4:] == ["codings-added", "codings-removed", "action-undone", "action-undone"]


def test_bad_codings_store_nothing(coded) -> None:
    count = len(coded.store.codings())
    with pytest.raises(CodingError, match="no comment 'reddit:t1_nope'"):
        coded.store.add_codings([{"comment_id": C4, "code_id": "waiting", "coder": "x"},
                                 {"comment_id": "reddit:t1_nope", "code_id": "waiting",
                                  "coder": "x"}], "x", codebook_version=1)  # fmt: skip
    with pytest.raises(CodingError, match="span 5..500 is not inside"):
        coded.store.add_codings([{"comment_id": C4, "code_id": "waiting", "coder": "x",
                                  "span_start": 5, "span_end": 500}], "x", codebook_version=1)
    assert len(coded.store.codings()) == count


def test_a_coding_records_the_text_it_was_made_on(coded, tmp_path: Path, data_dir) -> None:
    from workbench.coding.spreadsheet import export_codings

    row = coded.store.codings(coder="ben").iloc[0]
    assert row["text_revision"] >= 0 and len(row["text_sha256"]) == 64
    exported = pd.read_csv(export_codings(coded, tmp_path / "c.csv"))
    assert not exported["text_changed_since"].any()


def test_memos_attach_to_codes_threads_and_the_project(coded) -> None:
    coded.store.add_memo("code", "waiting", "Mostly about the walk-in centre.", "ann")
    coded.store.add_memo("project", "", "Started coding round 1.", "ben")
    memos = coded.store.memos()
    assert memos["target_kind"].tolist() == ["code", "project"]
    with pytest.raises(CodingError, match="attaches to a code"):
        coded.store.add_memo("codebook", "x", "no", "ann")
    assert coded.stats()["codings"] == 7 and coded.stats()["coders"] == 2


def test_undo_that_would_orphan_new_codings_is_refused(coded) -> None:
    _apply(coded, revisions.add(service.require(coded), Code(id="trust", label="Trust"), "ann"))
    coded.store.add_codings([{"comment_id": C4, "code_id": "trust", "coder": "ann"}], "ann",
                            codebook_version=2)  # fmt: skip
    with pytest.raises(CodingError, match="1 of trust"):
        _apply(coded, service.plan_undo(coded))
    assert service.require(coded).has("trust") and service.require(coded).version == 2


def test_coding_a_merged_code_is_refused(coded) -> None:
    _apply(coded, revisions.merge(service.require(coded), ["delays"], "waiting",
                                  coded.store.codings(), "ann"))  # fmt: skip
    with pytest.raises(CodingError, match="'delays' is not an active code"):
        coded.store.add_codings([{"comment_id": C4, "code_id": "delays", "coder": "ann"}],
                                "ann", codebook_version=2)  # fmt: skip


def test_a_revision_planned_before_new_codings_is_planned_again(coded) -> None:
    codebook = service.require(coded)
    stale = revisions.merge(codebook, ["delays"], "waiting", coded.store.codings(), "ann")
    coded.store.add_codings([{"comment_id": C4, "code_id": "delays", "coder": "cat"}], "cat",
                            codebook_version=1)  # fmt: skip
    from workbench.errors import StaleRevision

    with pytest.raises(StaleRevision, match="codings of delays changed"):
        _apply(coded, stale)
    assert service.require(coded).version == 1, "nothing half applied"
    service.revise(coded, lambda cb: revisions.merge(cb, ["delays"], "waiting",
                                                     coded.store.codings(), "ann"))
    assert coded.store.codings(code_id="delays").empty
    assert "cat" in set(coded.store.codings(code_id="waiting")["coder"])


def test_the_last_attempt_plans_under_the_revision_lock(coded) -> None:
    """A revision that kept going stale is planned and stored while coders wait."""
    calls: list[int] = []

    def make(codebook):
        calls.append(codebook.version)
        return revisions.merge(codebook, ["delays"], "waiting", coded.store.codings(), "ann")

    summary = service.revise(coded, make, attempts=1)
    assert calls == [1] and summary["version"] == 2
    assert coded.store.codings(code_id="delays").empty


def test_coding_a_comment_again_settles_its_review_and_undo_reopens_it(coded) -> None:
    into = [Code(id="access.device", label="No device"), Code(id="access.time", label="No time")]
    _apply(coded, revisions.split(service.require(coded), "barriers.access", into,
                                  coded.store.codings(), "ann"))  # fmt: skip
    [review] = coded.store.reviews()["coding_id"].tolist()
    action, _ = coded.store.add_codings([{"comment_id": C3, "code_id": "access.time",
                                          "coder": "ann", "resolves": review}], "ann",
                                        codebook_version=2)  # fmt: skip
    assert coded.store.reviews().empty
    assert coded.store.reviews(open_only=False)["resolved_by"].tolist() == [action]
    coded.store.undo_action(action, "ann")
    assert coded.store.reviews()["coding_id"].tolist() == [review]


def test_consensus_is_not_counted_as_a_coder(coded) -> None:
    coded.store.add_codings([{"comment_id": C1, "code_id": "waiting", "coder": "consensus",
                              "origin": "consensus"}], "ann", codebook_version=1)  # fmt: skip
    assert coded.stats()["coders"] == 2 and coded.stats()["codings"] == 8
