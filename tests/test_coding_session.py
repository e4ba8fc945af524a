"""The coding controller, headless: thread context, queues, coding, memos, undo, saves.

The project is a copy of the demo project with the small test codebook
(``tests/data/codebooks/small.yaml``: barriers, barriers.access, barriers.familiarity,
waiting, delays). Widget and notebook tests reuse the helpers here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.codebook import revisions, service
from workbench.codebook.session import CodebookSession
from workbench.coding.queues import QUEUE_KINDS, QueueError
from workbench.coding.session import CodingSession, CodingSessionError, SaveFailed
from workbench.coding.spans import span_from_utf16, span_to_utf16, utf16_length
from workbench.coding.threads import CommentIndex
from workbench.errors import CodebookError, StoreError, WorkbenchError
from workbench.frames import COMMENT_COLUMN_NAMES
from workbench.project import Project

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
CODES = ["barriers", "barriers.access", "barriers.familiarity", "waiting", "delays"]
POST = "reddit:t3_1j2rk7m"
#: A reply three levels down the demo's Reddit thread, and its chain and reply.
DEEP = "reddit:t1_mhb018k"
CHAIN = [POST, "reddit:t1_mhb00ba", "reddit:t1_mhb00ou"]
REPLY = "reddit:t1_mhb01jw"
#: A demo comment with a flag emoji (two characters, four UTF-16 units) before English.
EMOJI = "facebook:12b0bb961b7b5d982b7a"


def adopt_small(project: Project) -> None:
    service.adopt(project, SMALL)


def add_run(project: Project, members: dict[int, list[tuple[str, float]]]) -> int:
    """Store a cluster run with these members per cluster: ``{cluster: [(id, p), ...]}``."""
    rows = [(c, cluster, p) for cluster, pairs in members.items() for c, p in pairs]
    ids = [r[0] for r in rows]
    return project.store.add_run(
        {"at": "2026-01-01T00:00:00.000Z", "actor": "tester", "model": "m",
         "backend": "torch", "input_hash": "h", "reduction_key": "r", "params": {},
         "versions": {}, "comments": len(ids), "clusters": len(members), "outliers": 0,
         "seconds": 0.1, "timings": {}},
        ids, np.array([r[1] for r in rows]), np.array([r[2] for r in rows]),
        np.zeros((len(ids), 2)),
        [{"cluster": k, "size": len(v), "keywords": [["wait", 1.0], ["hours", 0.5]],
          "exemplars": [v[0][0]]} for k, v in members.items()],
        None, "tester",
    )  # fmt: skip


@pytest.fixture()
def project(demo_copy: Path) -> Iterator[Project]:
    with Project.open(demo_copy) as opened:
        adopt_small(opened)
        yield opened


@pytest.fixture()
def session(project: Project) -> CodingSession:
    return CodingSession(project, "ann")


def stored(project: Project, coder: str = "ann") -> list[tuple]:
    """The coder's active codings in the store: (comment, code, start, end, memo, origin)."""
    rows = project.store.codings(coder=coder)
    return [(r.comment_id, r.code_id, None if pd.isna(r.span_start) else int(r.span_start),
             None if pd.isna(r.span_end) else int(r.span_end),
             None if pd.isna(r.memo) else r.memo, r.origin)
            for r in rows.itertuples()]  # fmt: skip


def at(session: CodingSession, comment_id: str) -> None:
    """Show ``comment_id`` (its thread, opened at it)."""
    session.open("thread", thread_id=session.comments.thread_of(comment_id))
    session.go(session.queue.position_of(comment_id))


# -- opening ---------------------------------------------------------------------------------


