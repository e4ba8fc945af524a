"""The SQLite project store: one file beside the project, write-ahead log, one writer.

Writers take the database lock at the start of a unit of work (``BEGIN
IMMEDIATE``), wait for one another up to a busy timeout, and :meth:`SqlStore.write`
retries with backoff beyond it, so concurrent writers (several notebooks, a
``workbench`` command beside a notebook) queue instead of failing. Ordinary units
commit with ``synchronous=NORMAL`` (safe against a crashed process, may lose the
last commits on a power cut); durable units (codings, codebook revisions) commit
with ``synchronous=FULL``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from workbench import events as catalogue
from workbench.errors import ProjectError, StoreError
from workbench.store import migrations as schema
from workbench.store.tables import Store

#: Milliseconds a writer waits for the lock before :meth:`SqlStore.write` backs off.
BUSY_TIMEOUT_MS = 5000


def sqlite_path(url: str, base: Path) -> Path:
    """Resolve a ``sqlite:///relative/or/absolute`` URL against ``base``."""
    path = Path(url[len("sqlite:///") :])
    return path if path.is_absolute() else base / path


def _checkpoint(path: Path) -> None:
    """Copy the write-ahead log into the database file (runs in a background thread)."""
    try:
        connection = sqlite3.connect(path, timeout=60)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()
    except sqlite3.Error:  # a later automatic checkpoint will do the work
        pass


def _fsync(path: Path) -> None:
    """Flush a file's written data to disk."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # nothing was logged
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class SQLiteStore(Store):
    """A project database in one SQLite file."""

    dialect: ClassVar[str] = "sqlite"

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        super().__init__(connection, str(path))
        self.path = path
        self._checkpointer: threading.Thread | None = None
        self._bulk = self._began_durable = False

    @classmethod
    def open(cls, url: str, base: Path, *, create: bool = False) -> SQLiteStore:
        """Open (or with ``create`` make) the database at ``url``, upgrading its schema.

        Raises
        ------
        ProjectError
            If the file is missing (and ``create`` is false), is not a SQLite
            database, was written by a newer workbench, or an upgrade failed.
        """
        path = sqlite_path(url, base)
        if not create and not path.exists():
            raise ProjectError(f"{path}: project database not found; run `workbench init` first")
        try:
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"{path}: is not a workbench database ({exc}); restore it from a backup "
                "(`workbench restore`) or point workbench.yaml at the right file"
            ) from None
        for pragma in (
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "temp_store=MEMORY",
            "cache_size=-65536",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
        ):
            connection.execute(f"PRAGMA {pragma}")
        store = cls(connection, path)
        try:
            store.upgrade()
        except BaseException:
            connection.close()
            raise
        return store

    # -- dialect hooks ----------------------------------------------------------------

    def _begin(self, *, bulk: bool, durable: bool) -> None:
        if bulk:
            self.wait_for_checkpoint()
            self.connection.execute("PRAGMA wal_autocheckpoint = 0")
        if durable:  # may not change inside a transaction
            self.connection.execute("PRAGMA synchronous = FULL")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._reset(bulk=bulk, durable=durable)
            raise
        self._bulk, self._began_durable = bulk, durable

    def _commit(self, *, durable: bool, bulk: bool) -> None:
        self.connection.execute("COMMIT")
        if durable and not self._began_durable:
            # An inner unit asked for durability after the outer one began: flush
            # the log now, as synchronous=FULL would have done inside the commit.
            _fsync(self.path.with_name(self.path.name + "-wal"))
        self._reset(bulk=self._bulk, durable=self._began_durable)
        if bulk:
            self._checkpointer = threading.Thread(
                target=_checkpoint, args=(self.path,), name="workbench-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _reset(self, *, bulk: bool, durable: bool) -> None:
        """Put back the settings a unit changed (outside any transaction)."""
        if bulk:
            self.connection.execute("PRAGMA wal_autocheckpoint = 1000")
        if durable:
            self.connection.execute("PRAGMA synchronous = NORMAL")
        self._bulk = self._began_durable = False

    def _rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self._reset(bulk=self._bulk, durable=self._began_durable)

    def _retryable(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.OperationalError) and getattr(
            error, "sqlite_errorcode", None
        ) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file (``PRAGMA user_version``)."""
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    # -- schema -------------------------------------------------------------------------

    def upgrade(self) -> Path | None:
        """Apply every pending migration as one transaction; back the file up first.

        All or nothing: if any script fails, none of them stays applied (the
        transaction is rolled back, and should the file not read back at its old
        version, it is restored from the backup), and the error says so.

        Returns
        -------
        Path or None
            The backup written, if the file held data.
        """
        current = self.schema_version
        target = schema.SCHEMA_VERSION
        if current > target:
            raise ProjectError(
                f"{self.path}: schema version {current} is newer than this workbench "
                f"understands ({target}); upgrade the workbench package"
            )
        if current == target:
            return None
        pending = [m for m in schema.migrations("sqlite") if current < m.version <= target]
        backup = None
        if current > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = self.path.with_name(f"{self.path.name}.v{current}-{stamp}.bak")
            self._copy_to(backup)
        running = None
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            for migration in pending:
                running = migration
                for statement in migration.statements():
                    self.connection.execute(statement)
            self.connection.execute(f"PRAGMA user_version = {target}")
            self.connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            restored = ""
            if self.schema_version != current and backup is not None:
                self._restore_from(backup)
                restored = f", restored from the backup {backup}"
            names = ", ".join(m.name for m in pending)
            saved = f" (a copy from before the upgrade: {backup})" if backup else ""
            raise ProjectError(
                f"{self.path}: upgrading from schema version {current} to {target} failed in "
                f"{running.name if running else 'the upgrade'} ({exc}). None of the "
                f"{len(pending)} pending migrations ({names}) was applied: the database is "
                f"still at version {current}{restored}{saved}. Report this with the "
                "message; the project opens again with the workbench version that wrote it"
            ) from None
        if current > 0:
            self.record(
                catalogue.SchemaUpgraded(
                    from_version=current, to_version=target,
                    migrations=[m.name for m in pending], backup=str(backup),
                ),
                "workbench",
            )  # fmt: skip
        return backup

    def _copy_to(self, target: Path) -> None:
        """Write a consistent copy of the database to ``target`` (SQLite backup API)."""
        copy = sqlite3.connect(target)
        try:
            with copy:
                self.connection.backup(copy)
        finally:
            copy.close()

    def _restore_from(self, backup: Path) -> None:
        source = sqlite3.connect(backup)
        try:
            source.backup(self.connection)
        finally:
            source.close()

    def backup(self, target: Path) -> Path:
        """Write a consistent copy to ``target/database.sqlite`` while others go on writing.

        The copy is one read transaction: it holds every unit of work committed
        before it began and none that began after.
        """
        target.mkdir(parents=True, exist_ok=True)
        out = target / "database.sqlite"
        if out.exists():
            raise StoreError(f"{out}: already exists; back up into an empty folder")
        self._copy_to(out)
        return out

    # -- closing ------------------------------------------------------------------------

    def wait_for_checkpoint(self) -> None:
        """Block until a background checkpoint started by a bulk unit is done."""
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None

    def close(self) -> None:
        """Finish any background checkpoint, then close (checkpointing the WAL)."""
        self.wait_for_checkpoint()
        self.connection.close()


def restore_file(copy: Path, path: Path) -> None:
    """Put a backed-up database file at ``path`` (which must not exist)."""
    if path.exists():
        raise StoreError(f"{path}: already exists; restore into a new project folder")
    shutil.copyfile(copy, path)
