"""The shape of an export file: one header line, then one task record per line."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from task_tracker.schemas import (
    ACTOR_MAX,
    DESCRIPTION_MAX,
    ID_MAX,
    NOTE_MAX,
    PROJECT_NAME_MAX,
    TAGS_MAX,
    TITLE_MAX,
    VERSION_MAX,
    PriorityName,
    StatusName,
    Tag,
    TaskOut,
)
from task_tracker.schemas.structure import CRITERIA_MAX, CRITERION_MAX, Repeat

EXPORT_FORMAT = "task-tracker/1"


class NoteRecord(BaseModel):
    """One note of a task's work log, in an export file."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    actor: str | None = Field(default=None, max_length=ACTOR_MAX)
    text: str = Field(min_length=1, max_length=NOTE_MAX)
    # Left out of a plain note, so a file without handoffs reads as before revision 0021.
    kind: Literal["note", "handoff"] = Field(default="note", exclude_if=lambda k: k == "note")


class CriterionRecord(BaseModel):
    """One acceptance criterion, in an export file."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=CRITERION_MAX)
    checked: bool = False


LinkKind = Literal["discovered_from", "duplicate_of", "repeat_of"]


class ExportedTask(TaskOut):
    """A task as export writes it: as the tools show it, with its dependencies and notes.
    What its work asks (revision 0023) is left out when it has none, so a file of tasks
    without any reads as before."""

    depends_on: list[int]
    notes: list[NoteRecord]
    criteria: list[CriterionRecord] = Field(default=[], exclude_if=lambda v: not v)
    defer_until: AwareDatetime | None = Field(default=None, exclude_if=lambda v: v is None)
    repeat: str | None = Field(default=None, exclude_if=lambda v: v is None)
    links: dict[LinkKind, int] = Field(default={}, exclude_if=lambda v: not v)
    review: bool | None = Field(default=None, exclude_if=lambda v: v is None)
    submitted_by: str | None = Field(default=None, exclude_if=lambda v: v is None)


class TaskRecord(TaskOut):
    """One task in an export file: the MCP task shape, with every constraint enforced."""

    model_config = ConfigDict(extra="forbid")

    # (a record may leave its id out: import --new-ids numbers it)
    id: int | None = Field(default=None, ge=1, le=ID_MAX)  # type: ignore[assignment]
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    status: StatusName = "pending"
    priority: PriorityName = "medium"
    tags: Annotated[list[Tag], Field(max_length=TAGS_MAX)] = []
    due_date: date | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    completed_at: AwareDatetime | None = None
    version: int = Field(default=1, ge=1, le=VERSION_MAX)
    project: str | None = Field(default=None, min_length=1, max_length=PROJECT_NAME_MAX)
    # Ids of tasks in the same file (or, without new ids, already in the database).
    parent_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    depends_on: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = []
    notes: list[NoteRecord] = []
    criteria: Annotated[list[CriterionRecord], Field(max_length=CRITERIA_MAX)] = []
    defer_until: AwareDatetime | None = None
    repeat: Repeat | None = None
    # Ids as parent_id's are: of tasks in the file, or already in the database.
    links: dict[LinkKind, Annotated[int, Field(ge=1, le=ID_MAX)]] = {}
    review: bool | None = None
    submitted_by: str | None = Field(default=None, min_length=1, max_length=ACTOR_MAX)
