"""The PostgreSQL project store: a team's shared database (psycopg 3).

The SQL is the store's shared SQL (:mod:`workbench.store.base`) with ``?`` turned
into psycopg's ``%s``; what PostgreSQL does differently lives here: list
parameters are arrays, JSON attributes merge with ``jsonb ||``, storage order is
the ``row_seq`` identity column, bulk rows go in with ``COPY``, and the schema
version is a one-row table upgraded under an advisory lock, in one transaction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import psycopg
from psycopg import errors as pg_errors

from workbench import events as catalogue
from workbench.errors import ProjectError, StoreError
from workbench.store import migrations as schema
from workbench.store import pgtools
from workbench.store.comments import INSERT_COLUMNS
from workbench.store.pgtools import mask_url
from workbench.store.tables import Store

#: Key of the advisory lock that serialises schema upgrades of one database.
_UPGRADE_LOCK = 0x7457_6F72  # "tWor"
_PLACEHOLDER = re.compile(r"%|\?")
_RETRYABLE = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class PostgresStore(Store):
    """A project database on a PostgreSQL server (``postgresql://`` URL)."""

    dialect: ClassVar[str] = "postgresql"
    ROW: ClassVar[str] = "row_seq"
    DISTINCT: ClassVar[str] = "IS DISTINCT FROM"
    GREATEST: ClassVar[str] = "GREATEST"
    TEXT_TABLE: ClassVar[str] = "unnest(CAST(? AS text[])) AS t(value)"
    INT_TABLE: ClassVar[str] = "unnest(CAST(? AS bigint[])) AS t(value)"

    _url: str = ""

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> PostgresStore:
        """Connect to the database at ``url``, creating its schema or upgrading it.

        Raises
        ------
        ProjectError
            If the server cannot be reached, the database is missing (and
            ``create`` is false), holds no workbench project, or is newer than
            this workbench.
        """
        shown = mask_url(url)
        if create and not pgtools.database_exists(url):
            pgtools.create_database(url, exist_ok=True)
        try:
            connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise ProjectError(
                f"{shown}: cannot connect to the project database ({_one_line(exc)}); "
                "check the server is running and the URL in workbench.yaml"
            ) from None
        store = cls(connection, shown)
        store._url = url
        try:
            if not create and not store._has_schema():
                raise ProjectError(
                    f"{shown}: holds no workbench project; run `workbench init PROJECT "
                    f"--database {shown}` or `workbench migrate` first"
                )
            store.upgrade()
        except BaseException:
            connection.close()
            raise
        return store

    # -- dialect hooks ----------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return _PLACEHOLDER.sub(lambda m: "%%" if m.group() == "%" else "%s", sql)

    def _list(self, values: Sequence[Any]) -> Any:
        return list(values)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not params:
            return self.connection.execute(sql)
        return self.connection.execute(self._sql(sql), _without_nul(params))

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]] | Iterator[Any]) -> int:
        return super()._executemany(sql, map(_without_nul, rows))

    def _begin(self, *, bulk: bool, durable: bool) -> None:
        self.connection.execute("BEGIN")

    def _commit(self, *, durable: bool, bulk: bool) -> None:
        if durable:  # whatever the server's default, wait for the flush to disk
            self.connection.execute("SET LOCAL synchronous_commit = on")
        self.connection.execute("COMMIT")

    def _rollback(self) -> None:
        if self.connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.connection.execute("ROLLBACK")

    def _retryable(self, error: BaseException) -> bool:
        return isinstance(error, _RETRYABLE)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read several queries from one repeatable-read snapshot."""
        with self._lock:
            if self.in_unit:
                yield
                return
            self._execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield
            finally:
                self._rollback()

    def _continue_identities(self, columns: dict[str, str]) -> None:
        for table, column in columns.items():
            self._execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )

    def _serialise(self, table: str) -> None:
        self._execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    def _bulk_insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        rows = _rows_without_nul(rows)
        with self.connection.cursor().copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)

    def _merge_json(self, old: str, new: str) -> str:
        return (
            f"CASE WHEN {new} IS NULL THEN {old} WHEN {old} IS NULL THEN {new} "
            f"ELSE ({old}::jsonb || jsonb_strip_nulls({new}::jsonb))::text END"
        )

    def _compared(self, side: str, name: str) -> str:
        return f"{side}.{name}::jsonb" if name == "attributes" else f"{side}.{name}"

    def _compared_merged(self, name: str) -> str:
        merged = self._merged(name)
        return f"({merged})::jsonb" if name == "attributes" else merged

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the ``schema_version`` table (0: none)."""
        if not self._has_schema():
            return 0
        return int(self._one("SELECT version FROM schema_version"))

    def _has_schema(self) -> bool:
        return self._one("SELECT to_regclass('schema_version') IS NOT NULL") is True

    # -- comments -----------------------------------------------------------------------

    def add_comments(self, columns: dict[str, list], import_id: int) -> tuple[int, int]:
        """Store comments with ``COPY``; returns ``(new, updated)`` (see the base method).

        New ids are copied straight into ``comments``. Ids already stored, or
        repeated within the batch, are copied into a staging table and upserted
        from there, one generation at a time (an upsert may touch a row once).
        """
        self._require_unit("add_comments")
        ids = columns["comment_id"]
        if not ids:
            return 0, 0
        known = self._stored_ids(ids)
        imports = [import_id] * len(ids)
        names = (*INSERT_COLUMNS, "import_id", "last_import_id")
        rows = zip(*(_copyable(columns, c) for c in INSERT_COLUMNS), imports, imports,
                   strict=True)  # fmt: skip
        fresh, again, seen = [], [], Counter()
        for cid, row in zip(ids, rows, strict=True):
            if cid in known:
                again.append((seen[cid], row))
                seen[cid] += 1
            else:
                fresh.append(row)
                known.add(cid)
        self._bulk_insert("comments", names, fresh)
        updated = 0
        if again:
            self._execute(
                "CREATE TEMP TABLE IF NOT EXISTS comments_stage AS "
                f"SELECT {', '.join(names)} FROM comments WITH NO DATA"
            )
            for generation in range(max(g for g, _ in again) + 1):
                self._execute("TRUNCATE comments_stage")
                self._bulk_insert("comments_stage", names,
                                  [row for g, row in again if g == generation])  # fmt: skip
                source = f"SELECT {', '.join(names)} FROM comments_stage"
                updated += max(self._execute(self.upsert_sql(source)).rowcount, 0)
        return len(fresh), updated

    # -- schema -------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Create or upgrade the schema: every pending script in one transaction.

        PostgreSQL runs DDL inside transactions, so a failing script leaves the
        database exactly as it was; an advisory lock keeps two workbenches opening
        the same database from upgrading it at once.
        """
        target = schema.SCHEMA_VERSION
        if self._has_schema() and self.schema_version == target:
            return
        running = None
        self._execute("BEGIN")
        try:
            self._execute(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
            self._execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = self._one("SELECT version FROM schema_version")
            if current is None:
                self._execute("INSERT INTO schema_version (version) VALUES (0)")
                current = 0
            if current > target:
                raise ProjectError(
                    f"{self.location}: schema version {current} is newer than this workbench "
                    f"understands ({target}); upgrade the workbench package"
                )
            pending = [m for m in schema.migrations("postgresql") if current < m.version <= target]
            for migration in pending:
                running = migration
                self.connection.execute(migration.script)
            self._execute(f"UPDATE schema_version SET version = {int(target)}")
            if current > 0 and pending:
                self._append(
                    catalogue.SchemaUpgraded(
                        from_version=current, to_version=target,
                        migrations=[m.name for m in pending],
                    ),
                    "workbench",
                )  # fmt: skip
            self._execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback()
            raise ProjectError(
                f"{self.location}: schema upgrade failed in "
                f"{running.name if running else 'the upgrade'} ({_one_line(exc)}); the "
                "upgrade ran as one transaction, so nothing of it was applied and the "
                "database is as it was"
            ) from None
        except BaseException:
            self._rollback()
            raise

    def backup(self, target: Path) -> Path:
        """Write a consistent ``pg_dump`` archive to ``target/database.dump``.

        ``pg_dump`` reads one snapshot, so the archive holds every unit of work
        committed before it began, while other coders go on writing.
        """
        target.mkdir(parents=True, exist_ok=True)
        out = target / "database.dump"
        if out.exists():
            raise StoreError(f"{out}: already exists; back up into an empty folder")
        return pgtools.dump(self._url, out)


def _copyable(columns: dict[str, list], name: str) -> list:
    """A column as ``COPY`` takes it (``is_deleted`` as 0/1 rather than a boolean)."""
    values = columns[name]
    if name == "is_deleted":
        return [int(bool(v)) for v in values]
    return values


# PostgreSQL cannot hold the NUL character in text, so every write drops it from text
# values (SQLite keeps it): a comment's raw form, a handle, a link or a memo may have one
# (normalised text never does), and so may a SQLite project being migrated.


def _rows_without_nul(rows: list[tuple]) -> list[tuple]:
    """``rows`` with NUL dropped from their texts (looked for a column at a time, in C)."""
    if not any(map(_has_nul, zip(*rows, strict=True))):
        return rows
    return [_without_nul(row) for row in rows]


def _has_nul(values: Sequence[Any]) -> bool:
    """Whether a text of ``values`` holds NUL (one C-level scan for a column of texts)."""
    kinds = set(map(type, values))
    if str not in kinds:
        return False
    if kinds <= {str, type(None)}:
        return "\x00" in "".join(filter(None, values))
    return any(isinstance(v, str) and "\x00" in v for v in values)


def _without_nul(params: Sequence[Any]) -> tuple:
    """One row of parameters with NUL dropped from its texts."""
    if any(isinstance(value, str) and "\x00" in value for value in params):
        return tuple(v.replace("\x00", "") if isinstance(v, str) else v for v in params)
    return tuple(params)


def _one_line(error: BaseException) -> str:
    """A server error message on one line (PostgreSQL's carry a ``LINE 1: ...`` excerpt)."""
    return " ".join(str(error).split())
