"""The trash: a deleted task, its subtasks and their dependencies kept as one JSON entry.

Deleting moves the rows out of `tasks` (so every read, count and search leaves them out
without a filter of its own) into `trash`; restoring puts them back with the same ids (ids
are never reused, so they are still free). An entry is purged after TRASH_DAYS, or at once
on request; purging deletes the tasks' history too. delete_task deletes a live task for good
(with its subtasks when asked).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update

from task_tracker.config import trash_days
from task_tracker.errors import Refused
from task_tracker.models import TaskEvent, TrashEntry, TrashTask, table_of
from task_tracker.schemas import StoredRow, utcnow
from task_tracker.store import notes, structure
from task_tracker.store.structure import TASKS, D, T
from task_tracker.store.tasks import DELETE_TASK, TaskRow, check_version, get_task
from task_tracker.store.workflow import LINKS

TRASH = table_of(TrashEntry)
TRASH_TASKS = table_of(TrashTask)
EVENTS = table_of(TaskEvent)


def _rows(conn: Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The tasks' rows as stored (text as in the database), for putting back unchanged."""
    columns = ", ".join(c.name for c in TASKS.columns)
    marks = ", ".join(str(int(i)) for i in ids)
    found = conn.execute(text(f"SELECT {columns} FROM tasks WHERE id IN ({marks})"))
    return [dict(row._mapping) for row in found]


