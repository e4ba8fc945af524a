"""The publishing notebook's controller and widget, headless, on the coded demo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.project import Project
from workbench.publish.session import PublishSession
from workbench.viewer.bundle import load
from workbench.widgets.publish import PublishView


@pytest.fixture()
def session(coded_demo: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(coded_demo, root)
    project = Project.open(root)
    yield PublishSession(project, tmp_path / "app")
    project.close()


def test_review_preview_and_publish(session: PublishSession, tmp_path: Path) -> None:
    themes = session.themes()
    shown = themes[themes["shown"]]
    assert not shown.empty and (shown["authors"] >= 5).all()
    assert not themes[~themes["shown"]].empty
    theme = shown.iloc[0]["code_id"]
    quotes = session.quotes(theme)
    assert len(quotes) == 10 and [q.rank for q in quotes] == sorted(q.rank for q in quotes)
    assert "No quotes from here" in session.preview(theme)
    published = session.decide(quotes[0].id, "approve")
    assert published == quotes[0].scrubbed
    assert session.decide(quotes[1].id, "edit", "Short and kind.") == "Short and kind."
    session.decide(quotes[2].id, "withhold")
    page = session.preview(theme)
    assert "Short and kind." in page and quotes[2].scrubbed not in page
    assert "2 quotes approved, 1 withheld" in session.status()
    report = session.publish()
    assert report.quotes == 2
    assert len(load(tmp_path / "app" / "bundle").data["quotes"]) == 2
    # decisions survive a new session on the same project
    again = PublishSession(session.project, tmp_path / "app")
    assert {q.id: q.decision for q in again.quotes(theme)}[quotes[2].id] == "withhold"
    assert "not shown" in session.preview(themes[~themes["shown"]].iloc[0]["code_id"])


def test_the_view_reviews_previews_and_publishes(session: PublishSession, tmp_path: Path) -> None:
    view = PublishView(session)
    assert view.theme.options and view.quote_list.options
    assert "twb-page" in view.preview.value
    first = view.quote_list.value
    view.decision.value = "approve"
    view.save_button.click()
    assert session.review.by_id()[first].decision == "approve"
    assert view.quote_list.options[0][0].startswith("✓")
    view.decision.value = "edit"
    view.wording.value = ""
    view.save_button.click()
    assert "edit needs the new wording" in view.error_banner.value
    view.approve_theme.click()
    theme_quotes = session.quotes(view.theme.value)
    assert all(q.decision != "pending" for q in theme_quotes)
    view.page.value = "methods"
    assert "How this was done" in view.preview.value
    view.publish_button.click()
    assert "Published" in view.message.value
    assert (tmp_path / "app" / "static.html").is_file()
