"""The codebook widget, driven like a user would (ipywidgets, no browser).

Choosing in a list sets its ``value``; a click is ``button.click()``, which calls the
handlers the view wired (a real click on a disabled button never reaches them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.install_support import require

# Dependencies of the notebook extra: missing, they fail the run (a broken install).
require("ipywidgets")

from tests.test_codebook_session import COUNTS, SMALL, TREE_ORDER, code_demo, halves  # noqa: E402
from workbench.codebook import service  # noqa: E402
from workbench.codebook.session import CodebookSession  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.widgets.codebook import NEW_CODE, CodebookView  # noqa: E402


@pytest.fixture()
def project(demo_copy: Path) -> Iterator[Project]:
    with Project.open(demo_copy) as opened:
        code_demo(opened)
        yield opened


@pytest.fixture()
def view(project: Project) -> CodebookView:
    return CodebookView(CodebookSession(project, suggest=halves))


def banner(view: CodebookView) -> str:
    """The banner's text, or "" when it is hidden."""
    return "" if view.error_banner.layout.display == "none" else view.error_banner.value


def assert_no_plan(view: CodebookView) -> None:
    assert view.apply_button.disabled and view.discard_button.disabled
    assert "No change planned" in view.plan.value


def test_the_view_renders_the_tree_with_counts_per_coder(view: CodebookView) -> None:
    assert type(view.widget).__name__ == "VBox" and type(view.tabs).__name__ == "Tab"
    assert view.tabs.titles == ("Definition", "Merge", "Split", "History")
    assert [value for _, value in view.codes.options] == TREE_ORDER and view.codes.value is None
    assert view.adopt_box.layout.display == "none" and view.main.layout.display == ""
    tree = view.tree.value
    assert "<th>ann</th><th>ben</th><th>cat</th><th>total</th>" in tree
    assert tree.count("<tr>") == 1 + len(TREE_ORDER)
    assert "9 codings by 3 coders" in view.status.value
    assert "Choose a code" in view.detail.value
    assert_no_plan(view)
    assert banner(view) == ""
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_code_lists_indent_children_and_show_counts(view: CodebookView) -> None:
    options = view.codes.options
    assert options[0][0] == "Barriers (barriers) · 1"
    assert options[1][0] == "\u00a0\u00a0\u00a0Access (barriers.access) · 2"
    assert view.split_source.options[1][0] == "Access (barriers.access) · 2"
    assert view.merge_target.options[0] == ("a new code (label below)", NEW_CODE)
    assert [v for _, v in view.merge_target.options[1:]] == TREE_ORDER


def test_choosing_a_code_fills_the_definition_form(view: CodebookView) -> None:
    view.codes.value = "barriers.access"
    assert view.session.selected == "barriers.access"
    assert view.definition.value == "No device, no connection, no time."
    assert view.examples.value == "I don't have a smartphone"
    assert "Barriers › Access" in view.detail.value and "ann 1, ben 1" in view.detail.value


def test_apply_is_disabled_until_a_plan_is_shown_and_applies_it(
    project: Project, view: CodebookView
) -> None:
    view.codes.value = "waiting"
    view.definition.value = "How long people wait."
    assert_no_plan(view)

    view.plan_redefine_button.click()

    assert banner(view) == "" and not view.apply_button.disabled
    assert "definition now: &#x27;How long people wait.&#x27;" in view.plan.value
    assert service.require(project).version == 1

    view.apply_button.click()

    assert banner(view) == ""
    assert service.require(project).code("waiting").definition == "How long people wait."
    assert "stored version 2 (redefine)" in view.message.value
    assert_no_plan(view)
    assert "version 2" in view.status.value and view.definition.value == "How long people wait."
    assert [v for v in view.diff_first.options] == [1, 2] and view.diff_second.value == 2


def test_apply_without_a_plan_shows_why_in_the_banner(view: CodebookView) -> None:
    view.apply_button.click()  # a click that bypasses the disabled button
    assert "no plan to apply" in banner(view)


