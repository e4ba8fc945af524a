"""The store on both backends: units of work, events, schema, known values surviving.

Every test taking the ``store`` or ``store_url`` fixture runs twice: on a SQLite
file and on a database of a real, throwaway PostgreSQL server.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import events as catalogue
from workbench.errors import EventError, ProjectError, StoreError
from workbench.project import Project
from workbench.store import SCHEMA_VERSION, open_store
from workbench.store import migrations as schema

REDDIT_FULL = {
    "id": "k1", "author": "Alice_W", "body": "The wait was four hours.", "created_utc": 1710000000,
    "score": 5, "parent_id": "t3_p1", "link_id": "t3_p1", "subreddit": "Riverside",
    "permalink": "/r/Riverside/comments/p1/wait/k1/", "distinguished": "moderator",
}  # fmt: skip
REDDIT_SPARSE = {
    "id": "k1", "author": "Alice_W", "body": "The wait was four hours.", "created_utc": 1710000000,
    "parent_id": "t3_p1", "link_id": "t3_p1",
}  # fmt: skip


def _ndjson(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _same(a: object, b: object) -> bool:
    return bool(pd.isna(a) and pd.isna(b)) if pd.isna(a) or pd.isna(b) else bool(a == b)


def _project(tmp_path: Path, store_url: str) -> Project:
    database = None if store_url.startswith("sqlite") else store_url
    return Project.init(tmp_path / "study", actor="tester", database=database)


# -- schema ---------------------------------------------------------------------------------


def test_new_database_gets_the_latest_schema(store, tmp_path: Path) -> None:
    assert store.schema_version == SCHEMA_VERSION
    for table in ("events", "imports", "comments", "gaps", "skipped", "comment_revisions",
                  "cluster_runs", "cluster_members", "clusters", "coding_queue"):
        assert store.count(table) == 0
    assert not list(tmp_path.glob("*.bak")), "a new database needs no backup"
    assert store.stats()["database"] == store.dialect


def test_reopening_keeps_data(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url, tmp_path, create=True)
    store.record(catalogue.ProjectCreated(name="study"), "tester")
    store.close()
    again = open_store(store_url, tmp_path)
    assert [r.event for r in again.read_events()] == [catalogue.ProjectCreated(name="study")]
    again.close()


def test_unknown_scheme_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="sqlite:///FILE .* postgresql://"):
        open_store("mysql://db/study", tmp_path)


def test_missing_sqlite_database_points_to_init(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="workbench init"):
        open_store("sqlite:///absent.sqlite", tmp_path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite").write_text("hello, I am a text file" * 100)
    with pytest.raises(ProjectError, match="db.sqlite.*not a workbench database"):
        open_store("sqlite:///db.sqlite", tmp_path)


def test_postgres_database_without_a_project_is_refused(postgres_url: str, tmp_path) -> None:
    with pytest.raises(ProjectError, match="holds no workbench project"):
        open_store(postgres_url, tmp_path)


def test_unreachable_postgres_names_the_masked_url(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"postgresql://me:\*\*\*@127.0.0.1:1/x"):
        open_store("postgresql://me:secret@127.0.0.1:1/x", tmp_path)


def _v1_database(path: Path) -> None:
    """A SQLite file at schema version 1 holding one event, as an old workbench left it."""
    raw = sqlite3.connect(path)
    for statement in schema.migrations("sqlite")[0].statements():
        raw.execute(statement)
    raw.execute("INSERT INTO events (at, actor, kind, payload) VALUES "
                "('2026-01-01T00:00:00.000Z', 'old', 'project-created', '{\"name\": \"old\"}')")
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def test_upgrade_backs_up_and_applies_every_step(tmp_path: Path) -> None:
    _v1_database(tmp_path / "db.sqlite")
    store = open_store("sqlite:///db.sqlite", tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    backups = list(tmp_path.glob("db.sqlite.v1-*.bak"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("PRAGMA user_version").fetchone()[0] == 1
    upgraded = store.read_events()
    assert upgraded[0].event == catalogue.ProjectCreated(name="old")
    assert upgraded[-1].event == catalogue.SchemaUpgraded(
        from_version=1, to_version=SCHEMA_VERSION,
        migrations=[m.name for m in schema.migrations("sqlite")[1:]], backup=str(backups[0]),
    )  # fmt: skip


def test_failed_multi_step_upgrade_is_all_or_nothing(tmp_path: Path, monkeypatch) -> None:
    """Regression: with steps 2..4 pending and 4 failing, 2 and 3 used to stay committed."""
    _v1_database(tmp_path / "db.sqlite")
    broken = schema.Migration(SCHEMA_VERSION + 1, "9999_broken.sql",
                              "CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;")
    real = schema.migrations("sqlite")
    monkeypatch.setattr(schema, "migrations", lambda dialect: [*real, broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(ProjectError) as caught:
        open_store("sqlite:///db.sqlite", tmp_path)
    message = str(caught.value)
    assert "9999_broken.sql" in message and "still at version 1" in message
    assert "None of the" in message and "unchanged" not in message
    check = sqlite3.connect(tmp_path / "db.sqlite")
    assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert not {"half", "cluster_runs", "coding_queue"} & tables, "no step may stay applied"
    columns = {r[1] for r in check.execute("PRAGMA table_info(events)")}
    assert "version" not in columns
    assert check.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_failed_postgres_upgrade_changes_nothing(postgres_url: str, tmp_path, monkeypatch) -> None:
    open_store(postgres_url, tmp_path, create=True).close()
    broken = schema.Migration(SCHEMA_VERSION + 1, "9999_broken.sql",
                              "CREATE TABLE half (x INTEGER); THIS IS NOT SQL;")
    real = schema.migrations("postgresql")
    monkeypatch.setattr(schema, "migrations", lambda dialect: [*real, broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(ProjectError, match="9999_broken.sql.*nothing of it was applied"):
        open_store(postgres_url, tmp_path)
    monkeypatch.undo()
    store = open_store(postgres_url, tmp_path)
    assert store.schema_version == SCHEMA_VERSION
    assert store._one("SELECT to_regclass('half') IS NULL") is True
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    open_store("sqlite:///db.sqlite", tmp_path, create=True).close()
    raw = sqlite3.connect(tmp_path / "db.sqlite")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    with pytest.raises(ProjectError, match="newer than this workbench"):
        open_store("sqlite:///db.sqlite", tmp_path)


# -- units of work and events ---------------------------------------------------------------


def test_unit_of_work_rolls_back_on_error(store) -> None:
    with pytest.raises(RuntimeError), store.unit_of_work():
        store.record(catalogue.ProjectCreated(name="a"), "tester")
        raise RuntimeError("boom")
    assert store.count("events") == 0


def test_nested_units_are_savepoints(store) -> None:
    with store.unit_of_work():
        store.record(catalogue.ProjectCreated(name="kept"), "tester")
        with pytest.raises(KeyError), store.unit_of_work(durable=True):
            store.record(catalogue.ProjectCreated(name="undone"), "tester")
            raise KeyError("inner step fails")
        store.record(catalogue.ProjectCreated(name="also kept"), "tester")
    assert [r.event.name for r in store.read_events()] == ["kept", "also kept"]


def test_events_are_append_only(store) -> None:
    store.record(catalogue.ProjectCreated(name="a"), "tester")
    for statement in ("DELETE FROM events", "UPDATE events SET actor = 'someone else'"):
        with pytest.raises(Exception, match="append-only"), store.unit_of_work():
            store._execute(statement)
    assert store.events()["actor"].tolist() == ["tester"]


def test_events_read_back_typed_and_replay(store) -> None:
    store.record(catalogue.ProjectCreated(name="study"), "ann")
    store.record(catalogue.CommentsQueued(source="search", comment_ids=["a", "b"], added=2),
                 "ben")  # fmt: skip
    recorded = store.read_events()
    assert [r.kind for r in recorded] == ["project-created", "queue-add"]
    assert recorded[1].event.comment_ids == ["a", "b"] and recorded[1].actor == "ben"
    assert store.events()["version"].tolist() == [1, 1]
    queued: list[str] = []
    handled = catalogue.replay(
        recorded, {catalogue.CommentsQueued: lambda r: queued.extend(r.event.comment_ids)}
    )
    assert handled == 1 and queued == ["a", "b"]


def test_an_event_that_does_not_fit_its_kind_is_named(store) -> None:
    store.write(lambda: store._execute(
        "INSERT INTO events (at, actor, kind, payload, version) VALUES (?, ?, ?, ?, ?)",
        ("2026-01-01T00:00:00.000Z", "x", "queue-add", '{"source": 3}', 1),
    ))  # fmt: skip
    with pytest.raises(EventError, match="event 1: event 'queue-add'"):
        store.read_events()


def test_busy_database_is_retried_not_raised(tmp_path: Path) -> None:
    """A second writer holding the lock past the busy timeout delays, never fails, a write."""
    import threading
    import time

    from workbench.store import sqlite as sqlite_module

    store = open_store("sqlite:///db.sqlite", tmp_path, create=True)
    other = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    store.connection.execute("PRAGMA busy_timeout = 50")
    threading.Timer(0.6, lambda: other.execute("COMMIT")).start()
    started = time.perf_counter()
    event_id = store.record(catalogue.ProjectCreated(name="waited"), "tester")
    assert event_id == 1 and time.perf_counter() - started >= 0.5
    assert sqlite_module.BUSY_TIMEOUT_MS >= 1000


# -- known values survive -------------------------------------------------------------------


def test_sparse_reimport_never_erases_known_values(store_url: str, tmp_path: Path) -> None:
    """Regression: a poorer later copy set score/attributes to NULL and changed the url."""
    project = _project(tmp_path, store_url)
    project.import_files([_ndjson(tmp_path / "full.ndjson", REDDIT_FULL)])
    first = project.comments(private=True).iloc[0]
    assert first["score"] == 5 and "Riverside" in first["url"]
    project.import_files([_ndjson(tmp_path / "sparse.ndjson", REDDIT_SPARSE)])
    now = project.comments(private=True).iloc[0]
    for column in ("score", "url", "attributes", "title", "author", "created_at", "text"):
        assert _same(now[column], first[column]), column
    assert json.loads(now["attributes"])["subreddit"] == "Riverside"
    project.close()


def test_changed_values_leave_revisions_of_every_column(store_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, store_url)
    project.import_files([_ndjson(tmp_path / "a.ndjson", REDDIT_FULL)])
    edited = {**REDDIT_FULL, "score": 9, "body": "The wait was five hours.",
              "distinguished": None, "stickied": True}  # fmt: skip
    project.import_files([_ndjson(tmp_path / "b.ndjson", edited)])
    versions = project.store.comment_versions("reddit:t1_k1")
    assert len(versions) == 2
    first, now = versions.iloc[0], versions.iloc[-1]
    # "What did this comment look like in the first export?" is one query.
    assert (first["score"], first["text"]) == (5, "The wait was four hours.")
    assert (now["score"], now["text"]) == (9, "The wait was five hours.")
    assert set(first["changed"]) >= {"score", "text", "attributes"}
    assert first["import_id"] == 1 and now["import_id"] == 2
    attributes = json.loads(now["attributes"])
    assert attributes["distinguished"] == "moderator", "a later null never erases a value"
    assert attributes["stickied"] is True
    assert first["author"] is None, "revisions read as public carry no raw handles"
    assert project.store.comment_versions("reddit:t1_k1", private=True).iloc[0]["author"] == (
        "Alice_W"
    )
    project.close()


def test_identical_reimport_writes_no_revision(store_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, store_url)
    path = _ndjson(tmp_path / "a.ndjson", REDDIT_FULL)
    project.import_files([path])
    report = project.import_files([path])
    assert report.totals()["duplicate"] == 1 and report.totals()["updated"] == 0
    assert project.store.count("comment_revisions") == 0
    assert len(project.store.comment_versions("reddit:t1_k1")) == 1
    project.close()


def test_a_deleted_copy_keeps_the_text_and_language_known_before(
    store_url: str, tmp_path: Path
) -> None:
    project = _project(tmp_path, store_url)
    project.import_files([_ndjson(tmp_path / "live.ndjson", REDDIT_FULL)])
    gone = {**REDDIT_FULL, "id": "k2", "body": "[deleted]", "author": "[deleted]"}
    deleted_copy = {**REDDIT_FULL, "body": "[deleted]", "author": "[deleted]"}
    report = project.import_files([_ndjson(tmp_path / "later.ndjson", deleted_copy, gone)])
    assert report.languages_detected == 2, "both rows were labelled as they were read"
    rows = project.comments(private=True).set_index("comment_id")
    assert rows.loc["reddit:t1_k1", "text"] == "The wait was four hours."
    assert rows.loc["reddit:t1_k1", "lang"] == "en", "the kept text keeps its language"
    assert pd.isna(rows.loc["reddit:t1_k2", "lang"]), "an empty placeholder: undetermined"
    assert project.store.texts_missing_language(0, 10) == [], "nothing left for a later pass"
    project.close()


def test_a_batch_of_new_ids_and_one_stored_before_is_sorted_out(
    store_url: str, tmp_path: Path
) -> None:
    """New rows before a known id are inserted once, the known one updated: nothing doubled."""
    project = _project(tmp_path, store_url)
    project.import_files([_ndjson(tmp_path / "first.ndjson", REDDIT_FULL)])
    fresh = [{**REDDIT_FULL, "id": f"n{i}", "body": f"New comment number {i}."} for i in range(3)]
    edited = {**REDDIT_FULL, "body": "The wait was five hours."}
    report = project.import_files([_ndjson(tmp_path / "second.ndjson", *fresh, edited)])
    assert (report.totals()["new"], report.totals()["updated"]) == (3, 1)
    rows = project.comments(private=True)
    assert sorted(rows["comment_id"]) == ["reddit:t1_k1", "reddit:t1_n0", "reddit:t1_n1",
                                          "reddit:t1_n2"]  # fmt: skip
    assert rows.set_index("comment_id").loc["reddit:t1_k1", "text"] == "The wait was five hours."
    assert project.store.count("comment_revisions") == 1
    project.close()


def test_a_nul_character_does_not_stop_an_import(store_url: str, tmp_path: Path) -> None:
    """PostgreSQL cannot hold NUL in text: a raw body or link with one still imports."""
    project = _project(tmp_path, store_url)
    odd = {**REDDIT_FULL, "body": "The wait\u0000 was long", "permalink": "/r/x/\u0000k1/"}
    report = project.import_files([_ndjson(tmp_path / "nul.ndjson", odd)])
    assert report.totals()["new"] == 1
    row = project.comments(private=True).iloc[0]
    assert row["text"] == "The wait was long"
    assert "\x00" not in str(row["text_raw"]) or store_url.startswith("sqlite")
    assert row["url"].endswith("k1/")
    project.close()


def test_a_memo_with_a_nul_character_is_kept(store) -> None:
    """Every write takes a NUL, not only imports: PostgreSQL's copy drops it, SQLite keeps it."""
    store.add_memo("project", "study", "a note\x00 here", "tester")
    expected = "a note here" if store.dialect == "postgresql" else "a note\x00 here"
    assert store._one("SELECT text FROM memos") == expected


