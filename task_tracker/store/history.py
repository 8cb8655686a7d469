"""History: the events the database triggers of revision 0011 write for every change.

The store only names who acts (task_event_actor, inside the caller's write transaction) and
reads events back; it never writes an event itself, so an event exists exactly when its
change does, whoever made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from task_tracker.models import TaskEvent, TaskEventActor

EVENTS = TaskEvent.__table__
E = EVENTS.c
_SET_ACTOR = (
    update(TaskEventActor.__table__)
    .where(TaskEventActor.__table__.c.id == 1)
    .values(actor=bindparam("actor"))
)
_EVENTS = (
    select(EVENTS)
    .where(E.task_id == bindparam("task_id"), E.id < bindparam("before"))
    .order_by(E.id.desc())
    .limit(bindparam("limit"))
)


def set_actor(conn: Connection, actor: str | None) -> None:
    """Who the rest of this write transaction acts for (None: nobody, before commit)."""
    conn.execute(_SET_ACTOR, {"actor": actor})


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    version: int
    at: Any
    actor: str | None
    kind: str
    changes: dict[str, Any]


def _event(row: Any) -> Event:
    try:
        changes = json.loads(row.changes)
    except (TypeError, ValueError):
        changes = {}
    return Event(row.id, row.version, row.at, row.actor, row.kind, changes)


def task_history(
    conn: Connection, *, task_id: int, before: int | None = None, limit: int = 20
) -> list[Event]:
    """A task's events newest first, those with an id below `before` (a page's cursor)."""
    params = {"task_id": task_id, "before": before or 2**63 - 1, "limit": limit}
    return [_event(row) for row in conn.execute(_EVENTS, params)]
