"""The coding app, driven like a coder would (ipywidgets and anywidget, no browser).

A click is ``button.click()`` or, for a code, setting its toggle's ``value``; a key is
the message the app's JavaScript sends (``{"kind": "key", "action": ...}``); a text
selection is the ``selection`` the JavaScript sets, in UTF-16 units as a browser
counts them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from tests.install_support import require

# Dependencies of the notebook extra: missing, they fail the run (a broken install).
require("ipywidgets")
require("anywidget")

from tests.test_coding_session import (  # noqa: E402
    CHAIN,
    DEEP,
    EMOJI,
    POST,
    REPLY,
    add_run,
    adopt_small,
    at,
    stored,
    suggest_two,
)
from workbench.coding.session import CodingSession  # noqa: E402
from workbench.errors import StoreError  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.widgets.coding import CodingView  # noqa: E402
from workbench.widgets.passage import PassageWidget  # noqa: E402


@pytest.fixture()
def project(demo_copy: Path) -> Iterator[Project]:
    with Project.open(demo_copy) as opened:
        adopt_small(opened)
        yield opened


@pytest.fixture()
def view(project: Project) -> CodingView:
    session = CodingSession(project, "ann", suggestions=suggest_two)
    at(session, DEEP)
    made = CodingView(session)
    made.render()
    return made


def banner(view: CodingView) -> str:
    """The banner's text, or "" when it is hidden."""
    return "" if view.error_banner.layout.display == "none" else view.error_banner.value


def key(view: CodingView, action: str) -> None:
    """A shortcut key pressed in the browser."""
    view.passage._handle_custom_msg({"kind": "key", "action": action}, [])


def select(view: CodingView, start: int, end: int) -> None:
    """Select UTF-16 units ``start:end`` of the comment, as the browser reports it."""
    view.passage.selection = {"start": start, "end": end}


# -- what is shown ------------------------------------------------------------------------------


def test_the_app_shows_the_comment_in_its_thread_with_its_codes(view: CodingView) -> None:
    assert "workbench-coding" in view.widget._dom_classes
    assert "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()
    context = view.session.context
    for row in context.ancestors:
        assert row["author_pseudonym"] in view.above.value
    assert view.above.value.index("post · ") < view.above.value.index(
        context.ancestors[-1]["author_pseudonym"])  # the post comes first
    assert "Riverside Community Health here" in view.above.value
    assert "131 comments" in view.above.value
    assert "Replies (1)" in view.below.value
    assert context.comment["author_pseudonym"] in view.header.value
    assert "rel='noopener noreferrer'" in view.header.value
    assert "open on reddit" in view.header.value
    assert view.passage.text == context.comment["text"] and view.passage.marks == []
    assert list(view.toggles) == [c.id for c in view.session.codes]
    access = view.toggles["barriers.access"]
    assert access.description == "› 2 · Access" and "Definition: No device" in access.tooltip
    assert "Don&#x27;t use when" not in view.definitions.value  # small.yaml has none
    assert "How long people wait" in view.definitions.value
    assert "Coder ann" in view.status.value and banner(view) == ""
    assert view.pending_box.layout.display == "none"
    assert [v for _, v in view.queue_kind.options][:3] == ["queue", "thread", "cluster"]


def test_a_click_on_a_code_saves_it_at_once_and_another_removes_it(
    project: Project, view: CodingView
) -> None:
    view.toggles["waiting"].value = True
    assert stored(project) == [(DEEP, "waiting", None, None, None, "manual")]
    assert view.toggles["waiting"].button_style == "success"
    assert "saved: Waiting times" in view.message.value
    assert "Waiting times" in view.codings_box.children[0].children[1].value
    view.toggles["waiting"].value = False
    assert stored(project) == [] and view.toggles["waiting"].button_style == ""
    assert "None yet" in view.codings_box.children[0].value


def test_keys_move_code_and_undo(project: Project, view: CodingView) -> None:
    key(view, "code:4")
    assert stored(project)[0][:2] == (DEEP, "waiting") and view.toggles["waiting"].value
    key(view, "next")
    assert view.session.comment_id == REPLY and not view.toggles["waiting"].value
    key(view, "previous")
    assert view.session.comment_id == DEEP and view.toggles["waiting"].value
    key(view, "undo")
    assert stored(project) == [] and not view.toggles["waiting"].value
    key(view, "code:9")
    assert "stands for no code: the keys 1 to 5" in banner(view)
    key(view, "next")
    assert banner(view) == "", "the next action clears the banner"


def test_buttons_move_through_the_queue(view: CodingView) -> None:
    view.next_button.click()
    assert view.session.comment_id == REPLY and CHAIN[-1] not in view.below.value
    view.previous_button.click()
    assert view.session.comment_id == DEEP
    view.session.go(0)
    view.render()
    assert view.previous_button.disabled and not view.next_button.disabled
    assert view.undo_button.disabled, "nothing to undo yet"


