"""The store: schema versions, backups before upgrades, transactions, URLs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.errors import ProjectError, StoreError
from workbench.store import SCHEMA_VERSION, Store
from workbench.store import core as store_module


def _open(tmp_path: Path) -> Store:
    return Store.open("sqlite:///db.sqlite", tmp_path, create=True)


def test_new_database_gets_the_latest_schema(tmp_path: Path) -> None:
    store = _open(tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    tables = {r[0] for r in store.connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "imports", "comments", "gaps", "skipped", "comment_revisions"} <= tables
    assert not list(tmp_path.glob("*.bak")), "a new database needs no backup"


def test_upgrade_backs_up_before_migrating(tmp_path: Path, monkeypatch) -> None:
    store = _open(tmp_path)
    with store.transaction():
        store.append_event("note", {"n": 1}, "tester")
    store.close()
    original = store_module._migrations()
    extra = (SCHEMA_VERSION + 1, f"{SCHEMA_VERSION + 1:04d}_test.sql",
             "CREATE TABLE upgraded (x INTEGER);")
    monkeypatch.setattr(store_module, "_migrations", lambda: [*original, extra])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    upgraded = Store.open("sqlite:///db.sqlite", tmp_path)
    assert upgraded.schema_version == SCHEMA_VERSION + 1
    backups = list(tmp_path.glob(f"db.sqlite.v{SCHEMA_VERSION}-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert old.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_failed_migration_leaves_database_unchanged(tmp_path: Path, monkeypatch) -> None:
    _open(tmp_path).close()
    original = store_module._migrations()
    broken = (SCHEMA_VERSION + 1, "9999_broken.sql",
              "CREATE TABLE half (x INTEGER); THIS IS NOT SQL;")
    monkeypatch.setattr(store_module, "_migrations", lambda: [*original, broken])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(ProjectError, match="9999_broken.sql failed"):
        Store.open("sqlite:///db.sqlite", tmp_path)
    check = sqlite3.connect(tmp_path / "db.sqlite")
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {r[0] for r in check.execute("SELECT name FROM sqlite_master")}
    assert "half" not in names


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    _open(tmp_path).close()
    raw = sqlite3.connect(tmp_path / "db.sqlite")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    with pytest.raises(ProjectError, match="newer than this workbench"):
        Store.open("sqlite:///db.sqlite", tmp_path)


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = _open(tmp_path)
    with pytest.raises(RuntimeError), store.transaction():
        store.append_event("note", {}, "tester")
        raise RuntimeError("boom")
    assert len(store.events()) == 0


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite").write_text("hello, I am a text file" * 100)
    with pytest.raises(ProjectError, match="db.sqlite"):
        Store.open("sqlite:///db.sqlite", tmp_path)


def test_postgres_url_is_recognised_but_not_yet_supported(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="postgresql"):
        Store.open("postgresql://localhost/study", tmp_path)


def test_missing_database_points_to_init(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="workbench init"):
        Store.open("sqlite:///absent.sqlite", tmp_path)
