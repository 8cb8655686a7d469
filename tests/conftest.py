from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from sqlalchemy import Engine, create_engine

from task_tracker import postgres
from task_tracker.backends import prepare_database
from task_tracker.migrate import open_database
from task_tracker.postgres import DatabaseURL
from task_tracker.server.app import build_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tasks.db"


# The store's and the server's tests run on both backends: `engine` and `client` are
# parametrized. A test that also reads the SQLite file itself (it asks for db_path or
# tmp_path) or is marked sqlite_only runs on SQLite alone (pytest_collection_modifyitems).
BACKENDS = ("sqlite", "postgresql")
SQLITE_ONLY_ARGS = {"db_path", "tmp_path"}


# The slow tier: suites that start real processes (servers, the console script, clusters
# restarted), build large databases or install a wheel. `pytest -m "not slow"` leaves them out.
SLOW = (
    "e2e/",
    "cli/",
    "test_cli.py",
    "test_startup.py",
    "test_migrations.py",
    "test_migrations_pg.py",
    "server/test_token_budget.py",
    "server/test_postgres.py",
    "store/test_transfer.py",  # export and import through the command, in subprocesses
    "store/test_copy.py",
)
TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        where = item.path.relative_to(TESTS).as_posix()
        callspec = getattr(item, "callspec", None)
        over_stdio = callspec is not None and "stdio" in callspec.params.values()
        if where.startswith(SLOW) or over_stdio or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgresql"
        sqlite_only = item.get_closest_marker("sqlite_only") or (
            SQLITE_ONLY_ARGS & set(item._fixtureinfo.argnames)  # type: ignore[attr-defined]
        )
        (dropped if on_postgres and sqlite_only else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)  # counted as deselected in the summary
    items[:] = kept


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Path | DatabaseURL:
    """The test's database at head: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        prepare_database(db_path)  # as `task-tracker serve` does before it starts serving
        return db_path
    return DatabaseURL(request.getfixturevalue("pg_database"))


@pytest.fixture
def engine(database: Path | DatabaseURL) -> Iterator[Engine]:
    engine = (
        postgres.create_engine(database)
        if isinstance(database, DatabaseURL)
        else open_database(database)
    )
    yield engine
    engine.dispose()


@pytest.fixture
def served(database: Path | DatabaseURL) -> str:
    """The test's database as `serve --db` takes it (a path or a URL), on each backend."""
    return str(database)


@pytest.fixture
async def client(database: Path | DatabaseURL) -> AsyncIterator[Client]:
    async with Client(build_server(database)) as c:
        yield c


def _postgres_or_skip(exc: Exception) -> None:
    """Without PostgreSQL: skip with one line, or fail where it is required (.ci/run)."""
    import os

    from tests.pg import REQUIRE_ENV_VAR

    if os.environ.get(REQUIRE_ENV_VAR):
        pytest.fail(f"PostgreSQL is required here ({REQUIRE_ENV_VAR}): {exc}")
    pytest.skip(f"no PostgreSQL: {exc}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server's URL (tests/pg.py), shared by the session."""
    from tests.pg import Unavailable, throwaway_cluster

    try:
        with throwaway_cluster() as url:
            yield url
    except Unavailable as exc:
        _postgres_or_skip(exc)


@pytest.fixture
def pg_cluster() -> Iterator[Any]:
    """A PostgreSQL cluster of the test's own, to stop and start (tests/pg.py)."""
    from tests.pg import Unavailable, own_cluster

    try:
        with own_cluster() as cluster:
            yield cluster
    except Unavailable as exc:
        _postgres_or_skip(exc)


@contextmanager
def _new_database(server: str, template: str | None = None) -> Iterator[str]:
    """A new database on the server of `server` (a copy of `template`), dropped afterwards;
    yields its URL."""
    name = f"tt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(
            f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        )
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    with _new_database(pg_server) as url:
        yield url


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database at head on the test server (its name), the template of pg_database."""
    with _new_database(pg_server) as url:
        prepare_database(DatabaseURL(url))
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def pg_database(pg_server: str, pg_template: str) -> Iterator[str]:
    """A new database at head (a copy of the template), dropped afterwards."""
    with _new_database(pg_server, template=pg_template) as url:
        yield url
