"""A task's vocabulary and limits. No dependencies: the MCP layer loads it before SQLAlchemy."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
TAG_MAX = 40
TAGS_MAX = 20


class Status(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_tags(text: str) -> list[str]:
    """tasks.tags as stored (JSON array text) -> the tag list; tolerant of hand edits."""
    value = json.loads(text)
    return [tag for tag in value if isinstance(tag, str)] if isinstance(value, list) else []
