"""Copy a project's data from one store into another (``workbench migrate``).

Every table is copied row for row with its ids (events keep their numbers, codings
their comments), then the row count of every table is compared; the copy and a
``store-migrated`` event commit together in the target, or nothing does. A
PostgreSQL target drops the NUL character from texts, as every write into it does.
"""

from __future__ import annotations

from collections.abc import Iterator

from workbench import events as catalogue
from workbench.errors import StoreError
from workbench.store.tables import Store

#: Tables in the order they are copied (referenced tables first).
TABLES: tuple[str, ...] = (
    "imports", "comments", "comment_revisions", "gaps", "skipped", "events",
    "cluster_runs", "cluster_members", "clusters", "coding_queue", "coding_actions",
    "codebook_versions", "codings", "coding_reviews", "memos",
)  # fmt: skip
#: Columns only one dialect has (filled in by the target itself).
_DIALECT_COLUMNS = {"row_seq"}
#: Rows read and written at a time.
CHUNK = 20_000
#: Tables whose ids the target's sequences must continue after.
_IDENTITIES = {
    "imports": "import_id", "comment_revisions": "revision_id", "events": "event_id",
    "cluster_runs": "run_id", "coding_queue": "queue_id", "coding_actions": "action_id",
    "codings": "coding_id", "memos": "memo_id",
}  # fmt: skip


def table_counts(store: Store) -> dict[str, int]:
    """Rows in each of :data:`TABLES`."""
    return {table: store.count(table) for table in TABLES}


def copy_store(source: Store, target: Store, actor: str) -> dict[str, int]:
    """Copy every table of ``source`` into the empty ``target``; returns the counts.

    The source is read in one snapshot (SQLite: under its write lock, so nobody
    writes meanwhile); the target writes in one unit of work, which also records
    a ``store-migrated`` event.

    Raises
    ------
    StoreError
        If the target already holds data, or a count differs after the copy (the
        target is then left as it was).
    """
    if target.count("events") or target.count("comments"):
        raise StoreError(
            f"{target.location}: already holds a project's data; migrate into a new, empty "
            "database"
        )
    with source.snapshot():
        counts = table_counts(source)

        def work() -> dict[str, int]:
            for table in TABLES:
                columns = _columns(source, table)
                for rows in _chunks(source, table, columns):
                    target._bulk_insert(table, columns, rows)
            copied = table_counts(target)
            differ = {t: (counts[t], copied[t]) for t in TABLES if counts[t] != copied[t]}
            if differ:
                raise StoreError(
                    f"{target.location}: the copy does not match its source (rows per table, "
                    f"source vs copy: {differ}); nothing was kept, the source is unchanged"
                )
            target._continue_identities(_IDENTITIES)
            target._append(
                catalogue.StoreMigrated(
                    source=source.location, target=target.location, counts=counts
                ),
                actor,
            )
            return counts

        return target.write(work)


def _columns(store: Store, table: str) -> list[str]:
    cursor = store._execute(f"SELECT * FROM {table} LIMIT 0")
    names = [d[0] for d in cursor.description]
    cursor.fetchall()
    return [n for n in names if n not in _DIALECT_COLUMNS]


def _chunks(store: Store, table: str, columns: list[str]) -> Iterator[list[tuple]]:
    order = store.ROW if table == "comments" else "1"
    cursor = store._execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
    while rows := cursor.fetchmany(CHUNK):
        yield [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

