"""The throwaway PostgreSQL server (workbench.store.pgserver) and dump/restore (pgtools)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from workbench.errors import StoreError
from workbench.store import pgtools
from workbench.store.pgserver import (
    TemporaryPostgres,
    candidate_bindirs,
    find_program,
    find_server_bindir,
    program_major,
)

ROWS = [
    (1, "Hello 👋 world", None),
    (2, "Grüße aus Köln", 3.5),
    (3, "", -1.0),
    (4, "quote ' and backslash \\ and newline\n", 0.0),
]


def _fill(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE comments (id bigserial PRIMARY KEY, text text NOT NULL, "
            "score double precision)"
        )
        conn.execute("CREATE INDEX comments_text ON comments (text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO comments (id, text, score) VALUES (%s, %s, %s)", ROWS)
        conn.execute("SELECT setval('comments_id_seq', 4)")


def _rows(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, text, score FROM comments ORDER BY id").fetchall()


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


# ------------------------------------------------------------------------ the server


def test_server_runs_with_durable_settings(postgres_server: TemporaryPostgres) -> None:
    assert postgres_server.running
    url = postgres_server.url()
    assert url == f"postgresql://postgres@127.0.0.1:{postgres_server.port}/postgres"
    with psycopg.connect(url) as conn:
        settings = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses')"
        ).fetchall())
        assert conn.info.server_version // 10000 == postgres_server.major
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                        "listen_addresses": "127.0.0.1"}


def test_unix_socket_in_the_private_directory(postgres_server: TemporaryPostgres) -> None:
    assert postgres_server.socket_dir.parent == postgres_server.root
    with psycopg.connect(host=str(postgres_server.socket_dir), port=postgres_server.port,
                         user="postgres", dbname="postgres") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_fresh_database_round_trips_rows(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)
    _fill(postgres_url)
    assert _rows(postgres_url) == ROWS


def test_databases_are_independent(postgres_server: TemporaryPostgres,
                                   postgres_url: str) -> None:
    other = postgres_server.create_database()
    try:
        assert other != postgres_url
        _fill(postgres_url)
        with psycopg.connect(other) as conn:
            found = conn.execute("SELECT to_regclass('public.comments')").fetchone()
        assert found == (None,)
        assert {_name(postgres_url), _name(other)} <= set(postgres_server.databases())
    finally:
        postgres_server.drop_database(_name(other))
    assert _name(other) not in postgres_server.databases()


def test_create_and_drop_named_database(postgres_server: TemporaryPostgres) -> None:
    url = postgres_server.create_database("wb_named_test")
    assert url.endswith(f":{postgres_server.port}/wb_named_test")
    with pytest.raises(StoreError, match="wb_named_test.*already exists"):
        postgres_server.create_database("wb_named_test")
    conn = psycopg.connect(url)  # an open connection does not stop the drop
    try:
        postgres_server.drop_database("wb_named_test")
    finally:
        conn.close()
    assert "wb_named_test" not in postgres_server.databases()
    postgres_server.drop_database("wb_named_test")  # missing: no error


@pytest.mark.parametrize("name", ["", "1abc", "semi;colon", "x" * 64, 'quo"te'])
def test_bad_database_name_is_refused(postgres_server: TemporaryPostgres, name: str) -> None:
    with pytest.raises(StoreError, match="is not allowed"):
        postgres_server.create_database(name)


def test_own_server_starts_stops_and_cleans_up(postgres_server: TemporaryPostgres) -> None:
    server = TemporaryPostgres(bindir=postgres_server.bindir)
    with server:
        assert server.port != postgres_server.port
        url = server.create_database()
        _fill(url)
        root = server.root
        assert root is not None and (server.data_dir / "PG_VERSION").is_file()
    assert not server.running
    assert not root.exists()
    with pytest.raises(StoreError, match="not running"):
        server.url()
    server.stop()  # again: nothing to do


def test_server_that_cannot_start_reports_its_log(postgres_server: TemporaryPostgres) -> None:
    server = TemporaryPostgres(bindir=postgres_server.bindir,
                               settings={"shared_buffers": "'plenty'"})
    with pytest.raises(StoreError, match="did not start") as caught:
        server.start()
    assert "shared_buffers" in str(caught.value)  # the log tail names the bad setting
    assert server.root is not None and not server.root.exists()
    assert not server.running


def test_missing_binaries_say_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="apt-get install postgresql") as caught:
        TemporaryPostgres(bindir=tmp_path).start()
    assert "initdb" in str(caught.value)


def test_programs_are_found(postgres_server: TemporaryPostgres) -> None:
    assert find_server_bindir() in candidate_bindirs()
    pg_dump = find_program("pg_dump", min_major=postgres_server.major)
    assert program_major(pg_dump) >= postgres_server.major
    with pytest.raises(StoreError, match="pg_dump of PostgreSQL 999 or newer not found"):
        find_program("pg_dump", min_major=999)
    with pytest.raises(StoreError, match="apt-get install postgresql"):
        find_program("no_such_pg_program")


# ------------------------------------------------------------------------ dump / restore


def test_dump_and_restore_round_trip(postgres_server: TemporaryPostgres, postgres_url: str,
                                     tmp_path: Path) -> None:
    _fill(postgres_url)
    archive = pgtools.dump(postgres_url, tmp_path / "study.dump")
    assert archive.read_bytes()[:5] == b"PGDMP"
    assert not (tmp_path / "study.dump.partial").exists()

    target = postgres_server.url("wb_restored_copy")
    assert not pgtools.database_exists(target)
    pgtools.create_database(target)
    try:
        assert pgtools.database_exists(target)
        pgtools.create_database(target, exist_ok=True)
        pgtools.restore(archive, target)
        assert _rows(target) == ROWS
        with psycopg.connect(target) as conn:
            # the sequence and the index came along
            assert conn.execute("SELECT nextval('comments_id_seq')").fetchone() == (5,)
            index = conn.execute("SELECT to_regclass('public.comments_text')").fetchone()
        assert index == ("comments_text",)
    finally:
        postgres_server.drop_database("wb_restored_copy")


def test_restore_from_missing_file_names_it(postgres_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.dump"
    with pytest.raises(StoreError, match="nowhere.dump: dump file not found"):
        pgtools.restore(missing, postgres_url)


def test_restore_from_a_file_that_is_no_archive(postgres_url: str, tmp_path: Path) -> None:
    text = tmp_path / "study.sql"
    text.write_text("CREATE TABLE x (y int);\n")
    with pytest.raises(StoreError, match="study.sql: not a pg_dump custom-format archive"):
        pgtools.restore(text, postgres_url)


def test_restore_needs_an_existing_empty_database(postgres_server: TemporaryPostgres,
                                                  postgres_url: str, tmp_path: Path) -> None:
    _fill(postgres_url)
    archive = pgtools.dump(postgres_url, tmp_path / "a.dump")
    with pytest.raises(StoreError, match="not empty"):
        pgtools.restore(archive, postgres_url)
    with pytest.raises(StoreError, match="'wb_never_created' does not exist; create it first"):
        pgtools.restore(archive, postgres_server.url("wb_never_created"))
    with pytest.raises(StoreError, match="already exists"):
        pgtools.create_database(postgres_url)


def test_failed_restore_leaves_the_database_empty(postgres_server: TemporaryPostgres,
                                                  postgres_url: str, tmp_path: Path) -> None:
    _fill(postgres_url)
    archive = pgtools.dump(postgres_url, tmp_path / "a.dump")
    broken = tmp_path / "broken.dump"
    broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = postgres_server.create_database()
    try:
        with pytest.raises(StoreError, match="pg_restore of .*broken.dump failed") as caught:
            pgtools.restore(broken, target)
        assert "pg_restore:" in str(caught.value)  # its stderr is in the message
        with psycopg.connect(target) as conn:
            assert conn.execute("SELECT to_regclass('public.comments')").fetchone() == (None,)
    finally:
        postgres_server.drop_database(_name(target))


def test_dump_errors_name_the_url_without_password(postgres_server: TemporaryPostgres,
                                                   tmp_path: Path) -> None:
    unused = postgres_server.url("wb_absent").replace("postgres@", "postgres:hunter2@")
    with pytest.raises(StoreError) as caught:
        pgtools.dump(unused, tmp_path / "x.dump")
    message = str(caught.value)
    assert "wb_absent" in message and "postgres:***@" in message
    assert "hunter2" not in message
    assert not (tmp_path / "x.dump").exists()
    with pytest.raises(StoreError, match="folder .* does not exist"):
        pgtools.dump(postgres_server.url(), tmp_path / "no" / "x.dump")


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://u:s%40cret@h:5/db", "postgresql://u:***@h:5/db"),
    ("postgresql://u@h/db?sslmode=require&password=x",
     "postgresql://u@h/db?sslmode=require&password=***"),
    ("host=h password=abc dbname=x", "host=h password=*** dbname=x"),
    ("postgresql://h/db", "postgresql://h/db"),
])
def test_mask_url(url: str, shown: str) -> None:
    assert pgtools.mask_url(url) == shown


# ------------------------------------------------------------------------ the fixtures


def _no_server() -> Path:
    raise StoreError("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")


def test_missing_server_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import postgres_support

    monkeypatch.setattr(postgres_support, "find_server_bindir", _no_server)
    monkeypatch.delenv(postgres_support.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install postgresql"):
        postgres_support.server_bindir_or_skip()


def test_missing_server_fails_where_required(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import postgres_support

    monkeypatch.setattr(postgres_support, "find_server_bindir", _no_server)
    monkeypatch.setenv(postgres_support.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=r"WORKBENCH_REQUIRE_POSTGRES=1 but"):
        postgres_support.server_bindir_or_skip()
