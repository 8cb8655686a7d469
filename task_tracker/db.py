"""Engines, SQLite connection setup, transactions, the file's identity, and what driver
errors mean to a caller (busy, disk full, the file gone).

SQLAlchemy is imported inside the functions that need it. Imports no layer above it (store,
server, runtime); the schema's revision is migrate's.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from task_tracker.config import busy_timeout_ms, synchronous_level
from task_tracker.errors import (
    ID_RULE,
    DatabaseBusy,
    DatabaseFull,
    DatabaseGone,
    DatabaseUnwritable,
    IdsUsedUp,
    InvalidInput,
    TaskTrackerError,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)


CACHE_KIB = 8 * 1024


def _connection_setup(*, foreign_keys: bool, wait_ms: int) -> Any:
    def on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        _configure_connection(dbapi_conn, foreign_keys=foreign_keys, wait_ms=wait_ms)

    return on_connect


def _configure_connection(
    dbapi_conn: sqlite3.Connection, *, foreign_keys: bool, wait_ms: int
) -> None:
    # Autocommit at the driver level; SQLAlchemy's "begin" event below emits BEGIN itself,
    # so we choose DEFERRED for readers and IMMEDIATE for writers.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        # How long a writer waits for another process's write lock before giving up.
        cur.execute(f"PRAGMA busy_timeout = {wait_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        # An 8 MiB page cache (SQLite's default is 2 MiB): enough to keep the pages a search
        # over 100k tasks touches, which measured 40% faster; memory grows only as pages are read.
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # NORMAL by default: a commit is in the OS when the tool answers and the WAL is fsynced
        # just after, off the reply path (WalFlusher); FULL fsyncs before answering (config).
        cur.execute(f"PRAGMA synchronous = {synchronous_level()}")
        cur.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    finally:
        cur.close()


class FileWatch:
    """Tells whether the file at a path is still the database this process opened.

    Deleting or replacing the file (or its -wal) under a running server leaves its connections
    writing to an unlinked inode: commits would be acknowledged and then lost. A write checks
    first (two stat calls, ~3 us) and is refused instead. A deleted -wal still open here is
    checkpointed into the database file once, which saves the writes it held.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.wal_path = db_path.with_name(db_path.name + "-wal")
        self.shm_path = db_path.with_name(db_path.name + "-shm")
        self._identity: tuple[int, int] | None = None
        self._rescued = False

    def opened(self) -> None:
        if self._identity is None:
            st = os.stat(self.db_path)
            self._identity = (st.st_dev, st.st_ino)

    def check(self, dbapi_conn: sqlite3.Connection) -> None:
        """Called inside a write transaction (which has the WAL open): raise DatabaseGone,
        after rolling it back, if the file or its WAL is no longer the one opened."""
        wal_gone = False
        try:
            st = os.stat(self.db_path)
        except FileNotFoundError:
            problem = f"{self.db_path} was deleted while the server was running"
        else:
            if self._identity is not None and (st.st_dev, st.st_ino) != self._identity:
                problem = f"{self.db_path} was replaced by another file while the server ran"
            elif os.path.exists(self.wal_path):
                return
            else:
                wal_gone = True
                problem = (
                    f"{self.db_path}'s write-ahead log ({self.wal_path.name}) was deleted while "
                    "the server was running (the writes it held were saved into the database "
                    "file)"
                )
        dbapi_conn.execute("ROLLBACK")
        if not self._rescued and wal_gone:
            self._rescued = True
            # Our connections still hold the unlinked log: copy what it holds into the
            # database file before refusing writes.
            dbapi_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raise self._gone(problem)

    def check_shared_memory(self) -> None:
        """Called before any transaction begins: refuse it if the -shm file cannot be written.
        SQLite maps it into memory and writes to it in reads too (read marks); made immutable
        (chattr +i) under a running server, the first write to the mapping killed the process
        with SIGBUS. One access() call (~1 us): the kernel refuses W_OK for an immutable file
        even to root."""
        if not os.access(self.shm_path, os.W_OK) and os.path.exists(self.shm_path):
            log.error("refusing calls: %s cannot be written", self.shm_path)
            raise DatabaseUnwritable(
                f"{self.shm_path} (SQLite's shared memory for the write-ahead log) cannot be "
                "written, so nothing was read or changed. Make it writable again "
                f"(chattr -i {self.shm_path}, or its owner and mode), then retry."
            )

    @staticmethod
    def _gone(detail: str) -> DatabaseGone:
        log.error("refusing writes: the database file %s", detail)
        return DatabaseGone(detail)


