"""SQL for imports and comments: storing, re-importing, threading, reading.

Known values survive: on a re-import, a later copy of a comment that lacks a value
(score, title, author, time, attributes...) never erases what an earlier export
gave, attributes are merged key by key, a permalink once known is kept, and a copy
that says ``[deleted]`` never wipes the text. Whenever a content column does change,
the database keeps the previous state of the whole row in ``comment_revisions``
(see :meth:`CommentTables.comment_versions`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from itertools import chain, islice
from typing import Any

import orjson
import pandas as pd

from workbench import events as catalogue
from workbench.frames import COMMENT_COLUMN_NAMES, COMMENT_COLUMNS
from workbench.store.base import utc_now

#: Columns written by :meth:`CommentTables.add_comments`, in order.
INSERT_COLUMNS: tuple[str, ...] = tuple(c for c in COMMENT_COLUMN_NAMES if c != "import_id")

#: Every column a new comment row gives (``INSERT_COLUMNS`` and its two imports).
_WRITTEN: tuple[str, ...] = (*INSERT_COLUMNS, "import_id", "last_import_id")

#: Rows one plain ``INSERT`` statement carries: executing a statement costs more
#: than binding a row, so a batch of new comments goes in this many rows at a time.
ROWS_PER_INSERT = 64
#: Parameters one statement may have in any SQLite (999 before 3.32; 32,766 since).
MAX_PARAMETERS = 999

#: Content columns: a change to any of them leaves a revision behind.
REVISED_COLUMNS: tuple[str, ...] = (
    "kind", "parent_id", "author", "author_pseudonym", "created_at", "title", "text",
    "text_raw", "score", "url", "is_deleted", "attributes",
)  # fmt: skip

#: Columns compared to decide whether a re-imported copy changes a row.
COMPARED_COLUMNS: tuple[str, ...] = (*REVISED_COLUMNS, "thread_id", "depth", "lang")


class CommentTables:
    """Imports, comments, gaps and skipped records (mixed into the store)."""

    # -- the upsert ---------------------------------------------------------------------

    def _merged(self, name: str) -> str:
        """SQL for the value column ``name`` takes when a stored comment comes again."""
        old, new = f"comments.{name}", f"excluded.{name}"
        # A deleted copy never wipes text captured earlier, nor that text's language.
        keep_old = "excluded.is_deleted <> 0 AND comments.is_deleted = 0"
        if name == "lang":
            return f"CASE WHEN {keep_old} THEN {old} ELSE COALESCE({new}, {old}) END"
        if name in ("text", "text_raw"):
            # An unchanged text keeps its known raw form.
            if name == "text":
                return f"CASE WHEN {keep_old} THEN {old} ELSE {new} END"
            same_text = f"excluded.text {self.DISTINCT} comments.text"
            return (
                f"CASE WHEN {keep_old} THEN {old} "
                f"WHEN NOT ({same_text}) THEN COALESCE({new}, {old}) ELSE {new} END"
            )
        if name == "is_deleted":
            return f"{self.GREATEST}({new}, {old})"
        if name == "url":  # a permalink, once known, stays (later copies may only guess)
            return f"COALESCE({old}, {new})"
        if name == "attributes":
            return self._merge_json(old, new)
        if name in ("thread_id", "kind"):
            return new
        return f"COALESCE({new}, {old})"

    def _merge_json(self, old: str, new: str) -> str:
        """SQL merging two JSON-object columns key by key (new keys win)."""
        return (
            f"CASE WHEN {new} IS NULL THEN {old} WHEN {old} IS NULL THEN {new} "
            f"ELSE json_patch({old}, {_without_nulls(new)}) END"
        )

    def _compared(self, side: str, name: str) -> str:
        return f"{side}.{name}"

    def upsert_sql(self, source: str | None = None) -> str:
        """``INSERT ... ON CONFLICT DO UPDATE`` that changes a row only where it differs.

        ``source`` is a ``SELECT`` to insert from; ``None`` inserts one row of
        parameters.
        """
        columns = _WRITTEN
        updates = [
            f"{name} = {self._merged(name)}"
            for name in INSERT_COLUMNS
            if name not in ("comment_id", "platform", "source_format")
        ]
        updates.append("last_import_id = excluded.last_import_id")
        old = ", ".join(self._compared("comments", c) for c in COMPARED_COLUMNS)
        new = ", ".join(self._compared_merged(c) for c in COMPARED_COLUMNS)
        values = source or f"VALUES ({', '.join('?' * len(columns))})"
        return (
            f"INSERT INTO comments ({', '.join(columns)}) {values} "
            f"ON CONFLICT (comment_id) DO UPDATE SET {', '.join(updates)} "
            f"WHERE ({old}) {self.DISTINCT} ({new})"
        )

    def _compared_merged(self, name: str) -> str:
        return self._merged(name)

    def insert_sql(self, rows: int = 1) -> str:
        """Plain ``INSERT`` of ``rows`` new comment rows of parameters."""
        return _insert_statement(["?"] * len(_WRITTEN))(rows)

    # -- imports ------------------------------------------------------------------------

    def begin_import(self, file: str, format: str, actor: str) -> int:
        """Register an import of one file (inside the import's unit); returns its id."""
        self._require_unit("begin_import")
        return self._insert_returning_id(
            "INSERT INTO imports (at, actor, file, file_sha256, format) "
            "VALUES (?, ?, ?, '', ?) RETURNING import_id",
            (utc_now(), actor, file, format),
        )

    def finish_import(self, report: catalogue.FileImported, actor: str) -> int:
        """Store an import's final counts and its event together; returns the event id."""

        def work() -> int:
            self._execute(
                "UPDATE imports SET file_sha256 = ?, rows_read = ?, new = ?, updated = ?, "
                "duplicate = ? WHERE import_id = ?",
                (report.sha256, report.rows, report.new, report.updated, report.duplicate,
                 report.import_id),
            )
            return self._append(report, actor)

        return self.write(work)

    def add_comments(self, columns: dict[str, list], import_id: int) -> tuple[int, int]:
        """Store comments given as columns; returns ``(new, updated)`` row counts.

        Ids not yet stored (the common case) go through a plain ``INSERT``; only
        ids already present, or repeated within the batch, take the upsert
        (:meth:`upsert_sql`), which changes a row only where something differs. So
        ``len - new - updated`` rows were exact duplicates.
        """
        self._require_unit("add_comments")
        ids = columns["comment_id"]
        n = len(ids)
        if not n:
            return 0, 0
        if len(set(ids)) == n:
            # Usually none is stored yet: insert them all in a savepoint, without
            # looking first; an id stored before undoes it, and they are sorted below.
            statement, names = self.insert_constant_sql(columns, import_id)
            rows = zip(*(columns[c] for c in names), strict=True)
            try:
                with self.unit_of_work():
                    self._insert_rows(statement, rows, n, len(names))
                return n, 0
            except self.connection.IntegrityError:  # PEP 249: the driver's own class
                pass
        known = self._stored_ids(ids)
        imports = [import_id] * n
        rows = zip(*(columns[c] for c in INSERT_COLUMNS), imports, imports, strict=True)
        fresh, again = [], []
        for cid, row in zip(ids, rows, strict=True):
            if cid in known:
                again.append(row)
            else:
                fresh.append(row)
                known.add(cid)
        self._insert_rows(self.insert_sql, fresh, len(fresh), len(_WRITTEN))
        updated = self._executemany(self.upsert_sql(), again) if again else 0
        return len(fresh), updated

    def _insert_rows(
        self, statement: Callable[[int], str], rows: Iterable[tuple], count: int, width: int
    ) -> None:
        """Insert ``count`` rows of ``width`` parameters, :data:`ROWS_PER_INSERT` a statement.

        ``statement(k)`` is the ``INSERT`` of ``k`` rows. Executing a statement
        costs more than binding a row's values, so most rows go in
        ``ROWS_PER_INSERT`` at a time (fewer where that many would pass
        :data:`MAX_PARAMETERS`; the same rows, in the same order), and the rest
        one at a time.
        """
        if not width:  # every value written into the statement
            self._executemany(statement(1), [()] * count)
            return
        per = max(1, min(ROWS_PER_INSERT, MAX_PARAMETERS // width))
        whole = count - count % per
        values = chain.from_iterable(rows)
        # zip over one iterator repeated: consecutive values grouped into parameter rows.
        if whole:
            group = islice(values, whole * width)
            self._executemany(statement(per), zip(*[group] * (per * width), strict=False))
        if whole < count:
            self._executemany(statement(1), zip(*[values] * width, strict=False))

    def insert_constant_sql(
        self, columns: dict[str, list], import_id: int
    ) -> tuple[Callable[[int], str], list[str]]:
        """A plain ``INSERT`` of a batch whose columns of one value are written into it.

        Binding a parameter costs more than storing it: a batch's platform,
        kind and format (and the import) are the same on every row, so they are
        written as literals and only the other columns are bound. Returns the
        statement (called with a number of rows, the ``INSERT`` of that many) and
        the names of the bound columns, in order.
        """
        values: list[str] = []
        bound: list[str] = []
        for name in INSERT_COLUMNS:
            column = columns[name]
            first = column[0]
            literal = _sql_literal(first)
            if (literal is not None and column[-1] == first
                    and column.count(first) == len(column)):  # fmt: skip
                values.append(literal)
            else:
                values.append("?")
                bound.append(name)
        values += [str(int(import_id))] * 2
        return _insert_statement(values), bound

    def _stored_ids(self, ids: list[str]) -> set[str]:
        """The subset of ``ids`` already in the comments table."""
        found = self._execute(
            f"SELECT comment_id FROM comments WHERE comment_id IN {self.TEXT_LIST}",
            (self._list(ids),),
        ).fetchall()
        return {row[0] for row in found}

    def add_gaps(self, gaps: Iterable[dict[str, Any]], import_id: int) -> int:
        """Record gaps (hidden or continued replies); returns how many were new."""
        self._require_unit("add_gaps")
        rows = []
        for gap in gaps:
            children = sorted(gap.get("children") or [])
            key_text = "\x1f".join(
                [gap["kind"], gap.get("thread_id") or "", gap.get("parent_id") or "", *children]
            )
            rows.append((
                hashlib.sha1(key_text.encode()).hexdigest(), gap["platform"], gap["thread_id"],
                gap.get("parent_id"), gap["kind"], gap.get("count"),
                orjson.dumps(children).decode() if children else None, import_id,
            ))  # fmt: skip
        if not rows:
            return 0
        return self._executemany(
            "INSERT INTO gaps (gap_key, platform, thread_id, parent_id, kind, count, children, "
            "import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows,
        )

    def add_skipped(self, skipped: Iterable[tuple[str, str]], sha256: str, import_id: int) -> int:
        """Record records deliberately not imported; returns how many were new."""
        self._require_unit("add_skipped")
        rows = [(reason, reference, sha256, import_id) for reason, reference in skipped]
        if not rows:
            return 0
        return self._executemany(
            "INSERT INTO skipped (reason, reference, file_sha256, import_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            rows,
        )

    def fill_depths(self) -> int:
        """Derive unknown depths from the reply tree; returns how many were filled.

        Starting from comments of unknown depth whose parent's depth is known, one
        recursive query walks down their replies, so each row is visited once however
        deep the tree. Reply loops in bad data stop at depth 100,000.
        """
        self._require_unit("fill_depths")
        self._execute(
            "CREATE TEMP TABLE IF NOT EXISTS depth_fill (comment_id TEXT PRIMARY KEY, depth INT)"
        )
        self._execute("DELETE FROM depth_fill")
        self._execute(
            "INSERT INTO depth_fill (comment_id, depth) "
            "WITH RECURSIVE found(comment_id, depth) AS ("
            " SELECT c.comment_id, p.depth + 1 FROM comments AS c"
            "  JOIN comments AS p ON p.comment_id = c.parent_id"
            "  WHERE c.depth IS NULL AND p.depth IS NOT NULL"
            " UNION ALL"
            " SELECT c.comment_id, f.depth + 1 FROM found AS f"
            "  JOIN comments AS c ON c.parent_id = f.comment_id AND c.depth IS NULL"
            "  WHERE f.depth < 100000"
            ") SELECT comment_id, depth FROM found WHERE true ON CONFLICT DO NOTHING"
        )
        cursor = self._execute(
            "UPDATE comments SET depth = ("
            " SELECT d.depth FROM depth_fill AS d WHERE d.comment_id = comments.comment_id)"
            " WHERE depth IS NULL AND comment_id IN (SELECT comment_id FROM depth_fill)"
        )
        filled = max(cursor.rowcount, 0)
        self._execute("DELETE FROM depth_fill")
        return filled

    def rethread(self, import_ids: Iterable[int], max_levels: int = 1000) -> int:
        """Put comments of the given imports into their parent's thread.

        A file sometimes holds a reply without the conversation above it (an X
        archive, a YouTube reply page, a Mastodon outbox); its loader then names the
        thread as best it can. Once the parent is stored, from this import or an
        earlier one, the reply joins the parent's thread, level by level, and its
        depth is cleared so that :meth:`fill_depths` derives it from the parent.

        Returns
        -------
        int
            How many rows changed thread.
        """
        self._require_unit("rethread")
        wanted = sorted(set(import_ids))
        if not wanted:
            return 0
        total = 0
        parent_thread = (
            "(SELECT p.thread_id FROM comments AS p WHERE p.comment_id = comments.parent_id)"
        )
        for _ in range(max_levels):
            cursor = self._execute(
                f"UPDATE comments SET thread_id = {parent_thread}, depth = NULL"
                f" WHERE last_import_id IN {self.INT_LIST}"
                f" AND parent_id IS NOT NULL AND thread_id <> {parent_thread}",
                (self._list(wanted),),
            )
            if cursor.rowcount <= 0:
                break
            total += cursor.rowcount
        return total

    # -- languages ----------------------------------------------------------------------

    def texts_missing_language(self, after: int, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` ``(row, text)`` pairs lacking a language, stored after ``after``."""
        return self._execute(
            f"SELECT {self.ROW}, text FROM comments WHERE lang IS NULL AND {self.ROW} > ? "
            f"ORDER BY {self.ROW} LIMIT ?",
            (after, limit),
        ).fetchall()

    def set_languages(self, pairs: list[tuple[int, str | None]]) -> None:
        """Store detected languages; ``None`` marks a text as undetectable (``und``)."""
        self.write(lambda: self._executemany(
            f"UPDATE comments SET lang = ? WHERE {self.ROW} = ?",
            [(lang or "und", row) for row, lang in pairs],
        ))

    # -- reading ------------------------------------------------------------------------

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
            wanted = self._list(sorted(set(import_ids)))
            clauses.append(f"(import_id IN {self.INT_LIST} OR last_import_id IN {self.INT_LIST})")
            params.extend([wanted, wanted])
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {self.ROW}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        frame = self._frame(sql, params)
        typed = _typed_comments(frame)
        if not private:
            typed["author"] = pd.Series(pd.NA, index=typed.index, dtype="string")
        return typed

    def comment_versions(self, comment_id: str, *, private: bool = False) -> pd.DataFrame:
        """Every state a comment has been stored in, oldest first.

        Each earlier state is a row of ``comment_revisions`` (the whole row as it was,
        ``import_id`` the import it came from, ``changed`` the columns the next
        state changed); the last row is the comment as stored now. So "what did
        this comment look like in the first export" is ``comment_versions(id).iloc[0]``.
        Revisions written before schema version 3 kept only the text; their other
        columns are empty.
        """
        columns = ", ".join(REVISED_COLUMNS)
        earlier = self._frame(
            f"SELECT revision_id, {columns}, import_id, replaced_by, changed "
            "FROM comment_revisions WHERE comment_id = ? ORDER BY revision_id",
            (comment_id,),
        )
        now = self._frame(
            f"SELECT NULL AS revision_id, {columns}, last_import_id AS import_id, "
            "NULL AS replaced_by, NULL AS changed FROM comments WHERE comment_id = ?",
            (comment_id,),
        )
        frame = pd.concat([earlier, now], ignore_index=True) if len(earlier) else now
        frame["changed"] = [orjson.loads(c) if isinstance(c, str) else [] for c in frame["changed"]]
        frame.insert(0, "comment_id", comment_id)
        if not private:
            frame["author"] = None
        return frame

    def authors(self) -> pd.DataFrame:
        """Each distinct raw author with its platform and pseudonym (private)."""
        return self._frame("SELECT DISTINCT platform, author, author_pseudonym FROM comments "
                           "WHERE author IS NOT NULL AND author_pseudonym IS NOT NULL")

    def imports(self) -> pd.DataFrame:
        """The imports table, oldest first."""
        return self._frame("SELECT * FROM imports ORDER BY import_id")

    def stats(self) -> dict[str, Any]:
        """Counts describing the project's data."""
        query = self._execute
        comments, threads, authors = query(
            "SELECT count(*), count(DISTINCT thread_id), count(DISTINCT author_pseudonym) "
            "FROM comments"
        ).fetchone()
        by_platform = dict(query(
            "SELECT platform, count(*) FROM comments GROUP BY platform ORDER BY platform"
        ).fetchall())
        by_kind = dict(query("SELECT kind, count(*) FROM comments GROUP BY kind").fetchall())
        deleted = self._one("SELECT count(*) FROM comments WHERE is_deleted <> 0")
        gap_rows = query(
            "SELECT kind, count(*), CAST(coalesce(sum(count), 0) AS BIGINT) FROM gaps "
            "GROUP BY kind"
        ).fetchall()
        skipped = dict(query(
            "SELECT reason, count(*) FROM skipped GROUP BY reason ORDER BY reason"
        ).fetchall())
        languages = dict(query(
            "SELECT coalesce(lang, 'pending'), count(*) FROM comments "
            "GROUP BY coalesce(lang, 'pending') ORDER BY count(*) DESC"
        ).fetchall())
        return {
            "comments": int(comments),
            "threads": int(threads),
            "authors": int(authors),
            "posts": int(by_kind.get("post", 0)),
            "deleted": int(deleted),
            "platforms": {k: int(v) for k, v in by_platform.items()},
            "languages": {k: int(v) for k, v in languages.items()},
            "gaps": {kind: {"stubs": int(n), "hidden_items": int(hidden)}
                     for kind, n, hidden in gap_rows},
            "skipped": {k: int(v) for k, v in skipped.items()},
            "revisions": self.count("comment_revisions"),
            "codings": int(self._one("SELECT count(*) FROM codings WHERE removed_by IS NULL")),
            "coders": int(self._one(  # the disagreement review's consensus is not a coder
                "SELECT count(DISTINCT coder) FROM codings WHERE removed_by IS NULL "
                "AND coder <> 'consensus'"
            )),
            "imports": self.count("imports"),
            "schema_version": self.schema_version,
            "database": self.dialect,
        }


def _without_nulls(column: str) -> str:
    """SQLite SQL for the JSON object in ``column`` less its ``null`` members.

    ``json_patch`` deletes a key patched with ``null``; a later copy that lacks a
    value must not erase it, so nulls are dropped from the patch first.
    """
    value = (
        "CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') "
        "WHEN 'object' THEN json(value) WHEN 'array' THEN json(value) ELSE value END"
    )
    return (
        f"(SELECT coalesce(json_group_object(key, {value}), '{{}}') "
        f"FROM json_each({column}) WHERE type <> 'null')"
    )


def _typed_comments(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a raw comments query result the canonical dtypes of :mod:`workbench.frames`."""
    for column in COMMENT_COLUMNS:
        values = frame[column.name]
        if column.name == "created_at":
            frame[column.name] = pd.to_datetime(values, utc=True, format="ISO8601").astype(
                column.dtype
            )
        elif column.name == "is_deleted":
            frame[column.name] = values.astype(bool).astype(column.dtype)
        elif column.dtype == "Int64":
            frame[column.name] = pd.to_numeric(values).astype("Int64")
        else:
            frame[column.name] = values.astype(column.dtype)
    frame.loc[frame["lang"] == "und", "lang"] = pd.NA
    return frame


def _sql_literal(value: object) -> str | None:
    """``value`` as an SQL literal, where it is one that reads back exactly; else ``None``.

    Only what is certain to round-trip is written out: NULL, 64-bit integers
    (booleans as 0 and 1, as binding stores them) and printable ASCII text.
    """
    if value is None:
        return "NULL"
    if value is True or value is False:
        return str(int(value))
    if type(value) is int and -(2**63) <= value < 2**63:
        return str(value)
    if type(value) is str and value.isascii() and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return None


def _insert_statement(values: list[str]) -> Callable[[int], str]:
    """The ``INSERT`` of a number of comment rows, each the SQL ``values`` of :data:`_WRITTEN`."""
    head = f"INSERT INTO comments ({', '.join(_WRITTEN)}) VALUES "
    row = f"({', '.join(values)})"
    return lambda rows: head + ", ".join([row] * rows)
