"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
DATA = Path(__file__).resolve().parent / "data"


# The browser fixtures, defined once for the whole session: a second Playwright started
# in the same thread while the first runs fails ("Sync API inside the asyncio loop"), so
# test modules must not define their own copies.
from tests.browser_support import browser_page, chromium  # noqa: E402,F401


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The team's real export files (``../shared/fixtures``); skip when absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"real export fixtures not found at {SHARED_FIXTURES}")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Small hand-written fixtures kept in the repository (tests/data)."""
    return DATA


@pytest.fixture(scope="session", autouse=True)
def _embedding_defaults(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests embed with the float32 reference backend and a private machine cache.

    ``auto`` measures every backend once per machine; the tests that are about that
    choice ask for it explicitly. Notebooks executed by tests inherit these.
    """
    import os

    os.environ.setdefault("WORKBENCH_EMBEDDING_BACKEND", "torch")
    os.environ["WORKBENCH_CACHE_HOME"] = str(tmp_path_factory.mktemp("machine-cache"))


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test session (treat it as read-only)."""
    from workbench.demo.builder import build_demo_project

    root = tmp_path_factory.mktemp("demo") / "project"
    build_demo_project(root)
    return root


@pytest.fixture()
def demo_copy(demo_project: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project, free to change."""
    import shutil

    target = tmp_path / "project"
    shutil.copytree(demo_project, target)
    return target


@pytest.fixture(scope="session")
def coded_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo project with its codebook, the demo coders' codings and a cluster run.

    Built once per test session (about 15 s): treat it as read-only, or copy it.
    """
    from workbench.demo.builder import ready_to_publish

    root = tmp_path_factory.mktemp("coded-demo") / "project"
    ready_to_publish(root)
    return root


@pytest.fixture(scope="session")
def published_app(coded_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The coded demo published (every quote approved): an app folder, read-only."""
    from workbench.project import Project
    from workbench.publish.publisher import publish

    out = tmp_path_factory.mktemp("published") / "app"
    review = tmp_path_factory.mktemp("review") / "review.yaml"
    with Project.open(coded_demo) as project:
        publish(project, out, review_path=review, approve_pending=True, pool=2)
    return out


@pytest.fixture(scope="session")
def postgres_server() -> Iterator:
    """One throwaway PostgreSQL server for the whole session (tests/postgres_support.py).

    Skipped when PostgreSQL is not installed, failed instead when
    ``WORKBENCH_REQUIRE_POSTGRES=1`` (CI).
    """
    from tests.postgres_support import session_server

    with session_server() as server:
        yield server


@pytest.fixture()
def postgres_url(postgres_server) -> Iterator[str]:
    """URL of a fresh, empty database on the session's server, dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once for each backend (the same store tests run on both).

    SQLite URLs are relative to the test's ``tmp_path``; PostgreSQL ones name a new,
    empty database on the session's throwaway server.
    """
    if request.param == "sqlite":
        return "sqlite:///store.sqlite"
    return request.getfixturevalue("postgres_url")


@pytest.fixture()
def store(store_url: str, tmp_path: Path) -> Iterator:
    """An open, empty store on each backend."""
    from workbench.store import open_store

    opened = open_store(store_url, tmp_path, create=True)
    yield opened
    opened.close()
