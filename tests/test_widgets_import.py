"""The import widget, driven like a user would (ipywidgets, no browser)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

from workbench.import_session import ImportSession  # noqa: E402
from workbench.project import Project  # noqa: E402
from workbench.widgets import ImportView  # noqa: E402

RAW_AUTHORS = ("Ann_Example", "bob_example")


def upload(*files: tuple[str, bytes]) -> tuple[dict, ...]:
    """What ipywidgets 8 FileUpload.value holds after a browser upload."""
    # ``last_modified`` must be a datetime: the widget serialises it with .timestamp().
    now = datetime.now(UTC)
    return tuple(
        {
            "name": name,
            "content": memoryview(content),
            "size": len(content),
            "type": "",
            "last_modified": now,
        }
        for name, content in files
    )


def dump(start: int, count: int) -> bytes:
    lines = []
    for n in range(start, start + count):
        lines.append(
            json.dumps(
                {
                    "id": f"c{n}",
                    "author": RAW_AUTHORS[n % 2],
                    "body": f"Comment {n} <about> queues",
                    "created_utc": 1710000000 + n,
                    "score": 1,
                    "parent_id": "t3_p1",
                    "link_id": "t3_p1",
                    "subreddit": "x",
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


BROKEN = dump(1, 1) + b'{"id": "c2", "body": "oops",\n' + dump(3, 1)

SURVEY = b"Comment,Posted,Who\nThe queue was short,2026-11-25 10:00,Ann_Example\n"


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    with Project.init(tmp_path / "study", actor="tester") as opened:
        yield opened


@pytest.fixture()
def view(project: Project) -> ImportView:
    return ImportView(ImportSession(project, preview_rows=3))


def banner_visible(view: ImportView) -> bool:
    return view.error_banner.layout.display != "none" and bool(view.error_banner.value)


def preview_html(view: ImportView) -> str:
    assert len(view.preview.outputs) == 1
    return view.preview.outputs[0]["data"].get("text/html", "")


def test_the_view_is_one_displayable_widget(view: ImportView) -> None:
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    assert view.upload.multiple and ".ndjson" in view.upload.accept
    values = [value for _, value in view.format.options]
    assert view.format.value == values[0] == "auto" and {"reddit-dump", "csv"} <= set(values)
    assert not banner_visible(view)
    assert view.mapping_box.layout.display == "none"


def test_upload_then_import_shows_counts_and_preview(view: ImportView, project: Project) -> None:
    view.upload.value = upload(("export.ndjson", dump(1, 4)))
    assert "export.ndjson" in view.files.value and "Reddit dump" in view.files.value
    view.import_button.click()
    assert not banner_visible(view)
    summary = view.summary.value
    assert "<table" in summary and "export.ndjson" in summary and "Reddit dump" in summary
    assert "reddit-dump" not in summary and "records read" in summary, "plain words"
    assert "<td style='padding:2px 8px;text-align:right'>4</td>" in summary
    html = preview_html(view)
    assert html.count("</tr>") == 1 + 3, "header plus preview_rows rows"
    assert "anon_" in html and "&lt;about&gt;" in html, "text is escaped, not injected"
    for raw in RAW_AUTHORS:
        assert raw not in html and raw not in summary
    assert project.stats()["comments"] == 4
    assert not view.import_button.disabled


def test_bad_file_shows_the_banner_then_a_good_import_hides_it(
    view: ImportView, project: Project
) -> None:
    view.upload.value = upload(("broken.ndjson", BROKEN))
    view.import_button.click()
    assert banner_visible(view)
    assert "broken.ndjson" in view.error_banner.value and "line 2" in view.error_banner.value
    assert view.summary.value == "" and view.preview.outputs == ()
    assert "unchanged" in view.status.value
    assert project.stats()["comments"] == 0

    view.upload.value = upload(("good.ndjson", dump(1, 2)))
    view.import_button.click()
    assert not banner_visible(view)
    assert "good.ndjson" in view.summary.value
    assert project.stats()["comments"] == 2


def test_empty_upload_is_shown_in_the_banner(view: ImportView) -> None:
    view.upload.value = upload(("empty.json", b""))
    assert banner_visible(view) and "empty.json" in view.error_banner.value
    view.import_button.click()
    assert "nothing to import" in view.error_banner.value


def test_csv_shows_the_mapping_and_imports_through_it(view: ImportView, project: Project) -> None:
    view.upload.value = upload(("survey.csv", SURVEY))
    assert view.mapping_box.layout.display != "none"
    columns = [value for _, value in view.mapping["text"].options if value]
    assert columns == ["Comment", "Posted", "Who"]
    assert view.mapping["text"].value == "Comment", "an obvious text column is preselected"

    view.mapping["text"].value = ""
    view.import_button.click()
    assert banner_visible(view) and "needs a column mapping" in view.error_banner.value

    view.mapping["text"].value = "Comment"
    view.mapping["time"].value = "Posted"
    view.mapping["author"].value = "Who"
    view.import_button.click()
    assert not banner_visible(view), view.error_banner.value
    assert "survey.csv" in view.summary.value
    assert "The queue was short" in preview_html(view)
    assert "Ann_Example" not in preview_html(view)
    assert project.comments(private=True)["author"].tolist() == ["Ann_Example"]


def test_date_order_menu_reaches_the_mapping(view: ImportView, project: Project) -> None:
    table = b"Comment,Posted\nFirst,05/11/2026\nSecond,06/11/2026\n"
    view.upload.value = upload(("dates.csv", table))
    assert view.date_order.value == "auto"
    assert [value for _, value in view.date_order.options] == ["auto", "day-first", "month-first"]
    assert view.date_order in view.mapping_box.children
    view.mapping["time"].value = "Posted"
    view.import_button.click()
    assert not banner_visible(view), view.error_banner.value
    assert "read both as day/month/year and as month/day/year" in view.summary.value

    view.upload.value = upload(("dates2.csv", table.replace(b"First", b"Third")))
    view.mapping["time"].value = "Posted"
    view.date_order.value = "day-first"
    view.import_button.click()
    assert not banner_visible(view), view.error_banner.value
    assert "Notes" not in view.summary.value
    months = project.comments().set_index("text")["created_at"].dt.month
    assert months["First"] == 5 and months["Third"] == 11


def test_choosing_a_non_table_format_hides_the_mapping(view: ImportView) -> None:
    view.upload.value = upload(("survey.csv", SURVEY))
    view.format.value = "reddit-dump"
    assert view.mapping_box.layout.display == "none"
    view.format.value = "csv"
    assert view.mapping_box.layout.display != "none"


def test_clearing_the_upload_forgets_the_files(view: ImportView) -> None:
    view.upload.value = upload(("export.ndjson", dump(1, 1)))
    view.upload.value = ()
    assert view.files.value == ""
    view.import_button.click()
    assert "nothing to import" in view.error_banner.value


def test_reimport_says_nothing_new(view: ImportView) -> None:
    view.upload.value = upload(("export.ndjson", dump(1, 2)))
    view.import_button.click()
    view.import_button.click()
    assert "0 new" in view.status.value and "2 already there" in view.status.value
    assert "No new comments" in view.preview.outputs[0]["data"]["text/plain"]


def test_a_bug_is_shown_not_swallowed(
    view: ImportView, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    view.upload.value = upload(("export.ndjson", dump(1, 1)))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(view.session, "run", broken)
    view.import_button.click()  # ipywidgets logs what a callback raises
    assert banner_visible(view) and "RuntimeError" in view.error_banner.value
    assert "boom" in view.error_banner.value
    assert any("boom" in record.getMessage() for record in caplog.records), "re-raised"
    assert not view.import_button.disabled


def test_for_project_opens_the_folder(project: Project) -> None:
    view = ImportView.for_project(project.root)
    try:
        assert view.session.project.root == project.root
        assert view.session.stats()["comments"] == 0
    finally:
        view.session.project.close()


def test_loader_notes_are_shown_with_the_summary(view: ImportView) -> None:
    view.upload.value = upload(("twice.csv", b"Comment,Comment\nhello,again\n"))
    view.import_button.click()
    assert not banner_visible(view), view.error_banner.value
    assert "Notes" in view.summary.value and "Comment_2" in view.summary.value
