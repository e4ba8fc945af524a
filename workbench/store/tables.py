"""The project store's face: shared SQL (:class:`SqlStore`) with every table's methods."""

from __future__ import annotations

from workbench.store.base import SqlStore
from workbench.store.codings import CodingTables
from workbench.store.comments import CommentTables
from workbench.store.queue import QueueTable
from workbench.store.runs import RunTables


class Store(CommentTables, RunTables, QueueTable, CodingTables, SqlStore):
    """A project database, in whichever dialect.

    :class:`~workbench.store.sqlite.SQLiteStore` and
    :class:`~workbench.store.postgres.PostgresStore` fill in the dialect.
    Open one with :func:`workbench.store.open_store`.
    """