def test_a_session_needs_a_codebook_and_a_coder(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        with pytest.raises(CodebookError, match="no codebook yet"):
            CodingSession(project, "ann")
        adopt_small(project)
        with pytest.raises(CodingSessionError, match="name the coder"):
            CodingSession(project, "  ")


def test_without_a_coding_queue_it_opens_the_uncoded_comments(session: CodingSession) -> None:
    assert session.queue.kind == "uncoded" and session.position == 0
    comments = session.project.comments()
    with_text = comments.loc[comments["text"].str.strip() != "", "comment_id"].tolist()
    assert [i.comment_id for i in session.queue.items] == with_text, "deleted ones left out"
    assert [c.id for c in session.codes] == CODES, "parents before their children"
    assert session.status().startswith("Coder ann · Small test codebook (version 1) · "
                                       f"Uncoded comments: 1 of {len(with_text)}")  # fmt: skip
    assert "no other coders yet" in session.status() and not session.blind


def test_the_coding_queue_opens_first_with_where_each_came_from(project: Project) -> None:
    project.store.queue_add([DEEP, POST], "search: waiting", "explorer")
    session = CodingSession(project, "ann")
    assert session.queue.kind == "queue" and session.queue.label == QUEUE_KINDS["queue"]
    assert [(i.comment_id, i.note) for i in session.queue.items] == [
        (DEEP, "queued from search: waiting"), (POST, "queued from search: waiting")]
    assert session.comment_id == DEEP


# -- thread context --------------------------------------------------------------------------


def test_a_comment_comes_with_its_parent_chain_replies_and_source(project: Project) -> None:
    project.store.queue_add([DEEP], "test", "tester")
    context = CodingSession(project, "ann").context
    assert context.comment_id == DEEP
    assert [a["comment_id"] for a in context.ancestors] == CHAIN, "the top first"
    assert [r["comment_id"] for r in context.replies] == [REPLY] and context.replies_total == 1
    assert context.thread_title.startswith("Riverside Community Health here")
    assert context.thread_size == 131 and not context.parent_missing
    assert context.source_url.endswith("/mhb018k/")
    assert context.comment["author_pseudonym"].startswith("anon_")
    assert "author" not in context.comment, "raw handles never reach the app"


def frame(rows: list[dict]) -> pd.DataFrame:
    """A small comments frame (typed as the store types it)."""
    full = [{name: None for name in COMMENT_COLUMN_NAMES} | {"platform": "reddit",
             "kind": "comment", "is_deleted": False, "source_format": "t"} | row
            for row in rows]  # fmt: skip
    result = pd.DataFrame(full, columns=list(COMMENT_COLUMN_NAMES))
    result["created_at"] = pd.to_datetime(result["created_at"], utc=True, format="ISO8601").astype(
        "datetime64[ms, UTC]")
    return result


def test_context_copes_with_missing_parents_loops_and_long_chains() -> None:
    rows = [{"comment_id": "p", "thread_id": "p", "kind": "post", "title": "The post",
             "text": "post", "created_at": "2026-01-01", "url": "https://x.example/p"}]
    rows += [{"comment_id": f"c{i}", "thread_id": "p", "parent_id": f"c{i - 1}" if i else "p",
              "text": f"reply {i}", "created_at": f"2026-01-02 00:{i:02d}"} for i in range(20)]
    rows += [
        {"comment_id": "orphan", "thread_id": "p", "parent_id": "gone", "text": "hi"},
        {"comment_id": "a", "thread_id": "q", "parent_id": "b", "text": "loop a"},
        {"comment_id": "b", "thread_id": "q", "parent_id": "a", "text": "loop b"},
        {"comment_id": "fb", "thread_id": "page", "parent_id": "page", "text": "to a page"},
    ]  # fmt: skip
    index = CommentIndex(frame(rows))
    deep = index.context("c19", max_ancestors=5)
    assert [a["comment_id"] for a in deep.ancestors] == ["c14", "c15", "c16", "c17", "c18"]
    assert deep.hidden_ancestors == 15 and deep.source_url == "https://x.example/p"
    assert index.context("orphan").parent_missing
    assert not index.context("fb").parent_missing, "a reply to the thread's target"
    assert [a["comment_id"] for a in index.context("a").ancestors] == ["b"], "a loop stops"
    assert index.thread_order("q") in (["a", "b"], ["b", "a"])
    assert index.thread_order("p") == ["p", *[f"c{i}" for i in range(20)], "orphan"]
    assert index.context("p").replies_total == 1 and index.thread_title("p") == "The post"
    assert index.threads()[0] == ("reddit · The post (22 comments)", "p")


def test_a_thread_opens_in_reading_order_at_the_comment_shown(session: CodingSession) -> None:
    at(session, DEEP)
    session.open("thread")
    order = [i.comment_id for i in session.queue.items]
    assert session.comment_id == DEEP and order[0] == POST and len(order) == 131
    assert order.index(CHAIN[1]) < order.index(CHAIN[2]) < order.index(DEEP) < order.index(REPLY)
    assert order[order.index(DEEP) + 1] == REPLY, "replies follow their parent"
    assert session.queue.label.startswith("thread Riverside Community Health")


def test_next_and_previous_stop_at_the_ends(session: CodingSession) -> None:
    at(session, POST)
    assert session.position == 0
    session.previous()
    assert session.position == 0 and session.message == "the start of the queue"
    second = session.next()
    assert session.position == 1 and second.comment_id == session.queue.items[1].comment_id
    session.go(len(session.queue) - 1)
    session.next()
    assert session.message == "the end of the queue"
    with pytest.raises(CodingSessionError, match="outside the queue"):
        session.go(10_000)


# -- coding ----------------------------------------------------------------------------------


def test_a_toggle_saves_at_once_as_an_event_with_coder_and_time(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    assert session.toggle("waiting") == "on"
    assert stored(project) == [(DEEP, "waiting", None, None, None, "manual")]
    assert session.code_states()["waiting"] == "on"
    [event] = project.store.read_events("codings-added")
    assert event.actor == "ann" and event.at.endswith("Z")
    assert session.toggle("waiting") == "off"
    assert stored(project) == [] and session.code_states()["waiting"] == "off"
    assert project.store.read_events("codings-removed")[0].actor == "ann"
    assert len(project.store.codings(include_removed=True)) == 1, "the row is kept"


def test_number_keys_stand_for_the_first_codes(session: CodingSession) -> None:
    assert [session.code_for_key(k) for k in "12345"] == CODES
    assert session.shortcut("waiting") == "4"
    with pytest.raises(CodingSessionError, match="keys 1 to 5"):
        session.code_for_key("7")
    help_text = session.code_help("barriers.access")
    assert help_text.splitlines()[0] == "Barriers › Access (barriers.access)"
    assert "Definition: No device" in help_text and "I don't have a smartphone" in help_text


def test_a_passage_after_an_emoji_is_stored_as_string_indices(
    project: Project, session: CodingSession
) -> None:
    at(session, EMOJI)
    text = session.comments.text(EMOJI)
    word = "Thank you"
    start = text.index(word)
    assert utf16_length(text[:start]) == start + 2, "a flag: two characters of two units"
    browser = (start + 2, start + 2 + len(word))  # what the browser reports
    span = span_from_utf16(text, *browser)
    assert span == (start, start + len(word)) and span_to_utf16(text, *span) == browser
    session.code_passage("delays", *span, memo="thanks")
    assert stored(project) == [(EMOJI, "delays", start, start + len(word), "thanks", "manual")]
    [row] = session.my_codings()
    assert row["quote"] == word and row["state"] == "saved"


def test_a_passage_outside_the_text_or_a_retired_code_changes_nothing(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    n = len(session.comments.text(DEEP))
    for start, end in ((5, 5), (-1, 3), (0, n + 1), (4, 2)):
        with pytest.raises(CodingSessionError, match="not inside"):
            session.code_passage("waiting", start, end)
    service.apply(project, revisions.retire(service.require(project), "delays",
                                            project.store.codings(), "lead"))  # fmt: skip
    session.refresh()
    with pytest.raises(CodingSessionError, match="is retired"):
        session.toggle("delays")
    with pytest.raises(CodingSessionError, match="no code 'nope'"):
        session.toggle("nope")
    assert stored(project) == [] and session.pending == []


def test_memos_go_with_the_next_coding_and_change_as_one_unit(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    session.write_memo("  four hours  ")
    assert session.draft_memo == "four hours"
    [first] = session.code("waiting")
    assert stored(project)[0][4] == "four hours" and session.draft_memo == ""
    session.write_memo("four and a half hours", first)
    rows = project.store.codings(include_removed=True)
    assert rows["memo"].tolist() == ["four hours", "four and a half hours"]
    assert rows["removed_by"].notna().tolist() == [True, False]
    assert int(rows["derived_from"].iloc[1]) == first
    actions = project.store.actions()
    assert actions["kind"].tolist()[-2:] == ["uncode", "code"]
    session.undo()
    assert stored(project) == [(DEEP, "waiting", None, None, "four hours", "manual")]
    assert project.store.actions()["kind"].tolist()[-2:] == ["undo", "undo"], "both parts"
    before = len(project.store.actions())
    session.write_memo("four hours", session.my_codings()[0]["coding_id"])  # unchanged
    assert len(project.store.actions()) == before, "nothing saved for no change"


def test_undo_takes_this_sessions_actions_back_exactly_and_returns(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    session.toggle("waiting")
    session.code_passage("delays", 0, 4)
    whole = session.ledger.whole(DEEP, "waiting")["coding_id"]
    session.uncode(whole)
    session.next()
    assert session.comment_id == REPLY and session.can_undo
    assert session.undo().startswith("removing Waiting times")
    assert session.comment_id == DEEP, "undo shows the comment it was about"
    assert sorted(stored(project)) == sorted([(DEEP, "waiting", None, None, None, "manual"),
                                              (DEEP, "delays", 0, 4, None, "manual")])
    session.undo()
    session.undo()
    assert stored(project) == [] and session.my_codings() == [] and not session.can_undo
    with pytest.raises(CodingSessionError, match="nothing to undo"):
        session.undo()
    kinds = project.store.actions()["kind"].tolist()
    assert kinds.count("undo") == 3 and project.store.read_events("action-undone")


def test_coding_the_same_passage_twice_stores_it_once(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    assert session.code_passage("delays", 2, 9) and session.code_passage("delays", 2, 9) == []
    assert session.message == "already coded Delays here" and len(stored(project)) == 1


# -- failed saves -----------------------------------------------------------------------------


def test_a_failed_save_is_kept_shown_and_retried(
    project: Project, session: CodingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(session, DEEP)
    real = project.store.add_codings

    def broken(*args, **kwargs):
        raise StoreError("database is locked (simulated): nothing was written, try again")

    monkeypatch.setattr(project.store, "add_codings", broken)
    with pytest.raises(SaveFailed, match="not saved: Waiting times on .*it is kept"):
        session.toggle("waiting")
    [pending] = session.pending
    assert pending.kind == "add" and "database is locked" in pending.error
    assert session.code_states()["waiting"] == "adding"
    assert session.my_codings()[0]["state"] == "not saved"
    assert "1 not saved" in session.status() and stored(project) == []
    with pytest.raises(SaveFailed, match="1 still not saved"):
        session.retry()
    assert len(session.pending) == 1 and session.pending[0].attempts == 2

    monkeypatch.setattr(project.store, "add_codings", real)
    assert session.retry() == 1
    assert session.pending == [] and session.code_states()["waiting"] == "on"
    assert stored(project) == [(DEEP, "waiting", None, None, None, "manual")]
    session.undo()
    assert stored(project) == [], "a retried save can be undone like any other"


def test_a_save_refused_by_the_store_can_be_discarded(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    with Project.open(project.root) as lead:  # a colleague retires the code meanwhile
        service.apply(lead, revisions.retire(service.require(lead), "waiting",
                                             lead.store.codings(), "lead"))  # fmt: skip
    with pytest.raises(SaveFailed, match="not an active code"):
        session.toggle("waiting")
    assert session.toggle("waiting") == "off", "toggling again drops the unsaved coding"
    assert session.pending == [] and "dropped, never saved" in session.message
    with pytest.raises(SaveFailed):
        session.code("waiting")
    assert session.discard() == [f"Waiting times on {DEEP}"] and session.pending == []
    assert stored(project) == []


def test_a_failed_undo_stays_pending_and_discarding_it_keeps_it_undoable(
    project: Project, session: CodingSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(session, DEEP)
    session.toggle("delays")

    def broken(*args, **kwargs):
        raise OSError("disk I/O error (simulated)")

    real = project.store.undo_action
    monkeypatch.setattr(project.store, "undo_action", broken)
    with pytest.raises(SaveFailed, match="OSError: disk I/O error"):
        session.undo()
    assert session.pending[0].kind == "undo" and not session.can_undo
    session.discard(0)
    assert session.can_undo and stored(project) != []
    monkeypatch.setattr(project.store, "undo_action", real)
    session.undo()
    assert stored(project) == []


# -- queues ------------------------------------------------------------------------------------


def test_uncoded_leaves_out_what_the_coder_coded_only(
    project: Project, session: CodingSession
) -> None:
    at(session, DEEP)
    session.toggle("waiting")
    project.store.add_codings([{"comment_id": POST, "code_id": "delays", "coder": "ben"}],
                              "ben", codebook_version=1)  # fmt: skip
    session.refresh()
    queue = [i.comment_id for i in session.open("uncoded").items]
    assert DEEP not in queue and POST in queue, "another coder's codings do not count"


def test_a_cluster_opens_most_typical_first(project: Project, session: CodingSession) -> None:
    with pytest.raises(StoreError, match="no cluster run yet"):
        session.open("cluster", cluster=0)
    assert session.cluster_options() == []
    run = add_run(project, {0: [(DEEP, 0.5), (POST, 0.9), ("reddit:t1_gone", 1.0)],
                            1: [(REPLY, 1.0)]})  # fmt: skip
    assert session.cluster_options() == [("0: wait, hours (3)", 0), ("1: wait, hours (1)", 1)]
    queue = session.open("cluster", cluster=0)
    assert [i.comment_id for i in queue.items] == [POST, DEEP]
    assert queue.skipped == 1 and "1 no longer in the project" in session.message
    assert queue.items[0].note == f"run {run}, cluster 0 (probability 0.90)"
    with pytest.raises(QueueError, match="no cluster 7; its clusters: \\[0, 1\\]"):
        session.open("cluster", cluster=7)


def test_a_whole_cluster_is_coded_in_one_confirmed_action(
    project: Project, session: CodingSession
) -> None:
    add_run(project, {3: [(DEEP, 0.5), (POST, 0.9), (REPLY, 0.7)]})
    at(session, REPLY)
    session.toggle("waiting")
    plan = session.plan_cluster("waiting", 3)
    assert plan.rows["comment_id"].tolist() == [POST, REPLY, DEEP]
    assert plan.rows["coded"].tolist() == [False, True, False] and plan.comment_ids == [POST, DEEP]
    with pytest.raises(CodingSessionError, match="not members"):
        session.code_cluster(plan, [POST, EMOJI])
    assert session.code_cluster(plan, [POST, REPLY]) == 1, "the coded one is left alone"
    assert session.code_cluster(plan, plan.comment_ids) == 1
    actions = project.store.actions()
    assert actions["detail"].iloc[-1]["codings"] == 1
    origins = {c: o for c, _, _, _, _, o in stored(project)}
    assert origins == {REPLY: "manual", POST: "bulk", DEEP: "bulk"}
    session.undo()
    assert DEEP not in {c for c, *_ in stored(project)}


def suggest_two(project: Project, code_id: str, coder: str) -> pd.DataFrame:
    """A suggestion provider (the hook ``workbench.suggest`` fills)."""
    return pd.DataFrame({"comment_id": [REPLY, DEEP, "reddit:t1_gone"],
                         "score": [0.91, 0.4, 0.3],
                         "reason": ["near 'four hours'", None, None]})  # fmt: skip


def test_suggestions_come_from_a_pluggable_provider_and_record_their_origin(
    project: Project,
) -> None:
    with pytest.raises(QueueError, match="no suggestions provider: pass CodingSession"):
        CodingSession(project, "ann").open("suggested", code_id="waiting")
    session = CodingSession(project, "ann", suggestions=suggest_two)
    with pytest.raises(CodingSessionError, match="no code None"):
        session.open("suggested")
    queue = session.open("suggested", code_id="waiting")
    assert [i.comment_id for i in queue.items] == [REPLY, DEEP]
    assert queue.items[0].note == "suggested for Waiting times (score 0.91): near 'four hours'"
    session.toggle("waiting")
    session.toggle("delays")
    assert sorted(stored(project)) == [(REPLY, "delays", None, None, None, "manual"),
                                       (REPLY, "waiting", None, None, None,
                                        "suggestion-accepted")]  # fmt: skip
    again = session.open("suggested", code_id="waiting")
    assert [i.comment_id for i in again.items] == [DEEP], "a stale ranking skips what is coded"


def test_disagreements_come_from_a_pluggable_provider(project: Project) -> None:
    with pytest.raises(QueueError, match="no disagreements provider"):
        CodingSession(project, "ann").open("disagreements")
    session = CodingSession(project, "ann", disagreements=lambda p, coder: [POST, DEEP])
    assert [i.comment_id for i in session.open("disagreements").items] == [POST, DEEP]
    bad = CodingSession(project, "ann", disagreements=lambda p, c: pd.DataFrame({"id": [1]}))
    with pytest.raises(QueueError, match="DataFrame with a comment_id column"):
        bad.open("disagreements")
    with pytest.raises(QueueError, match="no queue 'later'"):
        session.open("later")


def test_a_split_queues_the_coders_codings_for_re_review(project: Project) -> None:
    from tests.test_codebook_session import halves

    project.store.add_codings([{"comment_id": c, "code_id": "waiting", "coder": who}
                               for c, who in ((DEEP, "ann"), (POST, "ann"), (REPLY, "ben"))],
                              "ann", codebook_version=1)  # fmt: skip
    revise = CodebookSession(project, suggest=halves)
    revise.plan_split("waiting", ["Clinic waits", "Phone waits"])
    revise.apply()
    session = CodingSession(project, "ann")
    assert session.open("reviews") and session.queue.kind == "reviews"
    items = session.queue.items
    assert [i.comment_id for i in items] == [DEEP, POST], "only ann's codings"
    assert items[0].code_id == "clinic-waits" and "suggested: Clinic waits" in items[0].note
    assert "your coding Waiting times needs a new code" in items[0].note
    session.toggle("clinic-waits")
    assert (DEEP, "clinic-waits", None, None, None, "suggestion-accepted") in stored(project)
    assert CodingSession(project, "cat").open("reviews").items == ()
    open_reviews = project.store.reviews()
    assert DEEP not in set(open_reviews["comment_id"]), "coding it again settles the review"
    assert CodingSession(project, "ann").open("reviews").items[0].comment_id == POST
    session.undo()
    assert DEEP in set(project.store.reviews()["comment_id"]), "undo opens it again"


# -- blind mode --------------------------------------------------------------------------------


def test_blind_mode_hides_other_coders_when_several_code(project: Project) -> None:
    project.store.add_codings([{"comment_id": DEEP, "code_id": "delays", "coder": "ben",
                                "span_start": 0, "span_end": 4}], "ben",
                              codebook_version=1)  # fmt: skip
    blind = CodingSession(project, "ann")
    at(blind, DEEP)
    assert blind.blind and blind.others() == [] and "blind" in blind.status()
    assert blind.coders == ["ann", "ben"]
    open_ = CodingSession(project, "ann", blind=False)
    at(open_, DEEP)
    [row] = open_.others()
    assert (row["coder"], row["label"], row["quote"]) == ("ben", "Delays",
                                                           open_.comments.text(DEEP)[:4])
    assert not CodingSession(project, "ben").others(), "ben alone sees no one else"
    assert not CodingSession(project, "ben", blind=None).blind


def test_blind_mode_lifts_on_comments_whose_agreement_was_reviewed(project: Project) -> None:
    project.store.add_codings([{"comment_id": DEEP, "code_id": "delays", "coder": "ben"},
                               {"comment_id": POST, "code_id": "delays", "coder": "ben"}],
                              "ben", codebook_version=1)  # fmt: skip
    assert CodingSession(project, "ann").blind
    project.store.add_codings([{"comment_id": DEEP, "code_id": "delays", "coder": "consensus",
                                "origin": "consensus"}], "ann", codebook_version=1)
    session = CodingSession(project, "ann")
    assert session.blind, "still blind on comments not reviewed yet"
    assert {r["coder"] for r in session.others(DEEP)} == {"ben", "consensus"}
    assert session.others(POST) == [], "not reviewed there: still hidden"


def test_a_memo_draft_is_never_dropped_by_moving_on(project: Project) -> None:
    session = CodingSession(project, "ann", queue="uncoded")
    session.write_memo("to remember")
    with pytest.raises(CodingSessionError, match="code it, or clear the memo"):
        session.next()
    session.write_memo("")
    session.next()


def test_every_save_tells_the_after_save_hook(project: Project) -> None:
    calls: list[int] = []
    session = CodingSession(project, "ann", queue="uncoded",
                            after_save=lambda: calls.append(1))  # fmt: skip
    session.toggle("waiting")
    assert calls == [1]


# -- spans --------------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from("ab é😀🏥\n🇵🇱"), max_size=30), st.data())
def test_spans_round_trip_between_python_and_utf16(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    units = span_to_utf16(text, start, end)
    assert units[1] - units[0] == utf16_length(text[start:end])
    assert span_from_utf16(text, *units) == (start, end)
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2


def test_an_offset_inside_an_emoji_keeps_the_whole_emoji() -> None:
    text = "a😀b"
    assert span_from_utf16(text, 2, 2) == (1, 2) and span_from_utf16(text, 0, 2) == (0, 2)
    assert span_from_utf16(text, -4, 99) == (0, 3)


def test_session_errors_are_workbench_errors() -> None:
    assert issubclass(SaveFailed, CodingSessionError)
    assert issubclass(CodingSessionError, WorkbenchError)


# -- both databases ------------------------------------------------------------------------------


def test_coding_saves_and_undoes_on_both_databases(store_url: str, tmp_path: Path) -> None:
    database = None if store_url.startswith("sqlite") else store_url
    with Project.init(tmp_path / "study", actor="tester", database=database) as project:
        project.import_files([Path(__file__).parent / "data" / "project" / "dump_a.ndjson"])
        adopt_small(project)
        session = CodingSession(project, "ann")
        session.open("thread", thread_id="reddit:t3_p1")
        reply = "reddit:t1_c2"  # "Same here 😞 my dad gave up and went home."
        session.go(session.queue.position_of(reply))
        assert [a["comment_id"] for a in session.context.ancestors] == ["reddit:t1_c1"]
        text = session.comments.text(reply)
        start = text.index("my dad")
        assert span_from_utf16(text, start + 1, start + 7) == (start, start + 6)
        session.code_passage("delays", start, start + 6, memo="gave up")
        session.toggle("waiting")
        [passage] = [r for r in session.my_codings() if r["code_id"] == "delays"]
        session.write_memo("gave up, went home", passage["coding_id"])
        assert sorted(stored(project)) == [
            (reply, "delays", start, start + 6, "gave up, went home", "manual"),
            (reply, "waiting", None, None, None, "manual")]  # fmt: skip
        for _ in range(3):
            session.undo()
        assert stored(project) == [] and session.my_codings() == []
        assert len(project.store.read_events("action-undone")) == 4, "the memo change is two"