def test_the_merge_form_plans_and_applies_a_merge(project: Project, view: CodebookView) -> None:
    view.merge_sources.value = ("waiting", "delays")
    view.merge_target.value = NEW_CODE
    view.merge_label.value = "Waits and delays"
    view.merge_rationale.value = "overlap"
    view.plan_merge_button.click()
    assert "into Waits and delays (waits-and-delays, new)" in view.plan.value
    assert not view.apply_button.disabled

    view.apply_button.click()

    assert banner(view) == ""
    assert service.require(project).code("waiting").merged_into == "waits-and-delays"
    assert "merged → waits-and-delays" in view.tree.value
    assert "waits-and-delays" in [v for _, v in view.merge_target.options]
    assert dict((v, t) for t, v in view.codes.options)["waiting"] == (
        "Waiting times (waiting) [merged into waits-and-delays] · 0")
    assert "waiting" not in [v for _, v in view.split_source.options]
    assert view.merge_sources.value == (), "merged codes leave the form's choices"


def test_the_split_form_queues_codings_for_re_review(project: Project, view: CodebookView) -> None:
    view.split_source.value = "barriers.access"
    view.split_into.value = "Device\ndata = No mobile data"
    view.plan_split_button.click()
    assert "re-review queue: 2 codings" in view.plan.value

    view.apply_button.click()

    assert len(project.store.reviews()) == 2
    assert "2 codings await re-review" in view.status.value
    assert "retired" in view.tree.value and view.split_source.value is None


def test_undo_is_planned_then_applied(project: Project, view: CodebookView) -> None:
    view.merge_sources.value = ("waiting",)
    view.merge_target.value = "delays"
    view.plan_merge_button.click()
    view.apply_button.click()
    view.undo_button.click()
    assert "undo version 2 (merge)" in view.plan.value

    view.apply_button.click()

    assert banner(view) == ""
    assert service.require(project).code("waiting").status == "active"
    counts = view.session.tree().set_index("id")["total"].to_dict()
    assert counts == {code: sum(by.values()) for code, by in COUNTS.items()}


def test_errors_appear_in_the_banner_and_leave_no_plan(view: CodebookView) -> None:
    view.codes.value = "waiting"
    view.definition.value = "New wording"
    view.plan_redefine_button.click()
    view.plan_merge_button.click()  # no sources chosen
    assert "choose the codes to merge" in banner(view)
    assert_no_plan(view)
    view.undo_button.click()
    assert "no revision left to undo" in banner(view)


def test_discard_forgets_the_plan(project: Project, view: CodebookView) -> None:
    view.undo_button.click()
    view.merge_sources.value = ("waiting",)
    view.merge_target.value = "delays"
    view.plan_merge_button.click()
    view.discard_button.click()
    assert_no_plan(view)
    assert banner(view) == ""
    assert service.require(project).version == 1


def test_the_history_tab_shows_versions_and_differences(view: CodebookView) -> None:
    view.merge_sources.value = ("waiting",)
    view.merge_target.value = "delays"
    view.plan_merge_button.click()
    view.apply_button.click()
    assert "<td>adopt</td>" in view.versions.value and "<td>merge</td>" in view.versions.value
    view.diff_button.click()
    assert "Waiting times (waiting) merged into Delays (delays)" in view.diff.value
    view.diff_first.value = 2
    view.diff_button.click()
    assert "No differences" in view.diff.value


def test_a_project_without_a_codebook_offers_adopting_one(demo_copy: Path) -> None:
    with Project.open(demo_copy) as project:
        view = CodebookView(CodebookSession(project), starter="missing.yaml")
        assert view.adopt_box.layout.display == "" and view.main.layout.display == "none"
        assert view.adopt_path.value == "missing.yaml" and "no codebook yet" in view.status.value
        view.adopt_button.click()
        assert "no codebook file at &#x27;missing.yaml&#x27;" in banner(view)

        view.adopt_path.value = str(SMALL)
        view.adopt_button.click()

        assert banner(view) == "" and view.adopt_box.layout.display == "none"
        assert [v for _, v in view.codes.options] == TREE_ORDER
        assert "adopted &#x27;Small test codebook&#x27; (5 codes)" in view.message.value


def test_the_committees_feedback_shows_next_to_its_theme(view: CodebookView, project: Project,
                                                         tmp_path: Path) -> None:  # fmt: skip
    from workbench.publish.feedback import import_feedback
    from workbench.viewer import feedback

    app = tmp_path / "app"
    app.mkdir()
    feedback.save(app, theme="barriers.access", theme_label="Access",
                  text="Bus times matter more than parking.", bundle_id="b")  # fmt: skip
    assert import_feedback(project, app)["imported"] == 1
    view.session.refresh()
    view.codes.value = "barriers.access"
    assert "Advisory committee feedback (1)" in view.detail.value
    assert "Bus times matter more than parking." in view.detail.value
    view.codes.value = "barriers"
    assert "Advisory committee feedback" not in view.detail.value
