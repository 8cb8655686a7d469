"""The MCP resources: tasks://all (an overview), tasks://brief (where the caller picks up),
tasks://{task_id} (one task as JSON, with its subtasks at every depth and its dependencies),
projects://all and trash://all."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING

from task_tracker.errors import InvalidInput
from task_tracker.operations.shaping import by_project, detailed, task_lines
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import ID_MAX, OVERVIEW_LIMIT, stamp
from task_tracker.server.calls import current_actor, perform, read

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")

# How many subtasks tasks://{task_id} shows, nearest first; trash entries trash://all shows.
SUBTREE_LIMIT = 200
TRASH_LIMIT = 100


async def all_tasks() -> str:
    def run(conn: Connection) -> str:
        page = store.overview(conn, limit=OVERVIEW_LIMIT)
        lines = task_lines(page.items)
        if not lines:
            return "No tasks yet. Create one with add_task."
        left_out = page.total.count - len(lines)  # the overview counts exactly
        lines = by_project(page.items, lines)
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

    def run(conn: Connection) -> str:
        task = detailed(conn, store.get_task(conn, task_id=task_id))
        below = store.subtree_rows(conn, task_id, limit=SUBTREE_LIMIT + 1)
        tree = [
            {"id": r.id, "title": r.title, "status": r.status, "parent_id": r.parent_id}
            for r in below[:SUBTREE_LIMIT]
        ]
        shown = task.model_dump(mode="json") | {"subtree": tree}
        if len(below) > SUBTREE_LIMIT:
            shown["subtree_cut"] = f"only the nearest {SUBTREE_LIMIT} subtasks are shown"
        return json.dumps(shown, ensure_ascii=False)

    return await read(run)


async def all_projects() -> str:
    def run(conn: Connection) -> str:
        found = store.list_projects(conn, include_archived=True)
        if not found:
            return "No projects yet. add_task(project=..., create_project=true) starts one."
        return "\n".join(
            f"{p.name}{' (archived)' if p.archived else ''}: {p.open} open, {p.complete} "
            f"complete, {p.cancelled} cancelled" + (f" — {p.description}" if p.description else "")
            for p in found
        )

    return await read(run)


async def trash_listing() -> str:
    def run(conn: Connection) -> str:
        entries, total = store.trash_entries(conn, limit=TRASH_LIMIT)
        if not entries:
            return "The trash is empty."
        keep = timedelta(days=store.trash_days())
        lines = [
            f"#{e.task_id} {e.title}"
            + (f" (with {e.tasks - 1} subtask(s))" if e.tasks > 1 else "")
            + f" — deleted {stamp(e.deleted_at)}"
            + (f" by {e.deleted_by}" if e.deleted_by else "")
            + f", purged after {(e.deleted_at + keep).date().isoformat()}"
            for e in entries
        ]
        if total > len(entries):
            lines.append(f"… {total - len(entries)} older entries not shown.")
        lines.append(
            "Bring one back with restore_task(task_id) (the teamwork toolset), or a person "
            "with `task-tracker restore ID`."
        )
        return "\n".join(lines)

    return await read(run)


async def brief() -> str:
    """Where this session picks up: for the client calling (its agent name)."""
    from task_tracker import operations

    return await perform(operations.brief(actor=current_actor()))


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
        brief,
        "tasks://brief",
        "brief",
        "Where to pick up: what you hold and its handoffs, handoffs waiting, ready work, what "
        "blocks most, the newest tasks (under 8,000 characters).",
        "text/plain",
    ),
    (
        task_resource,
        "tasks://{task_id}",
        "task",
        "One task as JSON: full description, parent, subtasks at every depth, dependencies.",
        "application/json",
    ),
    (
        all_projects,
        "projects://all",
        "all_projects",
        "Every project with its open, complete and cancelled task counts.",
        "text/plain",
    ),
    (
        trash_listing,
        "trash://all",
        "trash",
        "Deleted tasks waiting in the trash, newest first, with when they are purged.",
        "text/plain",
    ),
)
