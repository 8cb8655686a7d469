"""PostgreSQL as the database: its URL, bringing it to head, engines and transactions.

`--db` / TASK_TRACKER_DB take a URL (postgresql://user@host/db or postgresql+psycopg://...)
besides a file path. A URL is never printed with its password (`DatabaseURL.shown`).

Transactions: writes run SERIALIZABLE and are tried again when PostgreSQL reports a
serialization failure or a deadlock, so every check-then-write of the store (versions,
claims, dependency loops) means what it means on SQLite, where one writer runs at a time.
Reads run REPEATABLE READ, READ ONLY: one snapshot per call, as on SQLite.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from task_tracker.errors import StartupError
from task_tracker.pgerrors import (
    CREATE_RIGHTS,
    USE_RIGHTS,
    refused_connection,
    sqlstate,
    too_many_clients,
    without_rights,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

T = TypeVar("T")
SCHEMES = ("postgresql:", "postgresql+", "postgres:")
STATEMENT_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 40
RETRYABLE_SQLSTATES = ("40001", "40P01")  # serialization failure, deadlock
# Waiting for a free connection when the server has none (max_connections): pauses, seconds.
CONNECT_PAUSES_S = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


class DatabaseURL(str):
    """A PostgreSQL URL, with the psycopg driver named (SQLAlchemy's default is psycopg2)."""

    __slots__ = ()

    def __new__(cls, raw: str) -> DatabaseURL:
        scheme, rest = raw.split(":", 1)
        if scheme in ("postgresql", "postgres"):
            scheme = "postgresql+psycopg"
        return super().__new__(cls, f"{scheme}:{rest}")

    @property
    def shown(self) -> str:
        """The URL with any password replaced by ***: what logs and messages may show."""
        parts = urlsplit(self)
        if parts.password is None:
            return str(self)
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def is_url(raw: str) -> bool:
    return raw.startswith(SCHEMES)


# Each connection's settings: a statement stopped after STATEMENT_TIMEOUT_MS, times in UTC,
# and random_page_cost 1.1 for this session's plans (the usual value where data is cached or
# on SSD; the default is 4): with 4 a tag filter on open tasks read 70k index entries to
# hash-join them instead of looking up the tag's 1,239 tasks (12 -> 4 ms at 100k tasks).
SESSION = {
    "statement_timeout": STATEMENT_TIMEOUT_MS,
    "TimeZone": "UTC",
    "random_page_cost": 1.1,
}


def create_engine(url: DatabaseURL) -> Engine:
    """A pooled engine: connections checked before use (a server restarted meanwhile is
    reconnected), with the SESSION settings, nothing prepared; a new connection waits a
    little (CONNECT_PAUSES_S) while the server has none free."""
    import sqlalchemy as sa

    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={
            "options": " ".join(f"-c {name}={value}" for name, value in SESSION.items()),
            # Every statement planned for its own values: psycopg prepares a statement run
            # five times, and PostgreSQL may then keep one plan for any value: the same
            # search for a common word read every match (86 ms at 100k tasks) where the plan
            # for that word reads the newest tasks and stops (2 ms).
            "prepare_threshold": None,
        },
    )
    sa.event.listen(engine, "do_connect", _connect_waiting)
    return engine


def _connect_waiting(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
    """A connection, tried again while the server has no free one (max_connections)."""
    import psycopg

    for pause in (*CONNECT_PAUSES_S, None):
        try:
            return dialect.connect(*cargs, **cparams)
        except psycopg.OperationalError as exc:
            if pause is None or not too_many_clients(exc):
                raise
            time.sleep(pause * random.uniform(0.5, 1.5))  # noqa: S311 (jitter)
    raise AssertionError("unreachable")


def current_revision(url: DatabaseURL) -> str | None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    sa.event.listen(engine, "do_connect", _connect_waiting)
    try:
        with engine.connect() as conn:
            if not conn.dialect.has_table(conn, "alembic_version"):
                return None
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except sa.exc.ProgrammingError as exc:
        raise without_rights(url.shown, url, exc, "read the task tables", *USE_RIGHTS) from None
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip() if exc.orig else str(exc)
        refusal = refused_connection(reason)
        if refusal is not None:
            raise StartupError(f"{refusal} (at {url.shown})") from None
        first = reason.splitlines()[0]
        raise StartupError(f"cannot reach PostgreSQL at {url.shown}: {first}") from None
    finally:
        engine.dispose()


def prepare(url: DatabaseURL) -> None:
    """Check the database and bring it to head (under an advisory lock: migrations/env.py)."""
    import sqlalchemy as sa

    from task_tracker.revisions import HEAD_REVISION, migrations_dir, refuse_unknown_revision

    revision = current_revision(url)
    if revision == HEAD_REVISION:
        return
    refuse_unknown_revision(url.shown, revision)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    try:
        command.upgrade(config, "head")
    except sa.exc.ProgrammingError as exc:
        doing = "create the task tables"
        raise without_rights(url.shown, url, exc, doing, *CREATE_RIGHTS) from None


def foreign_tables(url: DatabaseURL) -> list[str]:
    """The tables in the database's schema that are not task-tracker's, by name."""
    from task_tracker.models import Base

    ours = set(Base.metadata.tables) | {"alembic_version"}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                ).scalars()
            )
    finally:
        engine.dispose()
    return sorted(tables - ours)


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def write_retrying(engine: Engine, fn: Callable[[Connection], T], *, queue: bool = False) -> T:
    """fn(conn) in one SERIALIZABLE transaction, tried again (with a short random pause)
    while PostgreSQL reports a serialization failure or deadlock.

    queue: READ COMMITTED instead, for fn that takes work from a queue under row locks
    (next_task(claim=true): FOR UPDATE SKIP LOCKED, then the claim on the locked row). Under
    SERIALIZABLE, claimers that skip each other's rows still read the same index pages and
    fail as conflicting; with row locks each gets its own task at once."""
    from sqlalchemy.exc import DBAPIError

    isolation = "READ COMMITTED" if queue else "SERIALIZABLE"
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level=isolation)
                with conn.begin():
                    return fn(conn)
        except DBAPIError as exc:
            if sqlstate(exc) not in RETRYABLE_SQLSTATES or attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0.001, 0.005) * attempt)  # noqa: S311 (jitter)
    raise AssertionError("unreachable")
