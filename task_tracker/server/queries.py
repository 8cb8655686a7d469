"""The core tools that find tasks: list (filters, sorts), search (words), next (what to do).

Written like server.tools: validated arguments -> one read transaction -> a page model.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from task_tracker.errors import InvalidInput
from task_tracker.runtime.startup import lazy_module
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
    SuggestedTaskOut,
    TagsFilter,
    TaskPageOut,
    local_today,
)
from task_tracker.schemas.structure import (
    DEFAULT_ORDER,
    ClaimedBy,
    OrderArg,
    ProjectName,
    SortArg,
)
from task_tracker.server.calls import current_actor, read, refuse_if_read_only, write
from task_tracker.server.cursors import decode_cursor, decode_list_cursor
from task_tracker.server.shaping import (
    nothing_ready,
    search_page,
    shaped,
    task_page,
    why_next,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered


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
    order = order or DEFAULT_ORDER[sort]
    after_key, after_id, known_total = (
        decode_list_cursor(cursor, sort, order) if cursor is not None else (None, None, None)
    )
    if due is not None:
        after, before = store.due_window(due, local_today())
        due_after = max(filter(None, (due_after, after)), default=None)
        due_before = min(filter(None, (due_before, before)), default=None)
        if due == "overdue" and status == "all":
            status = "open"

    def run(conn: Connection) -> TaskPageOut:
        page = store.list_tasks(
            conn,
            status=status,
            priority=priority,
            tag=_tags(tag),
            due_before=due_before,
            due_after=due_after,
            project=project,
            claimed_by=claimed_by,
            sort=sort,
            order=order,
            after_key=after_key,
            after_id=after_id,
            limit=limit,
            known_total=known_total,
        )
        return task_page(
            page.items, total=page.total, has_more=page.has_more, sort=sort, order=order
        )

    return await read(run)


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
    if not query.strip():
        raise InvalidInput(
            "query is empty: give one or more words to search for, or use list_tasks."
        )
    offset, known_total = decode_cursor(cursor, "offset") if cursor is not None else (0, None)

    def run(conn: Connection) -> SearchPageOut:
        page = store.search_tasks(
            conn,
            query=query,
            status=status,
            priority=priority,
            tag=_tags(tag),
            project=project,
            offset=offset,
            limit=limit,
            known_total=known_total,
        )
        return search_page(page, offset=offset)

    return await read(run)


async def next_task(
    limit: NextLimit = NEXT_LIMIT_DEFAULT,
    tag: TagsFilter | Omitted = None,
    project: ProjectName | Omitted = None,
    claimed_by: ClaimedBy | Omitted = None,
    claim: Annotated[bool, Field(description="Claim the best one for you (30 min).")] = False,
) -> NextTasksOut:
    """The best ready tasks to do next (open, dependencies complete, no open subtasks) that
    nobody else holds, each with why; if none is ready, what blocks most."""
    today = local_today()
    actor = current_actor()
    if claim:
        refuse_if_read_only("next_task cannot claim; call it without claim")
        if claimed_by:
            raise InvalidInput(
                "claim=true takes a task no one holds: leave out claimed_by, or call "
                "next_task(claimed_by=...) without claim to see what that name holds."
            )

    # Whose claims count: a claimed_by name's only (held), or the caller's beside free tasks,
    # or nobody's (None): claiming takes new work, not a task the caller already holds.
    holder = None if claim or claimed_by == "" else (claimed_by or actor)

    def run(conn: Connection) -> NextTasksOut:
        rows = store.next_tasks(
            conn,
            tag=_tags(tag),
            project=project,
            limit=1 if claim else limit,
            actor=holder,
            held=bool(claimed_by),
            lock=claim,
        )
        if claim and rows:
            rows = [store.claim_task(conn, task_id=rows[0].id, actor=actor)]
        tasks = [
            shaped(SuggestedTaskOut, row, preview=True, reason=why_next(row, today, actor=actor))
            for row in rows
        ]
        message = None
        if not tasks and claimed_by:
            message = f"No ready task is held by {claimed_by!r}."
        elif not tasks:
            message = nothing_ready(store.top_blockers(conn), tag=tag, project=project)
        return NextTasksOut(tasks=tasks, message=message)

    return await (write(run, queue=True) if claim else read(run))
