"""Export all tasks to JSON and import them back, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, ConfigDict, Field, ValidationError
from sqlalchemy import Engine

from task_tracker import store
from task_tracker.db import HEAD_REVISION, read_transaction, write_transaction
from task_tracker.errors import InvalidInput
from task_tracker.fields import DESCRIPTION_MAX, TAGS_MAX, TITLE_MAX
from task_tracker.schemas import Tag, TaskOut

FORMAT = "task-tracker/1"


class TaskRecord(TaskOut):
    """One task in an export file: the MCP task shape, with every constraint enforced."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    tags: Annotated[list[Tag], Field(max_length=TAGS_MAX)] = []
    created_at: AwareDatetime
    updated_at: AwareDatetime
    completed_at: AwareDatetime | None = None
    version: int = Field(default=1, ge=1)


def export_lines(engine: Engine) -> Iterator[str]:
    """The export document as JSON text, one task per line (streams at any size)."""
    header = {
        "format": FORMAT,
        "schema_revision": HEAD_REVISION,
        "exported_at": datetime.now(UTC).isoformat(),
    }
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "tasks": [\n'
    with read_transaction(engine) as conn:
        for index, task in enumerate(store.iter_tasks(conn)):
            prefix = "" if index == 0 else ",\n"
            yield prefix + TaskOut.of(task).model_dump_json()
    yield "\n]}\n"


def _records(document: Any) -> list[TaskRecord]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f'not a task-tracker export: expected "format": "{FORMAT}"')
    tasks = document.get("tasks")
    if not isinstance(tasks, list):
        raise InvalidInput('not a task-tracker export: "tasks" must be a list')
    records = []
    for index, raw in enumerate(tasks, start=1):
        try:
            records.append(TaskRecord.model_validate(raw))
        except ValidationError as exc:
            task_id = raw.get("id") if isinstance(raw, dict) else None
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"]) or "record"
            raise InvalidInput(
                f"record {index} (id {task_id}): {where}: {error['msg']}; nothing was imported"
            ) from None
    return records


def import_document(engine: Engine, document: Any, *, new_ids: bool = False) -> int:
    """Insert every task of an export in one transaction; return how many."""
    records = _records(document)
    with write_transaction(engine) as conn:
        for index, record in enumerate(records, start=1):
            try:
                store.insert_task(
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
                    completed_at=record.completed_at,
                    version=record.version,
                )
            except InvalidInput as exc:
                raise InvalidInput(
                    f"record {index} (id {record.id}): {exc}; nothing was imported"
                    + ("" if new_ids else " (use --new-ids to add them as new tasks)")
                ) from None
    return len(records)
