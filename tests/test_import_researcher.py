"""Importing as a researcher meets it (issue 11): guided start, plain words, privacy.

Headless: the import controller and view, driven like a user would, against real
projects on disk.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.install_support import require

require("ipywidgets")

from workbench.errors import ProjectError  # noqa: E402
from workbench.importing import ImportSession, open_or_create  # noqa: E402
from workbench.project import NON_SUBSTANTIVE, Project  # noqa: E402
from workbench.widgets import ImportView  # noqa: E402
from workbench.wording import describe_project, language_name, readable_preview  # noqa: E402


def upload(*files: tuple[str, bytes]) -> tuple[dict, ...]:
    now = datetime.now(UTC)
    return tuple({"name": name, "content": memoryview(content), "size": len(content),
                  "type": "", "last_modified": now} for name, content in files)  # fmt: skip


def dump(*comments: tuple[str, str, str]) -> bytes:
    """Reddit dump lines from (id, author, body)."""
    return "".join(
        json.dumps({"id": cid, "author": author, "body": body, "created_utc": 1710000000 + n,
                    "score": 1, "parent_id": "t3_p1", "link_id": "t3_p1", "subreddit": "x"})
        + "\n"
        for n, (cid, author, body) in enumerate(comments)
    ).encode()  # fmt: skip


SURVEY = (
    b"Response ID,Answer\n"
    b"r1,The queue moved quickly this time\n"
    b"r2,Did not answer\n"
    b"r3,N/A\n"
    b"r4,-\n"
    b"r5,No\n"
    b"r6,\n"
)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    with Project.init(tmp_path / "study", actor="tester") as opened:
        yield opened


@pytest.fixture()
def view(project: Project) -> ImportView:
    return ImportView(ImportSession(project, preview_rows=10))


# -- the Import button and stale results -------------------------------------------------


def test_import_is_disabled_until_files_are_chosen(view: ImportView) -> None:
    assert view.import_button.disabled
    view.upload.value = upload(("a.ndjson", dump(("c1", "ann", "hello there"))))
    assert not view.import_button.disabled
    view.upload.value = ()
    assert view.import_button.disabled


def test_choosing_new_files_takes_down_the_last_results(view: ImportView) -> None:
    view.upload.value = upload(("a.ndjson", dump(("c1", "ann", "hello there"))))
    view.import_button.click()
    assert "a.ndjson" in view.summary.value and view.preview.outputs
    view.upload.value = upload(("b.ndjson", dump(("c2", "ben", "another one"))))
    assert view.summary.value == "" and view.preview.outputs == () and view.status.value == ""


# -- errors in the user's words ---------------------------------------------------------


def test_errors_name_the_users_file_not_the_stored_copy(view: ImportView) -> None:
    broken = dump(("c1", "ann", "fine")) + b'{"id": "c2", "body": "oops",\n'
    view.upload.value = upload(("My Export.ndjson", broken))
    view.import_button.click()
    message = view.error_banner.value
    assert "My Export.ndjson" in message and "line 2" in message
    assert "originals" not in message and str(view.session.project.root) not in message


def test_a_one_line_json_error_names_the_record_not_a_column(view: ImportView) -> None:
    from tests.install_support import demo_files

    [thread] = [f for f in demo_files() if f.name == "reddit_thread.json"]
    text = json.dumps(json.loads(thread.read_text(encoding="utf-8")))  # one long line
    view.upload.value = upload(("thread.json", text[: len(text) * 2 // 3].encode()))
    view.import_button.click()
    message = view.error_banner.value
    assert "thread.json" in message and "record $[1].data.children[" in message, message
    assert "column" not in message


# -- non-substantive answers --------------------------------------------------------------


def test_non_substantive_answers_are_kept_flagged_and_counted(
    view: ImportView, project: Project
) -> None:
    view.upload.value = upload(("survey.csv", SURVEY))
    view.mapping["text"].value = "Answer"
    view.mapping["id"].value = "Response ID"
    view.import_button.click()
    outcome = view.session.last_outcome
    assert outcome.ok, outcome.error
    texts = sorted(project.comments()["text"])
    assert texts == sorted(["The queue moved quickly this time", "Did not answer", "N/A", "-",
                            "No"])  # fmt: skip
    [row] = outcome.summary
    assert row["non_substantive"] == 3 and row["skipped"] == 1  # the empty cell
    assert outcome.report.files[0].flagged[NON_SUBSTANTIVE] == 3
    assert "3 answers said nothing" in view.summary.value
    assert "non-substantive answers" in view.summary.value


def test_the_list_and_the_short_rule_are_project_settings(tmp_path: Path) -> None:
    with Project.init(tmp_path / "p", actor="t") as project:
        (project.root / "workbench.yaml").write_text(
            "non_substantive_answers: [no]\nnon_substantive_min_chars: 0\n", encoding="utf-8"
        )
    with Project.open(tmp_path / "p") as project:
        session = ImportSession(project)
        session.stage([("survey.csv", SURVEY)])
        outcome = session.run(mapping=session.mapping("Answer", id="Response ID"))
        assert outcome.summary[0]["non_substantive"] == 1  # only "No", by this project's list


# -- the guided start ---------------------------------------------------------------------


def test_open_or_create_makes_a_new_project_and_says_which_is_open(tmp_path: Path) -> None:
    project, choice = open_or_create(tmp_path / "my-study")
    with project:
        assert choice.created and not choice.demo and choice.comments == 0
        assert (tmp_path / "my-study" / "workbench.yaml").is_file()
        assert "“my-study” is open" in choice.sentence() and "new, empty" in choice.sentence()
    again, choice = open_or_create(tmp_path / "my-study")
    with again:
        assert not choice.created


def test_open_or_create_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine")
    with pytest.raises(ProjectError, match="stuff: is a folder with other files"):
        open_or_create(tmp_path / "stuff")


def test_real_data_does_not_land_in_the_demo_project_by_default(tmp_path: Path) -> None:
    from tests.install_support import demo_files
    from workbench.demo.builder import build_demo_project

    demo_files()
    build_demo_project(tmp_path / "demo-project")
    view = ImportView.for_project(tmp_path / "demo-project")
    try:
        assert view.choice.demo and "fictional demo project" in view.project_line.value
        assert view.allow_demo.layout.display != "none"
        before = view.session.stats()["comments"]
        view.upload.value = upload(("mine.ndjson", dump(("z1", "ann", "my real data"))))
        view.import_button.click()
        assert "fictional demo project" in view.error_banner.value
        assert view.session.stats()["comments"] == before, "nothing imported"
        view.allow_demo.value = True
        view.import_button.click()
        assert view.session.stats()["comments"] == before + 1

        # Opening a project of one's own from the view itself.
        view.folder.value = str(tmp_path / "mine")
        view.open_button.click()
        assert view.session.project.root == (tmp_path / "mine").resolve()
        assert "“mine” is open" in view.project_line.value
        assert view.allow_demo.layout.display == "none" and view.import_button.disabled
    finally:
        view.session.project.close()


# -- plain words and privacy in what is shown ---------------------------------------------


def test_the_preview_reads_in_words_and_masks_mentions(view: ImportView) -> None:
    view.upload.value = upload(("a.ndjson", dump(
        ("c1", "tired_mum_of_4", "First post"),
        ("c2", "[deleted]", "@tired_mum_of_4 same here, and @RiversideCHT too"),
    )))  # fmt: skip
    view.import_button.click()
    html = view.preview.outputs[0]["data"]["text/html"]
    assert "tired_mum_of_4" not in html, "a known handle is shown as its pseudonym"
    assert "@RiversideCHT" in html, "a handle the project does not know names nobody"
    assert "reply depth" in html and "author (pseudonym)" in html and "language" in html
    assert "&lt;NA&gt;" not in html and "<NA>" not in html
    stored = view.session.project.comments()["text"].tolist()
    assert any("@tired_mum_of_4" in t for t in stored), "the store keeps the raw text"


def test_raw_text_is_shown_to_those_the_setting_entitles(tmp_path: Path) -> None:
    with Project.init(tmp_path / "p", actor="t") as project:
        project.settings["show_raw_text"] = True
        session = ImportSession(project)
        session.stage([("a.ndjson", dump(("c1", "tired_mum_of_4", "hi"),
                                        ("c2", "ben", "@tired_mum_of_4 hello")))])  # fmt: skip
        outcome = session.run()
        assert any("@tired_mum_of_4" in t for t in outcome.preview["text"])


def test_project_summary_is_sentences_not_a_dict(view: ImportView) -> None:
    view.upload.value = upload(("a.ndjson", dump(("c1", "ann", "hello there"))))
    view.import_button.click()
    said = view.session.describe()
    assert said.startswith("The project “study” holds 1 comment in 1 thread by 1 author")
    for raw in ("{", "und", "stubs", "schema_version", "pending"):
        assert raw not in said


def test_words_for_languages_authors_and_columns() -> None:
    assert [language_name(c) for c in ("en", "und", None, "pending", "ur")] == [
        "English", "not known", "not known", "not known", "Urdu"]  # fmt: skip
    frame = readable_preview(__import__("pandas").DataFrame({
        "created_at": [None], "platform": ["reddit"], "author_pseudonym": [None],
        "depth": [0], "text": ["x"], "lang": [None]}))  # fmt: skip
    assert list(frame.columns) == ["posted", "platform", "author (pseudonym)", "reply depth",
                                   "comment", "language"]  # fmt: skip
    assert frame.iloc[0].tolist() == ["no date", "Reddit", "deleted or unknown", "post", "x",
                                      "not known"]  # fmt: skip
    assert "hidden behind" in describe_project(
        {"comments": 2, "threads": 1, "authors": 1, "gaps": {"more": {"stubs": 1,
         "hidden_items": 5}}})  # fmt: skip