def test_a_selected_passage_is_coded_by_the_next_code_clicked(
    project: Project, view: CodingView
) -> None:
    at(view.session, EMOJI)
    view.render()
    text = view.passage.text
    start = text.index("Thank you")
    select(view, start + 2, start + 11)  # a flag (4 UTF-16 units) comes before it
    assert "“Thank you”" in view.selection_note.value
    view.toggles["delays"].value = True
    assert stored(project) == [(EMOJI, "delays", start, start + 9, None, "manual")]
    assert not view.toggles["delays"].value, "the whole comment is not coded"
    [mark] = view.passage.marks
    assert (mark["start"], mark["end"], mark["label"]) == (start + 2, start + 11, "Delays")
    assert view.passage.selection == {} and view.selection_note.value == ""
    select(view, 0, 4)
    key(view, "clear")
    assert view.passage.selected_span() is None
    view.toggles["delays"].value = True
    assert (EMOJI, "delays", None, None, None, "manual") in stored(project)


def test_memos_are_saved_when_written(project: Project, view: CodingView) -> None:
    assert view.memo_target.value is None
    view.memo.value = "asked about parking"  # the field lost focus
    assert view.session.draft_memo == "asked about parking"
    view.toggles["waiting"].value = True
    assert stored(project)[0][4] == "asked about parking"
    assert view.memo_target.value == view.session.my_codings()[0]["coding_id"]
    view.memo.value = "asked about parking, twice"
    assert stored(project)[0][4] == "asked about parking, twice"
    assert view.memo.value == "asked about parking, twice"
    assert "memo: asked about parking, twice" in view.codings_box.children[0].children[1].value


def test_the_remove_button_takes_one_coding_away(project: Project, view: CodingView) -> None:
    select(view, 0, 4)
    view.toggles["delays"].value = True
    view.toggles["waiting"].value = True
    passage = view.codings_box.children[0]
    assert "delays" not in passage.children[1].value and "Delays" in passage.children[1].value
    passage.children[0].click()
    assert stored(project) == [(DEEP, "waiting", None, None, None, "manual")]
    assert len(view.codings_box.children) == 1


