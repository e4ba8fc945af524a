"""Backups, restores, moving a project to PostgreSQL, and the demo's care with real projects."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from workbench import events as catalogue
from workbench.cli import main
from workbench.demo.builder import build_demo_project
from workbench.errors import ProjectError
from workbench.maintenance import backup_project, migrate_project, restore_project
from workbench.project import KEY_FILE, Project


def _study(tmp_path: Path, data_dir: Path, database: str | None = None) -> Path:
    """A project with an edit (a revision), a cluster run and a queue."""
    root = tmp_path / "study"
    with Project.init(root, actor="tester", database=database) as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
        project.import_files([data_dir / "project" / "dump_b.ndjson"])
        ids = project.store.comments()["comment_id"].tolist()
        project.store.add_run(
            {"at": "2026-01-01T00:00:00.000Z", "actor": "tester", "model": "m",
             "backend": "torch", "input_hash": "h", "reduction_key": "r", "params": {},
             "versions": {}, "comments": 2, "clusters": 1, "outliers": 0, "seconds": 0.1,
             "timings": {}},
            ids[:2], np.array([0, 0]), np.array([1.0, 0.5]), np.zeros((2, 2)),
            [{"cluster": 0, "size": 2, "keywords": [["wait", 1.0]], "exemplars": ids[:1]}],
            [b"k1", b"k2"], "tester",
        )  # fmt: skip
        project.store.queue_add(ids[:3], "search: wait", "tester")
    return root


def _contents(root: Path) -> dict:
    with Project.open(root) as project:
        store = project.store
        return {
            "comments": project.comments(private=True).to_dict(orient="records"),
            "revisions": store.comment_versions("reddit:t1_c2", private=True)
            .drop(columns=["revision_id"]).to_dict(orient="records"),
            "events": [(r.event_id, r.actor, r.event) for r in store.read_events()],
            "runs": store.runs().drop(columns=["run_id"]).to_dict(orient="records"),
            "members": store.run_members(1).to_dict(orient="records"),
            "queue": store.queue().to_dict(orient="records"),
            "imports": store.imports().to_dict(orient="records"),
        }


# -- backup and restore ---------------------------------------------------------------------


def test_backup_and_restore_round_trip(store_url: str, tmp_path: Path, data_dir: Path,
                                       request: pytest.FixtureRequest) -> None:
    database = None if store_url.startswith("sqlite") else store_url
    root = _study(tmp_path, data_dir, database)
    before = _contents(root)
    manifest = backup_project(root, tmp_path / "backup")
    assert manifest["counts_at_start"]["comments"] == 5
    assert (tmp_path / "backup" / KEY_FILE).stat().st_mode & 0o077 == 0
    target = None
    if database:
        target = request.getfixturevalue("postgres_server").create_database()
    restored = restore_project(tmp_path / "backup", tmp_path / "restored", database=target)
    assert restored["counts"]["events"] == manifest["counts_at_start"]["events"]
    after = _contents(tmp_path / "restored")
    events_after = after.pop("events")
    assert events_after[:-1] == before.pop("events")
    assert isinstance(events_after[-1][2], catalogue.ProjectRestored)
    assert after == before
    key = (tmp_path / "restored" / KEY_FILE)
    assert key.read_bytes() == (root / KEY_FILE).read_bytes()
    assert key.stat().st_mode & 0o077 == 0


def test_restore_refuses_a_folder_in_use_and_an_incomplete_backup(tmp_path, data_dir) -> None:
    root = _study(tmp_path, data_dir)
    backup_project(root, tmp_path / "backup")
    with pytest.raises(ProjectError, match="not empty; restore into a new folder"):
        restore_project(tmp_path / "backup", root)
    (tmp_path / "backup" / "database.sqlite").unlink()
    with pytest.raises(ProjectError, match="database.sqlite is missing from the backup"):
        restore_project(tmp_path / "backup", tmp_path / "new")
    assert not (tmp_path / "new").exists()
    with pytest.raises(ProjectError, match="not empty; back up into a new folder"):
        backup_project(root, tmp_path / "backup")


def test_postgres_backup_needs_a_target_database(postgres_url: str, tmp_path, data_dir) -> None:
    root = _study(tmp_path, data_dir, postgres_url)
    backup_project(root, tmp_path / "backup")
    with pytest.raises(ProjectError, match="--database postgresql://"):
        restore_project(tmp_path / "backup", tmp_path / "restored")


# -- migrate --------------------------------------------------------------------------------


def test_migrate_to_postgres_copies_everything(postgres_url: str, tmp_path, data_dir) -> None:
    root = _study(tmp_path, data_dir)
    before = _contents(root)
    result = migrate_project(root, postgres_url)
    assert result["counts"]["comments"] == 5 and result["counts"]["cluster_members"] == 2
    settings = yaml.safe_load((root / "workbench.yaml").read_text())
    assert settings["database"] == postgres_url
    assert (root / "workbench.sqlite").exists(), "the old database is kept"
    after = _contents(root)
    events_after = after.pop("events")
    assert events_after[:-1] == before.pop("events")
    assert isinstance(events_after[-1][2], catalogue.StoreMigrated)
    assert after == before
    with Project.open(root) as project:
        assert project.store.dialect == "postgresql"
        new_id = project.store.record(catalogue.ProjectCreated(name="after"), "tester")
        assert new_id == events_after[-1][0] + 1, "new ids continue after the copied ones"
        report = project.import_files([data_dir / "project" / "dump_a.ndjson"])
        assert report.files[0].import_id == 3


def test_migrate_to_postgres_drops_nul_from_texts(postgres_url: str, tmp_path) -> None:
    """PostgreSQL text cannot hold NUL; SQLite's can (a raw body): it still migrates."""
    root = tmp_path / "study"
    line = {"id": "k1", "body": "The wait\u0000 was long &amp; cold", "author": "a\u0000b",
            "created_utc": 1700000000, "score": 1, "link_id": "t3_p", "parent_id": "t3_p",
            "subreddit": "AskUK"}  # fmt: skip
    (tmp_path / "nul.ndjson").write_text(json.dumps(line) + "\n")
    with Project.init(root, actor="tester") as project:
        project.import_files([tmp_path / "nul.ndjson"])
        project.store.add_memo("comment", "reddit:t1_k1", "a note\u0000 here", "tester")
        raw = project.comments(private=True).iloc[0]
        assert "\x00" in raw["text_raw"] and "\x00" in raw["author"]
    result = migrate_project(root, postgres_url)
    assert result["counts"]["comments"] == 1 and result["counts"]["memos"] == 1
    with Project.open(root) as project:
        row = project.comments(private=True).iloc[0]
        assert row["text_raw"] == "The wait was long &amp; cold" and row["author"] == "ab"
        assert row["text"] == "The wait was long & cold"
        assert project.store._one("SELECT text FROM memos") == "a note here"


