"""Back up and restore a PostgreSQL database with ``pg_dump`` and ``pg_restore``.

:func:`dump` writes one custom-format archive (``pg_dump --format=custom``);
:func:`restore` loads one into an *empty* database (``pg_restore --no-owner
--exit-on-error --single-transaction``), so a failed restore leaves that database
empty. Creating the target database is the caller's step: :func:`database_exists`
and :func:`create_database` do it through the server's ``postgres`` maintenance
database::

    dump("postgresql://coder@db.example/study", "study.dump")
    create_database("postgresql://coder@db.example/study_copy")
    restore("study.dump", "postgresql://coder@db.example/study_copy")

The programs are found as :func:`workbench.store.pgserver.find_program` finds them
(``pg_config --bindir``, ``/usr/lib/postgresql/*/bin`` newest first, ``PATH``),
taking the first of the server's major version or newer: an older ``pg_dump``
cannot dump a newer server. Passwords never reach a command line (they go to the
programs through ``PGPASSWORD``) nor an error message (URLs are shown masked).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from workbench.errors import StoreError
from workbench.store.pgserver import find_program

#: First bytes of every custom-format archive.
ARCHIVE_MAGIC = b"PGDMP"
#: The database :func:`create_database` connects to.
MAINTENANCE_DB = "postgres"
#: Seconds to wait for a connection.
CONNECT_TIMEOUT = 30
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")
_QUERY_PASSWORD = re.compile(r"((?:^|&)password=)[^&]*")


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (URLs and ``key=value`` strings).

    Parameters
    ----------
    url : str
        A ``postgresql://`` URL or a libpq ``key=value`` connection string.

    Returns
    -------
    str
        The same text, safe to show.
    """
    if "://" in url:
        parts = urlsplit(url)
        if parts.password is not None:
            netloc = parts.netloc.rsplit("@", 1)
            user = netloc[0].split(":", 1)[0]
            parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
        query = _QUERY_PASSWORD.sub(r"\1***", parts.query)
        return urlunsplit(parts._replace(query=query))
    return _KEYWORD_PASSWORD.sub(r"\1***", url)


def _params(url: str) -> dict[str, Any]:
    try:
        return conninfo_to_dict(url)
    except psycopg.Error as exc:
        raise StoreError(f"{mask_url(url)}: not a PostgreSQL URL ({exc})") from exc


def _connect(url: str, **overrides: Any) -> psycopg.Connection:
    params = {"connect_timeout": CONNECT_TIMEOUT, **_params(url), **overrides}
    try:
        return psycopg.connect(make_conninfo(**params), autocommit=True)
    except psycopg.Error as exc:
        where = mask_url(url)
        if overrides.get("dbname"):
            where = f"{where} (its {overrides['dbname']!r} database)"
        raise StoreError(f"{where}: could not connect: {_clean(str(exc), params)}") from exc


def _dbname(url: str) -> str:
    name = _params(url).get("dbname")
    if not name:
        raise StoreError(f"{mask_url(url)}: the URL names no database (…/DBNAME)")
    return str(name)


def server_major(url: str) -> int:
    """Major version of the server behind ``url`` (``15`` for 15.4, ``9`` for 9.6).

    Raises
    ------
    StoreError
        If the server cannot be reached.
    """
    with _connect(url) as conn:
        return conn.info.server_version // 10000


def database_exists(url: str) -> bool:
    """Whether the database named by ``url`` exists on its server.

    Parameters
    ----------
    url : str
        URL of the database; the check connects to the server's ``postgres``
        database with the same credentials.

    Returns
    -------
    bool
    """
    name = _dbname(url)
    with _connect(url, dbname=MAINTENANCE_DB) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def create_database(url: str, *, exist_ok: bool = False) -> None:
    """Create the (empty) database named by ``url``, from ``template0``.

    Parameters
    ----------
    url : str
        URL of the database to create; the user must be allowed to create
        databases.
    exist_ok : bool, default False
        Return quietly when it already exists instead of raising.

    Raises
    ------
    StoreError
        If it exists (and ``exist_ok`` is false) or the server refuses.
    """
    name = _dbname(url)
    with _connect(url, dbname=MAINTENANCE_DB) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone() is not None
        if exists:
            if exist_ok:
                return
            raise StoreError(
                f"{mask_url(url)}: database {name!r} already exists; restore into a new "
                "database or drop this one first"
            )
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(
                sql.Identifier(name)))
        except psycopg.Error as exc:
            raise StoreError(f"{mask_url(url)}: could not create database {name!r}: "
                             f"{exc}".strip()) from exc


