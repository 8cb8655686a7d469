"""Engine and transactions, SQLite connection setup, and bringing the schema to Alembic head.

SQLAlchemy and Alembic are imported inside the functions that need them: checking a database
that is already at head (every normal start) needs neither, which keeps startup fast.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from task_tracker.config import busy_timeout_ms, synchronous_level
from task_tracker.errors import StartupError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)


CACHE_KIB = 8 * 1024

_PACKAGE_DIR = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """The Alembic script directory: inside the wheel, or at the root of a checkout."""
    for candidate in (_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError("Alembic migrations not found next to the task_tracker package")


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


def _on_begin(conn: Any) -> None:
    # Writers take the write lock up front, so two processes never deadlock upgrading a
    # read lock to a write lock; they wait (busy_timeout) instead.
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


def create_db_engine(
    db_path: Path, *, foreign_keys: bool = True, wait_for_locks: bool = True
) -> Engine:
    """An engine whose every connection gets our pragmas.

    Migrations pass foreign_keys=False: batch ALTERs recreate tables, and dropping the old
    copy with foreign keys on would cascade-delete rows that point at it.
    With wait_for_locks=False a statement that meets another connection's lock fails at once
    ("database is locked") instead of waiting up to the busy timeout.
    """
    from sqlalchemy import create_engine, event

    wait_ms = busy_timeout_ms() if wait_for_locks else 0
    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _connection_setup(foreign_keys=foreign_keys, wait_ms=wait_ms))
    event.listen(engine, "begin", _on_begin)
    return engine


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


def alembic_config(db_path: Path) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{db_path}")
    return config


# Alembic keeps its migration context in module globals: one migration at a time per process.
_MIGRATION_LOCK = threading.Lock()


def upgrade_to_head(db_path: Path) -> None:
    """Bring the database at db_path to the newest Alembic revision."""
    from alembic import command

    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _MIGRATION_LOCK:
        command.upgrade(alembic_config(db_path), "head")


# Every revision in migrations/versions, oldest first. Kept here so that starting on a
# database already at head needs neither Alembic nor a scan of the scripts (startup time);
# tests/test_migrations.py checks it against Alembic's own view.
KNOWN_REVISIONS = ("0001", "0002", "0003")
HEAD_REVISION = KNOWN_REVISIONS[-1]


def check_database(db_path: Path) -> str | None:
    """Check that db_path can be used without changing anything; return its revision.

    Creates the parent directory if missing (an empty directory is not the database).
    """
    if db_path.is_dir():
        raise StartupError(f"database path {db_path} is a directory; pass a file path")
    parent = db_path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"cannot create directory {parent}: {exc.strerror}") from None
    if not parent.is_dir():
        raise StartupError(f"cannot use {parent} as the database's directory: not a directory")
    # SQLite writes the -wal and -shm files next to the database, so the directory must be
    # writable even when the file is.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StartupError(f"directory {parent} is not writable")
    if not db_path.exists():
        return None
    try:
        revision = current_revision(db_path)
        foreign = revision is None and _table_names(db_path) - {"sqlite_sequence"}
    except sqlite3.DatabaseError as exc:
        raise StartupError(f"{db_path} is not a task-tracker database ({exc})") from None
    if foreign:
        raise StartupError(
            f"{db_path} is a SQLite database of something else (tables: "
            f"{', '.join(sorted(foreign))}); pass a new file path"
        )
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StartupError(
            f"{db_path} has schema revision {revision}, newer than this task-tracker knows "
            f"(up to {HEAD_REVISION}); upgrade task-tracker. The database was not changed."
        )
    return revision


def backup_database(db_path: Path, *, label: str) -> Path:
    """A consistent copy of the database next to it (SQLite's online backup API)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db_path.with_name(f"{db_path.name}.backup-{label}-{stamp}")
    with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def _read_only(db_path: Path) -> closing[sqlite3.Connection]:
    """A plain sqlite3 connection that cannot change the file (used before any migration)."""
    return closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True))


