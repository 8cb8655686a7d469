"""Notes: a short append-only work log per task (what was tried, links). Each note is also
a 'note' event in the task's history, by a trigger of revision 0013."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy import text as sql

from task_tracker.errors import InvalidInput
from task_tracker.models import TaskNote, table_of
from task_tracker.schemas import utcnow
from task_tracker.store.tasks import TaskRow, get_task

NOTES = table_of(TaskNote)
_ADD = insert(NOTES).returning(NOTES.c.id)


def add_note(conn: Connection, *, task_id: int, text: str, actor: str | None) -> TaskRow:
    """Append a note to the task; returns the task."""
    task = get_task(conn, task_id=task_id)
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("text must contain at least one non-space character.")
    conn.execute(_ADD, {"task_id": task_id, "at": utcnow(), "actor": actor, "text": cleaned})
    return task


_RECENT = (
    select(NOTES.c.at, NOTES.c.actor, NOTES.c.text)
    .where(NOTES.c.task_id == bindparam("task_id"))
    .order_by(NOTES.c.id.desc())
    .limit(bindparam("limit"))
)


def recent_notes(conn: Connection, *, task_id: int, limit: int) -> list[Any]:
    """The task's last `limit` notes (at, actor, text), newest first."""
    return list(conn.execute(_RECENT, {"task_id": task_id, "limit": limit}))


def note_rows(conn: Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The notes of these tasks as stored (text as in the database), for the trash."""
    marks = ", ".join(str(int(i)) for i in ids)
    query = f"SELECT id, task_id, at, actor, text FROM task_notes WHERE task_id IN ({marks})"
    return [dict(row._mapping) for row in conn.execute(sql(query))]


def put_back(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Notes from the trash, with their ids (their history events were kept)."""
    if rows:
        conn.execute(
            sql(
                "INSERT INTO task_notes (id, task_id, at, actor, text)"
                " VALUES (:id, :task_id, :at, :actor, :text) ON CONFLICT DO NOTHING"
            ),
            rows,
        )
