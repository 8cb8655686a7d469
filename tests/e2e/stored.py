"""What a database holds, read or written outside the server, on either backend: a SQLite
path or a PostgreSQL URL, as `serve --db` takes it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from task_tracker.postgres import DatabaseURL, is_url


def _engine(db: str) -> sa.Engine:
    url = DatabaseURL(db) if is_url(db) else f"sqlite:///{db}"
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def rows(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = _engine(db)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def execute(db: str, sql: str, params: list[dict[str, Any]] | dict[str, Any]) -> None:
    engine = _engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql), params)
    finally:
        engine.dispose()
