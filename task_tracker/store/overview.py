"""What the resources and prompts show: the overview of tasks://all, the stand-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from task_tracker.schemas import OPEN_STATUSES, Priority, Status, Total
from task_tracker.store.filters import tag_list
from task_tracker.store.listing import TaskPage, count_by_status, has_tag
from task_tracker.store.tasks import TASK_ROW, T, TaskRow

# One (status, priority) segment in id order: a range of ix_tasks_status_priority_id, read only
# as far as the page needs. Ordering the whole table by status and priority rank instead
# sorts every task in a temporary B-tree (seconds at a million tasks).
_SEGMENT = (
    select(*TASK_ROW)
    .where(T.status == bindparam("status"), T.priority == bindparam("priority"))
    .order_by(T.id)
    .limit(bindparam("limit"))
)
_OVERVIEW_ORDER = [
    (status.value, priority.value)
    for status in (
        Status.IN_PROGRESS,
        Status.IN_REVIEW,
        Status.PENDING,
        Status.COMPLETE,
        Status.CANCELLED,
    )
    for priority in (Priority.HIGH, Priority.MEDIUM, Priority.LOW)
]


_OTHERS = (
    select(*TASK_ROW)
    .where(~T.status.in_([s.value for s in Status]) | ~T.priority.in_([p.value for p in Priority]))
    .order_by(T.id)
    .limit(bindparam("limit"))
)


def overview(conn: Connection, *, limit: int) -> TaskPage:
    """Open tasks first (in progress, then pending; high priority first), then completed."""
    total = Total(count_by_status(conn, status=None))
    rows: list[TaskRow] = []
    for status, priority in _OVERVIEW_ORDER:
        wanted = limit + 1 - len(rows)
        if wanted <= 0:
            break
        params = {"status": status, "priority": priority, "limit": wanted}
        rows.extend(conn.execute(_SEGMENT, params))
    if len(rows) <= limit:  # room left: rows written around the constraints go last
        rows.extend(conn.execute(_OTHERS, {"limit": limit + 1 - len(rows)}))
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class Standup:
    completed: list[TaskRow]
    in_progress: list[TaskRow]
    in_review: list[TaskRow]
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
    """What a daily stand-up needs: done since `since`, in progress, pending, overdue, stale.

    Each section reads one index in its own order and stops at `limit`: (completed_at),
    (status, priority, id) one priority at a time, (status, due_date), (status, updated_at).
    """
    tagged = [has_tag(t) for t in tag_list(tag)]

    def pick(*conditions: Any, order: Any, room: int = limit) -> list[TaskRow]:
        query = select(*TASK_ROW).where(*conditions, *tagged)
        return list(conn.execute(query.order_by(order, T.id).limit(room)))

    def open_by(column: Any, *conditions: Any) -> list[TaskRow]:
        # One ordered index range per open status, merged: SQLite sorted both ranges whole
        # when asked for them together with a tag filter.
        rows = [
            row for s in OPEN_STATUSES for row in pick(T.status == s, *conditions, order=column)
        ]
        return sorted(rows, key=lambda row: (getattr(row, column.key), row.id))[:limit]

    def by_priority(status: Status) -> list[TaskRow]:
        rows: list[TaskRow] = []
        for priority in (Priority.HIGH, Priority.MEDIUM, Priority.LOW):
            if len(rows) < limit:
                segment = (T.status == status.value, T.priority == priority.value)
                rows += pick(*segment, order=T.id, room=limit - len(rows))
        return rows

    return Standup(
        completed=pick(T.completed_at >= since, order=T.completed_at),
        in_progress=by_priority(Status.IN_PROGRESS),
        in_review=by_priority(Status.IN_REVIEW),
        pending=by_priority(Status.PENDING),
        overdue=open_by(T.due_date, T.due_date < today.isoformat()),
        stale=open_by(T.updated_at, T.updated_at < stale_before),
    )
