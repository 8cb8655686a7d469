"""What a search backend returns: ranked hits with snippets, a total, whether more follow.
One backend per database dialect (store.search registers them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection

from task_tracker.schemas import COUNT_CAP, Total
from task_tracker.store.tasks import TaskRow


@dataclass(frozen=True, slots=True)
class SearchHit:
    task: TaskRow
    snippet: str  # from a note ("note: ...") when only the task's notes match
    score: int  # the tier: 2 for a title hit, +1 for a tags hit


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: Total
    has_more: bool


EMPTY_PAGE = SearchPage(hits=[], total=Total(0), has_more=False)


class SearchBackend(Protocol):
    def search(
        self,
        conn: Connection,
        *,
        query: str,
        statuses: list[str] | None,
        priority: str | None,
        tags: list[str],
        project_id: int | None,
        offset: int,
        limit: int,
        known_total: Total | None,
    ) -> SearchPage:
        """Tasks matching what a person typed, best first; EMPTY_PAGE if nothing can match.
        tags: lower-cased; a match must carry every one.
        known_total: the total an earlier page counted, not counted again."""
        ...


def window_total(in_window: int, known_total: Total | None) -> Total:
    """A search's total from how many matches its ranking window held (the window is one
    more than COUNT_CAP: a full one means more match), unless an earlier page counted."""
    if known_total is not None:
        return known_total
    if in_window <= COUNT_CAP:
        return Total(in_window)  # the window holds every match
    return Total(COUNT_CAP, capped=True)
