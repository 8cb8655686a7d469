"""The words every face shares for a task's state, defined once: statuses (which are open,
which closed) and priorities. Plain enums, so the command line's parser reads them without
loading the schemas (pydantic)."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    # Done by the agent that did it, waiting for another's review (revision 0024).
    IN_REVIEW = "in_review"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


OPEN_STATUSES = (Status.PENDING.value, Status.IN_PROGRESS.value, Status.IN_REVIEW.value)
CLOSED_STATUSES = (Status.COMPLETE.value, Status.CANCELLED.value)
STATUSES = tuple(status.value for status in Status)
PRIORITIES = tuple(priority.value for priority in Priority)
