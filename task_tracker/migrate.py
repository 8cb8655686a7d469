"""Bringing a SQLite file to Alembic head: checks first, a backup, then the upgrade
(PostgreSQL's is postgres.prepare; backends.Backend.prepare picks between them).

A database already at head (every normal start) is recognised with the sqlite3 module alone:
no Alembic import, no scan of the scripts.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from task_tracker.db import sqlite_error_code
from task_tracker.dbfile import LOCKED, UNREADABLE, refuse_special_file, unreadable
from task_tracker.errors import StartupError
from task_tracker.revisions import (
    HEAD_REVISION,
    migrations_dir,
    refuse_unknown_revision,
)

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

log = logging.getLogger(__name__)


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


def check_database(db_path: Path) -> str | None:
    """Check that db_path can be used without changing anything; return its revision.

    Creates the parent directory if missing (an empty directory is not the database).
    """
    if db_path.is_dir():
        raise StartupError(f"database path {db_path} is a directory; pass a file path")
    refuse_special_file(db_path)
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
        raise unreadable(str(db_path), exc) from None
    if foreign:
        raise StartupError(
            f"{db_path} is a SQLite database of something else (tables: "
            f"{', '.join(sorted(foreign))}); pass a new file path"
        )
    refuse_unknown_revision(str(db_path), revision)
    return revision


# Room left beside a backup, so that the migration that follows it can still write.
BACKUP_SPARE_BYTES = 64 * 1024 * 1024


def _database_bytes(db_path: Path) -> int:
    sizes = (db_path, db_path.with_name(db_path.name + "-wal"))
    return sum(path.stat().st_size for path in sizes if path.exists())


def backup_database(db_path: Path, *, label: str) -> Path:
    """A consistent copy of the database next to it (SQLite's online backup API).

    Written under a private temporary name and renamed when complete, so a file named like a
    backup is always a whole one; refused, with nothing written, when it cannot fit.
    """
    needed = _database_bytes(db_path) + BACKUP_SPARE_BYTES
    free = shutil.disk_usage(db_path.parent).free
    if free < needed:
        raise StartupError(
            f"not enough free disk space in {db_path.parent} to back up {db_path} before "
            f"upgrading it (need {needed // 2**20} MiB, {free // 2**20} MiB free); free some "
            "space and start again. The database was not changed."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = db_path.with_name(f"{db_path.name}.backup-{label}-{stamp}")
    fd, partial = tempfile.mkstemp(prefix=f".{db_path.name}.backup-", dir=db_path.parent)
    os.close(fd)
    try:
        with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        os.replace(partial, target)
    except BaseException:
        os.unlink(partial)
        raise
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


def prepare_file(db_path: Path) -> None:
    """Check a SQLite file and bring it to head, backing it up first if it holds tasks (a
    PostgreSQL server has backups of its own: pg_dump)."""
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


def current_revision(db_path: Path) -> str | None:
    """The Alembic revision stamped in the file, or None if it has none (or no file)."""
    if not db_path.exists():
        return None
    with _read_only(db_path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError as exc:
            if sqlite_error_code(exc) in LOCKED + UNREADABLE:
                raise  # the file could not be read: that is not "no revision"
            return None  # no alembic_version table
    return row[0] if row else None


def open_database(db_path: Path) -> Engine:
    """Bring the database to head and return an engine for it."""
    from task_tracker.db import create_db_engine

    prepare_file(db_path)
    return create_db_engine(db_path)
