"""SQL for the coding queue: comments picked for coding, and where from."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import orjson
import pandas as pd

from workbench.errors import StoreError


class QueueTable:
    """The coding queue (one connection, owned by the Store)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def add(self, comment_ids: Sequence[str], source: str, actor: str, at: str) -> list[str]:
        """Queue comments not queued yet; returns the ids that were added, in order."""
        wanted = list(dict.fromkeys(comment_ids))
        as_json = orjson.dumps(wanted).decode()
        unknown = [
            r[0] for r in self.connection.execute(
                "SELECT value FROM json_each(?) WHERE value NOT IN "
                "(SELECT comment_id FROM comments) LIMIT 5",
                (as_json,),
            )
        ]
        if unknown:
            raise StoreError(f"cannot queue unknown comments {unknown}; nothing was queued")
        queued = {
            r[0] for r in self.connection.execute(
                "SELECT comment_id FROM coding_queue WHERE comment_id IN "
                "(SELECT value FROM json_each(?))",
                (as_json,),
            )
        }
        added = [c for c in wanted if c not in queued]
        self.connection.executemany(
            "INSERT INTO coding_queue (comment_id, added_at, added_by, source) "
            "VALUES (?, ?, ?, ?)",
            [(c, at, actor, source) for c in added],
        )
        return added

    def list(self) -> pd.DataFrame:
        """The queue in the order comments were added."""
        return pd.read_sql_query(
            "SELECT queue_id, comment_id, added_at, added_by, source FROM coding_queue "
            "ORDER BY queue_id",
            self.connection,
        )
