"""Projects: init/open, atomic imports, de-duplication, pseudonyms, depth, languages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.errors import ProjectError, RecordError
from workbench.project import Project


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    with Project.init(tmp_path / "study", actor="tester") as opened:
        yield opened


def test_init_lays_out_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "study"
    Project.init(root).close()
    assert (root / "workbench.yaml").is_file()
    assert (root / "workbench.sqlite").is_file()
    assert (root / "cache").is_dir()
    key = root / ".pseudonym-key"
    assert key.stat().st_mode & 0o077 == 0, "the key must be private to its owner"
    mode = sqlite3.connect(root / "workbench.sqlite").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    Project.init(tmp_path / "p").close()
    with pytest.raises(ProjectError, match="already holds a project"):
        Project.init(tmp_path / "p")


def test_open_names_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="workbench init"):
        Project.open(tmp_path)


def test_import_counts_new_then_duplicate(project: Project, data_dir: Path) -> None:
    first = project.import_files([data_dir / "project" / "dump_a.ndjson"])
    assert first.totals()["new"] == 4
    assert first.files[0].format == "reddit-dump"
    again = project.import_files([data_dir / "project" / "dump_a.ndjson"])
    assert again.totals() == {"rows": 4, "new": 0, "updated": 0, "duplicate": 4, "flagged": 0,
                                   "gaps": 0, "skipped": 0}
    assert project.stats()["comments"] == 4


def test_overlapping_export_reports_new_updated_duplicate(project: Project,
                                                          data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    report = project.import_files([data_dir / "project" / "dump_b.ndjson"])
    totals = report.totals()
    assert (totals["new"], totals["updated"], totals["duplicate"]) == (1, 2, 1)
    frame = project.comments(private=True).set_index("comment_id")
    # An edit replaces the text and the earlier text is kept as a revision.
    assert "next day" in frame.loc["reddit:t1_c2", "text"]
    revisions = project.store.connection.execute(
        "SELECT text FROM comment_revisions WHERE comment_id = 'reddit:t1_c2'").fetchall()
    assert revisions and "next day" not in revisions[0][0]
    # A later [deleted] copy marks the comment deleted but never wipes captured text.
    assert bool(frame.loc["reddit:t1_c1", "is_deleted"])
    assert "four hours" in frame.loc["reddit:t1_c1", "text"]
    assert frame.loc["reddit:t1_c1", "author"] == "Alice_W"


def test_import_is_all_or_nothing(project: Project, data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    before = project.stats()
    events_before = len(project.store.events())
    with pytest.raises(RecordError) as caught:
        project.import_files([data_dir / "project" / "dump_b.ndjson",
                              data_dir / "project" / "dump_bad_middle.ndjson"])
    message = str(caught.value)
    assert "dump_bad_middle.ndjson" in message and "line 2" in message
    assert project.stats() == before
    assert len(project.store.events()) == events_before
    assert project.store.imports()["file"].str.contains("dump_b").sum() == 0


def test_pseudonyms_are_keyed_stable_and_case_insensitive(tmp_path: Path,
                                                          data_dir: Path) -> None:
    dump = data_dir / "project" / "dump_a.ndjson"
    with Project.init(tmp_path / "one") as one, Project.init(tmp_path / "two") as two:
        one.import_files([dump])
        two.import_files([dump])
        a = one.comments().set_index("comment_id")["author_pseudonym"]
        b = two.comments().set_index("comment_id")["author_pseudonym"]
    assert a["reddit:t1_c1"] == a["reddit:t1_c3"], "Alice_W and alice_w are one person"
    assert a["reddit:t1_c1"] != a["reddit:t1_c2"]
    assert a["reddit:t1_c1"] != b["reddit:t1_c1"], "another project key, another pseudonym"
    assert a["reddit:t1_c1"].startswith("anon_") and "alice" not in a["reddit:t1_c1"].lower()
    assert a.isna()["reddit:t1_c4"], "a deleted author has no pseudonym"


def test_comments_hide_raw_authors_unless_asked(project: Project, data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    assert project.comments()["author"].isna().all()
    assert "bob" in set(project.comments(private=True)["author"].dropna())


def test_depths_follow_the_reply_tree_across_imports(project: Project,
                                                     data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    project.import_files([data_dir / "project" / "dump_b.ndjson"])
    depth = project.comments().set_index("comment_id")["depth"]
    assert depth["reddit:t1_c1"] == 1
    assert depth["reddit:t1_c2"] == 2
    assert depth["reddit:t1_c3"] == 3
    assert depth["reddit:t1_c5"] == 4


def test_languages_are_detected_after_import(project: Project, data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    report = project.import_files([data_dir / "project" / "dump_b.ndjson"])
    assert report.languages_detected >= 1
    lang = project.comments().set_index("comment_id")["lang"]
    assert lang["reddit:t1_c5"] == "pl"
    assert lang["reddit:t1_c1"] == "en"
    assert lang.isna()["reddit:t1_c4"], "an empty deleted text has no language"


def test_every_import_is_an_event_with_who_and_when(project: Project, data_dir: Path) -> None:
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    events = project.store.events()
    assert list(events["kind"]) == ["project-created", "import"]
    last = events.iloc[-1]
    assert last["actor"] == "tester"
    assert last["at"].endswith("Z")
    assert last["payload"]["new"] == 4 and last["payload"]["file"].endswith("dump_a.ndjson")


def test_events_are_append_only(project: Project) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.store.connection.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        project.store.connection.execute("UPDATE events SET actor = 'someone else'")


@pytest.mark.parametrize("order", [("context", "outbox"), ("outbox", "context")])
def test_replies_join_their_thread_across_files(tmp_path: Path, order: tuple[str, str]) -> None:
    from workbench.demo import DATA_DIR

    files = {
        "context": DATA_DIR / "mastodon_context.json",
        "outbox": DATA_DIR / "mastodon_outbox.json",
    }
    with Project.init(tmp_path / "p") as project:
        for name in order:  # separate imports, in either order
            project.import_files([files[name]])
        comments = project.comments().set_index("comment_id")
    launch = comments[(comments["kind"] == "post") & (comments["text"].str.contains("survey"))]
    replies = comments[comments["platform"] == "mastodon"]
    root = replies["thread_id"].value_counts().index[0]
    assert root in comments.index and comments.loc[root, "kind"] == "post"
    in_thread = replies[replies["thread_id"] == root]
    assert len(in_thread) == 40  # the launch post and all 39 replies
    parents = in_thread["parent_id"].dropna()
    assert parents.isin(comments.index).all(), "every reply's parent is stored"
    depth = in_thread["depth"]
    for cid, parent in parents.items():
        assert depth[cid] == depth[parent] + 1
    assert not launch.empty
