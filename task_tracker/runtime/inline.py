"""Tool transactions run on the event loop, unless they would wait for a lock.

What it buys: a worker thread costs ~0.25 ms per call on a 2-core machine (two hand-offs),
more than the SQLite work of most calls. `bench/run.py --tricks` (three runs, 1k and 100k
tasks): with this trick off, add_task p50 is 1.3-1.6x, get_task 1.5-1.7x and list_tasks
1.3-1.8x what it is with it on. A call
that would wait (another process holds the write lock) must not stall the loop, so it runs on
a connection that never waits (busy_timeout 0) and, when that meets a lock, goes to a worker
thread (the Database's, which waits up to the busy timeout). Nothing is changed by the failed
first attempt: it is rolled back.

A call that turns out long (a write checking a large dependency graph, a search at a million
tasks) must not stall the loop either: SQLite's progress handler counts the attempt's VM
instructions, and past INLINE_STEPS (about 15 ms of SQLite work on a 2-core VM, more than any
call in bench/run.py needs at a million tasks) interrupts it; it is rolled back and run
again in a worker thread. So /health and other clients wait at most that long for a call on
the loop, and the common call keeps its speed (the handler runs once per CHECK_EVERY
instructions: a few times in an add_task).

Turn it off: TASK_TRACKER_TRICKS_OFF=inline (every transaction in a worker thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from task_tracker.db import (
    SQLITE_BUSY,
    SQLITE_INTERRUPT,
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


# VM instructions a call may take on the event loop before it moves to a worker thread.
INLINE_STEPS = 1_000_000
CHECK_EVERY = 10_000


def _in_transaction(engine: Engine, fn: Callable[[Connection], T], *, write: bool, steps: int) -> T:
    with (write_transaction if write else read_transaction)(engine) as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # (an open transaction's connection)
        left = [steps // CHECK_EVERY]

        def spend() -> int:
            left[0] -= 1
            return 1 if left[0] < 0 else 0  # non-zero: SQLite stops with SQLITE_INTERRUPT

        raw.set_progress_handler(spend, CHECK_EVERY)
        try:
            return fn(conn)
        finally:
            raw.set_progress_handler(None, CHECK_EVERY)


async def run_transaction(
    engines: Engines,
    fn: Callable[[Connection], T],
    *,
    write: bool,
    steps: int = INLINE_STEPS,
) -> T:
    """fn in one transaction: on the loop when no lock is in the way and it takes at most
    `steps` VM instructions, else in a worker thread."""
    engine = engines.no_wait() if enabled("inline") else None
    if engine is not None:
        try:
            return _in_transaction(engine, fn, write=write, steps=steps)
        except Exception as exc:
            if sqlite_error_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED, SQLITE_INTERRUPT):
                raise
            # Rolled back, nothing was changed: run it again in a thread, which may wait.
    return await engines.in_thread(fn, write=write)
