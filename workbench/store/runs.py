"""SQL for cluster runs: a run's record, its members and its clusters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pandas as pd

from workbench import events as catalogue
from workbench.errors import StoreError

_JSON_COLUMNS = ("params", "versions", "timings")


class RunTables:
    """Cluster runs (mixed into the store). A stored run is a record: it never changes."""

    def add_run(
        self,
        record: dict[str, Any],
        comment_ids: Sequence[str],
        labels: np.ndarray,
        probabilities: np.ndarray,
        layout: np.ndarray,
        clusters: Sequence[dict[str, Any]],
        text_keys: Sequence[bytes] | None,
        actor: str,
    ) -> int:
        """Store a run, its members, its clusters and its ``cluster`` event as one unit.

        ``text_keys`` (the cache keys of the texts clustered) let a later reader see
        which comments were edited since. Returns the new run id once committed.
        """
        values = {k: (orjson.dumps(v).decode() if k in _JSON_COLUMNS else v)
                  for k, v in record.items()}  # fmt: skip
        keys = list(text_keys) if text_keys is not None else [None] * len(comment_ids)

        def work() -> int:
            run_id = self._insert_returning_id(
                f"INSERT INTO cluster_runs ({', '.join(values)}) "
                f"VALUES ({', '.join('?' for _ in values)}) RETURNING run_id",
                list(values.values()),
            )
            self._bulk_insert(
                "cluster_members",
                ("run_id", "comment_id", "cluster", "probability", "x", "y", "text_key"),
                list(zip(
                    [run_id] * len(comment_ids), comment_ids, labels.astype(int).tolist(),
                    probabilities.astype(float).tolist(), layout[:, 0].astype(float).tolist(),
                    layout[:, 1].astype(float).tolist(), [_bytes(k) for k in keys], strict=True,
                )),
            )  # fmt: skip
            self._bulk_insert(
                "clusters",
                ("run_id", "cluster", "size", "keywords", "exemplars"),
                [(run_id, int(c["cluster"]), int(c["size"]),
                  orjson.dumps(c["keywords"]).decode(), orjson.dumps(c["exemplars"]).decode())
                 for c in clusters],
            )  # fmt: skip
            self._append(
                catalogue.ClusterRunStored(
                    run_id=run_id, params=record["params"], input_hash=record["input_hash"],
                    clusters=int(record["clusters"]), outliers=int(record["outliers"]),
                    model=record["model"],
                ),
                actor,
            )
            return run_id

        return self.write(work)

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first, JSON columns decoded."""
        frame = self._frame("SELECT * FROM cluster_runs ORDER BY run_id")
        for column in _JSON_COLUMNS:
            frame[column] = frame[column].map(orjson.loads)
        return frame

    def run(self, run_id: int | None = None) -> dict[str, Any]:
        """One run's record (the newest when ``run_id`` is None).

        Raises
        ------
        StoreError
            If there is no run yet, or no run ``run_id`` (naming the known ones).
        """
        if run_id is None:
            run_id = self._one("SELECT max(run_id) FROM cluster_runs")
            if run_id is None:
                raise StoreError("no cluster run yet: run `workbench cluster PROJECT` first")
        frame = self._frame("SELECT * FROM cluster_runs WHERE run_id = ?", (int(run_id),))
        if frame.empty:
            known = [int(r[0]) for r in self._execute("SELECT run_id FROM cluster_runs")]
            raise StoreError(f"no cluster run {run_id}; known runs: {known or 'none'}")
        record = frame.iloc[0].to_dict()
        record["run_id"] = int(record["run_id"])
        for column in _JSON_COLUMNS:
            record[column] = orjson.loads(record[column])
        return record

    def run_members(self, run_id: int) -> pd.DataFrame:
        """comment_id, cluster, probability, x, y and text_key of a run's comments."""
        frame = self._frame(
            "SELECT comment_id, cluster, probability, x, y, text_key FROM cluster_members "
            "WHERE run_id = ?",
            (int(run_id),),
        )
        frame["text_key"] = [_bytes(k) for k in frame["text_key"]]
        return frame

    def run_clusters(self, run_id: int) -> pd.DataFrame:
        """cluster, size, keywords, exemplars of a run, outliers (-1) last."""
        frame = self._frame(
            "SELECT cluster, size, keywords, exemplars FROM clusters WHERE run_id = ? "
            "ORDER BY CASE WHEN cluster = -1 THEN 1 ELSE 0 END, cluster",
            (int(run_id),),
        )
        for column in ("keywords", "exemplars"):
            frame[column] = frame[column].map(orjson.loads)
        return frame


def _bytes(value: Any) -> bytes | None:
    """A stored key as ``bytes`` (PostgreSQL returns ``memoryview`` for ``bytea``)."""
    return None if value is None else bytes(value)
