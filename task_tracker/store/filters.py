"""The filters that listing, suggestions and both searches share (status, priority, tags,
project), defined once: `Filters.read` turns what a caller sent into values, `params` names
them as every rendering's bound parameters do, and `shape` says which are set (the key of a
cached statement). Each rendering states the conditions in its own language next to the
query it narrows: SQLAlchemy in listing and search_sqlite, SQL text in search_postgres.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection

from task_tracker.store import projects
from task_tracker.vocabulary import CLOSED_STATUSES, OPEN_STATUSES


def status_values(status: str | None) -> list[str] | None:
    """The statuses a status filter means: "open" and "closed" are two each, None and "all"
    mean no filter."""
    if status == "open":
        return list(OPEN_STATUSES)
    if status == "closed":
        return list(CLOSED_STATUSES)
    if status is None or status == "all":
        return None
    return [status]


def tag_list(tag: str | Sequence[str] | None) -> list[str]:
    """One tag or several, trimmed, lower-cased, each once, in the order given."""
    tags = [tag] if isinstance(tag, str) else list(tag or ())
    return list(dict.fromkeys(t.strip().lower() for t in tags))


class Shape(NamedTuple):
    """Which filters are set: what a statement built once per combination depends on."""

    by_status: bool
    by_priority: bool
    by_project: bool
    tags: int


class Filters(NamedTuple):
    """Filter values, each None (or no tags) when not filtered."""

    statuses: list[str] | None = None
    priority: str | None = None
    tags: tuple[str, ...] = ()
    project_id: int | None = None

    @classmethod
    def read(
        cls,
        conn: Connection,
        *,
        status: str | None = None,
        priority: str | None = None,
        tag: str | Sequence[str] | None = None,
        project: str | None = None,
    ) -> Filters:
        """The values a caller's arguments mean; an unknown project is refused with the
        names that exist (projects.project_id)."""
        project_id = projects.project_id(conn, project) if project is not None else None
        return cls(status_values(status), priority, tuple(tag_list(tag)), project_id)

    @property
    def shape(self) -> Shape:
        return Shape(
            by_status=self.statuses is not None,
            by_priority=self.priority is not None,
            by_project=self.project_id is not None,
            tags=len(self.tags),
        )

    def params(self) -> dict[str, Any]:
        """The set filters as bound parameters: statuses, priority, project_id, tag0, tag1…"""
        named: dict[str, Any] = {f"tag{n}": tag for n, tag in enumerate(self.tags)}
        if self.statuses is not None:
            named["statuses"] = list(self.statuses)
        if self.priority is not None:
            named["priority"] = self.priority
        if self.project_id is not None:
            named["project_id"] = self.project_id
        return named
