"""Export every task as JSON and import them back, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
)

from task_tracker.errors import InvalidInput, refuse_nul
from task_tracker.schemas import Status, shaped
from task_tracker.schemas.export import EXPORT_FORMAT, ExportedTask, TaskRecord
from task_tracker.store import history, notes, projects, workflow
from task_tracker.store.import_links import Links
from task_tracker.store.listing import count_by_status
from task_tracker.store.tasks import TASK_ROW, TASKS, T, TaskRow
from task_tracker.store.values import task_values
from task_tracker.validation import describe_validation_error

# A task's dependencies as a JSON array of ids, beside its columns in an export.
_DEPENDS_ON: ColumnElement[str] = literal_column(
    "(SELECT json_group_array(depends_on_id) FROM task_dependencies"
    " WHERE task_dependencies.task_id = tasks.id)"
).label("depends_on")


# Its notes, oldest first, as a JSON array of {at, actor, text, kind}.
_NOTES: ColumnElement[str] = literal_column(
    "(SELECT json_group_array(json_object('at', at, 'actor', actor, 'text', text, 'kind', kind))"
    " FROM (SELECT at, actor, text, kind FROM task_notes"
    " WHERE task_notes.task_id = tasks.id ORDER BY id))"
).label("notes")


def iter_tasks(conn: Connection, *, batch: int = 1_000) -> Iterator[TaskRow]:
    """Every task in id order with its project's name, dependencies and notes, loaded in
    batches."""
    query = select(*TASK_ROW, _DEPENDS_ON, _NOTES).order_by(T.id)
    yield from conn.execute(query.execution_options(yield_per=batch))  # type: ignore[misc]


def export_lines(conn: Connection, *, schema_revision: str) -> Iterator[str]:
    """The export document as JSON text, one task per line (streams at any size)."""
    header = {
        "format": EXPORT_FORMAT,
        "schema_revision": schema_revision,
        "exported_at": datetime.now(UTC).isoformat(),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "tasks": [\n'
    for index, task in enumerate(iter_tasks(conn)):
        prefix = "" if index == 0 else ",\n"
        exported = shaped(
            ExportedTask,
            task,
            depends_on=json.loads(task.depends_on),
            notes=json.loads(task.notes),
            criteria=workflow.criteria_of(task),
            defer_until=task.defer_until,
            repeat=task.repeat,
            links=workflow.links_of(task),
            review=task.review,
            submitted_by=task.submitted_by,
        )
        yield prefix + exported.model_dump_json()
    yield "\n]}\n"


BATCH = 1_000
# An import that brings most of the database's tasks (and at least this many) ends by merging
# the search index into one segment: it is written a batch at a time, and every query opens
# every segment (a search's lookup by rowid: 0.15 ms with the 18 segments a million tasks
# left, 7 us with one). Merging a million tasks' index takes ~8 s.
OPTIMIZE_MIN = 10_000


def check_header(header: dict[str, Any], *, finished: bool, tasks_seen: bool = True) -> None:
    """The export's own keys: its format (once seen, or required when the document is
    finished) and a "tasks" list."""
    wrong_format = InvalidInput(f'not a task-tracker export: expected "format": "{EXPORT_FORMAT}"')
    if header.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise wrong_format
    if not finished:
        return
    if "format" not in header:
        raise wrong_format
    if not tasks_seen:
        raise InvalidInput('not a task-tracker export: "tasks" must be a list')


def _record(index: int, raw: Any, *, new_ids: bool) -> TaskRecord:
    task_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        record = TaskRecord.model_validate(raw)
        refuse_nul("task", record)
    except ValidationError as exc:
        raise InvalidInput(
            f"record {index} (id {task_id}): {describe_validation_error(exc)}; nothing was imported"
        ) from None
    except InvalidInput as exc:
        raise InvalidInput(f"record {index} (id {task_id}): {exc}") from None
    if record.id is None and not new_ids:
        raise InvalidInput(
            f"record {index} has no id; pass --new-ids to add the tasks as new ones; "
            "nothing was imported"
        )
    return record


def _row(
    index: int, record: TaskRecord, *, new_ids: bool, project_ids: dict[str, int]
) -> dict[str, Any]:
    complete = record.status == Status.COMPLETE.value
    try:
        values = task_values(
            title=record.title,
            description=record.description,
            status=record.status,
            priority=record.priority,
            tags=record.tags,
            due_date=record.due_date,
            created_at=record.created_at,
            updated_at=record.updated_at,
            # Closed means closed at some time: the last update when the file has none.
            completed_at=(record.completed_at or record.updated_at) if complete else None,
            version=record.version,
        )
    except InvalidInput as exc:
        raise InvalidInput(
            f"record {index} (id {record.id}): {exc}; nothing was imported"
        ) from None
    # (Every row names the same columns: a batch is one multi-row INSERT.)
    values["project_id"] = project_ids[record.project] if record.project is not None else None
    values["criteria"] = workflow.encode_criteria([item.model_dump() for item in record.criteria])
    values["defer_until"] = record.defer_until
    values["repeat"] = record.repeat
    values["review"] = record.review
    values["submitted_by"] = record.submitted_by
    return {"id": None if new_ids else record.id, **values}


# Executed with a list of rows: SQLAlchemy sends them as multi-row INSERTs.
_INSERT = insert(TASKS)


# Row-by-row index maintenance (revisions 0001 and 0002) that an import does a batch at a time
# instead: measured per imported task, the FTS trigger costs 80 us and one INSERT ... SELECT
# per batch 24 us, which is what makes a bulk import 2x faster. The triggers are dropped
# inside the import's transaction and recreated, from their own stored SQL, before it
# commits: no other connection ever sees them missing, and a failed import rolls both back.
# History (revision 0011) likewise: an imported task's history starts with one "import"
# event, not a "create" event carrying all its text again (the export file has it).
BULK_TRIGGERS = ("tasks_fts_ai", "tasks_tags_ai", "task_events_ai")
_INDEX_BATCH = (
    "INSERT INTO task_events (task_id, version, at, actor, kind, changes) "
    "SELECT tasks.id, version, updated_at, NULL, 'import', '{{}}' FROM tasks WHERE {rows}",
    "INSERT INTO tasks_fts (rowid, title, description, tags) "
    "SELECT tasks.id, title, description, tags FROM tasks WHERE {rows}",
    "INSERT OR IGNORE INTO task_tags (task_id, tag) "
    "SELECT tasks.id, tag.value FROM tasks, json_each(tasks.tags) AS tag "
    "WHERE tag.type = 'text' AND {rows}",
)


# Into a database holding at most this many tasks, an import also drops the secondary indexes
# of tasks and task_tags and builds them again at the end: building an index from the sorted
# rows costs 4 us a task where keeping five up to date row by row cost 23 (100,000 tasks).
# Into a larger database, rebuilding would cost more than it saves.
REINDEX_MAX_EXISTING = 10_000


@contextmanager
def _batch_indexing(conn: Connection, *, reindex: bool) -> Iterator[None]:
    saved = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names"
        ).bindparams(bindparam("names", expanding=True)),
        {"names": list(BULK_TRIGGERS)},
    ).all()
    for name, _sql in saved:
        conn.execute(text(f"DROP TRIGGER {name}"))
    indexes: Sequence[Any] = []
    if reindex:  # (sql is NULL for the automatic indexes of primary keys: those stay)
        indexes = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN ('tasks', 'task_tags')"
            )
        ).all()
    for name, _sql in indexes:
        conn.execute(text(f"DROP INDEX {name}"))
    yield
    for _name, sql in [*indexes, *saved]:
        conn.execute(text(sql))


def _insert_batch(
    conn: Connection, rows: list[dict[str, Any]], first: int, *, new_ids: bool
) -> list[int]:
    """Insert the rows; returns their ids in the database, in order."""
    if new_ids:
        last = conn.scalar(select(func.max(T.id))) or 0
        conn.execute(_INSERT, [{k: v for k, v in r.items() if k != "id"} for r in rows])
        # AUTOINCREMENT ids only grow: this batch holds every id above the old maximum.
        where, params = "tasks.id > :last", {"last": last}
        ids = list(conn.scalars(select(T.id).where(T.id > last).order_by(T.id)))
    else:
        ids = [row["id"] for row in rows]
        taken = set(conn.scalars(select(T.id).where(T.id.in_(ids))))
        seen: set[int] = set()
        for offset, task_id in enumerate(ids):
            if task_id in taken or task_id in seen:
                raise InvalidInput(
                    f"record {first + offset} (id {task_id}): a task with id {task_id} already "
                    "exists; nothing was imported (use --new-ids to add them as new tasks)"
                )
            seen.add(task_id)
        conn.execute(_INSERT, rows)
        where = f"tasks.id IN ({', '.join(str(int(task_id)) for task_id in ids)})"
        params = {}
    for statement in _INDEX_BATCH:
        conn.execute(text(statement.format(rows=where)), params)
    return ids


def import_records(
    conn: Connection,
    raws: Iterable[Any],
    *,
    new_ids: bool,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Check and insert every record, BATCH at a time (in the caller's transaction, so all
    of them or none): memory stays bounded however many there are. Returns how many."""
    rows: list[dict[str, Any]] = []
    batch: list[tuple[int, TaskRecord]] = []
    count = 0
    existing = count_by_status(conn, status=None)
    project_ids: dict[str, int] = {}
    links = Links(new_ids)
    links.start(conn)

    def insert_batch() -> None:
        ids = _insert_batch(conn, rows, count - len(rows) + 1, new_ids=new_ids)
        links.add(conn, batch, ids)
        notes.put_back(
            conn,
            [
                {
                    "id": None,
                    "task_id": task_id,
                    "at": note.at.astimezone(UTC).isoformat(timespec="microseconds"),
                    "actor": note.actor,
                    "text": note.text,
                    "kind": note.kind,
                }
                for (_, record), task_id in zip(batch, ids, strict=True)
                for note in record.notes
            ],
        )
        rows.clear()
        batch.clear()

    with _batch_indexing(conn, reindex=existing <= REINDEX_MAX_EXISTING):
        for count, raw in enumerate(raws, start=1):
            record = _record(count, raw, new_ids=new_ids)
            if record.project is not None and record.project not in project_ids:
                project_ids[record.project] = projects.project_id(conn, record.project, create=True)
            rows.append(_row(count, record, new_ids=new_ids, project_ids=project_ids))
            batch.append((count, record))
            if len(rows) == BATCH:
                insert_batch()
                if progress is not None:
                    progress(count)
        if rows:
            insert_batch()
    # Parents and dependencies set from the file are events of kind "import" too.
    history.set_actor(conn, None, kind="import")
    links.finish(conn)
    history.set_actor(conn, None)
    if count >= OPTIMIZE_MIN and count >= existing:
        conn.execute(text("INSERT INTO tasks_fts (tasks_fts) VALUES ('optimize')"))
    if progress is not None:
        progress(count)
    return count
