"""The MCP tools. Each reads top to bottom: validated arguments -> one transaction -> a model.

A tool's docstring is the description the model reads; its parameters' Annotated Fields are
the inputSchema (constraints included); its return annotation is the outputSchema. TOOLS lists
them with their titles and honest annotations, for server.app to register.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from task_tracker.errors import InvalidInput
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    LIST_LIMIT_DEFAULT,
    NEXT_LIMIT_DEFAULT,
    SEARCH_LIMIT_DEFAULT,
    TAGS_MAX,
    Cursor,
    Description,
    DueDate,
    DueWhen,
    ExpectedVersion,
    ListLimit,
    NextLimit,
    NextTasksOut,
    Omitted,
    PriorityName,
    SearchLimit,
    SearchPageOut,
    SearchQuery,
    StatusFilterArg,
    StatusName,
    SuggestedTaskOut,
    Tag,
    Tags,
    TagsFilter,
    TaskId,
    TaskOut,
    TaskPageOut,
    Title,
    local_today,
)
from task_tracker.server.calls import read, write
from task_tracker.server.shaping import decode_cursor, search_page, shaped, task_page, why_next

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered


def _tags(tag: str | None) -> list[str] | None:
    """A tag filter's tags (TagsFilter: one, or several joined by commas)."""
    return tag.split(",") if tag is not None else None


async def add_task(
    title: Title,
    description: Description = "",
    priority: Annotated[PriorityName, Field(description="How important it is.")] = "medium",
    tags: Tags | Omitted = None,
    due_date: DueDate | Omitted = None,
    status: Annotated[StatusName, Field(description="Initial status.")] = "pending",
) -> TaskOut:
    """Create a task and return it with its new id. Use for any new to-do, bug or follow-up."""
    return await write(
        lambda conn: shaped(
            TaskOut,
            store.add_task(
                conn,
                title=title,
                description=description,
                priority=priority,
                tags=tags or (),
                due_date=due_date,
                status=status,
            ),
        )
    )


async def get_task(task_id: TaskId) -> TaskOut:
    """Return one task with its full description. Find ids with list_tasks/search_tasks."""
    return await read(lambda conn: shaped(TaskOut, store.get_task(conn, task_id=task_id)))


async def update_task(
    task_id: TaskId,
    title: Title | Omitted = None,
    description: Description | Omitted = None,
    status: Annotated[StatusName | Omitted, Field(description="New status.")] = None,
    priority: Annotated[PriorityName | Omitted, Field(description="New priority.")] = None,
    tags: Annotated[
        list[Tag], Field(description="Replaces all tags ([] removes them).", max_length=TAGS_MAX)
    ]
    | Omitted = None,
    due_date: DueDate | Omitted = None,
    clear_due_date: Annotated[bool, Field(description="Remove the due date.")] = False,
    expected_version: ExpectedVersion | Omitted = None,
) -> TaskOut:
    """Change some fields of a task; fields you omit stay as they are.

    Pass expected_version (the version you read) so a concurrent change is not overwritten.
    """
    if clear_due_date and due_date is not None:
        raise InvalidInput("Pass either due_date or clear_due_date, not both.")
    new_due: Any = None if clear_due_date else (due_date if due_date is not None else store.KEEP)

    def run(conn: Connection) -> TaskOut:
        task = store.update_task(
            conn,
            task_id=task_id,
            title=title,
            description=description,
            status=status,
            priority=priority,
            tags=tags,
            due_date=new_due,
            expected_version=expected_version,
        )
        return shaped(TaskOut, task)

    return await write(run)


async def complete_task(task_id: TaskId) -> TaskOut:
    """Mark a task complete. Safe to repeat: a complete task is returned unchanged."""
    return await write(lambda conn: shaped(TaskOut, store.complete_task(conn, task_id=task_id)))


