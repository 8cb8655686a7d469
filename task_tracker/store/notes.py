"""Notes: a short append-only work log per task (what was tried, links). Each note is also
a 'note' event in the task's history, by a trigger of revision 0013."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy import text as sql

from task_tracker.errors import InvalidInput
from task_tracker.models import TaskNote, table_of
from task_tracker.schemas import utcnow
from task_tracker.store.history import EVENTS
from task_tracker.store.tasks import TaskRow, get_task

NOTES = table_of(TaskNote)
_ADD = insert(NOTES).returning(NOTES.c.id)


def add_note(
    conn: Connection, *, task_id: int, text: str, actor: str | None, kind: str = "note"
) -> TaskRow:
    """Append a note (kind 'note', or 'handoff' for whoever takes the task next) to the
    task; returns the task."""
    task = get_task(conn, task_id=task_id)
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("text must contain at least one non-space character.")
    note = {"task_id": task_id, "at": utcnow(), "actor": actor, "text": cleaned, "kind": kind}
    conn.execute(_ADD, note)
    return task


_COLUMNS = (NOTES.c.id, NOTES.c.at, NOTES.c.actor, NOTES.c.text, NOTES.c.kind)
_RECENT = (
    select(*_COLUMNS)
    .where(NOTES.c.task_id == bindparam("task_id"))
    .order_by(NOTES.c.id.desc())
    .limit(bindparam("limit"))
)
_HANDOFF = (
    select(*_COLUMNS)
    .where(NOTES.c.task_id == bindparam("task_id"), NOTES.c.kind == "handoff")
    .order_by(NOTES.c.id.desc())
    .limit(1)
)


def recent_notes(conn: Connection, *, task_id: int, limit: int) -> list[Any]:
    """The task's last `limit` notes (id, at, actor, text, kind), newest first, with its
    latest handoff first of all (however old: it is what the next agent needs)."""
    recent = list(conn.execute(_RECENT, {"task_id": task_id, "limit": limit}))
    handoff = conn.execute(_HANDOFF, {"task_id": task_id}).first()
    if handoff is None:
        return recent
    return [handoff, *[note for note in recent if note.id != handoff.id]][:limit]


def left_handoff(conn: Connection, *, task_id: int, actor: str) -> bool:
    """Whether actor left a handoff on the task since they last claimed it (ever, if they
    never did)."""
    claimed = conn.scalar(
        select(EVENTS.c.at)
        .where(EVENTS.c.task_id == task_id, EVENTS.c.actor == actor, EVENTS.c.kind == "claim")
        .order_by(EVENTS.c.id.desc())
        .limit(1)
    )
    handoff = select(NOTES.c.id).where(
        NOTES.c.task_id == task_id, NOTES.c.kind == "handoff", NOTES.c.actor == actor
    )
    if claimed is not None:
        handoff = handoff.where(NOTES.c.at >= claimed)
    return conn.execute(handoff.limit(1)).first() is not None


def note_rows(conn: Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The notes of these tasks as stored (text as in the database), for the trash."""
    marks = ", ".join(str(int(i)) for i in ids)
    query = f"SELECT id, task_id, at, actor, text, kind FROM task_notes WHERE task_id IN ({marks})"
    return [dict(row._mapping) for row in conn.execute(sql(query))]


def put_back(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Notes from the trash, with their ids (their history events were kept)."""
    if rows:
        conn.execute(
            sql(
                "INSERT INTO task_notes (id, task_id, at, actor, text, kind)"
                " VALUES (:id, :task_id, :at, :actor, :text, :kind) ON CONFLICT DO NOTHING"
            ),
            [{"kind": "note", **row} for row in rows],  # (trash kept before 0021: notes)
        )
