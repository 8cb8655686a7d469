"""The task's shape as the outside world sees it (MCP results, export files), in pydantic."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from task_tracker.fields import DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, parse_tags

if TYPE_CHECKING:
    from task_tracker.store import TaskRow

DESCRIPTION_PREVIEW = 280

# An optional argument: None (or leaving it out) means "not given". The null branch is kept
# out of the published schema, which stays smaller and tells the model simply to omit it.
Omitted = SkipJsonSchema[None]

StatusName = Literal["pending", "in_progress", "complete"]
PriorityName = Literal["low", "medium", "high"]
StatusFilter = Literal["all", "open", "pending", "in_progress", "complete"]
StatusFilterArg = Annotated[StatusFilter, Field(description="'open' = pending or in_progress.")]

TaskId = Annotated[int, Field(description="The task's id.", ge=1, le=2**63 - 1)]
Title = Annotated[
    str,
    Field(
        description="Short summary; trimmed.",
        min_length=1,
        max_length=TITLE_MAX,
    ),
]
Description = Annotated[
    str, Field(description="Longer details, plain text or Markdown.", max_length=DESCRIPTION_MAX)
]
Tag = Annotated[str, Field(min_length=1, max_length=TAG_MAX, pattern=r"^[^\s,]+$")]
TagFilter = Annotated[Tag, Field(description="Only tasks with this tag.")]
Tags = Annotated[
    list[Tag],
    Field(
        description="Labels (no spaces/commas); lower-cased.",
        max_length=TAGS_MAX,
    ),
]
DueDate = Annotated[date, Field(description="Due date, ISO format YYYY-MM-DD.")]
ExpectedVersion = Annotated[
    int,
    Field(
        description="Fail if the task is no longer at this version.",
        ge=1,
    ),
]
Cursor = Annotated[
    str,
    Field(
        description="next_cursor from the previous page; omit for the first page.", max_length=100
    ),
]


class TaskOut(BaseModel):
    # No docstring on purpose: it would be repeated in every tool's outputSchema.

    id: int
    title: str
    description: str
    status: StatusName
    priority: PriorityName
    tags: list[str]
    due_date: date | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int

    def json_size_estimate(self) -> int:
        """A cheap over-estimate of this task's JSON size, for page budgets."""
        return 300 + len(self.title) + len(self.description) + sum(len(t) + 3 for t in self.tags)

    @classmethod
    def of(cls, task: TaskRow, *, preview: bool = False, **extra: Any) -> Self:
        """The task as stored; extra fields for subclasses (a search hit's snippet).

        Validated by pydantic-core, which measured twice as fast as model_construct's Python
        loop (this runs for every task of every page); the row's CHECK constraints mean it
        never fails.
        """
        description = task.description
        if preview and len(description) > DESCRIPTION_PREVIEW:
            description = description[: DESCRIPTION_PREVIEW - 1] + "…"
        return cls.model_validate(
            {
                "id": task.id,
                "title": task.title,
                "description": description,
                "status": task.status,
                "priority": task.priority,
                "tags": parse_tags(task.tags),
                "due_date": task.due_date,  # YYYY-MM-DD text, parsed by pydantic
                "created_at": task.created_at,
                "updated_at": task.updated_at,
                "completed_at": task.completed_at,
                "version": task.version,
                **extra,
            }
        )
