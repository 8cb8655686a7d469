"""Tool transactions run on the event loop, unless they would wait for a lock.

What it buys: a worker thread costs ~0.25 ms per call on a 2-core machine (two hand-offs),
more than the SQLite work of most calls. `bench/run.py --tricks` (three runs, 1k and 100k
tasks): with this trick off, add_task p50 is 1.3-1.6x, get_task 1.5-1.7x and list_tasks
1.3-1.8x what it is with it on. A call
that would wait (another process holds the write lock) must not stall the loop, so it runs on
a connection that never waits (busy_timeout 0) and, when that meets a lock, goes to a worker
thread (the Database's, which waits up to the busy timeout). Nothing is changed by the failed
first attempt: it is rolled back.

Turn it off: TASK_TRACKER_TRICKS_OFF=inline (every transaction in a worker thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from task_tracker.db import (
    SQLITE_BUSY,
    SQLITE_LOCKED,
    read_transaction,
    sqlite_error_code,
    write_transaction,
)
from task_tracker.runtime import enabled

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")


class Engines(Protocol):
    def no_wait(self) -> Engine | None: ...
    async def in_thread(self, fn: Callable[[Connection], T], *, write: bool) -> T: ...


def _in_transaction(engine: Engine, fn: Callable[[Connection], T], *, write: bool) -> T:
    with (write_transaction if write else read_transaction)(engine) as conn:
        return fn(conn)


async def run_transaction(engines: Engines, fn: Callable[[Connection], T], *, write: bool) -> T:
    """fn in one transaction: on the loop when no lock is in the way, else in a thread."""
    engine = engines.no_wait() if enabled("inline") else None
    if engine is not None:
        try:
            return _in_transaction(engine, fn, write=write)
        except Exception as exc:
            if sqlite_error_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
                raise
            # Rolled back, nothing was changed: run it again, waiting for the lock.
    return await engines.in_thread(fn, write=write)