def test_repeated_ids_within_one_file_are_merged(store_url: str, tmp_path: Path) -> None:
    project = _project(tmp_path, store_url)
    edited = {**REDDIT_SPARSE, "body": "The wait was five hours."}
    report = project.import_files([_ndjson(tmp_path / "a.ndjson", REDDIT_FULL, edited)])
    assert (report.totals()["new"], report.totals()["updated"]) == (1, 1)
    row = project.comments().iloc[0]
    assert row["text"] == "The wait was five hours." and row["score"] == 5
    project.close()


@pytest.mark.parametrize(
    "value",
    ["it's", "caf\u00e9", "tab\there", "", 2**63 - 1, -(2**63), True, None, 12.5, "\x01control"],
)
def test_a_value_every_row_shares_is_stored_exactly(store, value: object) -> None:
    """A batch's constant columns are written into the INSERT: they must read back the same."""
    from workbench.store.comments import INSERT_COLUMNS

    texts = {"text", "platform", "thread_id", "kind", "source_format"}
    column = "url" if isinstance(value, str) else "score"
    if value is True:
        column = "is_deleted"
    if value == 12.5:
        column = "attributes"
        value = "12.5"
    base = {name: (value if name == column else None) for name in INSERT_COLUMNS}
    base.update({name: "x" for name in texts if name != column})
    base.update(kind="comment", is_deleted=value is True, text="same text", platform="reddit")
    columns = {name: [base[name]] * 3 for name in INSERT_COLUMNS}
    columns["comment_id"] = ["a'1", "b2", "c3"]
    with store.unit_of_work(bulk=True):
        import_id = store.begin_import("f.ndjson", "reddit-dump", "tester")
        assert store.add_comments(columns, import_id) == (3, 0)
    rows = store.connection.execute(
        f"SELECT comment_id, {column}, import_id, last_import_id FROM comments ORDER BY 1"
    ).fetchall()
    stored = [row[1] for row in rows]
    expected = int(value) if value is True else value
    assert [row[0] for row in rows] == ["a'1", "b2", "c3"]
    assert stored == [expected] * 3 and [type(v) for v in stored] == [type(expected)] * 3
    assert {(row[2], row[3]) for row in rows} == {(import_id, import_id)}


