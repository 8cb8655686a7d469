"""What the web board reads beyond the tools' answers: the facts a card shows (subtask
progress, what blocks it), the history events after one a board has seen, who holds what.

Each is one query for a whole page of cards or a whole batch of events, whatever their
number, so a board page and a live change cost the same few queries at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, select

from task_tracker.schemas import TaskRow
from task_tracker.store.claims import held_by as held_by_condition
from task_tracker.store.hints import unindexed
from task_tracker.store.history import EVENTS
from task_tracker.store.structure import DEPS
from task_tracker.store.tasks import TASK_ROW, TASKS, T
from task_tracker.vocabulary import CLOSED_STATUSES

BLOCKERS_SHOWN = 3


@dataclass(slots=True)
class CardFacts:
    subtasks: int = 0
    subtasks_done: int = 0
    blocked_by: list[tuple[int, str]] = field(default_factory=list)  # (id, title), a few
    holder: str | None = None  # who holds a claim that has not run out, and until when
    until: datetime | None = None


# Built once (constructing a statement with its IN list costs more than running it).
_IDS: Any = bindparam("ids", expanding=True)
_HELD = select(T.id, T.claimed_by, T.claimed_until).where(
    T.id.in_(_IDS), T.claimed_by.is_not(None), T.claimed_until > bindparam("now")
)
_SUBTASKS = (
    select(T.parent_id, func.count(), func.sum(case((T.status.in_(CLOSED_STATUSES), 1), else_=0)))
    .where(T.parent_id.in_(_IDS))
    .group_by(T.parent_id)
)
_BLOCKER = TASKS.alias("blocker")
_BLOCKERS = (
    select(DEPS.c.task_id, _BLOCKER.c.id, _BLOCKER.c.title)
    .join(_BLOCKER, _BLOCKER.c.id == DEPS.c.depends_on_id)
    .where(DEPS.c.task_id.in_(_IDS), _BLOCKER.c.status.not_in(CLOSED_STATUSES))
    .order_by(DEPS.c.task_id, _BLOCKER.c.id)
)


def card_facts(conn: Connection, ids: list[int]) -> dict[int, CardFacts]:
    """Subtask progress, open blockers and live claims of each task in ids (three queries
    in all, whatever the number of cards)."""
    facts = {task_id: CardFacts() for task_id in ids}
    if not ids:
        return facts
    for task_id, holder, until in conn.execute(_HELD, {"ids": ids, "now": datetime.now(UTC)}):
        facts[task_id].holder, facts[task_id].until = holder, until
    for parent_id, total, closed in conn.execute(_SUBTASKS, {"ids": ids}):
        facts[parent_id].subtasks, facts[parent_id].subtasks_done = total, int(closed or 0)
    for task_id, blocker_id, title in conn.execute(_BLOCKERS, {"ids": ids}):
        if len(facts[task_id].blocked_by) < BLOCKERS_SHOWN:
            facts[task_id].blocked_by.append((blocker_id, title))
    return facts


def last_event_id(conn: Connection) -> int:
    """The newest history event's id (0 in an empty database): an index's last entry."""
    return conn.scalar(select(func.max(EVENTS.c.id))) or 0


def fingerprint(conn: Connection, floor: int) -> tuple[int, int]:
    """(newest event id, events after floor): it changes when any event commits after floor,
    also one whose id is lower than an earlier commit's (PostgreSQL hands out ids before
    commit, so they can commit out of order)."""
    row = conn.execute(select(func.max(EVENTS.c.id), func.count()).where(EVENTS.c.id > floor)).one()
    return row[0] or floor, row[1]


def events_after(conn: Connection, after: int, *, limit: int) -> list[Any]:
    """Up to `limit` events after id `after`, oldest first: (id, task_id, at, actor, kind)."""
    columns = (EVENTS.c.id, EVENTS.c.task_id, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.kind)
    query = select(*columns).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(limit)
    return list(conn.execute(query))


def latest_events(conn: Connection, *, limit: int) -> list[Any]:
    """The newest events, newest first, with their task's title where it still exists."""
    query = (
        select(EVENTS.c.id, EVENTS.c.task_id, EVENTS.c.at, EVENTS.c.actor, EVENTS.c.kind, T.title)
        .outerjoin(TASKS, T.id == EVENTS.c.task_id)
        .order_by(EVENTS.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def holders(conn: Connection, now: datetime, *, limit: int) -> list[TaskRow]:
    """Tasks under a claim that has not run out, by holder, soonest to run out first."""
    held = and_(T.claimed_by.is_not(None), T.claimed_until > now)
    query = select(*TASK_ROW).where(held).order_by(T.claimed_by, T.claimed_until).limit(limit)
    return list(conn.execute(query))


HELD_MAX = 200


def held_by(conn: Connection, name: str, status: str, now: datetime) -> list[TaskRow]:
    """The tasks of one status whose live claim `name` holds, newest first (its few rows,
    read from ix_tasks_claimed_by), up to HELD_MAX."""
    query = (
        select(*TASK_ROW)
        .where(
            held_by_condition(name, now),
            unindexed(T.status) == status,  # kept off (status, id): a holder has few rows
        )
        .order_by(T.id.desc())
        .limit(HELD_MAX)
    )
    return list(conn.execute(query))
