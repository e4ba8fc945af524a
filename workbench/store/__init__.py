"""The project store: the only code that writes SQL.

:func:`open_store` opens a project's database from its URL: ``sqlite:///file``
(:class:`~workbench.store.sqlite.SQLiteStore`, one researcher) or
``postgresql://user@host/db`` (:class:`~workbench.store.postgres.PostgresStore`, a
team). Both are a :class:`~workbench.store.tables.Store`:
:class:`~workbench.store.base.SqlStore` (units of work, events) with the comment,
run and queue tables mixed in; both pass the same tests.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import ProjectError
from workbench.store.base import SqlStore, utc_now
from workbench.store.migrations import SCHEMA_VERSION
from workbench.store.pgtools import mask_url
from workbench.store.tables import Store

#: URL schemes :func:`open_store` understands.
SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


def open_store(url: str, base: Path, *, create: bool = False) -> Store:
    """Open the project database at ``url``; relative SQLite paths resolve against ``base``.

    Parameters
    ----------
    url : str
        ``sqlite:///workbench.sqlite`` or ``postgresql://user[:password]@host[:port]/db``.
    base : Path
        The project folder.
    create : bool, default False
        Make the database (and its schema) if it does not exist.

    Raises
    ------
    ProjectError
        For an unknown scheme, a missing or unreadable database, or a failed upgrade.
    """
    if url.startswith("sqlite:///"):
        from workbench.store.sqlite import SQLiteStore

        return SQLiteStore.open(url, base, create=create)
    if url.startswith(("postgresql://", "postgres://")):
        from workbench.store.postgres import PostgresStore

        return PostgresStore.open(url, create=create)
    raise ProjectError(
        f"database URL {mask_url(url)!r} is not supported: use sqlite:///FILE (a file in "
        "the project folder) or postgresql://USER@HOST/DATABASE (a team's server)"
    )



__all__ = ["SCHEMA_VERSION", "SCHEMES", "SqlStore", "Store", "mask_url", "open_store", "utc_now"]