def _batch(ids: list[str], tag: str) -> dict[str, list]:
    """A column batch whose every row differs in every column that is bound."""
    from workbench.store.comments import INSERT_COLUMNS

    n = len(ids)
    columns: dict[str, list] = {name: [None] * n for name in INSERT_COLUMNS}
    columns.update(
        comment_id=ids, platform=["reddit"] * n, kind=["comment"] * n,
        source_format=["reddit-dump"] * n, thread_id=[f"t{i % 7}" for i in range(n)],
        parent_id=[f"p{i}" for i in range(n)], author=[f"a{i}" for i in range(n)],
        author_pseudonym=[f"anon_{i}" for i in range(n)], text=[f"{tag} {i}" for i in range(n)],
        created_at=[f"2024-01-01T00:00:{i % 60:02d}.000Z" for i in range(n)],
        depth=list(range(n)), score=[-i for i in range(n)],
        is_deleted=[i % 2 == 0 for i in range(n)],
        url=[None if i % 3 else f"https://x/{i}" for i in range(n)], lang=["en", None] * (n // 2)
        + ["fr"] * (n % 2), attributes=[f'{{"i":{i}}}' for i in range(n)],
    )  # fmt: skip
    return columns


@pytest.mark.parametrize("size", [1, 63, 64, 65, 200])
def test_a_batch_goes_in_whole_and_in_order(store, size: int) -> None:
    """New rows go in several to a statement: every row, every value, in the file's order."""
    columns = _batch([f"c{i}" for i in range(size)], "text")
    with store.unit_of_work(bulk=True):
        import_id = store.begin_import("f.ndjson", "reddit-dump", "tester")
        assert store.add_comments(columns, import_id) == (size, 0)
    names = [name for name in columns if name != "comment_id"]
    stored = store.connection.execute(
        f"SELECT comment_id, {', '.join(names)} FROM comments ORDER BY "
        + ("rowid" if store.dialect == "sqlite" else "ctid")
    ).fetchall()
    expected = list(zip(*(columns[name] for name in ["comment_id", *names]), strict=True))
    assert [tuple(bool(v) if name == "is_deleted" else v for name, v in
                  zip(["comment_id", *names], row, strict=True)) for row in stored] == expected


def test_batches_fit_the_oldest_sqlite_limit_on_parameters(tmp_path: Path) -> None:
    """SQLite before 3.32 allows 999 parameters a statement: every INSERT stays within."""
    with Project.init(tmp_path / "p", actor="tester") as project:
        store = project.store
        store.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        with store.unit_of_work(bulk=True):
            first = store.begin_import("a.ndjson", "reddit-dump", "tester")
            store.add_comments(_batch(["c70"], "old"), first)
            second = store.begin_import("b.ndjson", "reddit-dump", "tester")
            assert store.add_comments(_batch([f"c{i}" for i in range(300)], "new"), second) == (
                299, 1)
            third = store.begin_import("c.ndjson", "reddit-dump", "tester")
            assert store.add_comments(_batch([f"d{i}" for i in range(300)], "x"), third) == (
                300, 0)
        assert store.count("comments") == 600


def test_a_stored_id_in_a_batch_of_many_statements_is_sorted_out(store) -> None:
    """An id stored before, in the middle of a batch: the rest inserted once, it updated."""
    with store.unit_of_work(bulk=True):
        first = store.begin_import("a.ndjson", "reddit-dump", "tester")
        store.add_comments(_batch(["c70"], "old"), first)
        second = store.begin_import("b.ndjson", "reddit-dump", "tester")
        batch = _batch([f"c{i}" for i in range(150)], "new")
        assert store.add_comments(batch, second) == (149, 1)
    assert store.count("comments") == 150
    texts = dict(store.connection.execute("SELECT comment_id, text FROM comments").fetchall())
    assert texts == {f"c{i}": f"new {i}" for i in range(150)}


# -- runs and the queue ---------------------------------------------------------------------


def _run_record() -> dict:
    return {"at": "2026-01-01T00:00:00.000Z", "actor": "tester", "model": "m", "backend": "torch",
            "input_hash": "h", "reduction_key": "r", "params": {"min_cluster_size": 2},
            "versions": {"x": "1"}, "comments": 2, "clusters": 1, "outliers": 1, "seconds": 0.5,
            "timings": {"umap": 0.1}}  # fmt: skip


def test_runs_round_trip_and_stay_fixed(store_url: str, tmp_path: Path, data_dir: Path) -> None:
    project = _project(tmp_path, store_url)
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    store = project.store
    ids = store.comments()["comment_id"].tolist()[:2]
    run_id = store.add_run(
        _run_record(), ids, np.array([0, -1]), np.array([0.9, 0.0]),
        np.array([[0.0, 1.0], [2.0, 3.0]]),
        [{"cluster": 0, "size": 1, "keywords": [["wait", 1.0]], "exemplars": ids[:1]},
         {"cluster": -1, "size": 1, "keywords": [], "exemplars": []}],
        [b"\x01" * 16, b"\x02" * 16], "tester",
    )  # fmt: skip
    assert store.run()["run_id"] == run_id
    assert store.run(run_id)["params"] == {"min_cluster_size": 2}
    members = store.run_members(run_id)
    assert members["text_key"].tolist() == [b"\x01" * 16, b"\x02" * 16]
    assert store.run_clusters(run_id)["cluster"].tolist() == [0, -1]
    assert store.read_events("cluster")[0].event.run_id == run_id
    with pytest.raises(Exception, match="kept for comparison"), store.unit_of_work():
        store._execute("DELETE FROM cluster_runs")
    with pytest.raises(StoreError, match="no cluster run 99; known runs"):
        store.run(99)
    project.close()


def test_queue_add_writes_rows_and_event_together(store_url, tmp_path, data_dir) -> None:
    project = _project(tmp_path, store_url)
    project.import_files([data_dir / "project" / "dump_a.ndjson"])
    store = project.store
    ids = store.comments()["comment_id"].tolist()
    assert store.queue_add(ids[:2], "search: wait", "ann", run_id=None) == ids[:2]
    assert store.queue_add(ids[:3], "cluster 1", "ann") == ids[2:3]
    assert store.queue()["comment_id"].tolist() == ids[:3]
    with pytest.raises(StoreError, match="unknown comments.*nothing was queued"):
        store.queue_add([ids[3], "reddit:t1_nope"], "x", "ann")
    assert len(store.queue()) == 3
    assert [r.event.added for r in store.read_events("queue-add")] == [2, 1]
    project.close()


def test_durable_units_commit_with_full_sync(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    """Coding-grade writes (the queue now, codings next) sync fully; imports need not."""
    from workbench.store import sqlite as sqlite_module

    synced: list[Path] = []
    real_fsync = sqlite_module._fsync
    monkeypatch.setattr(sqlite_module, "_fsync", lambda p: (synced.append(p), real_fsync(p)))
    with Project.init(tmp_path / "study", actor="tester") as project:
        statements: list[str] = []
        project.store.connection.set_trace_callback(statements.append)
        project.import_files([data_dir / "project" / "dump_a.ndjson"])
        assert not any("synchronous = FULL" in s for s in statements)
        statements.clear()
        project.store.queue_add(project.store.comments()["comment_id"][:1], "s", "tester")
        full = statements.index("PRAGMA synchronous = FULL")
        assert statements[full + 1] == "BEGIN IMMEDIATE"
        assert statements.index("COMMIT") < statements.index("PRAGMA synchronous = NORMAL")
        statements.clear()
        with project.store.unit_of_work():  # an inner durable unit makes the commit durable
            project.store.queue_add(project.store.comments()["comment_id"][1:2], "s", "tester")
        assert "COMMIT" in statements and project.store.count("coding_queue") == 2
        assert [p.name for p in synced] == ["workbench.sqlite-wal"], "the log is flushed"
        assert project.store._one("PRAGMA synchronous") == 1, "back to NORMAL afterwards"
