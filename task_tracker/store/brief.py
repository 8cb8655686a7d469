"""What the brief (tasks://brief) reads for one agent: the tasks it holds, the latest
handoffs on them and on free open tasks, and the newest tasks. Each is a bounded read of an
index (claims, the handoffs' partial index, ids), so the brief costs the same at any size."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from task_tracker.schemas import TaskRow
from task_tracker.store.claims import free_for, held_by
from task_tracker.store.hints import unindexed
from task_tracker.store.notes import NOTES
from task_tracker.store.tasks import TASK_ROW, TASKS, T, tasks_by_id
from task_tracker.vocabulary import OPEN_STATUSES

HANDOFFS_READ = 50  # the newest handoffs looked at for free tasks


def held(conn: Connection, actor: str, now: datetime, *, limit: int) -> list[TaskRow]:
    """Open tasks whose running claim actor holds, the soonest to run out first."""
    query = (
        select(*TASK_ROW)
        .where(held_by(actor, now), T.status.in_(OPEN_STATUSES))
        .order_by(T.claimed_until, T.id)
        .limit(limit)
    )
    return list(conn.execute(query))


def latest_handoffs(conn: Connection, ids: list[int]) -> dict[int, Any]:
    """Each task's latest handoff (at, actor, text), for the tasks in ids that have one."""
    if not ids:
        return {}
    newest = (
        select(func.max(NOTES.c.id))
        .where(NOTES.c.task_id.in_(ids), NOTES.c.kind == "handoff")
        .group_by(NOTES.c.task_id)
    )
    rows = conn.execute(
        select(NOTES.c.task_id, NOTES.c.at, NOTES.c.actor, NOTES.c.text).where(
            NOTES.c.id.in_(newest)
        )
    )
    return {row.task_id: row for row in rows}


def free_handoffs(conn: Connection, now: datetime, *, limit: int) -> list[Any]:
    """The newest handoffs left on open tasks that nobody holds now: work someone stopped
    and described, waiting to be picked up. (task_id, title, at, actor, text), newest first,
    one per task."""
    # The newest handoffs first, from their partial index, then their tasks: driven from
    # the open tasks instead, a database without a handoff was read whole (1.2 s at a
    # million tasks).
    handoffs = (
        select(NOTES.c.id, NOTES.c.task_id, NOTES.c.at, NOTES.c.actor, NOTES.c.text)
        .where(NOTES.c.kind == "handoff")
        .order_by(NOTES.c.id.desc())
        .limit(HANDOFFS_READ)
        .subquery()
    )
    query = (
        select(handoffs.c.task_id, T.title, handoffs.c.at, handoffs.c.actor, handoffs.c.text)
        .join(TASKS, T.id == handoffs.c.task_id)
        .where(T.status.in_(OPEN_STATUSES), free_for(None, now))  # (held by no one)
        .order_by(handoffs.c.id.desc())
    )
    seen: dict[int, Any] = {}
    for row in conn.execute(query):
        seen.setdefault(row.task_id, row)
    return list(seen.values())[:limit]


def newest(conn: Connection, *, limit: int) -> list[TaskRow]:
    """The newest open tasks: work added (often found) lately. Walked by id, newest first,
    the status checked per row: from the (status, id) index the three open statuses' ranges
    were merged and sorted whole (160 ms at a million tasks)."""
    query = select(*TASK_ROW).where(unindexed(T.status).in_(OPEN_STATUSES)).order_by(T.id.desc())
    return list(conn.execute(query.limit(limit)))


DISCOVERED_READ = 1_001  # the newest discovered tasks counted (the brief says "1000+")


def discovered(conn: Connection, since: datetime, *, limit: int) -> tuple[list[TaskRow], int]:
    """Tasks found while doing another (discovered_from) and created since `since`: the
    newest `limit`, and how many (among the newest DISCOVERED_READ found at all). Read by
    id from the partial index of found tasks (revision 0023)."""
    newest = (
        select(T.id, T.created_at)
        .where(T.discovered_from.is_not(None))
        .order_by(T.id.desc())
        .limit(DISCOVERED_READ)
    )
    recent = [row.id for row in conn.execute(newest) if row.created_at >= since]
    shown = tasks_by_id(conn, recent[:limit])
    return [shown[i] for i in recent[:limit] if i in shown], len(recent)


def to_review(conn: Connection, actor: str, now: datetime, *, limit: int) -> list[TaskRow]:
    """Tasks in review that `actor` may review (another agent did them; no one else holds
    them), the longest waiting first, from the (status, id) index."""
    query = (
        select(*TASK_ROW)
        .where(
            T.status == "in_review",
            or_(T.submitted_by.is_(None), T.submitted_by != actor),
            free_for(actor, now),
        )
        .order_by(T.id)
        .limit(limit)
    )
    return list(conn.execute(query))