def _table_names(db_path: Path) -> set[str]:
    with _read_only(db_path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _has_tasks(db_path: Path) -> bool:
    with _read_only(db_path) as conn:
        try:
            return conn.execute("SELECT 1 FROM tasks LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:
            return False


def prepare_database(db_path: Path) -> None:
    """Check the database and bring it to head, backing it up first if it holds tasks."""
    revision = check_database(db_path)
    if revision == HEAD_REVISION:
        return  # the common case: no Alembic import, no migration work
    if revision is not None and _has_tasks(db_path):
        backup = backup_database(db_path, label=revision)
        log.warning(
            "upgrading %s from schema %s to %s; backup written to %s",
            db_path,
            revision,
            HEAD_REVISION,
            backup,
        )
    upgrade_to_head(db_path)


def open_database(db_path: Path) -> Engine:
    """Bring the database to head and return an engine for it."""
    prepare_database(db_path)
    return create_db_engine(db_path)


def current_revision(db_path: Path) -> str | None:
    """The Alembic revision stamped in the database, or None if it has none (or no file)."""
    if not db_path.exists():
        return None
    with _read_only(db_path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


SYNC_DELAY_S = 0.002


class WalFlusher:
    """Fsyncs the WAL soon after each write transaction, in a thread of its own.

    Under synchronous=NORMAL a commit has reached the OS when the tool answers, so it survives
    the server being killed; but SQLite fsyncs the WAL only at checkpoints, leaving it to the
    kernel's writeback (~30 s) until then. Syncing it right after each commit, off the reply
    path (2 ms after it), narrows what a power cut or OS crash can take to the writes of the
    last few milliseconds. Writes that arrive meanwhile share one fsync.
    """

    def __init__(self, db_path: Path) -> None:
        self._wal = db_path.with_name(db_path.name + "-wal")
        self._pending = threading.Event()
        self._closing = False
        self.syncs = 0  # WAL fsyncs done (for tests and diagnostics)
        self._thread = threading.Thread(target=self._run, name="wal-fsync", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        self._pending.set()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            # Let the tool's reply go out first (this thread would compete with it for the
            # GIL), and let writes arriving meanwhile share one fsync.
            time.sleep(SYNC_DELAY_S)
            self._pending.clear()
            self._sync()
            if self._closing and not self._pending.is_set():
                return  # close() sets pending after closing: one last sync has run

    def _sync(self) -> None:
        try:
            fd = os.open(self._wal, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return  # checkpointed into the database and removed: SQLite synced it then
        except OSError as exc:
            log.warning("cannot open %s to sync it: %s", self._wal, exc)
            return
        try:
            os.fsync(fd)
            self.syncs += 1
        except OSError as exc:
            log.warning("fsync of %s failed: %s", self._wal, exc)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Sync what is still pending, then stop."""
        self._closing = True
        self._pending.set()
        self._thread.join()


class EngineSlot:
    """The server's engines, opened off the startup path.

    Importing SQLAlchemy and opening the database take a noticeable share of startup, and
    the MCP handshake needs neither: the server answers `initialize` while a background
    thread does this work. The first call that needs the database waits for it.

    Two engines on the same file: `get()` waits for other writers' locks (for worker
    threads), `no_wait()` never waits (for the event loop, which must not stall).
    """

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._engine: Engine | None = None
        self._no_wait: Engine | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._flusher: WalFlusher | None = None

    def open_in_background(self, db_path: Path, *, then: Callable[[], None]) -> None:
        """Open the database in a thread, then call `then` (whether it opened or failed)."""
        self._thread = threading.Thread(
            target=self._open, args=(db_path, then), name="open-database", daemon=True
        )
        self._thread.start()

    def _open(self, db_path: Path, then: Callable[[], None]) -> None:
        try:
            engine = open_database(db_path)
            no_wait = create_db_engine(db_path, wait_for_locks=False)
            with read_transaction(no_wait) as conn:  # connect, set pragmas, load the store
                from task_tracker import store

                store.schema_revision(conn)
            if synchronous_level() == "NORMAL":
                self._flusher = WalFlusher(db_path)
            self._engine, self._no_wait = engine, no_wait
        except BaseException as exc:  # noqa: BLE001 - re-raised by get() in the caller
            self._error = exc
        finally:
            self._ready.set()
            then()

    def get(self) -> Engine:
        """The engine that waits for locks; blocks until the database is open."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._engine is not None
        return self._engine

    def no_wait(self) -> Engine | None:
        """The engine that never waits for locks, or None while the database is opening
        (or failed to open: get() raises why)."""
        return self._no_wait

    def committed(self) -> None:
        """A write transaction has just committed (see WalFlusher)."""
        if self._flusher is not None:
            self._flusher.committed()

    def dispose(self) -> None:
        """Wait for a background open still running (never leave it behind), then close."""
        if self._thread is not None:
            self._thread.join()
        if self._flusher is not None:
            self._flusher.close()
        for engine in (self._engine, self._no_wait):
            if engine is not None:
                engine.dispose()
