"""What a search backend returns: ranked hits with snippets, a total, whether more follow.
One backend per database dialect (store.search registers them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection

from task_tracker.schemas import COUNT_CAP, Total
from task_tracker.store.filters import Filters
from task_tracker.store.tasks import TaskRow, tasks_by_id


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
        filters: Filters,
        offset: int,
        limit: int,
        known_total: Total | None,
    ) -> SearchPage:
        """Tasks matching what a person typed, best first; EMPTY_PAGE if nothing can match.
        filters: a match must pass every one (a match carries every tag).
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


def ranked_page(
    conn: Connection,
    ranked: Sequence[Any],
    *,
    limit: int,
    known_total: Total | None,
    snippets: Callable[[list[int]], dict[int, str]],
) -> SearchPage:
    """The page of a backend's ranked rows (id, tier, in_window; one past `limit` when more
    follow): their tasks, with the snippets the backend makes for those ids only."""
    if not ranked:
        return EMPTY_PAGE  # (an offset past the end: 0 too)
    page = ranked[:limit]
    ids = [row.id for row in page]
    shown = snippets(ids)
    tasks = tasks_by_id(conn, ids)
    hits = [
        SearchHit(task=tasks[row.id], snippet=shown.get(row.id, ""), score=row.tier)
        for row in page
        if row.id in tasks
    ]
    total = window_total(ranked[0].in_window, known_total)
    return SearchPage(hits=hits, total=total, has_more=len(ranked) > limit)
