"""A whole plan in one transaction: tasks that refer to each other by local refs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from task_tracker.errors import InvalidInput, MissingTasks, Refused
from task_tracker.store import structure
from task_tracker.store.tasks import TaskRow, add_task, get_task, update_task


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
        parent = item.get("parent")
        parent_id = (
            None
            if parent is None
            else _resolve(refs, parent, where=f"{where}.parent", earlier=True)
        )
        try:
            task = add_task(
                conn,
                title=item["title"],
                description=item.get("description", ""),
                priority=item.get("priority", "medium"),
                tags=item.get("tags") or (),
                due_date=item.get("due_date"),
                project=item.get("project") or project,
                create_project=create_project,
                parent_id=parent_id,
                criteria=item.get("criteria") or (),
            )
        except MissingTasks as exc:
            raise _missing(f"{where}.parent", exc) from None
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: {exc}") from None
        if item.get("ref"):
            refs[item["ref"]] = task.id
        added.append(task)
    # The plan's own tasks by their place in it: an error names items, not ids that the
    # refusal rolls back and that never exist for the caller.
    items_by_id = {task.id: f"tasks[{i}]" for i, task in enumerate(added)}
    for index, (item, task) in enumerate(zip(items, added, strict=True)):
        where = f"tasks[{index}].depends_on"
        wanted = [
            _resolve(refs, dep, where=where, earlier=False) for dep in item.get("depends_on") or ()
        ]
        if not wanted:
            continue
        try:
            structure.set_dependencies(conn, task_id=task.id, depends_on=wanted, replace=False)
        except MissingTasks as exc:
            raise _missing(where, exc) from None
        except Refused as exc:
            raise Refused(f"{where}: {_in_items(str(exc), items_by_id)}") from None
    return added, refs


def _missing(where: str, exc: MissingTasks) -> InvalidInput:
    return InvalidInput(
        f"{where}: no task {exc.shown} (ids are numbers; use list_tasks to find them)."
    )


def _in_items(message: str, items_by_id: dict[int, str]) -> str:
    """The message with "Task #3" and "#3" of the plan's own tasks as their items."""

    def named(match: re.Match[str]) -> str:
        item = items_by_id.get(int(match.group(2)))
        return item if item is not None else match.group(0)

    return _TASK_REF.sub(named, message)


_TASK_REF = re.compile(r"(Task )?#(\d+)")


def close_tasks(
    conn: Connection,
    *,
    task_ids: Sequence[int],
    status: str,
    with_subtasks: bool = False,
    with_unchecked: bool = False,
    actor: str | None = None,
) -> list[TaskRow]:
    """Give every task in task_ids the status (the caller's transaction makes it all or
    none); each is refused or cascades to its open subtasks as in update_task."""
    ids = list(dict.fromkeys(task_ids))
    structure.require_tasks(conn, ids, role="task_ids")
    # Deepest first: a subtask in the list is closed before its parent asks about it, so
    # [parent, child] passes as [child, parent] does.
    for task_id in sorted(ids, key=lambda i: -structure.depth_of(conn, i)):
        update_task(
            conn,
            task_id=task_id,
            status=status,
            with_subtasks=with_subtasks,
            with_unchecked=with_unchecked,
            actor=actor,
        )
    return [get_task(conn, task_id=task_id) for task_id in ids]
