from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from sqlalchemy import Engine, create_engine

from task_tracker.migrate import open_database, prepare_database
from task_tracker.server.app import build_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tasks.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = open_database(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
async def client(db_path: Path) -> AsyncIterator[Client]:
    prepare_database(db_path)  # as `task-tracker serve` does before it starts serving
    async with Client(build_server(db_path)) as c:
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


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    name = f"tt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()