def test_migrate_refuses_a_database_that_holds_data(postgres_url, tmp_path, data_dir) -> None:
    _study(tmp_path / "a", data_dir, postgres_url)
    root = _study(tmp_path, data_dir)
    with pytest.raises(Exception, match="already holds a project's data"):
        migrate_project(root, postgres_url)
    settings = yaml.safe_load((root / "workbench.yaml").read_text())
    assert "database" not in settings, "a refused migration leaves the project as it was"


def test_cli_init_backup_restore_migrate(postgres_server, tmp_path: Path, data_dir) -> None:
    runner = CliRunner()
    url = postgres_server.create_database()
    made = runner.invoke(main, ["init", str(tmp_path / "team"), "--database", url])
    assert made.exit_code == 0, made.output
    assert "postgresql://" in made.output
    ok = runner.invoke(main, ["import", str(tmp_path / "team"),
                              str(data_dir / "project" / "dump_a.ndjson")])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    out = runner.invoke(main, ["backup", str(tmp_path / "team"), str(tmp_path / "b")])
    assert out.exit_code == 0 and "4 comments" in out.output, out.output
    copy = postgres_server.create_database()
    back = runner.invoke(main, ["restore", str(tmp_path / "b"), str(tmp_path / "r"),
                                "--database", copy])  # fmt: skip
    assert back.exit_code == 0 and "4 comments" in back.output, back.output
    runner.invoke(main, ["init", str(tmp_path / "solo")])
    moved = runner.invoke(main, ["migrate", str(tmp_path / "solo"),
                                 postgres_server.create_database()])  # fmt: skip
    assert moved.exit_code == 0 and "moved" in moved.output, moved.output


