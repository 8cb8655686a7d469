"""`task-tracker db copy --from SRC --to DST`: a whole database into an empty one, a SQLite
file or PostgreSQL either side, in one transaction on each (a snapshot of the source; all of
it or nothing on the target). store/copy.py does the copying."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from task_tracker.cli.output import fail
from task_tracker.config import resolve_db, shown
from task_tracker.errors import InvalidInput, StartupError
from task_tracker.postgres import DatabaseURL

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

Target = Path | DatabaseURL


def _engine(db: Target) -> Engine:
    if isinstance(db, DatabaseURL):
        from task_tracker import postgres

        return postgres.create_engine(db)
    from task_tracker.db import create_db_engine

    return create_db_engine(db)


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    from task_tracker import db, postgres

    postgresql = engine.dialect.name == "postgresql"
    with (postgres.read_transaction if postgresql else db.read_transaction)(engine) as conn:
        yield conn


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    from task_tracker import db

    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            yield conn
    else:
        with db.write_transaction(engine) as conn:
            yield conn


def _check_source(source: Target) -> None:
    from task_tracker.dbfile import refuse_special_file
    from task_tracker.migrate import HEAD_REVISION, current_revision

    if isinstance(source, Path):
        refuse_special_file(source)
    if isinstance(source, Path) and not source.is_file():
        raise StartupError(f"no task database at {source}; --from names an existing one")
    revision = current_revision(source)
    if revision != HEAD_REVISION:
        raise StartupError(
            f"{shown(source)} is at schema revision {revision or 'none'}, and db copy reads "
            f"databases at {HEAD_REVISION}: run `task-tracker db upgrade --db "
            f"{shown(source)}` first (a newer one needs a newer task-tracker)"
        )


def _check_target(target: Target) -> None:
    """A PostgreSQL database that holds another application's tables is not an empty one:
    refused before anything is created in it."""
    if not isinstance(target, DatabaseURL):
        return  # (a SQLite file of something else is refused by prepare_database)
    from task_tracker.models import Base

    ours = set(Base.metadata.tables) | {"alembic_version"}
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            tables = set(
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                ).scalars()
            )
    finally:
        engine.dispose()
    others = sorted(tables - ours)
    if others:
        shown = ", ".join(others[:10]) + (
            f" and {len(others) - 10} more" if len(others) > 10 else ""
        )
        raise StartupError(
            f"{target.shown} holds tables of something else ({shown}); copy into a new, empty "
            "database (CREATE DATABASE ... OWNER ...). Nothing was copied or created."
        )


def copy_command(args: argparse.Namespace) -> int:
    source, target = resolve_db(args.source), resolve_db(args.target)
    if source == target:
        return fail("--from and --to name the same database", code=2)
    _check_source(source)
    _check_target(target)
    created = isinstance(target, Path) and not target.exists()
    try:
        copied = _copy(source, target)
    except InvalidInput as exc:
        _remove(target, created)
        return fail(f"{shown(target)}: {exc}", code=1)
    except BaseException:
        _remove(target, created)
        raise
    from task_tracker.store.copy import described

    sys.stderr.write(f"copied {described(copied)} from {shown(source)} to {shown(target)}\n")
    return 0


def _remove(target: Target, created: bool) -> None:
    """A failed copy leaves no new file behind."""
    if created and isinstance(target, Path):
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)


def _copy(source: Target, target: Target) -> dict[str, int]:
    from task_tracker import store
    from task_tracker.cli.progress import Progress
    from task_tracker.migrate import prepare_database

    prepare_database(target)
    engines = _engine(source), _engine(target)
    try:
        with _reading(engines[0]) as reader, _writing(engines[1]) as writer:
            total = store.count_by_status(reader, status=None)
            progress = Progress("copied", total=total)
            try:
                copied = store.copy_database(reader, writer, progress=progress)
            finally:
                progress.finish()
        if isinstance(target, DatabaseURL):  # fresh statistics for the planner
            with engines[1].connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        return copied
    finally:
        for engine in engines:
            engine.dispose()
