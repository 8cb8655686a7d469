"""Alembic environment: the same for `alembic upgrade head` and for the server's own upgrade."""

from __future__ import annotations

import logging.config
from pathlib import Path
from typing import Any

from alembic import context

from task_tracker.config import resolve_db_path
from task_tracker.db import create_db_engine
from task_tracker.models import Base

config = context.config
if config.config_file_name is not None:
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _target() -> str | None:
    """What to migrate: `-x db=PATH-or-URL`, else sqlalchemy.url (the server sets it), else
    None (TASK_TRACKER_DB, else the user data dir, as for `serve`)."""
    return context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option(
        "sqlalchemy.url"
    )


def _db_path() -> Path:
    target = _target()
    if target:
        return resolve_db_path(target.removeprefix("sqlite:///"))
    return resolve_db_path(None)


# Tables that Alembic must not try to "fix": the FTS5 indexes and their shadow tables are
# created by hand-written DDL in a revision, and are not SQLAlchemy models.
UNMANAGED_TABLE_PREFIXES = ("tasks_fts", "task_notes_fts")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMANAGED_TABLE_PREFIXES))


# Links added to tasks in place (revision 0023): SQLite's ALTER TABLE can only declare a
# column's own REFERENCES, whose name and ON DELETE its reflection does not read back, so
# autogenerate would see every one as removed and added again. tests/test_schema_head.py
# holds them to the migrated catalogue instead.
IN_PLACE_LINKS = ("repeat_of", "discovered_from", "duplicate_of")


def include_object(
    item: Any, _name: str | None, type_: str, _reflected: bool, _compare_to: object
) -> bool:
    if type_ != "foreign_key_constraint" or item.table.name != "tasks":
        return True
    linked = {column.name for column in item.columns}
    return not (linked & set(IN_PLACE_LINKS) and context.get_bind().dialect.name == "sqlite")


def next_revision_id(context_: object, _revision: object, directives: list) -> None:
    """`alembic revision` numbers revisions 0001, 0002, ... (the file is NNNN_slug.py, see
    alembic.ini), so a maintainer's new revision is ready to commit."""
    script = directives[0] if directives else None
    if script is None:
        return
    from alembic.script import ScriptDirectory

    numbers = [
        int(rev.revision)
        for rev in ScriptDirectory.from_config(config).walk_revisions()
        if rev.revision.isdigit()
    ]
    script.rev_id = f"{max(numbers, default=0) + 1:04d}"


def _postgres_url() -> str | None:
    """The PostgreSQL URL to migrate, if the target is one (with the psycopg driver named:
    postgresql://... alone would mean psycopg2)."""
    import os

    from task_tracker.postgres import DatabaseURL, is_url

    url = _target() or os.environ.get("TASK_TRACKER_DB", "")
    return DatabaseURL(url) if is_url(url) else None


def _migrate(engine: Any, *, before: str | None = None, **options: Any) -> None:
    """Every pending revision in one transaction on `engine` (`before`: a statement to run
    first in it)."""
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                include_name=include_name,
                include_object=include_object,
                process_revision_directives=next_revision_id,
                **options,
            )
            with context.begin_transaction():
                if before is not None:
                    connection.exec_driver_sql(before)
                context.run_migrations()
    finally:
        engine.dispose()


def run_migrations_online() -> None:
    if (url := _postgres_url()) is not None:
        import sqlalchemy as sa

        # PostgreSQL runs DDL in the transaction too; an advisory lock makes two starting
        # servers take turns.
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        _migrate(engine, before="SELECT pg_advisory_xact_lock(7316)")
        return
    db_path = _db_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(db_path, foreign_keys=False).execution_options(
        # Two servers starting at once: the second waits and then finds the schema at head.
        sqlite_begin="BEGIN IMMEDIATE"
    )
    # With the driver in autocommit mode SQLite runs DDL inside our transaction, so a failed
    # migration leaves nothing half-applied.
    _migrate(engine, render_as_batch=True, transactional_ddl=True)


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) mode is not supported; run against a database file.")
run_migrations_online()