# -- the pseudonym key ----------------------------------------------------------------------


@pytest.mark.parametrize("damage", [b"", b"short", b"x" * 31, b"x" * 33 + b"\n"])
def test_damaged_key_is_an_error_naming_the_file(tmp_path: Path, damage: bytes) -> None:
    Project.init(tmp_path / "study").close()
    key = tmp_path / "study" / KEY_FILE
    key.write_bytes(damage)
    with pytest.raises(ProjectError) as caught:
        Project.open(tmp_path / "study")
    assert str(key) in str(caught.value) and "workbench restore" in str(caught.value)


def test_missing_key_is_an_error_naming_the_file(tmp_path: Path) -> None:
    Project.init(tmp_path / "study").close()
    (tmp_path / "study" / KEY_FILE).unlink()
    with pytest.raises(ProjectError, match=f"{KEY_FILE}: the pseudonym key is missing"):
        Project.open(tmp_path / "study")


# -- the demo never replaces a real project -------------------------------------------------


def test_demo_force_refuses_a_real_project(tmp_path: Path, data_dir: Path) -> None:
    """Regression: `workbench demo P --force` deleted a real study and its key."""
    root = tmp_path / "study"
    with Project.init(root, actor="tester") as project:
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
    key = (root / KEY_FILE).read_bytes()
    result = CliRunner().invoke(main, ["demo", str(root), "--force"])
    assert result.exit_code == 2
    assert "not built by `workbench demo`" in result.output
    assert "nothing was changed" in result.output
    assert (root / KEY_FILE).read_bytes() == key
    with Project.open(root) as project:
        assert project.stats()["comments"] == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]


def test_demo_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "interview.txt").write_text("precious")
    with pytest.raises(ProjectError, match="holds files but no workbench project"):
        build_demo_project(tmp_path / "notes", force=True)
    assert (tmp_path / "notes" / "interview.txt").read_text() == "precious"


def test_demo_force_moves_an_old_demo_aside(demo_project: Path, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_project, root)
    (root / "my-notes.txt").write_text("kept")
    plan = build_demo_project(root, force=True, dry_run=True)
    assert plan["dry_run"] and "would move" in plan["plan"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"], "a dry run changes nothing"
    report = build_demo_project(root, force=True)
    moved = Path(report["moved_to"])
    assert moved.name.startswith("demo.replaced-") and (moved / "my-notes.txt").exists()
    assert report["created"] and not (root / "my-notes.txt").exists()
    with Project.open(root) as project:
        created = project.store.read_events("project-created")[0].event
        assert created.demo is True
    assert sqlite3.connect(moved / "workbench.sqlite").execute(
        "SELECT count(*) FROM comments").fetchone()[0] == report["stats"]["comments"]


def test_demo_dry_run_on_a_new_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", str(tmp_path / "d"), "--dry-run"])
    assert result.exit_code == 0 and "would build a new demo project" in result.output
    assert not (tmp_path / "d").exists()


def test_ready_to_code_gives_a_demo_the_starter_codebook_only(tmp_path: Path) -> None:
    from workbench.codebook import service
    from workbench.demo.builder import ready_to_code

    demo = tmp_path / "demo"
    ready_to_code(demo)
    with Project.open(demo) as project:
        assert service.require(project).id == "social-media-health-qi"
    own = tmp_path / "study"
    Project.init(own, name="Demo: Riverside walk-in centre consultation").close()
    ready_to_code(own)  # named like the demo, but not built as one
    with Project.open(own) as project:
        assert service.current(project) is None
