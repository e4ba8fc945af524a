"""The project store: the only module that speaks SQL.

A :class:`Store` wraps one database (SQLite today; the URL scheme leaves room for
``postgresql://``). The schema is versioned by numbered scripts in
``workbench/migrations``; an existing database is backed up before an automatic
upgrade. Every change is also written as an append-only event.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from workbench.errors import ProjectError, StoreError
from workbench.frames import COMMENT_COLUMN_NAMES
from workbench.store.queue import QueueTable
from workbench.store.runs import RunTables

#: Columns written by :meth:`Store.add_comments`, in order.
INSERT_COLUMNS: tuple[str, ...] = tuple(c for c in COMMENT_COLUMN_NAMES if c != "import_id")

# On a re-import: a deleted or removed copy never wipes text captured earlier (the
# row is marked deleted and keeps its text); unknown values never erase known ones.
_KEEP_TEXT = (
    "CASE WHEN excluded.is_deleted AND NOT comments.is_deleted THEN comments.{0} "
    "ELSE excluded.{0} END"
)
_UPSERT_SET = {
    "text": _KEEP_TEXT.format("text"),
    "text_raw": _KEEP_TEXT.format("text_raw"),
    "author": "COALESCE(excluded.author, comments.author)",
    "author_pseudonym": "COALESCE(excluded.author_pseudonym, comments.author_pseudonym)",
    "is_deleted": "MAX(excluded.is_deleted, comments.is_deleted)",
    "depth": "COALESCE(excluded.depth, comments.depth)",
    "lang": "COALESCE(excluded.lang, comments.lang)",
    "created_at": "COALESCE(excluded.created_at, comments.created_at)",
}
_COMPARED = (
    "parent_id",
    "thread_id",
    "kind",
    "title",
    "score",
    "url",
    "attributes",
    "is_deleted",
    "text",
    "author",
    "created_at",
)


def _upsert_sql() -> str:
    columns = (*INSERT_COLUMNS, "import_id", "last_import_id")
    placeholders = ", ".join("?" * len(columns))
    updates = [
        f"{name} = {_UPSERT_SET.get(name, 'excluded.' + name)}"
        for name in INSERT_COLUMNS
        if name not in ("comment_id", "platform", "source_format")
    ]
    updates.append("last_import_id = excluded.last_import_id")
    old = ", ".join(f"comments.{c}" for c in _COMPARED)
    new = ", ".join(_UPSERT_SET.get(c, f"excluded.{c}") for c in _COMPARED)
    return (
        f"INSERT INTO comments ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT(comment_id) DO UPDATE SET {', '.join(updates)} "
        f"WHERE ({old}) IS NOT ({new})"
    )


UPSERT_SQL = _upsert_sql()
INSERT_SQL = UPSERT_SQL.split(" ON CONFLICT", 1)[0]


def utc_now() -> str:
    """Current UTC time as ISO 8601 with milliseconds and ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("workbench") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text("utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(version for version, _, _ in _migrations())


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


def sqlite_path(url: str, base: Path) -> Path:
    """Resolve a ``sqlite:///relative/or/absolute`` URL against ``base``.

    Raises
    ------
    StoreError
        For a URL that is not a SQLite URL (e.g. ``postgresql://``, not yet supported).
    """
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        return path if path.is_absolute() else base / path
    scheme = url.split(":", 1)[0]
    raise StoreError(
        f"database URL {url!r}: scheme {scheme!r} is not supported yet; "
        "use sqlite:///workbench.sqlite (PostgreSQL arrives with multi-coder projects)"
    )


class Store:
    """A project database.

    Use :meth:`open`; all writes go through :meth:`transaction`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.runs = RunTables(connection)
        """Cluster runs (see :class:`~workbench.store.runs.RunTables`)."""
        self.queue = QueueTable(connection)
        """The coding queue (see :class:`~workbench.store.queue.QueueTable`)."""

    # -- opening and schema ---------------------------------------------------------

    @classmethod
    def open(cls, url: str, base: Path, *, create: bool = False) -> Store:
        """Open (or with ``create`` make) the database at ``url``, upgrading its schema.

        Raises
        ------
        ProjectError
            If the file is missing (and ``create`` is false), is not a SQLite
            database, or was written by a newer workbench.
        """
        path = sqlite_path(url, base)
        if not create and not path.exists():
            raise ProjectError(f"{path}: project database not found; run `workbench init` first")
        try:
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{path}: is not a workbench database ({exc})") from None
        for pragma in (
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "temp_store=MEMORY",
            "cache_size=-65536",
            "busy_timeout=10000",
        ):
            connection.execute(f"PRAGMA {pragma}")
        store = cls(connection, path)
        store.upgrade()
        return store

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    def upgrade(self) -> Path | None:
        """Apply pending migrations; back the file up first if it holds data.

        Returns
        -------
        Path or None
            The backup written, if any.
        """
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise ProjectError(
                f"{self.path}: schema version {current} is newer than this workbench "
                f"understands ({SCHEMA_VERSION}); upgrade the workbench package"
            )
        if current == SCHEMA_VERSION:
            return None
        backup = None
        if current > 0:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            backup = self.path.with_name(f"{self.path.name}.v{current}-{stamp}.bak")
            target = sqlite3.connect(backup)
            with target:
                self.connection.backup(target)
            target.close()
        for version, name, script in _migrations():
            if version <= current:
                continue
            try:
                self.connection.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                saved = f" (backup: {backup})" if backup else ""
                raise ProjectError(
                    f"{self.path}: migration {name} failed ({exc}); "
                    f"the database is unchanged{saved}"
                ) from None
        return backup

    def close(self) -> None:
        """Finish any background checkpoint, then close (checkpointing the WAL)."""
        self.wait_for_checkpoint()
        self.connection.close()

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[None]:
        """All-or-nothing: commit at the end, roll back on any exception.

        Parameters
        ----------
        bulk : bool, default False
            For large writes (imports): instead of copying the write-ahead log into
            the database inside the commit, as SQLite's automatic checkpoint does,
            the copy runs in a background thread on its own connection once the
            transaction has committed. The data is committed and visible either
            way; :meth:`wait_for_checkpoint` (called by :meth:`close`) joins it.
        """
        if bulk:
            self.wait_for_checkpoint()
            self.connection.execute("PRAGMA wal_autocheckpoint = 0")
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            if bulk:
                self.connection.execute("PRAGMA wal_autocheckpoint = 1000")
            raise
        self.connection.execute("COMMIT")
        if bulk:
            self.connection.execute("PRAGMA wal_autocheckpoint = 1000")
            self._checkpoint = threading.Thread(
                target=_checkpoint, args=(self.path,), name="workbench-checkpoint", daemon=True
            )
            self._checkpoint.start()

    _checkpoint: threading.Thread | None = None

    def wait_for_checkpoint(self) -> None:
        """Block until a background checkpoint started by a bulk transaction is done."""
        if self._checkpoint is not None:
            self._checkpoint.join()
            self._checkpoint = None

    # -- events ---------------------------------------------------------------------

    def append_event(self, kind: str, payload: dict[str, Any], actor: str) -> int:
        """Record an event; returns its id."""
        cursor = self.connection.execute(
            "INSERT INTO events (at, actor, kind, payload) VALUES (?, ?, ?, ?)",
            (utc_now(), actor, kind, orjson.dumps(payload).decode()),
        )
        return int(cursor.lastrowid)

    def events(self, kind: str | None = None) -> pd.DataFrame:
        """The event log, oldest first, with ``payload`` decoded."""
        sql = "SELECT event_id, at, actor, kind, payload FROM events"
        params: tuple = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            params = (kind,)
        frame = pd.read_sql_query(sql + " ORDER BY event_id", self.connection, params=params)
        frame["payload"] = [orjson.loads(p) for p in frame["payload"]]
        return frame

    # -- imports --------------------------------------------------------------------

    def begin_import(self, file: str, format: str, actor: str) -> int:
        """Register an import of one file; returns its ``import_id``."""
        cursor = self.connection.execute(
            "INSERT INTO imports (at, actor, file, file_sha256, format) VALUES (?, ?, ?, '', ?)",
            (utc_now(), actor, file, format),
        )
        return int(cursor.lastrowid)

    def finish_import(self, import_id: int, counts: dict[str, int]) -> None:
        """Store the final counts of an import."""
        self.connection.execute(
            "UPDATE imports SET file_sha256 = ?, rows_read = ?, new = ?, updated = ?, "
            "duplicate = ? WHERE import_id = ?",
            (
                counts["sha256"],
                counts["rows"],
                counts["new"],
                counts["updated"],
                counts["duplicate"],
                import_id,
            ),
        )

    def add_comments(self, columns: dict[str, list], import_id: int) -> tuple[int, int]:
        """Store comments given as columns; returns ``(new, updated)`` row counts.

        Ids not yet stored (the common case) go through a plain ``INSERT``; only
        ids already present, or repeated within the batch, take the slower upsert
        (:data:`UPSERT_SQL`), which changes a row only where something differs. So
        ``len - new - updated`` rows were exact duplicates.
        """
        ids = columns["comment_id"]
        n = len(ids)
        if not n:
            return 0, 0
        known = self._stored_ids(ids)
        imports = [import_id] * n
        rows = zip(*(columns[c] for c in INSERT_COLUMNS), imports, imports, strict=True)
        try:
            if not known and len(set(ids)) == n:
                self.connection.executemany(INSERT_SQL, rows)
                return n, 0
            fresh, again = [], []
            for cid, row in zip(ids, rows, strict=True):
                if cid in known:
                    again.append(row)
                else:
                    fresh.append(row)
                    known.add(cid)
            self.connection.executemany(INSERT_SQL, fresh)
            cursor = self.connection.executemany(UPSERT_SQL, again)
            return len(fresh), max(cursor.rowcount, 0)
        except sqlite3.Error as exc:
            raise StoreError(f"storing comments failed ({exc})") from exc

    def _stored_ids(self, ids: list[str]) -> set[str]:
        """The subset of ``ids`` already in the comments table."""
        found = self.connection.execute(
            "SELECT comment_id FROM comments WHERE comment_id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(ids),),
        ).fetchall()
        return {row[0] for row in found}

    def add_gaps(self, gaps: Iterable[dict[str, Any]], import_id: int) -> int:
        """Record gaps (hidden or continued replies); returns how many were new."""
        rows = []
        for gap in gaps:
            children = sorted(gap.get("children") or [])
            key_text = "\x1f".join(
                [gap["kind"], gap.get("thread_id") or "", gap.get("parent_id") or "", *children]
            )
            rows.append(
                (
                    hashlib.sha1(key_text.encode()).hexdigest(),
                    gap["platform"],
                    gap["thread_id"],
                    gap.get("parent_id"),
                    gap["kind"],
                    gap.get("count"),
                    orjson.dumps(children).decode() if children else None,
                    import_id,
                )
            )
        cursor = self.connection.executemany(
            "INSERT OR IGNORE INTO gaps (gap_key, platform, thread_id, parent_id, kind, count, "
            "children, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return max(cursor.rowcount, 0)

    def add_skipped(self, skipped: Iterable[tuple[str, str]], sha256: str, import_id: int) -> int:
        """Record records deliberately not imported; returns how many were new."""
        cursor = self.connection.executemany(
            "INSERT OR IGNORE INTO skipped (reason, reference, file_sha256, import_id) "
            "VALUES (?, ?, ?, ?)",
            [(reason, reference, sha256, import_id) for reason, reference in skipped],
        )
        return max(cursor.rowcount, 0)

    def fill_depths(self) -> int:
        """Derive unknown depths from the reply tree; returns how many were filled.

        Starting from comments of unknown depth whose parent's depth is known, one
        recursive query walks down their replies (through the partial index of
        rows without a depth), so each row is visited once however deep the tree.
        Reply loops in bad data stop at depth 100,000.
        """
        connection = self.connection
        connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS depth_fill (comment_id TEXT PRIMARY KEY, depth INT)"
        )
        connection.execute("DELETE FROM temp.depth_fill")
        connection.execute(
            "INSERT OR IGNORE INTO temp.depth_fill (comment_id, depth) "
            "WITH RECURSIVE found(comment_id, depth) AS ("
            " SELECT c.comment_id, p.depth + 1 FROM comments AS c"
            "  JOIN comments AS p ON p.comment_id = c.parent_id"
            "  WHERE c.depth IS NULL AND p.depth IS NOT NULL"
            " UNION ALL"
            " SELECT c.comment_id, f.depth + 1 FROM found AS f"
            "  JOIN comments AS c ON c.parent_id = f.comment_id AND c.depth IS NULL"
            "  WHERE f.depth < 100000"
            ") SELECT comment_id, depth FROM found"
        )
        cursor = connection.execute(
            "UPDATE comments SET depth = ("
            " SELECT d.depth FROM temp.depth_fill AS d WHERE d.comment_id = comments.comment_id)"
            " WHERE depth IS NULL AND comment_id IN (SELECT comment_id FROM temp.depth_fill)"
        )
        connection.execute("DELETE FROM temp.depth_fill")
        return max(cursor.rowcount, 0)

    def rethread(self, import_ids: Iterable[int], max_levels: int = 1000) -> int:
        """Put comments of the given imports into their parent's thread.

        A file sometimes holds a reply without the conversation above it (an X
        archive, a YouTube reply page, a Mastodon outbox); its loader then names the
        thread as best it can. Once the parent is stored, from this import or an
        earlier one, the reply joins the parent's thread, level by level, and its
        depth is cleared so that :meth:`fill_depths` derives it from the parent.

        Parameters
        ----------
        import_ids : iterable of int
            Rows last stored by these imports are examined.

        Returns
        -------
        int
            How many rows changed thread.
        """
        wanted = orjson.dumps(sorted(set(import_ids))).decode()
        if wanted == "[]":
            return 0
        total = 0
        parent_thread = (
            "(SELECT p.thread_id FROM comments AS p WHERE p.comment_id = comments.parent_id)"
        )
        for _ in range(max_levels):
            cursor = self.connection.execute(
                f"UPDATE comments SET thread_id = {parent_thread}, depth = NULL"
                " WHERE last_import_id IN (SELECT value FROM json_each(?))"
                f" AND parent_id IS NOT NULL AND thread_id != {parent_thread}",
                (wanted,),
            )
            if cursor.rowcount <= 0:
                break
            total += cursor.rowcount
        return total

    # -- languages ------------------------------------------------------------------

    def texts_missing_language(self, after_rowid: int, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` ``(rowid, text)`` pairs, past ``after_rowid``, with no language."""
        return self.connection.execute(
            "SELECT rowid, text FROM comments WHERE lang IS NULL AND rowid > ? "
            "ORDER BY rowid LIMIT ?",
            (after_rowid, limit),
        ).fetchall()

    def set_languages(self, pairs: list[tuple[int, str | None]]) -> None:
        """Store detected languages; ``None`` marks a text as undetectable (``und``)."""
        self.connection.executemany(
            "UPDATE comments SET lang = ? WHERE rowid = ?",
            [(lang or "und", rowid) for rowid, lang in pairs],
        )

    # -- reading --------------------------------------------------------------------

    def comments(
        self,
        *,
        private: bool = False,
        thread_id: str | None = None,
        import_ids: Iterable[int] | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Stored comments as a comments frame (see :mod:`workbench.frames`).

        Parameters
        ----------
        private : bool, default False
            Include the raw ``author`` column. Off by default so that frames handed
            around for analysis carry pseudonyms only.
        thread_id : str, optional
            Only this thread.
        import_ids : iterable of int, optional
            Only comments stored or last changed by these imports.
        limit : int, optional
            At most this many rows (in storage order).
        """
        sql = f"SELECT {', '.join(COMMENT_COLUMN_NAMES)} FROM comments"
        clauses: list[str] = []
        params: list[Any] = []
        if thread_id is not None:
            clauses.append("thread_id = ?")
            params.append(thread_id)
        if import_ids is not None:
            wanted = orjson.dumps(sorted(set(import_ids))).decode()
            clauses.append(
                "(import_id IN (SELECT value FROM json_each(?))"
                " OR last_import_id IN (SELECT value FROM json_each(?)))"
            )
            params.extend([wanted, wanted])
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY rowid"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        frame = pd.read_sql_query(sql, self.connection, params=params)
        from workbench.frames import COMMENT_COLUMNS

        for column in COMMENT_COLUMNS:
            if column.name == "created_at":
                frame[column.name] = pd.to_datetime(frame[column.name], utc=True, format="ISO8601")
            elif column.name == "is_deleted":
                frame[column.name] = frame[column.name].astype(bool).astype(column.dtype)
            else:
                frame[column.name] = frame[column.name].astype(column.dtype)
        frame.loc[frame["lang"] == "und", "lang"] = pd.NA
        if not private:
            frame["author"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        return frame

    def imports(self) -> pd.DataFrame:
        """The imports table, oldest first."""
        return pd.read_sql_query("SELECT * FROM imports ORDER BY import_id", self.connection)

    def stats(self) -> dict[str, Any]:
        """Counts describing the project's data."""
        query = self.connection.execute
        comments, threads, authors = query(
            "SELECT count(*), count(DISTINCT thread_id), count(DISTINCT author_pseudonym) "
            "FROM comments"
        ).fetchone()
        by_platform = dict(
            query(
                "SELECT platform, count(*) FROM comments GROUP BY platform ORDER BY platform"
            ).fetchall()
        )
        by_kind = dict(query("SELECT kind, count(*) FROM comments GROUP BY kind").fetchall())
        deleted = query("SELECT count(*) FROM comments WHERE is_deleted").fetchone()[0]
        gap_rows = query(
            "SELECT kind, count(*), coalesce(sum(count), 0) FROM gaps GROUP BY kind"
        ).fetchall()
        skipped = dict(
            query("SELECT reason, count(*) FROM skipped GROUP BY reason ORDER BY reason").fetchall()
        )
        languages = dict(
            query(
                "SELECT coalesce(lang, 'pending'), count(*) FROM comments GROUP BY lang "
                "ORDER BY count(*) DESC"
            ).fetchall()
        )
        revisions = query("SELECT count(*) FROM comment_revisions").fetchone()[0]
        imports = query("SELECT count(*) FROM imports").fetchone()[0]
        return {
            "comments": comments,
            "threads": threads,
            "authors": authors,
            "posts": by_kind.get("post", 0),
            "deleted": deleted,
            "platforms": by_platform,
            "languages": languages,
            "gaps": {kind: {"stubs": n, "hidden_items": hidden} for kind, n, hidden in gap_rows},
            "skipped": skipped,
            "revisions": revisions,
            "imports": imports,
            "schema_version": self.schema_version,
        }
