"""PostgreSQL for the test suite: one throwaway server per session.

The fixtures in ``conftest.py`` (``postgres_server``, ``postgres_url``) call into
here. Without PostgreSQL's server programs the tests that need them are skipped,
except where ``WORKBENCH_REQUIRE_POSTGRES=1`` (CI sets it in ``.ci/run``): there a
missing server is a broken install and fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbench.errors import StoreError
from workbench.store.pgserver import TemporaryPostgres, find_server_bindir

#: Set to ``1`` to turn "PostgreSQL not installed" from a skip into a failure.
REQUIRE_ENV = "WORKBENCH_REQUIRE_POSTGRES"


def postgres_required() -> bool:
    """Whether this run must have PostgreSQL (``WORKBENCH_REQUIRE_POSTGRES=1``)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"}


def server_bindir_or_skip() -> Path:
    """The server programs' directory; skip the test (fail under CI) when absent."""
    try:
        return find_server_bindir()
    except StoreError as exc:
        message = (
            "PostgreSQL server binaries not found (apt-get install postgresql); "
            f"set {REQUIRE_ENV}=1 to make this a failure. {exc}"
        )
        if postgres_required():
            pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)


@contextmanager
def session_server() -> Iterator[TemporaryPostgres]:
    """Start one :class:`TemporaryPostgres` and stop it after the ``with`` block."""
    bindir = server_bindir_or_skip()
    with TemporaryPostgres(bindir=bindir) as server:
        yield server
