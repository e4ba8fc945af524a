"""The agreement widget, driven like a user would (ipywidgets, no browser).

Choosing in a list sets its ``value``; ticking sets a checkbox's ``value``; a click is
``button.click()``, which calls the handlers the view wired.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.install_support import require

# Dependencies of the notebook extra: missing, they fail the run (a broken install).
require("ipywidgets")

from tests.test_agreement_figures import C1, C2, C5, code_for_agreement, new_project  # noqa: E402
from workbench.agreement import Bootstrap  # noqa: E402
from workbench.agreement.session import AgreementSession  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.widgets.agreement import AgreementView  # noqa: E402


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Project]:
    with new_project(tmp_path / "study") as opened:
        code_for_agreement(opened)
        yield opened


@pytest.fixture()
def view(project: Project) -> AgreementView:
    return AgreementView(AgreementSession(project, reviewer="rev",
                                          bootstrap=Bootstrap(replicates=100)))  # fmt: skip


def banner(view: AgreementView) -> str:
    return "" if view.error_banner.layout.display == "none" else view.error_banner.value


def ticked(view: AgreementView) -> list[str]:
    return [code for code, box in view.code_boxes.items() if box.value]


def test_the_view_shows_the_figures_and_the_disagreements(view: AgreementView) -> None:
    assert type(view.widget).__name__ == "VBox"
    assert "3 coders (ann, ben, cat)" in view.status.value
    table = view.table.value
    assert "Krippendorff's alpha" in table and "<td style='padding:2px 8px;text-align:right'>" \
        "all codes</td>" in table
    assert table.count("<tr") == 1 + 12 and "0.625 <small>[" in table
    assert "n/a (two coders only)" in table
    assert [v for _, v in view.units.options] == [C1, C2, C5] and view.units.value is None
    assert view.units.options[0][0].startswith(f"{C1} · codes: delays")
    assert list(view.code_boxes) == ["barriers", "barriers.access", "barriers.familiarity",
                                     "waiting", "delays"]  # fmt: skip
    assert view.accept_coder.options == ("ann", "ben", "cat")
    assert "Choose a disagreement" in view.detail.value
    assert banner(view) == ""
    assert "application/vnd.jupyter.widget-view+json" in view._repr_mimebundle_()


def test_choosing_a_comment_shows_it_and_ticks_the_agreed_codes(view: AgreementView) -> None:
    view.units.value = C2
    assert view.session.selected == C2
    detail = view.detail.value
    assert "Same here" in detail and "<b>ann</b>" in detail and "<b>ben</b>" in detail
    assert "“Same here 😞 my dad g”" in detail, "ann's passage, quoted"
    assert ticked(view) == ["waiting"]
    view.units.value = C5
    assert ticked(view) == [], "nothing all three applied"
    assert "background:#fff3cd" in view.detail.value, "disputed codes are highlighted"


def test_settling_and_undo_by_clicks(view: AgreementView, project: Project) -> None:
    view.units.value = C1
    view.code_boxes["delays"].value = True
    view.memo.value = "both"
    view.settle_button.click()
    assert banner(view) == ""
    assert "settled by rev as waiting, delays" in view.message.value
    codings = project.store.codings(coder="consensus")
    assert sorted(codings["code_id"]) == ["delays", "waiting"]
    assert view.memo.value == "", "the memo is cleared after use"
    assert [v for _, v in view.units.options] == [C2, C5], "settled ones leave the list"
    assert "2 not settled yet" in view.status.value
    view.show_settled.value = True
    assert [v for _, v in view.units.options] == [C1, C2, C5]
    assert view.units.options[0][0] == (f"{C1} · codes: delays ✓ · The walk-in centre wait was "
                                        "four hours &")
    assert view.units.value == C1 and "<b>consensus</b>" in view.detail.value

    view.undo_button.click()
    assert "undid the settlement" in view.message.value
    assert project.store.codings(coder="consensus").empty


def test_taking_a_coders_coding(view: AgreementView, project: Project) -> None:
    view.units.value = C2
    view.accept_coder.value = "ben"
    view.accept_button.click()
    [row] = project.store.codings(coder="consensus").to_dict(orient="records")
    assert (row["span_start"], row["span_end"]) == (10, 30)
    assert "ben&#x27;s coding" in view.message.value


def test_errors_show_in_the_banner(view: AgreementView) -> None:
    view.settle_button.click()
    assert "choose a comment to review first" in banner(view)
    view.units.value = C1
    view.code_boxes["waiting"].value = False
    view.settle_button.click()
    assert "a consensus needs at least one code" in banner(view)
    view.undo_button.click()
    assert "nothing to undo" in banner(view)
    view.recompute_button.click()
    assert banner(view) == "", "a click that works clears the banner"


def test_a_project_without_codings_says_why(tmp_path: Path) -> None:
    with new_project(tmp_path / "empty") as empty:
        view = AgreementView(AgreementSession(empty, bootstrap=Bootstrap(replicates=0)))
        assert "two or more coders; so far nobody has coded" in view.status.value
        assert view.review.layout.display == "none" and view.table.value == ""
