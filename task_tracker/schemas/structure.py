"""Arguments and results for projects, subtasks, dependencies and bulk planning."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from task_tracker.schemas import (
    ACTOR_MAX,
    PROJECT_NAME_MAX,
    TAG_MAX,
    Description,
    DueDate,
    IdRange,
    PriorityName,
    Tags,
    TaskOut,
    Title,
)

DEPENDS_MAX = 50
# How many of a task's notes get_task shows, newest first (task_history has every one).
NOTES_SHOWN = 5
# A claim's lease: how long an agent holds a task unless it renews (claim_task).
LEASE_MINUTES_DEFAULT = 30
LEASE_MINUTES_MAX = 24 * 60
PLAN_MAX = 100
REF_PATTERN = r"^[A-Za-z0-9_.-]+$"

ProjectName = Annotated[
    str, Field(description="Project name.", min_length=1, max_length=PROJECT_NAME_MAX)
]
ProjectChange = Annotated[
    str, Field(description="Project name; '' for none.", max_length=PROJECT_NAME_MAX)
]
ClaimedBy = Annotated[
    str,
    Field(description="Held by this name (live claim); '' = by no one.", max_length=ACTOR_MAX),
]
CreateProject = Annotated[bool, Field(description="Create the project if new.")]
ParentId = Annotated[int, Field(description="Parent task (makes a subtask).", ge=1), IdRange]
ParentChange = Annotated[int, Field(description="Parent task; 0 for none.", ge=0), IdRange]
DependencyId = Annotated[int, Field(ge=1), IdRange]
DependsOn = Annotated[
    list[DependencyId],
    Field(description="Tasks to complete first.", max_length=DEPENDS_MAX),
]
DependsOnChange = Annotated[
    list[DependencyId],
    Field(description="Replaces tasks to complete first.", max_length=DEPENDS_MAX),
]
WithSubtasks = Annotated[bool, Field(description="Also act on its subtasks.")]
Ref = Annotated[str, Field(min_length=1, max_length=TAG_MAX, pattern=REF_PATTERN)]
ClosedStatus = Literal["complete", "cancelled"]
SortName = Literal["id", "priority", "due_date", "updated_at"]
OrderName = Literal["asc", "desc"]
# The order a sort takes when none is asked for: the one a person usually wants first.
DEFAULT_ORDER = {"id": "asc", "priority": "desc", "due_date": "asc", "updated_at": "desc"}
SortArg = Annotated[
    SortName,
    Field(description="id, due_date: ascending (undated last); priority, updated_at: descending."),
]
OrderArg = Annotated[OrderName, Field(description="Default as in sort; the other reverses.")]


class TaskRefOut(BaseModel):
    id: int
    title: str
    status: str


class EventOut(BaseModel):
    version: int
    at: datetime
    actor: str | None
    kind: str
    changes: dict[str, Any]


class HistoryPageOut(BaseModel):
    events: list[EventOut] = Field(description="Newest first.")
    next_cursor: str | None


class NoteOut(BaseModel):
    at: datetime
    actor: str | None
    text: str
    kind: Literal["note", "handoff"] = "note"


class TaskDetailOut(TaskOut):
    parent: TaskRefOut | None
    subtasks: list[TaskRefOut]
    depends_on: list[TaskRefOut]
    blocks: list[TaskRefOut]
    ready: bool
    claimed_by: str | None
    claimed_until: datetime | None
    history: list[EventOut]  # the last three changes, newest first
    notes: list[NoteOut]  # the latest handoff, then the last notes, newest first


class ClaimedOut(TaskDetailOut):
    reminder: str | None = Field(
        default=None, description="On release without a handoff note: leave one."
    )
    paths: list[str] = Field(default=[], description="The files your claim covers.")


class RestoredOut(TaskDetailOut):
    left_out: list[str] = Field(description="What could not come back, and why.")


class ProjectOut(BaseModel):
    name: str
    description: str
    archived: bool
    open: int
    complete: int
    cancelled: int


class ProjectsOut(BaseModel):
    projects: list[ProjectOut]


class PlanItem(BaseModel):
    """One task of a plan; parent and depends_on take another item's ref or a task id."""

    model_config = ConfigDict(extra="forbid")

    ref: Ref | None = Field(default=None, description="Local key other items refer to.")
    title: Title
    description: Description = ""
    priority: PriorityName = "medium"
    tags: Tags = []
    due_date: DueDate | None = None
    project: ProjectName | None = None
    parent: Ref | DependencyId | None = Field(default=None, description="Earlier item's ref or id.")
    depends_on: list[Ref | DependencyId] = Field(default=[], max_length=DEPENDS_MAX)


class PlanOut(BaseModel):
    tasks: list[TaskOut] = Field(description="In the order given.")
    refs: dict[str, int] = Field(description="Each ref's new task id.")


class TasksOut(BaseModel):
    tasks: list[TaskOut]
