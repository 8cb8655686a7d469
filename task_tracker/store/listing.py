"""Queries over many tasks: filtered pages (keyset, by id), the overview, the stand-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, case, func, select

from task_tracker.models import TaskCount, TaskTag
from task_tracker.schemas import OPEN_STATUSES, Priority, Status
from task_tracker.store.tasks import TASKS, T, TaskRow

TAGS = TaskTag.__table__.c
COUNTS = TaskCount.__table__.c


@dataclass(frozen=True, slots=True)
class TaskPage:
    items: list[TaskRow]
    total: int
    has_more: bool


def status_values(status: str | None) -> list[str] | None:
    """The statuses a status filter means: "open" is two, None and "all" mean no filter."""
    if status == "open":
        return list(OPEN_STATUSES)
    if status is None or status == "all":
        return None
    return [status]


def _filtered(
    query: Select[Any],
    *,
    status: str | None,
    priority: str | None,
    tag: str | None,
    due_before: date | None,
) -> Select[Any]:
    statuses = status_values(status)
    if statuses is not None:
        query = query.where(T.status.in_(statuses))
    if priority is not None:
        query = query.where(T.priority == priority)
    if tag is not None:
        tagged = select(TAGS.task_id).where(TAGS.tag == tag.strip().lower())
        query = query.where(T.id.in_(tagged))
    if due_before is not None:
        query = query.where(T.due_date < due_before.isoformat())
    return query


def count_by_status(conn: Connection, *, status: str | None) -> int:
    """Tasks with a status (None/"all": every task; "open"), from the trigger-kept counts."""
    query = select(func.coalesce(func.sum(COUNTS.n), 0))
    statuses = status_values(status)
    if statuses is not None:
        query = query.where(COUNTS.status.in_(statuses))
    return conn.scalar(query) or 0


def list_tasks(
    conn: Connection,
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
    if priority is None and tag is None and due_before is None:
        total = count_by_status(conn, status=status)
    else:
        total = conn.scalar(_filtered(select(func.count(T.id)), **filters)) or 0
    query = _filtered(select(TASKS), **filters)
    if after_id is not None:
        query = query.where(T.id > after_id)
    rows = list(conn.execute(query.order_by(T.id).limit(limit + 1)))
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


_STATUS_RANK = case(
    (T.status == Status.IN_PROGRESS.value, 0),
    (T.status == Status.PENDING.value, 1),
    else_=2,
)
_PRIORITY_RANK = case(
    (T.priority == Priority.HIGH.value, 0),
    (T.priority == Priority.MEDIUM.value, 1),
    else_=2,
)


def overview(conn: Connection, *, limit: int) -> TaskPage:
    """Open tasks first (in progress, then pending; high priority first), then completed."""
    total = count_by_status(conn, status=None)
    rows = list(
        conn.execute(select(TASKS).order_by(_STATUS_RANK, _PRIORITY_RANK, T.id).limit(limit + 1))
    )
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class Standup:
    completed: list[TaskRow]
    in_progress: list[TaskRow]
    pending: list[TaskRow]
    overdue: list[TaskRow]
    stale: list[TaskRow]


def standup(
    conn: Connection,
    *,
    since: datetime,
    today: date,
    stale_before: datetime,
    tag: str | None = None,
    limit: int = 25,
) -> Standup:
    """What a daily stand-up needs: done since `since`, in progress, pending, overdue, stale."""

    def pick(*conditions: Any, order: Any = T.id) -> list[TaskRow]:
        query = _filtered(select(TASKS), status=None, priority=None, tag=tag, due_before=None)
        return list(conn.execute(query.where(*conditions).order_by(order).limit(limit)))

    is_open = T.status.in_(OPEN_STATUSES)
    return Standup(
        completed=pick(T.completed_at >= since, order=T.completed_at),
        in_progress=pick(T.status == Status.IN_PROGRESS.value, order=_PRIORITY_RANK),
        pending=pick(T.status == Status.PENDING.value, order=_PRIORITY_RANK),
        overdue=pick(is_open, T.due_date < today.isoformat(), order=T.due_date),
        stale=pick(is_open, T.updated_at < stale_before, order=T.updated_at),
    )
