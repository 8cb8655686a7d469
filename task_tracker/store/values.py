"""A task's column values as stored: the title trimmed, tags normalized (for add_task,
update_task and import)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from task_tracker.errors import InvalidInput


def normalize_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise InvalidInput("title must contain at least one non-space character.")
    return cleaned


def normalize_tags(tags: Iterable[str]) -> str:
    """Trimmed, lower-cased, de-duplicated (first occurrence wins), as JSON array text."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = tag.strip().lower()
        if not cleaned:
            raise InvalidInput("tags must not be blank.")
        seen.setdefault(cleaned, None)
    return json.dumps(list(seen), ensure_ascii=False, separators=(",", ":"))


def task_values(
    *,
    title: str,
    description: str,
    status: str,
    priority: str,
    tags: Sequence[str],
    due_date: date | None,
    created_at: datetime,
    updated_at: datetime,
    completed_at: datetime | None,
    version: int,
) -> dict[str, Any]:
    """A new task's column values, normalized as stored (for add_task and import)."""
    return {
        "title": normalize_title(title),
        "description": description,
        "status": status,
        "priority": priority,
        "tags": normalize_tags(tags),
        "due_date": due_date.isoformat() if due_date else None,
        "created_at": created_at,
        "updated_at": updated_at,
        "completed_at": completed_at,
        "version": version,
    }
