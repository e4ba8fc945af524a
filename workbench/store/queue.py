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

    def add(self, comment_ids: Sequence[str], source: str, actor: str, at: str) -> int:
        """Queue comments not queued yet; returns how many were added."""
        wanted = orjson.dumps(list(dict.fromkeys(comment_ids))).decode()
        unknown = [
            r[0] for r in self.connection.execute(
                "SELECT value FROM json_each(?) WHERE value NOT IN "
                "(SELECT comment_id FROM comments) LIMIT 5",
                (wanted,),
            )
        ]
        if unknown:
            raise StoreError(f"cannot queue unknown comments {unknown}; nothing was queued")
        before = self.connection.total_changes
        self.connection.execute(
            "INSERT OR IGNORE INTO coding_queue (comment_id, added_at, added_by, source) "
            "SELECT value, ?, ?, ? FROM json_each(?)",
            (at, actor, source, wanted),
        )
        return self.connection.total_changes - before

    def list(self) -> pd.DataFrame:
        """The queue in the order comments were added."""
        return pd.read_sql_query(
            "SELECT queue_id, comment_id, added_at, added_by, source FROM coding_queue "
            "ORDER BY queue_id",
            self.connection,
        )
