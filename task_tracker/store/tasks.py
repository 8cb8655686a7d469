"""Queries on one task: add, get, update, complete (deleting it: store.trash).

Plain functions: a Connection first, keyword-only arguments after it; the caller owns the
transaction and nothing here commits. They run SQLAlchemy Core statements on the models'
tables and return rows (TaskRow: the model's column names as attributes), not ORM objects:
the ORM's unit of work measured 0.35 ms per write and loading ORM objects 5 us per task,
several times SQLite's own cost. Statements used on every call are built once, at import.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from task_tracker.errors import TaskNotFound, VersionConflict
from task_tracker.models import TrashTask
from task_tracker.schemas import (
    OPEN_STATUSES,
    Priority,
    Status,
    StoredRow,
    TaskRow,
    local_today,
    utcnow,
)
from task_tracker.store import projects, structure, workflow
from task_tracker.store.projects import PROJECT_NAME
from task_tracker.store.structure import TASKS, T
from task_tracker.store.values import normalize_tags, normalize_title, task_values

# What every query of whole tasks selects.
TASK_ROW = (*T, PROJECT_NAME)


class _Keep(enum.Enum):
    KEEP = "keep"


# update_task(due_date=KEEP) leaves the due date alone; None clears it.
KEEP: Final = _Keep.KEEP

_SELECT_TASK = select(*TASK_ROW).where(T.id == bindparam("task_id"))
_INSERT_TASK = insert(TASKS).returning(*TASK_ROW)
# SET takes the columns named in the parameters it is executed with.
UPDATE_TASK = update(TASKS).where(T.id == bindparam("task_id")).returning(*TASK_ROW)
DELETE_TASK = delete(TASKS).where(T.id == bindparam("task_id"))
_IN_TRASH = select(TrashTask.task_id).where(TrashTask.task_id == bindparam("task_id"))
_BY_IDS = select(*TASK_ROW).where(T.id.in_(bindparam("ids", expanding=True)))


def schema_revision(conn: Connection) -> str | None:
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def add_task(
    conn: Connection,
    *,
    title: str,
    description: str = "",
    priority: str = Priority.MEDIUM.value,
    tags: Sequence[str] = (),
    due_date: date | None = None,
    status: str = Status.PENDING.value,
    project: str | None = None,
    create_project: bool = False,
    parent_id: int | None = None,
    depends_on: Sequence[int] = (),
    criteria: Sequence[str] = (),
    defer_until: datetime | None = None,
    repeat: str | None = None,
    discovered_from: int | None = None,
    review: bool | None = None,
) -> TaskRow:
    """A new task; project by name (created only when create_project), under parent_id,
    depending on depends_on, with what its work asks (store.workflow)."""
    now = utcnow()
    values = task_values(
        title=title,
        description=description,
        status=status,
        priority=priority,
        tags=tags,
        due_date=due_date,
        created_at=now,
        updated_at=now,
        completed_at=now if status == Status.COMPLETE.value else None,
        version=1,
    )
    values["review"] = review
    values |= workflow.added_values(
        conn,
        criteria=criteria,
        defer_until=defer_until,
        repeat=repeat,
        discovered_from=discovered_from,
    )
    if project is not None:
        values["project_id"] = projects.project_id(conn, project, create=create_project)
    if parent_id is not None:
        structure.check_parent(conn, task_id=None, parent_id=parent_id)
        values["parent_id"] = parent_id
    task = conn.execute(_INSERT_TASK, values).one()
    if depends_on:
        structure.set_dependencies(conn, task_id=task.id, depends_on=depends_on, replace=False)
    return task


def tasks_by_id(conn: Connection, ids: list[int]) -> dict[int, TaskRow]:
    """The tasks with these ids that exist, by id (a task in the trash is not among them)."""
    return {task.id: task for task in conn.execute(_BY_IDS, {"ids": ids})} if ids else {}


def get_task(conn: Connection, *, task_id: int) -> TaskRow:
    task = conn.execute(_SELECT_TASK, {"task_id": task_id}).one_or_none()
    if task is None:
        trashed = conn.execute(_IN_TRASH, {"task_id": task_id}).first() is not None
        raise TaskNotFound(task_id, in_trash=trashed)
    return task


def check_version(task: TaskRow, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != task.version:
        raise VersionConflict(task.id, expected_version, task.version)


def update_task(
    conn: Connection,
    *,
    task_id: int,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    tags: Sequence[str] | None = None,
    due_date: date | None | _Keep = KEEP,
    expected_version: int | None = None,
    project: str | None = None,
    create_project: bool = False,
    parent_id: int | None = None,
    depends_on: Sequence[int] | None = None,
    with_subtasks: bool = False,
    criteria: Sequence[str] | None = None,
    checked: Sequence[int] | None = None,
    defer_until: datetime | None | _Keep = KEEP,
    repeat: str | None = None,
    duplicate_of: int | None = None,
    with_unchecked: bool = False,
    review: bool | None = None,
    approving: bool = False,
    actor: str | None = None,
) -> TaskRow:
    """Change the fields given (None: unchanged; due_date=None clears the due date;
    project="" and parent_id=0 clear those; depends_on replaces the dependencies).

    Closing a task with open subtasks is refused unless with_subtasks, which closes them too
    (same status). Completing one with unchecked criteria is refused unless with_unchecked
    (noted, by `actor`); its agent completing one that needs review puts it in review, which
    completes only `approving` (store.review); completing one that repeats opens its next
    occurrence; duplicate_of cancels an open task. A change to nothing (the same values)
    does not bump the version.
    """
    task = get_task(conn, task_id=task_id)
    check_version(task, expected_version)
    if duplicate_of is not None and status is None and task.status in OPEN_STATUSES:
        status = Status.CANCELLED.value
    new_depends_on = depends_on is not None and set(depends_on) != structure.dependencies_of(
        conn, task_id
    )
    wanted: dict[str, Any] = {
        "title": None if title is None else normalize_title(title),
        "description": description,
        "status": status,
        "priority": priority,
        "tags": None if tags is None else normalize_tags(tags),
    }
    values = {
        name: value
        for name, value in wanted.items()
        if value is not None and getattr(task, name) != value
    }
    if due_date is not KEEP:
        due = due_date.isoformat() if due_date is not None else None
        if due != task.due_date:
            values["due_date"] = due
    if project is not None:
        pid = projects.project_id(conn, project, create=create_project) if project else None
        if pid != task.project_id:
            values["project_id"] = pid
    if parent_id is not None and (parent_id or None) != task.parent_id:
        if parent_id:
            structure.check_parent(conn, task_id=task_id, parent_id=parent_id)
        values["parent_id"] = parent_id or None
    values |= workflow.changed_values(
        conn,
        task,
        criteria=criteria,
        checked=checked,
        defer_until=defer_until,
        repeat=repeat,
        duplicate_of=duplicate_of,
        keep=KEEP,
    )
    if review is not None and review != task.review:
        values["review"] = review
    after = StoredRow({**task._mapping, **values})
    requested = values.get("status")
    values |= workflow.routed(conn, task, values, actor=actor, approving=approving)
    if values.get("status") is None:  # (its agent completing a task in review again)
        values.pop("status", None)
        requested = None
    finishing = requested == Status.COMPLETE.value  # (into review, or complete)
    if finishing and not with_unchecked:
        workflow.refuse_unchecked(task_id, workflow.criteria_of(after))
    if requested in (Status.COMPLETE.value, Status.CANCELLED.value):
        action = "complete" if finishing else "cancel"
        below = structure.subtasks_in_the_way(
            conn, task_id, action=action, with_subtasks=with_subtasks
        )
        if below:
            ids = [subtask.id for subtask in below]
            repeating = (
                workflow.completing_below(conn, ids, with_unchecked=with_unchecked)
                if finishing
                else []
            )
            _close(conn, ids, status=requested)
            workflow.opened_below(conn, repeating)
    if not values and not new_depends_on:
        return task
    now = utcnow()
    if "status" in values:
        values["completed_at"] = now if values["status"] == Status.COMPLETE.value else None
        # A closed task is nobody's work any more, and a pending one nobody's yet (a revert
        # or an edit back to pending ends a claim as a release would).
        if values["status"] != Status.IN_PROGRESS.value:
            values.update(claimed_by=None, claimed_until=None, claimed_paths=None)
    values.update(updated_at=now, version=task.version + 1)
    # The write lock is held since BEGIN IMMEDIATE, so the version read above is current.
    row = conn.execute(UPDATE_TASK, {"task_id": task_id, **values}).one()
    if finishing:
        workflow.record_override(conn, row, actor=actor)
    if row.status == Status.COMPLETE.value and "status" in values and row.repeat:
        workflow.open_next(conn, row, today=local_today())
    if depends_on is not None and new_depends_on:
        # After the new version: the dependency events (revision 0016) are of that version.
        structure.set_dependencies(conn, task_id=task_id, depends_on=depends_on, replace=True)
    return row


def complete_task(
    conn: Connection,
    *,
    task_id: int,
    with_subtasks: bool = False,
    with_unchecked: bool = False,
    actor: str | None = None,
) -> TaskRow:
    """Mark a task complete (as `actor`: into review when it needs review). Completing a
    complete task returns it unchanged."""
    return update_task(
        conn,
        task_id=task_id,
        status=Status.COMPLETE.value,
        with_subtasks=with_subtasks,
        with_unchecked=with_unchecked,
        actor=actor,
    )


def _close(conn: Connection, ids: Sequence[int], *, status: str) -> None:
    """Close open tasks (subtasks being closed with their parent), each a new version."""
    now = utcnow()
    completed = now if status == Status.COMPLETE.value else None
    conn.execute(
        update(TASKS)
        .where(T.id.in_(ids), T.status.in_(OPEN_STATUSES))
        .values(
            status=status,
            completed_at=completed,
            claimed_by=None,
            claimed_until=None,
            claimed_paths=None,
            updated_at=now,
            version=T.version + 1,
        )
    )
