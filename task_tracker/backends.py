"""A database as the rest of the code sees it: a SQLite file or a PostgreSQL URL, behind one
interface. `backend_for(location)` picks the kind once; everything else (the server's
Database, the CLI's db, export and copy commands) asks the backend and never branches on the
kind of database. The two search modules aside, SQL that differs between the two lives in
the modules a backend delegates to: db and migrate (SQLite), postgres (PostgreSQL).

Drivers and Alembic are imported inside the methods, as a server started over stdio answers
`initialize` before it opens its database (runtime.startup).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from task_tracker.config import busy_timeout_ms, synchronous_level
from task_tracker.errors import StartupError, TaskTrackerError
from task_tracker.postgres import DatabaseURL

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")


class Backend(ABC):
    """One database: how to open it, run transactions in it, prepare it, and show it."""

    #: "sqlite" or "postgresql", as SQLAlchemy's dialect names them.
    name: ClassVar[str]
    #: Write transactions that may run at once (SQLite admits one writer at a time).
    writers: ClassVar[int]
    #: Every transaction runs in a worker thread: a network round trip must not stall the
    #: event loop. When False, short transactions run on the loop (runtime.inline).
    threads_only: ClassVar[bool]

    def __init__(self, where: Path | DatabaseURL) -> None:
        self.where = where

    @property
    @abstractmethod
    def shown(self) -> str:
        """How the database is named in messages and logs (never with a password)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.shown}>"

    # -- connections and transactions ------------------------------------------------------

    @abstractmethod
    def create_engine(self, *, wait_for_locks: bool = True) -> Engine:
        """An engine with this database's connection setup.
        wait_for_locks=False: a write that meets another's lock fails at once (SQLite)."""

    @abstractmethod
    def reading(self, engine: Engine) -> AbstractContextManager[Connection]:
        """One read transaction that sees one snapshot."""

    @abstractmethod
    def writing(self, engine: Engine) -> AbstractContextManager[Connection]:
        """One write transaction, not retried: bulk commands that own the database."""

    @abstractmethod
    def write(self, engine: Engine, fn: Callable[[Connection], T], *, queue: bool = False) -> T:
        """fn(conn) in one write transaction, tried again while another writer is in the way.
        queue: fn takes work from a queue under row locks (PostgreSQL runs it READ
        COMMITTED; SQLite's one writer needs nothing more)."""

    def after_bulk(self, engine: Engine) -> None:
        """Called after a bulk load (db copy): fresh statistics where the planner needs them."""
        return None  # (nothing to do unless a backend says otherwise)

    @property
    def flushes_wal(self) -> bool:
        """The server syncs the write-ahead log in the background (runtime.walsync)."""
        return False

    # -- the schema ------------------------------------------------------------------------

    @abstractmethod
    def revision(self) -> str | None:
        """The Alembic revision stamped in the database; None for an empty one."""

    @abstractmethod
    def check(self) -> str | None:
        """revision(), with a database this code cannot use refused (another application's,
        a newer schema). Changes nothing in the database."""

    @abstractmethod
    def upgrade(self) -> None:
        """Check the database and bring it to head."""

    def prepare(self, *, read_only: bool = False) -> None:
        """Bring the database to head; read_only: change nothing, and refuse a database
        that is not at head with the command that brings it there."""
        if not read_only:
            self.upgrade()
            return
        from task_tracker.revisions import HEAD_REVISION, refuse_unknown_revision

        upgrade = f"run `task-tracker db upgrade --db {self.shown}` first"
        self.require_existing(f"a read-only server creates none: {upgrade}")
        revision = self.readable_revision()
        if revision == HEAD_REVISION:
            return
        refuse_unknown_revision(self.shown, revision)
        raise StartupError(
            f"{self.shown} is at schema revision {revision or '(none)'} and this task-tracker "
            f"needs {HEAD_REVISION}; a read-only server does not migrate: {upgrade} (it "
            "writes a backup before it changes anything)"
        )

    def readable_revision(self) -> str | None:
        """revision(), with a file that is not a database refused in one line."""
        return self.revision()

    def require_existing(self, hint: str) -> None:
        """Refuse a database that does not exist yet, saying hint (a server always does)."""
        return None  # (nothing to do unless a backend says otherwise)

    def exists(self) -> bool:
        return True

    def discard(self) -> None:
        """Remove a database this process created and could not fill (a server's stays)."""
        return None  # (nothing to do unless a backend says otherwise)

    def refuse_foreign(self) -> None:
        """Refuse a database that holds another application's tables, before changing it."""
        return None  # (nothing to do unless a backend says otherwise)