def _begin_handler(watch: FileWatch | None) -> Any:
    def on_begin(conn: Any) -> None:
        begin = conn.get_execution_options().get("sqlite_begin", "BEGIN")
        if watch is not None:
            watch.check_shared_memory()
        # Writers take the write lock up front, so two processes never deadlock upgrading a
        # read lock to a write lock; they wait (busy_timeout) instead.
        conn.exec_driver_sql(begin)
        if watch is not None and begin != "BEGIN":
            watch.check(conn.connection.dbapi_connection)

    return on_begin


def create_db_engine(
    db_path: Path, *, foreign_keys: bool = True, wait_for_locks: bool = True, watch: bool = True
) -> Engine:
    """An engine whose every connection gets our pragmas.

    Migrations pass foreign_keys=False: batch ALTERs recreate tables, and dropping the old
    copy with foreign keys on would cascade-delete rows that point at it.
    With wait_for_locks=False a statement that meets another connection's lock fails at once
    ("database is locked") instead of waiting up to the busy timeout.
    With watch, every write first checks that the file is still the one opened (FileWatch).
    """
    from sqlalchemy import create_engine, event

    wait_ms = busy_timeout_ms() if wait_for_locks else 0
    engine = create_engine(f"sqlite:///{db_path}")
    file_watch = FileWatch(db_path) if watch else None
    setup = _connection_setup(foreign_keys=foreign_keys, wait_ms=wait_ms)

    def on_connect(dbapi_conn: sqlite3.Connection, record: object) -> None:
        setup(dbapi_conn, record)
        if file_watch is not None:
            file_watch.opened()

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _begin_handler(file_watch))
    return engine


# SQLite's primary result codes (the low byte of an extended code).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_INTERRUPT, SQLITE_IOERR = 5, 6, 9, 10
SQLITE_FULL, SQLITE_CONSTRAINT = 13, 19


def sqlite_error_code(exc: BaseException) -> int | None:
    """SQLite's primary result code behind a driver or SQLAlchemy error, if there is one."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def error_meaning(exc: BaseException) -> TaskTrackerError | None:
    """The domain error a SQLite failure means for a caller (retry, free space), if any."""
    code = sqlite_error_code(exc)
    if code is None:
        return None
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy()
    if code == SQLITE_FULL:
        return DatabaseFull()
    if code == SQLITE_CONSTRAINT:
        # The schema's own rules, met by a value the arguments' schema let through (a version
        # at the top of its range, say): the rule's name says which.
        rule = str(getattr(exc, "orig", exc)).splitlines()[0]
        if rule == f"CHECK constraint failed: {ID_RULE}":
            return IdsUsedUp()
        return InvalidInput(
            f"The change breaks a rule of the task database ({rule}); nothing was changed."
        )
    return None


# One tool call is one transaction on one Connection. Not an ORM Session: the store runs Core
# statements only, and a Session around them measured 175 us more per write (0.3x of a whole
# MCP round trip) for bookkeeping nothing here uses.


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction (a consistent snapshot)."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction, holding the write lock from its first statement."""
    with engine.execution_options(sqlite_begin="BEGIN IMMEDIATE").begin() as conn:
        yield conn


T = TypeVar("T")
RETRY_PAUSE_S = (0.0005, 0.0015)


def write_retrying(engine: Engine, fn: Callable[[Connection], T], *, wait_ms: int) -> T:
    """fn(conn) in one write transaction on an engine that never waits for locks, tried again
    every millisecond or so while another process holds the write lock, for up to wait_ms.

    SQLite's own busy handler sleeps longer after each try (up to 100 ms), so a writer that
    had waited a while kept losing the lock to ones that had just arrived: two servers on
    one file saw p99 at 0.5-1.9 s. Trying often keeps every waiter's chance even. A try that
    meets the lock fails at BEGIN IMMEDIATE, before fn has run; any later failure rolled
    the transaction back, so nothing is done twice.
    """
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        try:
            with write_transaction(engine) as conn:
                return fn(conn)
        except Exception as exc:
            if sqlite_error_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
                raise
            if time.monotonic() >= deadline:
                raise
        time.sleep(random.uniform(*RETRY_PAUSE_S))