async def delete_task(
    task_id: TaskId, expected_version: ExpectedVersion | Omitted = None
) -> TaskOut:
    """Permanently delete a task and return what was deleted. Prefer complete_task for
    finished work; delete only mistakes and duplicates."""
    return await write(
        lambda conn: shaped(
            TaskOut, store.delete_task(conn, task_id=task_id, expected_version=expected_version)
        )
    )


async def list_tasks(
    status: StatusFilterArg = "all",
    priority: Annotated[PriorityName | Omitted, Field(description="Only this priority.")] = None,
    tag: TagsFilter | Omitted = None,
    due: Annotated[
        DueWhen | Omitted,
        Field(
            description="overdue (due before today, not complete), today, or this_week "
            "(Monday to Sunday), by the server's date."
        ),
    ] = None,
    due_before: Annotated[
        date | Omitted, Field(description="Only tasks due before this date (YYYY-MM-DD).")
    ] = None,
    due_after: Annotated[
        date | Omitted, Field(description="Only tasks due after this date (YYYY-MM-DD).")
    ] = None,
    limit: ListLimit = LIST_LIMIT_DEFAULT,
    cursor: Cursor | Omitted = None,
) -> TaskPageOut:
    """List tasks oldest first, filtered, one bounded page at a time with the total.

    To find tasks by words, use search_tasks instead.
    """
    after_id, known_total = decode_cursor(cursor, "after") if cursor is not None else (None, None)
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
            after_id=after_id,
            limit=limit,
            known_total=known_total,
        )
        return task_page(page.items, total=page.total, has_more=page.has_more)

    return await read(run)


async def search_tasks(
    query: SearchQuery,
    status: StatusFilterArg = "all",
    priority: PriorityName | Omitted = None,
    tag: TagsFilter | Omitted = None,
    limit: SearchLimit = SEARCH_LIMIT_DEFAULT,
    cursor: Cursor | Omitted = None,
) -> SearchPageOut:
    """Find tasks by words in title, description or tags, best match first, each with a
    snippet (matches in **bold**). Use instead of paging through list_tasks."""
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
            offset=offset,
            limit=limit,
            known_total=known_total,
        )
        return search_page(page, offset=offset)

    return await read(run)


async def next_task(
    limit: NextLimit = NEXT_LIMIT_DEFAULT, tag: TagsFilter | Omitted = None
) -> NextTasksOut:
    """Suggest what to work on next: the best open tasks, each with why it was chosen (in
    progress first, then priority, then due date with the overdue first, then the oldest)."""
    today = local_today()

    def run(conn: Connection) -> NextTasksOut:
        rows = store.next_tasks(conn, tag=_tags(tag), limit=limit)
        tasks = [
            shaped(SuggestedTaskOut, row, preview=True, reason=why_next(row, today)) for row in rows
        ]
        message = None
        if not tasks:
            scope = f" tagged {tag}" if tag else ""
            message = f"No open tasks{scope}: nothing to do next. Add one with add_task."
        return NextTasksOut(tasks=tasks, message=message)

    return await read(run)


def _hints(*, read_only: bool = False, destructive: bool = False, idempotent: bool = False) -> dict:
    if read_only:
        return {"readOnlyHint": True, "openWorldHint": False}
    return {
        "readOnlyHint": False,
        "destructiveHint": destructive,
        "idempotentHint": idempotent,
        "openWorldHint": False,
    }


# (tool, title, annotations). delete_task is not idempotent: a second call finds no task.
TOOLS = (
    (add_task, "Add task", _hints()),
    (get_task, "Get task", _hints(read_only=True)),
    (update_task, "Update task", _hints(destructive=True, idempotent=True)),
    (complete_task, "Complete task", _hints(idempotent=True)),
    (delete_task, "Delete task", _hints(destructive=True)),
    (list_tasks, "List tasks", _hints(read_only=True)),
    (search_tasks, "Search tasks", _hints(read_only=True)),
    (next_task, "Next task", _hints(read_only=True)),
)
