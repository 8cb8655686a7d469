"""Full-text search: one interface, one implementation per database dialect.

`search_tasks` takes what a person typed and returns a ranked page; the backend for the
connection's dialect turns the text into its own query language: store.search_sqlite uses
the FTS5 indexes `tasks_fts` (revision 0002) and `task_notes_fts` (0014),
store.search_postgres the tsvector columns those revisions make on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from task_tracker.schemas import Total
from task_tracker.store.filters import Filters
from task_tracker.store.search_postgres import PostgresSearch
from task_tracker.store.search_results import SearchBackend, SearchHit, SearchPage
from task_tracker.store.search_sqlite import SqliteSearch

__all__ = ["BACKENDS", "SearchHit", "SearchPage", "search_tasks"]

BACKENDS: dict[str, SearchBackend] = {"sqlite": SqliteSearch(), "postgresql": PostgresSearch()}


def search_tasks(
    conn: Connection,
    *,
    query: str,
    status: str | None = None,
    priority: str | None = None,
    tag: str | Sequence[str] | None = None,
    project: str | None = None,
    offset: int = 0,
    limit: int = 10,
    known_total: Total | None = None,
) -> SearchPage:
    """Words, "phrases", -exclusions and a prefix as typed; see the backend for details."""
    backend = BACKENDS[conn.dialect.name]
    filters = Filters.read(conn, status=status, priority=priority, tag=tag, project=project)
    return backend.search(
        conn,
        query=query,
        filters=filters,
        offset=offset,
        limit=limit,
        known_total=known_total,
    )
