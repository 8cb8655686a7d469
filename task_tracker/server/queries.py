"""The core tools that find tasks: list (filters, sorts), search (words), next (what to do).

Faces over task_tracker.operations, like server.tools.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from task_tracker import operations
from task_tracker.operations.teamwork import PathPatterns
from task_tracker.schemas import (
    LIST_LIMIT_DEFAULT,
    NEXT_LIMIT_DEFAULT,
    SEARCH_LIMIT_DEFAULT,
    Cursor,
    DueWhen,
    ListLimit,
    NextLimit,
    NextTasksOut,
    Omitted,
    PriorityName,
    SearchLimit,
    SearchPageOut,
    SearchQuery,
    StatusFilterArg,
    TagsFilter,
    TaskPageOut,
)
from task_tracker.schemas.structure import (
    ClaimedBy,
    OrderArg,
    ProjectName,
    SortArg,
)
from task_tracker.server.calls import current_actor, perform, refuse_if_read_only


def _tags(tag: str | None) -> list[str] | None:
    """A tag filter's tags (TagsFilter: one, or several joined by commas)."""
    return tag.split(",") if tag is not None else None


async def list_tasks(
    status: StatusFilterArg = "all",
    priority: PriorityName | Omitted = None,
    tag: TagsFilter | Omitted = None,
    due: Annotated[
        DueWhen | Omitted,
        Field(description="By the server's date; overdue = open, due before today."),
    ] = None,
    due_before: Annotated[date | Omitted, Field(description="Due before (YYYY-MM-DD).")] = None,
    due_after: Annotated[date | Omitted, Field(description="Due after (YYYY-MM-DD).")] = None,
    project: ProjectName | Omitted = None,
    claimed_by: ClaimedBy | Omitted = None,
    sort: SortArg = "id",
    order: OrderArg | Omitted = None,
    limit: ListLimit = LIST_LIMIT_DEFAULT,
    cursor: Cursor | Omitted = None,
) -> TaskPageOut:
    """Tasks filtered and sorted, a page at a time, with the total. For words, use
    search_tasks."""
    return await perform(
        operations.list_tasks(
            status=status,
            priority=priority,
            tag=tag,
            due=due,
            due_before=due_before,
            due_after=due_after,
            project=project,
            claimed_by=claimed_by,
            sort=sort,
            order=order,
            limit=limit,
            cursor=cursor,
        )
    )


async def search_tasks(
    query: SearchQuery,
    status: StatusFilterArg = "all",
    priority: PriorityName | Omitted = None,
    tag: TagsFilter | Omitted = None,
    project: ProjectName | Omitted = None,
    limit: SearchLimit = SEARCH_LIMIT_DEFAULT,
    cursor: Cursor | Omitted = None,
) -> SearchPageOut:
    """Find tasks by words in title, description, tags or a note, best first, each with a
    snippet (matches in **bold**)."""
    return await perform(
        operations.search_tasks(
            query=query,
            status=status,
            priority=priority,
            tag=tag,
            project=project,
            limit=limit,
            cursor=cursor,
        )
    )


async def next_task(
    limit: NextLimit = NEXT_LIMIT_DEFAULT,
    tag: TagsFilter | Omitted = None,
    project: ProjectName | Omitted = None,
    claimed_by: ClaimedBy | Omitted = None,
    claim: Annotated[bool, Field(description="Claim the best one for you (30 min).")] = False,
    paths: Annotated[PathPatterns, Field(description="Files to claim (globs).")] | Omitted = None,
) -> NextTasksOut:
    """The best ready tasks (open, dependencies complete, no open subtasks) nobody else
    holds, each with why; if none is ready, what blocks most."""
    if claim:
        refuse_if_read_only("next_task cannot claim; call it without claim")
    return await perform(
        operations.next_task(
            actor=current_actor(),
            limit=limit,
            tag=tag,
            project=project,
            claimed_by=claimed_by,
            claim=claim,
            paths=paths,
        )
    )
