"""SQL for cluster runs: a run's record, its members and its clusters."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pandas as pd

from workbench.errors import StoreError

_JSON_COLUMNS = ("params", "versions", "timings")


class RunTables:
    """Cluster runs in the project database (one connection, owned by the Store)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def add(
        self,
        record: dict[str, Any],
        comment_ids: Sequence[str],
        labels: np.ndarray,
        probabilities: np.ndarray,
        layout: np.ndarray,
        clusters: Sequence[dict[str, Any]],
        text_keys: Sequence[bytes] | None = None,
    ) -> int:
        """Store a run with its members and clusters; returns the new run id.

        ``text_keys`` (the cache keys of the texts clustered) let a later reader see
        which comments were edited since. Call inside a transaction so that a run
        lands whole or not at all.
        """
        values = {k: (orjson.dumps(v).decode() if k in _JSON_COLUMNS else v)
                  for k, v in record.items()}
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.connection.execute(
            f"INSERT INTO cluster_runs ({names}) VALUES ({marks})", list(values.values())
        )
        run_id = int(cursor.lastrowid)
        self.connection.executemany(
            "INSERT INTO cluster_members (run_id, comment_id, cluster, probability, x, y, "
            "text_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(
                [run_id] * len(comment_ids),
                comment_ids,
                labels.astype(int).tolist(),
                probabilities.astype(float).tolist(),
                layout[:, 0].astype(float).tolist(),
                layout[:, 1].astype(float).tolist(),
                list(text_keys) if text_keys is not None else [None] * len(comment_ids),
                strict=True,
            ),
        )
        self.connection.executemany(
            "INSERT INTO clusters (run_id, cluster, size, keywords, exemplars) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (run_id, int(c["cluster"]), int(c["size"]),
                 orjson.dumps(c["keywords"]).decode(), orjson.dumps(c["exemplars"]).decode())
                for c in clusters
            ],
        )
        return run_id

    def list(self) -> pd.DataFrame:
        """Every run, oldest first, JSON columns decoded."""
        frame = pd.read_sql_query("SELECT * FROM cluster_runs ORDER BY run_id", self.connection)
        for column in _JSON_COLUMNS:
            frame[column] = frame[column].map(orjson.loads)
        return frame

    def get(self, run_id: int | None = None) -> dict[str, Any]:
        """One run's record (the newest when ``run_id`` is None)."""
        if run_id is None:
            row = self.connection.execute(
                "SELECT run_id FROM cluster_runs ORDER BY run_id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise StoreError("no cluster run yet: run `workbench cluster PROJECT` first")
            run_id = int(row[0])
        cursor = self.connection.execute("SELECT * FROM cluster_runs WHERE run_id = ?", (run_id,))
        row = cursor.fetchone()
        if row is None:
            known = [r[0] for r in self.connection.execute("SELECT run_id FROM cluster_runs")]
            raise StoreError(f"no cluster run {run_id}; known runs: {known or 'none'}")
        record = dict(zip([d[0] for d in cursor.description], row, strict=True))
        for column in _JSON_COLUMNS:
            record[column] = orjson.loads(record[column])
        return record

    def members(self, run_id: int) -> pd.DataFrame:
        """comment_id, cluster, probability, x, y and text_key of a run's comments."""
        return pd.read_sql_query(
            "SELECT comment_id, cluster, probability, x, y, text_key FROM cluster_members "
            "WHERE run_id = ?",
            self.connection,
            params=(run_id,),
        )

    def clusters(self, run_id: int) -> pd.DataFrame:
        """cluster, size, keywords, exemplars of a run, outliers (-1) last."""
        frame = pd.read_sql_query(
            "SELECT cluster, size, keywords, exemplars FROM clusters WHERE run_id = ? "
            "ORDER BY cluster = -1, cluster",
            self.connection,
            params=(run_id,),
        )
        for column in ("keywords", "exemplars"):
            frame[column] = frame[column].map(orjson.loads)
        return frame
