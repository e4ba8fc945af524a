"""SQL for the coding queue: comments picked for coding, and where from."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench import events as catalogue
from workbench.errors import StoreError
from workbench.store.base import utc_now


class QueueTable:
    """The coding queue (mixed into the store)."""

    def queue_add(
        self, comment_ids: Sequence[str], source: str, actor: str, *, run_id: int | None = None
    ) -> list[str]:
        """Queue comments not queued yet, with a ``queue-add`` event, in one unit of work.

        Returns the ids that were added, in order (the event lists them); nothing is
        written when all were queued already.

        Raises
        ------
        StoreError
            If an id is not a comment of the project (nothing is queued then).
        """
        wanted = list(dict.fromkeys(comment_ids))

        def work() -> list[str]:
            self._serialise("coding_queue")
            as_list = self._list(wanted)
            unknown = [r[0] for r in self._execute(
                f"SELECT value FROM {self.TEXT_TABLE} WHERE NOT EXISTS "
                "(SELECT 1 FROM comments AS c WHERE c.comment_id = value) LIMIT 5",
                (as_list,),
            ).fetchall()]
            if unknown:
                raise StoreError(f"cannot queue unknown comments {unknown}; nothing was queued")
            queued = {r[0] for r in self._execute(
                f"SELECT comment_id FROM coding_queue WHERE comment_id IN {self.TEXT_LIST}",
                (as_list,),
            ).fetchall()}
            added = [c for c in wanted if c not in queued]
            if not added:
                return added
            at = utc_now()
            self._executemany(
                "INSERT INTO coding_queue (comment_id, added_at, added_by, source) "
                "VALUES (?, ?, ?, ?)",
                [(c, at, actor, source) for c in added],
            )
            self._append(
                catalogue.CommentsQueued(
                    source=source, comment_ids=added, added=len(added), run_id=run_id
                ),
                actor,
            )
            return added

        return self.write(work, durable=True)

    def queue(self) -> pd.DataFrame:
        """The queue in the order comments were added."""
        return self._frame(
            "SELECT queue_id, comment_id, added_at, added_by, source FROM coding_queue "
            "ORDER BY queue_id"
        )

