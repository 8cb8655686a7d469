"""A transaction runs on the event loop only while it is short: past its VM-step budget it is
rolled back and run again in a worker thread, so a long call never stalls the loop."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from task_tracker.backends import prepare_database
from task_tracker.database import Database
from task_tracker.runtime.inline import CHECK_EVERY, run_transaction

pytestmark = pytest.mark.anyio

COUNT_TO = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) "
    "SELECT count(*) FROM c"
)


@pytest.fixture
async def database(db_path: Path) -> AsyncIterator[Database]:
    prepare_database(db_path)
    database = Database(db_path, prepared=True)
    database.start()
    database.engine()  # open now: until then every call goes to a thread
    yield database
    database.close()


def counting(n: int, threads: list[str]) -> object:
    """A write that adds a project, then counts to n (n small: a few VM steps; large: many)."""

    def fn(conn: Connection) -> int:
        threads.append(threading.current_thread().name)
        conn.execute(
            text("INSERT INTO projects (name, created_at) VALUES ('p', '2026-01-01T00:00:00Z')")
        )
        return conn.execute(text(COUNT_TO), {"n": n}).scalar_one()

    return fn


def projects(database: Database) -> int:
    return database.call(
        lambda c: c.execute(text("SELECT count(*) FROM projects")).scalar_one(), write=False
    )


async def test_a_short_write_runs_once_on_the_loop(database: Database) -> None:
    threads: list[str] = []
    assert (
        await run_transaction(database, counting(10, threads), write=True, steps=10 * CHECK_EVERY)
        == 10
    )
    assert threads == [threading.current_thread().name]
    assert projects(database) == 1


async def test_a_long_write_is_rolled_back_and_run_again_in_a_thread(database: Database) -> None:
    threads: list[str] = []
    result = await run_transaction(
        database, counting(200_000, threads), write=True, steps=10 * CHECK_EVERY
    )
    assert result == 200_000
    assert len(threads) == 2
    assert threads[0] == threading.current_thread().name
    assert threads[1] != threads[0]
    assert projects(database) == 1  # the interrupted attempt left nothing behind


async def test_a_long_read_moves_to_a_thread_too(database: Database) -> None:
    threads: list[str] = []

    def fn(conn: Connection) -> int:
        threads.append(threading.current_thread().name)
        return conn.execute(text(COUNT_TO), {"n": 200_000}).scalar_one()

    assert await run_transaction(database, fn, write=False, steps=10 * CHECK_EVERY) == 200_000
    assert threads[0] == threading.current_thread().name and threads[1] != threads[0]


async def test_the_handler_is_gone_after_the_attempt(database: Database) -> None:
    """The pooled connection goes back without the budget: a later long query on it is not
    interrupted (the thread's engine is another; the loop's engine is reused here)."""
    threads: list[str] = []
    await run_transaction(database, counting(10, threads), write=True, steps=10 * CHECK_EVERY)
    engine = database.no_wait()
    assert engine is not None
    with engine.connect() as conn:
        assert conn.execute(text(COUNT_TO), {"n": 200_000}).scalar_one() == 200_000
