"""SQL on a test's database, whichever kind it is (a SQLite path or a PostgreSQL URL): what a
person does by hand in sqlite3 or psql."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from task_tracker.postgres import DatabaseURL


def by_hand(database: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """sql in one transaction of its own: its rows as tuples, or [] for a change."""
    url = database if isinstance(database, DatabaseURL) else f"sqlite:///{database}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()