def _user_relations(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%' "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')").fetchone()
    return int(row[0]) if row else 0


def _clean(text: str, params: dict[str, Any]) -> str:
    password = params.get("password")
    text = text.strip()
    return text.replace(str(password), "***") if password else text


def _run(program: Path, options: list[str], url: str, doing: str,
         operands: tuple[str, ...] = ()) -> None:
    params = _params(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    conninfo = make_conninfo(**params)
    command = [str(program), *options, f"--dbname={conninfo}", *operands]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, check=False)
    except OSError as exc:
        raise StoreError(f"{mask_url(url)}: {doing}: could not run {program}: {exc}") from exc
    if done.returncode != 0:
        stderr = _clean(done.stderr, {"password": password}) or "(no output)"
        raise StoreError(
            f"{mask_url(url)}: {doing} failed ({program.name} exit status "
            f"{done.returncode}):\n{stderr}"
        )


def dump(url: str, out_file: str | Path) -> Path:
    """Write the database behind ``url`` to a custom-format archive.

    The archive appears only when complete (written next to ``out_file`` first,
    then renamed over it).

    Parameters
    ----------
    url : str
        Database to dump.
    out_file : str or Path
        Archive to write; its folder must exist.

    Returns
    -------
    Path
        ``out_file``.

    Raises
    ------
    StoreError
        If the server cannot be reached, no ``pg_dump`` of its version or newer is
        installed, or ``pg_dump`` fails (its stderr is in the message).
    """
    out = Path(out_file)
    if not out.parent.is_dir():
        raise StoreError(f"{out}: folder {out.parent} does not exist; create it first")
    major = server_major(url)
    pg_dump = find_program("pg_dump", min_major=major)
    partial = out.with_name(out.name + ".partial")
    try:
        _run(pg_dump, ["--format=custom", f"--file={partial}"], url, f"pg_dump to {out}")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def restore(dump_file: str | Path, url: str) -> None:
    """Load a custom-format archive into the empty database behind ``url``.

    Runs ``pg_restore --no-owner --exit-on-error --single-transaction``: objects
    belong to the connecting user, and the first error undoes the whole restore.

    Parameters
    ----------
    dump_file : str or Path
        An archive written by :func:`dump` (or ``pg_dump --format=custom``).
    url : str
        The target database: it must exist (:func:`create_database`) and be empty.

    Raises
    ------
    StoreError
        If the file is missing or not an archive, the database is missing or not
        empty, no ``pg_restore`` of the server's version or newer is installed, or
        ``pg_restore`` fails (its stderr is in the message).
    """
    archive = Path(dump_file)
    if not archive.is_file():
        raise StoreError(f"{archive}: dump file not found; nothing was restored")
    with archive.open("rb") as handle:
        magic = handle.read(len(ARCHIVE_MAGIC))
    if magic != ARCHIVE_MAGIC:
        raise StoreError(
            f"{archive}: not a pg_dump custom-format archive (starts with {magic!r}, "
            f"expected {ARCHIVE_MAGIC!r}); write one with dump() or pg_dump --format=custom"
        )
    if not database_exists(url):
        raise StoreError(
            f"{mask_url(url)}: database {_dbname(url)!r} does not exist; create it first "
            "(workbench.store.pgtools.create_database)"
        )
    with _connect(url) as conn:
        major = conn.info.server_version // 10000
        relations = _user_relations(conn)
    if relations:
        raise StoreError(
            f"{mask_url(url)}: database is not empty ({relations} tables, views or "
            "sequences); restore into a new, empty database"
        )
    pg_restore = find_program("pg_restore", min_major=major)
    _run(pg_restore, ["--no-owner", "--exit-on-error", "--single-transaction"], url,
         f"pg_restore of {archive}", operands=(str(archive),))