def _as_text(value: Any) -> str:
    """A value PostgreSQL returns typed (a timestamp, a day), as the text it reads back."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a task row")


def delete_task(
    conn: Connection,
    *,
    task_id: int,
    expected_version: int | None = None,
    with_subtasks: bool = False,
) -> TaskRow:
    """Delete a task; with_subtasks: and its subtasks, at any depth (else refused if it has
    any). Dependencies on it go with it."""
    task = get_task(conn, task_id=task_id)
    check_version(task, expected_version)
    below = structure.subtasks_in_the_way(
        conn, task_id, action="delete", with_subtasks=with_subtasks
    )
    if below:  # named, not left to ON DELETE CASCADE, which needs foreign keys on
        structure.delete_subtree(conn, task_id, below)
    else:
        conn.execute(DELETE_TASK, {"task_id": task_id})
    return task


def trash_task(
    conn: Connection,
    *,
    task_id: int,
    actor: str | None,
    expected_version: int | None = None,
    with_subtasks: bool = False,
) -> TaskRow:
    """Move a task (with_subtasks: and its subtasks; else refused if it has any) to the
    trash, with every dependency on or of them."""
    task = get_task(conn, task_id=task_id)
    check_version(task, expected_version)
    below = structure.subtasks_in_the_way(
        conn, task_id, action="delete", with_subtasks=with_subtasks
    )
    ids = [task_id, *(subtask.id for subtask in below)]
    deps = conn.execute(
        select(D.task_id, D.depends_on_id).where(D.task_id.in_(ids) | D.depends_on_id.in_(ids))
    ).all()
    content = {
        "tasks": _rows(conn, ids),
        "dependencies": [list(pair) for pair in deps],
        "notes": notes.note_rows(conn, ids),
    }
    entry = conn.execute(
        insert(TRASH).returning(TRASH.c.id),
        {
            "task_id": task_id,
            "title": task.title,
            "deleted_at": utcnow(),
            "deleted_by": actor,
            "content": json.dumps(
                content, ensure_ascii=False, separators=(",", ":"), default=_as_text
            ),
        },
    ).scalar_one()
    conn.execute(insert(TRASH_TASKS), [{"task_id": i, "trash_id": entry} for i in ids])
    structure.delete_subtree(conn, task_id, below)
    purge_expired(conn)
    return task


def _entry_of(conn: Connection, task_id: int) -> Any:
    query = select(TRASH).join(TRASH_TASKS, TRASH_TASKS.c.trash_id == TRASH.c.id)
    return conn.execute(query.where(TRASH_TASKS.c.task_id == task_id)).first()


def restore_task(conn: Connection, *, task_id: int) -> tuple[TaskRow, list[tuple[int, int]]]:
    """Put back the trash entry holding task_id (the task deleted with it, its subtasks and
    their dependencies). A parent or a dependency that is gone by now is left out; returns
    the restored task and the dependencies left out."""
    entry = _entry_of(conn, task_id)
    if entry is None:
        get_task(conn, task_id=task_id)  # an unknown id: not found
        raise Refused(f"Task #{task_id} is not in the trash: there is nothing to restore.")
    content = json.loads(entry.content)
    rows = content["tasks"]
    restored = {row["id"] for row in rows}
    pointers = ("parent_id", *LINKS)
    outside = {
        row[name] for row in rows for name in pointers if row.get(name) not in restored | {None}
    }
    existing = set(conn.scalars(select(T.id).where(T.id.in_(outside))))
    for row in rows:
        for name in pointers:
            if row.get(name) in outside - existing:
                # Its parent is gone: it comes back top-level; a link to a task gone is gone.
                row[name] = None
    columns = [c.name for c in TASKS.columns]
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    conn.execute(delete(TRASH_TASKS).where(TRASH_TASKS.c.trash_id == entry.id))
    conn.execute(delete(TRASH).where(TRASH.c.id == entry.id))
    last_event = conn.scalar(select(func.max(EVENTS.c.id))) or 0
    # Parents first: with foreign keys on, a subtask needs its parent in place. A parent has
    # the smaller id unless it was re-parented later, so put back in dependency order.
    put_back: set[int] = set()
    for row in _parents_first(rows):
        for name in LINKS:  # (a link to one restored after it would not hold yet: dropped)
            if row.get(name) in restored - put_back:
                row[name] = None
        put_back.add(row["id"])
        conn.execute(
            text(f"INSERT INTO tasks ({names}) VALUES ({values})"),
            {c: row.get(c) for c in columns},
        )
    ends = {i for pair in content["dependencies"] for i in pair}
    alive = set(conn.scalars(select(T.id).where(T.id.in_(ends))))
    kept: list[tuple[int, int]] = []
    dropped: list[tuple[int, int]] = []
    for task, dep in content["dependencies"]:
        (kept if task in alive and dep in alive else dropped).append((task, dep))
    if kept:
        conn.execute(
            text(
                "INSERT INTO task_dependencies (task_id, depends_on_id)"
                " VALUES (:task_id, :depends_on_id) ON CONFLICT DO NOTHING"
            ),
            [{"task_id": a, "depends_on_id": b} for a, b in kept],
        )
    notes.put_back(conn, content.get("notes", []))
    # The insert trigger dates a task's first event by its created_at; a restore happens now,
    # after the delete it undoes.
    conn.execute(
        update(EVENTS)
        .where(EVENTS.c.id > last_event, EVENTS.c.task_id.in_(restored))
        .values(at=utcnow())
    )
    return get_task(conn, task_id=task_id), dropped


_EXPIRED = select(TRASH.c.id).where(
    TRASH.c.deleted_at < bindparam("before", type_=TRASH.c.deleted_at.type)
)


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {row["id"]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    placed: set[int] = set()

    def place(row: dict[str, Any]) -> None:
        if row["id"] in placed:
            return
        placed.add(row["id"])
        parent = by_id.get(row.get("parent_id"))
        if parent is not None:
            place(parent)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


_ENTRIES = (
    select(
        TRASH.c.task_id,
        TRASH.c.title,
        TRASH.c.deleted_at,
        TRASH.c.deleted_by,
        select(func.count())
        .where(TRASH_TASKS.c.trash_id == TRASH.c.id)
        .scalar_subquery()
        .label("tasks"),
    )
    .order_by(TRASH.c.id.desc())
    .limit(bindparam("limit"))
)


def trash_entries(conn: Connection, *, limit: int) -> tuple[list[Any], int]:
    """The newest `limit` trash entries (task_id, title, deleted_at, deleted_by, how many
    tasks), and how many entries there are."""
    return list(conn.execute(_ENTRIES, {"limit": limit})), conn.scalar(
        select(func.count()).select_from(TRASH)
    ) or 0


def purge_expired(conn: Connection) -> int:
    """Delete for good what has been in the trash longer than trash_days()."""
    expired = list(conn.scalars(_EXPIRED, {"before": utcnow() - timedelta(days=trash_days())}))
    return purge(conn, expired)


def purge(conn: Connection, entry_ids: list[int]) -> int:
    """Delete trash entries for good, with their tasks' history."""
    if not entry_ids:
        return 0
    ids = list(
        conn.scalars(select(TRASH_TASKS.c.task_id).where(TRASH_TASKS.c.trash_id.in_(entry_ids)))
    )
    conn.execute(delete(EVENTS).where(EVENTS.c.task_id.in_(ids)))
    conn.execute(delete(TRASH_TASKS).where(TRASH_TASKS.c.trash_id.in_(entry_ids)))
    conn.execute(delete(TRASH).where(TRASH.c.id.in_(entry_ids)))
    return len(entry_ids)


def delete_for_good(
    conn: Connection,
    *,
    task_id: int,
    expected_version: int | None = None,
    with_subtasks: bool = False,
) -> TaskRow:
    """Delete a live task (as delete_task) or the trash entry holding it, for good;
    its history goes with it. Returns the task as it was."""
    entry = _entry_of(conn, task_id)
    if entry is None:
        return delete_task(
            conn, task_id=task_id, expected_version=expected_version, with_subtasks=with_subtasks
        )
    row = next(r for r in json.loads(entry.content)["tasks"] if r["id"] == task_id)
    purge(conn, [entry.id])
    return StoredRow({**row, "project": None})  # (its project's name is not kept)
