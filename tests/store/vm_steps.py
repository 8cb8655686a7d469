"""Counting SQLite's work in VM steps (its progress handler), not in seconds: the same count
on a loaded machine as on an idle one."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

STEP = 100  # VM instructions per counted step


def steps_of(conn: Connection, work: Callable[[], object]) -> int:
    """The steps `work` takes on conn, run a second time (prepared and cached by the first:
    only the run is counted)."""
    work()
    counter = [0]

    def tick() -> int:
        counter[0] += 1
        return 0

    raw = conn.connection.driver_connection
    raw.set_progress_handler(tick, STEP)
    try:
        work()
    finally:
        raw.set_progress_handler(None, STEP)
    return counter[0]