def test_a_failed_save_shows_and_waits_for_retry(
    project: Project, view: CodingView, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = project.store.add_codings

    def broken(*args, **kwargs):
        raise StoreError("the database stayed busy (simulated)")

    monkeypatch.setattr(project.store, "add_codings", broken)
    view.toggles["waiting"].value = True
    assert "not saved: Waiting times" in banner(view) and "stayed busy" in banner(view)
    assert view.pending_box.layout.display == "" and "Not saved yet (1)" in view.pending.value
    assert view.toggles["waiting"].value and view.toggles["waiting"].button_style == "warning"
    assert "not saved" in view.codings_box.children[0].children[1].value
    assert view.codings_box.children[0].children[0].disabled, "nothing to remove yet"
    view.retry_button.click()
    assert "still not saved" in banner(view)
    monkeypatch.setattr(project.store, "add_codings", real)
    view.retry_button.click()
    assert banner(view) == "" and view.pending_box.layout.display == "none"
    assert stored(project) == [(DEEP, "waiting", None, None, None, "manual")]

    monkeypatch.setattr(project.store, "add_codings", broken)
    view.toggles["delays"].value = True
    view.discard_button.click()
    assert view.session.pending == [] and not view.toggles["delays"].value
    assert "dropped, never saved" in view.message.value


def test_queues_are_chosen_and_opened(view: CodingView) -> None:
    view.queue_kind.value = "thread"
    assert view.queue_thread.layout.display == "" and view.queue_code.layout.display == "none"
    assert view.queue_thread.value == view.session.comments.thread_of(DEEP)
    view.open_button.click()
    assert view.session.queue.kind == "thread" and view.session.comment_id == DEEP
    view.queue_kind.value = "suggested"
    assert view.queue_code.layout.display == ""
    view.queue_code.value = "waiting"
    view.open_button.click()
    assert view.session.comment_id == REPLY and "score 0.91" in view.note.value
    view.toggles["waiting"].value = True
    assert view.session.my_codings()[0]["origin"] == "suggestion-accepted"
    view.queue_kind.value = "disagreements"
    view.open_button.click()
    assert "no disagreements provider" in banner(view)
    view.queue_kind.value = "cluster"
    view.open_button.click()
    assert "choose the cluster" in banner(view) and view.session.queue.kind == "suggested"


def test_a_whole_cluster_is_confirmed_comment_by_comment(project: Project) -> None:
    add_run(project, {2: [(DEEP, 0.5), (POST, 0.9), (REPLY, 0.7)]})
    view = CodingView(CodingSession(project, "ann"))
    assert view.cluster_choice.options == (("2: wait, hours (3)", 2),)
    view.cluster_code.value = "delays"
    view.cluster_list_button.click()
    checks = view.cluster_checks.children
    assert len(checks) == 3 and all(c.value for c in checks) and not view.cluster_confirm.disabled
    assert "run 1, cluster 2" in view.cluster_help.value
    checks[1].value = False  # the coder unchecks the one that does not fit
    view.cluster_confirm.click()
    assert sorted(c for c, code, *_ in stored(project) if code == "delays") == sorted([POST, DEEP])
    assert {o for *_, o in stored(project)} == {"bulk"} and view.cluster_checks.children == ()
    assert "Delays on 2 comments of run 1, cluster 2" in view.cluster_help.value
    view.cluster_list_button.click()
    assert [c.disabled for c in view.cluster_checks.children] == [True, False, True]
    view.cluster_none.click()
    view.cluster_confirm.click()
    assert "nothing to code" in view.cluster_help.value
    view.undo_button.click()
    assert stored(project) == []


def test_blind_mode_hides_other_coders_and_open_mode_shows_them(project: Project) -> None:
    project.store.add_codings([{"comment_id": DEEP, "code_id": "delays", "coder": "ben"}],
                              "ben", codebook_version=1)  # fmt: skip
    for blind, shown in ((None, False), (False, True)):
        session = CodingSession(project, "ann", blind=blind)
        at(session, DEEP)
        view = CodingView(session)
        assert ("ben: Delays" in view.others.value) is shown
        assert ("blind" in view.status.value) is not shown


def test_rendering_again_and_again_leaks_no_widgets(view: CodingView) -> None:
    _instances = sys.modules["ipywidgets.widgets.widget"]._instances  # every live model
    view.toggles["waiting"].value = True
    view.next_button.click()
    view.previous_button.click()
    before = len(_instances)
    for _ in range(5):
        view.next_button.click()
        view.previous_button.click()
    assert len(_instances) == before


def test_the_passage_javascript_ships_with_the_package_and_fetches_nothing() -> None:
    script = resources.files("workbench") / "widgets" / "static" / "passage.js"
    source = script.read_text(encoding="utf-8")
    assert "export default { render }" in source
    assert "import " not in source and "http" not in source and "fetch(" not in source
    widget = PassageWidget()
    assert widget._esm == source, "the module travels in the widget's own state"
    widget.show("a😀b", [{"start": 2, "end": 3, "label": "x", "color": "#fff"}])
    assert widget.marks[0]["start"] == 3 and widget.marks[0]["end"] == 4
    widget.selection = {"start": 1, "end": 3}
    assert widget.selected_span() == (1, 2)
    widget.close()


def test_an_empty_queue_shows_no_comment(project: Project) -> None:
    view = CodingView(CodingSession(project, "ann", queue="queue"))
    assert view.session.comment_id is None and "send comments to it" in view.message.value
    assert all(t.disabled for t in view.toggles.values()) and view.passage.text == ""
    assert type(view.codings_box.children[0]).__name__ == "HTML"


def test_reload_reads_a_revised_codebook(project: Project, view: CodingView) -> None:
    from workbench.codebook import revisions, service

    service.apply(project, revisions.retire(service.require(project), "delays",
                                            project.store.codings(), "lead"))  # fmt: skip
    old = view.toggles["delays"]
    view.reload_button.click()
    assert "delays" not in view.toggles and old.comm is None, "the old toggle is closed"
    assert "Delays" not in view.definitions.value and banner(view) == ""
    assert [v for _, v in view.cluster_code.options] == ["barriers", "barriers.access",
                                                         "barriers.familiarity", "waiting"]


def test_without_a_cluster_run_the_cluster_panel_says_so(view: CodingView) -> None:
    assert view.cluster_choice.options == ()
    view.cluster_list_button.click()
    assert "No cluster run yet" in view.cluster_help.value and view.cluster_confirm.disabled


def test_mentions_of_known_authors_show_as_pseudonyms_and_passages_land_on_the_stored_text(
        project: Project) -> None:  # fmt: skip
    reply = ("mastodon:https://disabled.social.example/users/alex_rolls/statuses/"
             "116159439193629068")  # "@jen_bsl @RiversideCommunityHealth 💯 accessibility ..."
    session = CodingSession(project, "ann")
    at(session, reply)
    view = CodingView(session)
    view.render()
    raw = session.context.comment["text"]
    shown = view.passage.text
    assert raw.startswith("@jen_bsl @RiversideCommunityHealth")
    assert "jen_bsl" not in shown and "RiversideCommunityHealth" not in shown
    assert shown.startswith("@anon_")
    word = shown.index("accessibility")
    select(view, word + 1, word + 1 + len("accessibility"))  # the emoji is 2 UTF-16 units
    view.toggles["delays"].value = True
    start = raw.index("accessibility")
    assert stored(project) == [(reply, "delays", start, start + len("accessibility"), None,
                                "manual")]  # fmt: skip
    [mark] = view.passage.marks
    assert (mark["start"], mark["end"]) == (word + 1, word + 1 + len("accessibility"))
    assert all("jen_bsl" not in (r["text"] or "") for r in session.context.ancestors)
