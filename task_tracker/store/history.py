"""History: the events the database triggers of revision 0011 write for every change.

The store only names who acts (inside the caller's write transaction: the one-row table
task_event_actor on SQLite, transaction-local settings on PostgreSQL) and reads events
back; it never writes an event itself, so an event exists exactly when its change does,
whoever made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, text, update

from task_tracker.errors import NoSuchVersion
from task_tracker.models import TaskEvent, TaskEventActor, table_of
from task_tracker.store.projects import P
from task_tracker.store.tasks import TaskRow, update_task

EVENTS = table_of(TaskEvent)
E = EVENTS.c
_SET_ACTOR = (
    update(table_of(TaskEventActor))
    .where(table_of(TaskEventActor).c.id == 1)
    .values(actor=bindparam("actor"), kind=bindparam("kind"))
)
# PostgreSQL: settings that end with the transaction, so concurrent writers share no row.
_SET_ACTOR_PG = text(
    "SELECT set_config('task_tracker.actor', coalesce(:actor, ''), true),"
    " set_config('task_tracker.kind', coalesce(:kind, ''), true)"
)
_EVENTS = (
    select(EVENTS)
    .where(E.task_id == bindparam("task_id"), E.id < bindparam("before"))
    .order_by(E.id.desc())
    .limit(bindparam("limit"))
)


def set_actor(conn: Connection, actor: str | None, *, kind: str | None = None) -> None:
    """Who the rest of this write transaction acts for (None: nobody, before commit), and
    the kind its events are (None: as the change is)."""
    statement = _SET_ACTOR_PG if conn.dialect.name == "postgresql" else _SET_ACTOR
    conn.execute(statement, {"actor": actor, "kind": kind})


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    version: int
    at: Any
    actor: str | None
    kind: str
    changes: dict[str, Any]


def _changes(text: str) -> dict[str, Any]:
    try:
        changes = json.loads(text)
    except (TypeError, ValueError):  # an event edited by hand into something else
        return {}
    return changes if isinstance(changes, dict) else {}


def _event(row: Any) -> Event:
    return Event(row.id, row.version, row.at, row.actor, row.kind, _changes(row.changes))


def task_history(
    conn: Connection, *, task_id: int, before: int | None = None, limit: int = 20
) -> list[Event]:
    """A task's events newest first, those with an id below `before` (a page's cursor),
    each change as [old, new]."""
    params = {"task_id": task_id, "before": before or 2**63 - 1, "limit": limit}
    events = [_event(row) for row in conn.execute(_EVENTS, params)]
    _fill_old_values(conn, task_id, events)
    return events


_EARLIER = (
    select(E.changes)
    .where(E.task_id == bindparam("task_id"), E.id < bindparam("before"))
    .order_by(E.id.desc())
)


def _fill_old_values(conn: Connection, task_id: int, events: list[Event]) -> None:
    """Revision 0020 keeps a changed title or description as [new] when an earlier event
    holds the field: its old value is the new one of the nearest earlier event with it,
    found in the page itself (walked oldest first) or, for the oldest, before it."""
    latest: dict[str, list[Any]] = {}  # field -> its newest pair so far
    unknown: dict[str, list[Any]] = {}  # field -> its oldest [new] in the page
    for event in reversed(events):
        for field, pair in event.changes.items():
            if not isinstance(pair, list) or not pair:
                continue
            if len(pair) == 1:
                if field in latest:
                    pair.insert(0, latest[field][-1])
                else:
                    unknown[field] = pair
            latest[field] = pair
    if not unknown:
        return
    for (stored,) in conn.execute(_EARLIER, {"task_id": task_id, "before": events[-1].id}):
        for field, pair in _changes(stored).items():
            if field in unknown and isinstance(pair, list) and pair:
                unknown.pop(field).insert(0, pair[-1])
        if not unknown:
            return
    for pair in unknown.values():  # the earlier events were edited away by hand
        pair.insert(0, None)


# The fields a revert restores; claims are who works on it now, not what it was.
REVERTED = (
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "due_date",
    "project_id",
    "parent_id",
)
_REPLAY = select(E.version, E.kind, E.changes).where(E.task_id == bindparam("task_id"))


def fields_at(conn: Connection, *, task_id: int, version: int) -> dict[str, Any]:
    """The task's fields as they were at `version`, replayed from its events (after the last
    event of that version: hand edits share the version they found)."""
    fields: dict[str, Any] = {}
    started = False
    last = 0
    for row in conn.execute(_REPLAY.order_by(E.id), {"task_id": task_id}):
        if row.version > version:
            break
        if row.kind == "create":
            started = True
        elif not started:
            break
        for field, pair in _changes(row.changes).items():
            fields[field] = pair[-1]  # (revision 0020 keeps some as [new])
        last = row.version
    if not started or last != version:
        first = conn.scalar(
            select(E.version).where(E.task_id == task_id, E.kind == "create").limit(1)
        )
        raise NoSuchVersion(task_id, version, first)
    return {field: fields.get(field) for field in REVERTED}


def revert_task(
    conn: Connection, *, task_id: int, version: int, expected_version: int | None = None
) -> TaskRow:
    """Give the task its fields as they were at `version` again: a new version, whose event
    the caller names "revert" (set_actor). Subtasks, dependencies and claims stay as now."""
    old = fields_at(conn, task_id=task_id, version=version)
    project = ""
    if old["project_id"] is not None:
        project = conn.scalar(select(P.name).where(P.id == old["project_id"])) or ""
    due = old["due_date"]
    return update_task(
        conn,
        task_id=task_id,
        title=old["title"],
        description=old["description"],
        status=old["status"],
        priority=old["priority"],
        tags=old["tags"] or [],
        due_date=date.fromisoformat(due) if due else None,
        project=project,
        parent_id=old["parent_id"] or 0,
        expected_version=expected_version,
    )
