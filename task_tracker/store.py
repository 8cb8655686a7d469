"""All queries. Plain functions: a Session first, keyword-only arguments after it.

The caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from task_tracker.errors import InvalidInput, TaskNotFound, VersionConflict
from task_tracker.models import Priority, Status, Task, TaskTag, utcnow

OPEN_STATUSES = (Status.PENDING.value, Status.IN_PROGRESS.value)
UPDATABLE_FIELDS = frozenset({"title", "description", "status", "priority", "tags", "due_date"})


@dataclass(frozen=True, slots=True)
class TaskPage:
    items: list[Task]
    total: int
    has_more: bool


def tags_of(task: Task) -> list[str]:
    value = json.loads(task.tags)
    return [tag for tag in value if isinstance(tag, str)] if isinstance(value, list) else []


def normalize_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise InvalidInput("title must contain at least one non-space character.")
    return cleaned


def normalize_tags(tags: Iterable[str]) -> str:
    """Trimmed, lower-cased, de-duplicated (first occurrence wins), as JSON array text."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = tag.strip().lower()
        if not cleaned:
            raise InvalidInput("tags must not be blank.")
        seen.setdefault(cleaned, None)
    return json.dumps(list(seen), ensure_ascii=False, separators=(",", ":"))


def _set_status(task: Task, status: str, now: datetime) -> None:
    if status == task.status:
        return
    task.status = status
    task.completed_at = now if status == Status.COMPLETE.value else None


def add_task(
    session: Session,
    *,
    title: str,
    description: str = "",
    priority: str = Priority.MEDIUM.value,
    tags: Sequence[str] = (),
    due_date: date | None = None,
    status: str = Status.PENDING.value,
) -> Task:
    now = utcnow()
    task = Task(
        title=normalize_title(title),
        description=description,
        status=Status.PENDING.value,
        priority=priority,
        tags=normalize_tags(tags),
        due_date=due_date.isoformat() if due_date else None,
        created_at=now,
        updated_at=now,
        completed_at=None,
        version=1,
    )
    _set_status(task, status, now)
    session.add(task)
    session.flush()
    return task


def get_task(session: Session, *, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    return task


def update_task(
    session: Session,
    *,
    task_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Task:
    """Apply a partial update. A change to nothing (same values) does not bump the version."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Cannot update field(s): {', '.join(sorted(unknown))}.")
    task = get_task(session, task_id=task_id)
    if expected_version is not None and expected_version != task.version:
        raise VersionConflict(task_id, expected_version, task.version)

    now = utcnow()
    before = (task.title, task.description, task.status, task.priority, task.tags, task.due_date)
    if "title" in changes:
        task.title = normalize_title(changes["title"])
    if "description" in changes:
        task.description = changes["description"]
    if "priority" in changes:
        task.priority = changes["priority"]
    if "tags" in changes:
        task.tags = normalize_tags(changes["tags"])
    if "due_date" in changes:
        due: date | None = changes["due_date"]
        task.due_date = due.isoformat() if due else None
    if "status" in changes:
        _set_status(task, changes["status"], now)
    after = (task.title, task.description, task.status, task.priority, task.tags, task.due_date)
    if after != before:
        task.updated_at = now
        task.version += 1
        session.flush()
    return task


def complete_task(session: Session, *, task_id: int) -> Task:
    """Mark a task complete. Completing a complete task returns it unchanged."""
    return update_task(session, task_id=task_id, changes={"status": Status.COMPLETE.value})


def delete_task(session: Session, *, task_id: int, expected_version: int | None = None) -> Task:
    task = get_task(session, task_id=task_id)
    if expected_version is not None and expected_version != task.version:
        raise VersionConflict(task_id, expected_version, task.version)
    session.delete(task)
    session.flush()
    return task


def _filtered(
    query: Select[Any],
    *,
    status: str | None,
    priority: str | None,
    tag: str | None,
    due_before: date | None,
) -> Select[Any]:
    if status == "open":
        query = query.where(Task.status.in_(OPEN_STATUSES))
    elif status is not None and status != "all":
        query = query.where(Task.status == status)
    if priority is not None:
        query = query.where(Task.priority == priority)
    if tag is not None:
        tagged = select(TaskTag.task_id).where(TaskTag.tag == tag.strip().lower())
        query = query.where(Task.id.in_(tagged))
    if due_before is not None:
        query = query.where(Task.due_date < due_before.isoformat())
    return query


def list_tasks(
    session: Session,
    *,
    status: str | None = None,
    priority: str | None = None,
    tag: str | None = None,
    due_before: date | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> TaskPage:
    """Tasks matching the filters in id order, starting after after_id (keyset pagination)."""
    filters = {"status": status, "priority": priority, "tag": tag, "due_before": due_before}
    total = session.scalar(_filtered(select(func.count(Task.id)), **filters)) or 0
    query = _filtered(select(Task), **filters)
    if after_id is not None:
        query = query.where(Task.id > after_id)
    rows = list(session.scalars(query.order_by(Task.id).limit(limit + 1)))
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


_STATUS_RANK = case(
    (Task.status == Status.IN_PROGRESS.value, 0),
    (Task.status == Status.PENDING.value, 1),
    else_=2,
)
_PRIORITY_RANK = case(
    (Task.priority == Priority.HIGH.value, 0),
    (Task.priority == Priority.MEDIUM.value, 1),
    else_=2,
)


def overview(session: Session, *, limit: int) -> TaskPage:
    """Open tasks first (in progress, then pending; high priority first), then completed."""
    total = session.scalar(select(func.count(Task.id))) or 0
    rows = list(
        session.scalars(
            select(Task).order_by(_STATUS_RANK, _PRIORITY_RANK, Task.id).limit(limit + 1)
        )
    )
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class Standup:
    completed: list[Task]
    in_progress: list[Task]
    pending: list[Task]
    overdue: list[Task]
    stale: list[Task]


def standup(
    session: Session,
    *,
    since: datetime,
    today: date,
    stale_before: datetime,
    tag: str | None = None,
    limit: int = 25,
) -> Standup:
    """What a daily stand-up needs: done since `since`, in progress, pending, overdue, stale."""

    def pick(*conditions: Any, order: Any = Task.id) -> list[Task]:
        query = _filtered(select(Task), status=None, priority=None, tag=tag, due_before=None)
        return list(session.scalars(query.where(*conditions).order_by(order).limit(limit)))

    is_open = Task.status.in_(OPEN_STATUSES)
    return Standup(
        completed=pick(Task.completed_at >= since, order=Task.completed_at),
        in_progress=pick(Task.status == Status.IN_PROGRESS.value, order=_PRIORITY_RANK),
        pending=pick(Task.status == Status.PENDING.value, order=_PRIORITY_RANK),
        overdue=pick(is_open, Task.due_date < today.isoformat(), order=Task.due_date),
        stale=pick(is_open, Task.updated_at < stale_before, order=Task.updated_at),
    )
