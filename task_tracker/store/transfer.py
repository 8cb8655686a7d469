"""Export every task as JSON and import them back, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from task_tracker.errors import InvalidInput, describe_validation_error
from task_tracker.schemas import EXPORT_FORMAT, Status, TaskOut, TaskRecord, shaped
from task_tracker.store.tasks import TASKS, T, TaskRow, insert_task


def iter_tasks(conn: Connection, *, batch: int = 1_000) -> Iterator[TaskRow]:
    """Every task in id order, loaded in batches."""
    yield from conn.execute(select(TASKS).order_by(T.id).execution_options(yield_per=batch))


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
        yield prefix + shaped(TaskOut, task).model_dump_json()
    yield "\n]}\n"


def parse_document(document: Any, *, new_ids: bool) -> list[TaskRecord]:
    """The records of an export document, each checked; InvalidInput names the first bad one."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput(f'not a task-tracker export: expected "format": "{EXPORT_FORMAT}"')
    tasks = document.get("tasks")
    if not isinstance(tasks, list):
        raise InvalidInput('not a task-tracker export: "tasks" must be a list')
    records = []
    for index, raw in enumerate(tasks, start=1):
        task_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            record = TaskRecord.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput(
                f"record {index} (id {task_id}): {describe_validation_error(exc)}; "
                "nothing was imported"
            ) from None
        if record.id is None and not new_ids:
            raise InvalidInput(
                f"record {index} has no id; pass --new-ids to add the tasks as new ones; "
                "nothing was imported"
            )
        records.append(record)
    return records


def import_records(conn: Connection, records: list[TaskRecord], *, new_ids: bool) -> int:
    """Insert every record (in the caller's transaction); return how many."""
    for index, record in enumerate(records, start=1):
        complete = record.status == Status.COMPLETE.value
        try:
            insert_task(
                conn,
                task_id=None if new_ids else record.id,
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
                + ("" if new_ids else " (use --new-ids to add them as new tasks)")
            ) from None
    return len(records)
