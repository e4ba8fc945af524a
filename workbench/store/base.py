"""What every project store does, written once for both databases.

:class:`SqlStore` holds the connection, the unit of work (nested units are
savepoints), events and the reading helpers. Its SQL is written with ``?``
placeholders in the dialect that SQLite and PostgreSQL share; the few places
where they differ are class attributes or small methods that
:class:`~workbench.store.sqlite.SQLiteStore` and
:class:`~workbench.store.postgres.PostgresStore` fill in.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import orjson
import pandas as pd

from workbench import events as catalogue
from workbench.errors import StoreError

T = TypeVar("T")

#: Attempts of a write that meets a busy database before the error reaches the caller.
WRITE_ATTEMPTS = 12


def utc_now() -> str:
    """Current UTC time as ISO 8601 with milliseconds and ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SqlStore:
    """A project database: SQL shared by both dialects, one connection, units of work.

    Use :func:`workbench.store.open_store`. Every write goes through a unit of work
    (:meth:`unit_of_work`); store methods that change something open their own unit
    (joining the caller's if one is open) and write their event in it.
    """

    #: Dialect name: ``"sqlite"`` or ``"postgresql"`` (also the migrations folder).
    dialect: ClassVar[str] = ""
    #: Column giving storage order of comments (SQLite's ``rowid``).
    ROW: ClassVar[str] = "rowid"
    #: ``IS NOT`` for rows that may hold nulls.
    DISTINCT: ClassVar[str] = "IS NOT"
    #: Two-argument maximum.
    GREATEST: ClassVar[str] = "MAX"
    #: A table (one column, ``value``) of the items of one list parameter.
    TEXT_TABLE: ClassVar[str] = "json_each(?)"
    INT_TABLE: ClassVar[str] = "json_each(?)"

    @property
    def TEXT_LIST(self) -> str:  # noqa: N802 - reads as the SQL fragment it is
        """A subquery listing the texts of one list parameter: ``x IN {TEXT_LIST}``."""
        return f"(SELECT value FROM {self.TEXT_TABLE})"

    @property
    def INT_LIST(self) -> str:  # noqa: N802
        """A subquery listing the integers of one list parameter."""
        return f"(SELECT value FROM {self.INT_TABLE})"

    def __init__(self, connection: Any, location: str) -> None:
        self.connection = connection
        self.location = location
        self._lock = threading.RLock()
        self._depth = 0
        self._durable = False
        self._savepoints = 0

    # -- dialect hooks ----------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        """The statement in this dialect's parameter style."""
        return sql

    def _list(self, values: Sequence[Any]) -> Any:
        """A list as one parameter for :attr:`TEXT_LIST` / :attr:`INT_LIST`."""
        return orjson.dumps(list(values)).decode()

    def _begin(self, *, bulk: bool, durable: bool) -> None:
        raise NotImplementedError

    def _commit(self, *, durable: bool, bulk: bool) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def _retryable(self, error: BaseException) -> bool:
        """Whether ``error`` means "busy, try again" (lock or serialisation conflict)."""
        return False

    def _serialise(self, table: str) -> None:
        """Make concurrent writers of ``table`` take turns for the rest of the unit.

        SQLite writers already do (``BEGIN IMMEDIATE``); PostgreSQL locks the table.
        """

    def _insert_returning_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT ... RETURNING <id>`` and return the id."""
        row = self._execute(sql, params).fetchone()
        return int(row[0])

    def _bulk_insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Insert many rows (plain ``executemany``; PostgreSQL uses ``COPY``)."""
        if rows:
            marks = ", ".join("?" for _ in columns)
            self._executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def backup(self, target: Path) -> Path:
        """Write a consistent copy of the database into folder ``target``."""
        raise NotImplementedError

    # -- statements -------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(self._sql(sql), tuple(params))

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]] | Iterator[Any]) -> int:
        cursor = self.connection.cursor()
        try:
            cursor.executemany(self._sql(sql), rows)
            return max(cursor.rowcount, 0)
        finally:
            cursor.close()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query's result as a DataFrame (columns named as selected)."""
        cursor = self._execute(sql, params)
        names = [d[0] for d in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    def count(self, table: str) -> int:
        """Rows in ``table`` (one of the store's own tables)."""
        return int(self._one(f"SELECT count(*) FROM {table}"))

    # -- units of work ----------------------------------------------------------------

    @contextmanager
    def unit_of_work(self, *, durable: bool = False, bulk: bool = False) -> Iterator[None]:
        """All-or-nothing: commit at the end of the outermost unit, roll back on error.

        Units nest: an inner unit is a savepoint, so a failing inner step can be
        rolled back alone while the outer unit goes on, and several operations can
        commit as one.

        Parameters
        ----------
        durable : bool, default False
            Commit with full synchronisation (SQLite ``synchronous=FULL``,
            PostgreSQL ``synchronous_commit=on``): for codings and codebook
            revisions, whose loss a power cut must not cause. An inner durable unit
            makes the whole outer commit durable.
        bulk : bool, default False
            A large write (imports): the dialect may defer housekeeping (SQLite
            copies its write-ahead log in the background after the commit).
        """
        with self._lock:
            if self._depth == 0:
                self._begin(bulk=bulk, durable=durable)
                self._durable = durable
                self._depth = 1
                try:
                    yield
                except BaseException:
                    self._depth = 0
                    self._rollback()
                    raise
                self._depth = 0
                try:
                    self._commit(durable=self._durable or durable, bulk=bulk)
                except BaseException:
                    self._rollback()
                    raise
                return
            self._savepoints += 1
            name = f"unit_{self._savepoints}"
            self._durable = self._durable or durable
            self._execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._execute(f"ROLLBACK TO SAVEPOINT {name}")
                self._execute(f"RELEASE SAVEPOINT {name}")
                raise
            finally:
                self._depth -= 1
            self._execute(f"RELEASE SAVEPOINT {name}")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read several queries from one consistent state of the database.

        SQLite takes the write lock (so no one writes meanwhile); PostgreSQL reads
        one repeatable-read snapshot.
        """
        with self.unit_of_work():
            yield

    def _continue_identities(self, columns: dict[str, str]) -> None:
        """After rows were copied in with their ids, make new ids follow them.

        ``columns`` maps table to id column. SQLite's ``INTEGER PRIMARY KEY``
        already continues after the largest id.
        """

    def _require_unit(self, step: str) -> None:
        """Refuse an import step run outside a unit of work (it would commit piecemeal)."""
        if not self.in_unit:
            raise StoreError(
                f"{step} is a step of an import and must run inside a unit of work "
                "(`with store.unit_of_work(bulk=True):`, as Project.import_files does)"
            )

    @property
    def in_unit(self) -> bool:
        """Whether a unit of work is open on this store."""
        return self._depth > 0

    def write(self, work: Callable[[], T], *, durable: bool = False) -> T:
        """Run ``work`` in a unit of work, retrying with backoff while the database is busy.

        Inside an open unit it simply joins it (the outer unit owns retrying).
        Otherwise a lock or serialisation conflict rolls the unit back and tries
        again (up to :data:`WRITE_ATTEMPTS` times, waiting 10 ms doubling to 1 s,
        with jitter), so concurrent writers see no "database is locked" errors.
        The result is returned only once the unit has committed.
        """
        if self.in_unit:
            with self.unit_of_work(durable=durable):
                return work()
        delay = 0.01
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.unit_of_work(durable=durable):
                    return work()
            except Exception as error:
                if not self._retryable(error) or attempt == WRITE_ATTEMPTS - 1:
                    if self._retryable(error):
                        raise StoreError(
                            f"{self.location}: the database stayed busy through "
                            f"{WRITE_ATTEMPTS} attempts ({error}); nothing was written, try "
                            "again"
                        ) from error
                    raise
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- events -----------------------------------------------------------------------

    def _append(self, event: catalogue.Event, actor: str) -> int:
        """Insert an event row (inside the caller's unit); returns its id."""
        return self._insert_returning_id(
            "INSERT INTO events (at, actor, kind, payload, version) VALUES (?, ?, ?, ?, ?) "
            "RETURNING event_id",
            (utc_now(), actor, event.KIND, orjson.dumps(event.payload()).decode(),
             event.VERSION),
        )

    def record(self, event: catalogue.Event, actor: str) -> int:
        """Record an event on its own (for changes that live outside the database).

        Returns its id once committed.
        """
        return self.write(lambda: self._append(event, actor))

    def events(self, kind: str | None = None) -> pd.DataFrame:
        """The event log, oldest first, with ``payload`` decoded."""
        sql = "SELECT event_id, at, actor, kind, version, payload FROM events"
        params: tuple = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            params = (kind,)
        frame = self._frame(sql + " ORDER BY event_id", params)
        frame["payload"] = [orjson.loads(p) for p in frame["payload"]]
        return frame

    def read_events(self, kind: str | None = None) -> list[catalogue.RecordedEvent]:
        """The event log as typed events, validated against the catalogue.

        Raises
        ------
        EventError
            Naming the first event that does not fit its kind.
        """
        return [
            catalogue.parse(r.event_id, r.at, r.actor, r.kind, r.payload, r.version)
            for r in self.events(kind).itertuples()
        ]
