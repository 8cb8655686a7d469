"""The MCP resources: tasks://all (an overview) and tasks://{task_id} (one task as JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from task_tracker.errors import InvalidInput
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import ID_MAX, OVERVIEW_LIMIT, TaskOut
from task_tracker.server.calls import read
from task_tracker.server.shaping import shaped, task_lines

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")


async def all_tasks() -> str:
    def run(conn: Connection) -> str:
        page = store.overview(conn, limit=OVERVIEW_LIMIT)
        lines = task_lines(page.items)
        if not lines:
            return "No tasks yet. Create one with add_task."
        left_out = page.total.count - len(lines)  # the overview counts exactly
        if left_out > 0:
            lines.append(
                f"… {left_out} more task(s) not shown. Use list_tasks (filters, pages) "
                "or search_tasks (words) to find them."
            )
        return "\n".join(lines)

    return await read(run)


async def task_resource(task_id: int) -> str:
    if not 1 <= task_id <= ID_MAX:
        raise InvalidInput(f"task id must be between 1 and {ID_MAX}.")
    return await read(
        lambda conn: shaped(TaskOut, store.get_task(conn, task_id=task_id)).model_dump_json()
    )


# (function, uri, name, description, mime type)
RESOURCES = (
    (
        all_tasks,
        "tasks://all",
        "all_tasks",
        "Overview of tasks: open ones first (in progress, then pending), capped.",
        "text/plain",
    ),
    (
        task_resource,
        "tasks://{task_id}",
        "task",
        "One task as JSON, with its full description.",
        "application/json",
    ),
)