class SQLiteBackend(Backend):
    name = "sqlite"
    writers = 1
    threads_only = False
    where: Path

    @property
    def shown(self) -> str:
        return str(self.where)

    def create_engine(self, *, wait_for_locks: bool = True) -> Engine:
        from task_tracker.db import create_db_engine

        return create_db_engine(self.where, wait_for_locks=wait_for_locks)

    def reading(self, engine: Engine) -> AbstractContextManager[Connection]:
        from task_tracker.db import read_transaction

        return read_transaction(engine)

    def writing(self, engine: Engine) -> AbstractContextManager[Connection]:
        from task_tracker.db import write_transaction

        return write_transaction(engine)

    def write(self, engine: Engine, fn: Callable[[Connection], T], *, queue: bool = False) -> T:
        from task_tracker.db import write_retrying

        return write_retrying(engine, fn, wait_ms=busy_timeout_ms())

    @property
    def flushes_wal(self) -> bool:
        return synchronous_level() == "NORMAL"

    def revision(self) -> str | None:
        from task_tracker.migrate import current_revision

        return current_revision(self.where)

    def readable_revision(self) -> str | None:
        import sqlite3

        from task_tracker.dbfile import unreadable

        try:
            return self.revision()
        except sqlite3.DatabaseError as exc:
            raise unreadable(self.shown, exc) from None

    def check(self) -> str | None:
        from task_tracker.migrate import check_database

        return check_database(self.where)

    def upgrade(self) -> None:
        from task_tracker.migrate import prepare_file

        prepare_file(self.where)

    def require_existing(self, hint: str) -> None:
        from task_tracker.dbfile import refuse_special_file

        refuse_special_file(self.where)
        if not self.where.is_file():
            raise StartupError(f"no task database at {self.shown}; {hint}")

    def exists(self) -> bool:
        return self.where.exists()

    def discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            self.where.with_name(self.where.name + suffix).unlink(missing_ok=True)

    # (refuse_foreign: migrate.check_database refuses a file of something else)


class PostgresBackend(Backend):
    name = "postgresql"
    writers = 4
    threads_only = True
    where: DatabaseURL

    @property
    def shown(self) -> str:
        return self.where.shown

    def create_engine(self, *, wait_for_locks: bool = True) -> Engine:
        from task_tracker import postgres

        return postgres.create_engine(self.where)

    def reading(self, engine: Engine) -> AbstractContextManager[Connection]:
        from task_tracker import postgres

        return postgres.read_transaction(engine)

    @contextmanager
    def writing(self, engine: Engine) -> Iterator[Connection]:
        with engine.begin() as conn:
            yield conn

    def write(self, engine: Engine, fn: Callable[[Connection], T], *, queue: bool = False) -> T:
        from task_tracker import postgres

        return postgres.write_retrying(engine, fn, queue=queue)

    def after_bulk(self, engine: Engine) -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def revision(self) -> str | None:
        from task_tracker import postgres

        return postgres.current_revision(self.where)

    def check(self) -> str | None:
        from task_tracker.revisions import refuse_unknown_revision

        revision = self.revision()
        refuse_unknown_revision(self.shown, revision)
        return revision

    def upgrade(self) -> None:
        from task_tracker import postgres

        postgres.prepare(self.where)

    def refuse_foreign(self) -> None:
        from task_tracker import postgres

        others = postgres.foreign_tables(self.where)
        if others:
            listed = ", ".join(others[:10]) + (
                f" and {len(others) - 10} more" if len(others) > 10 else ""
            )
            raise StartupError(
                f"{self.shown} holds tables of something else ({listed}); copy into a new, "
                "empty database (CREATE DATABASE ... OWNER ...). Nothing was copied or created."
            )


def domain_error(exc: BaseException) -> TaskTrackerError | None:
    """The domain error a database failure means for a caller (retry, free space, a broken
    rule), if any: each database's driver raises errors only that database's module reads."""
    from task_tracker import db, pgerrors

    return db.error_meaning(exc) or pgerrors.error_meaning(exc)


def prepare_database(where: Path | DatabaseURL, *, read_only: bool = False) -> None:
    """Check the database and bring it to head (Backend.prepare)."""
    backend_for(where).prepare(read_only=read_only)


def backend_for(where: Path | DatabaseURL) -> Backend:
    """The backend for a resolved location (config.resolve_db)."""
    if isinstance(where, DatabaseURL):
        return PostgresBackend(where)
    return SQLiteBackend(where)
