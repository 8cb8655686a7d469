"""A whole plan in one transaction: tasks that refer to each other by local refs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from task_tracker.errors import InvalidInput
from task_tracker.store import structure
from task_tracker.store.tasks import TaskRow, add_task


def _resolve(refs: dict[str, int], value: int | str, *, where: str, earlier: bool) -> int:
    if isinstance(value, int):
        return value
    if value not in refs:
        which = "an earlier item" if earlier else "an item of this plan"
        raise InvalidInput(f"{where}: {value!r} is not the ref of {which} (ids are numbers).")
    return refs[value]


def add_plan(
    conn: Connection,
    *,
    items: Sequence[dict[str, Any]],
    project: str | None = None,
    create_project: bool = False,
) -> tuple[list[TaskRow], dict[str, int]]:
    """Add every item (the caller's transaction makes it all or none). An item's parent is
    an earlier item's ref or a task id; its depends_on, any item's refs or task ids.
    Returns the new tasks in order and each ref's id."""
    refs: dict[str, int] = {}
    added: list[TaskRow] = []
    for index, item in enumerate(items):
        where = f"tasks[{index}]"
        try:
            parent = item.get("parent")
            task = add_task(
                conn,
                title=item["title"],
                description=item.get("description", ""),
                priority=item.get("priority", "medium"),
                tags=item.get("tags") or (),
                due_date=item.get("due_date"),
                project=item.get("project") or project,
                create_project=create_project,
                parent_id=None
                if parent is None
                else _resolve(refs, parent, where=f"{where}.parent", earlier=True),
            )
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc}") from None
        if item.get("ref"):
            refs[item["ref"]] = task.id
        added.append(task)
    for index, (item, task) in enumerate(zip(items, added, strict=True)):
        wanted = [
            _resolve(refs, dep, where=f"tasks[{index}].depends_on", earlier=False)
            for dep in item.get("depends_on") or ()
        ]
        if wanted:
            structure.set_dependencies(conn, task_id=task.id, depends_on=wanted, replace=False)
    return added, refs
