"""The project store: the only code that writes SQL.

:mod:`~workbench.store.core` holds the connection, migrations, events, imports and
comments; :mod:`~workbench.store.runs` cluster runs; :mod:`~workbench.store.queue`
the coding queue. :class:`Store` gives them one face.
"""

from __future__ import annotations

from workbench.store.core import SCHEMA_VERSION, Store, utc_now

__all__ = ["SCHEMA_VERSION", "Store", "utc_now"]
