"""Arguments and results for projects, subtasks, dependencies and bulk planning."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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
    Field(description="Held by this name; '' = by no one.", max_length=ACTOR_MAX),
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
# Acceptance criteria: the definition of done, each a short text, ticked by its number.
CRITERIA_MAX = 20
CRITERION_MAX = 200
Criterion = Annotated[str, Field(min_length=1, max_length=CRITERION_MAX)]
Criteria = Annotated[
    list[Criterion],
    Field(description="Acceptance criteria (unchecked); [] removes.", max_length=CRITERIA_MAX),
]
# A number past the last criterion is refused naming how many there are.
Checked = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(description="Tick criteria by number (1 = first).", max_length=CRITERIA_MAX),
]
WithUnchecked = Annotated[bool, Field(description="Despite unchecked criteria.")]


# A day (its start) or a time, both read in the server's time zone unless the time has an
# offset. Published as one string: the two formats took 70 bytes more in each tool.
def _moment(value: object) -> datetime | date:
    """A date or an ISO time (Z and offsets allowed), else one error that says both."""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        try:
            text = value.strip()
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            pass
    raise PydanticCustomError(
        "moment",
        "{shown} is not a date or a time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM (the server's "
        "local time unless it ends in an offset such as Z or +02:00)",
        {"shown": repr(value)[:60]},
    )


DeferUntil = Annotated[
    datetime | date,
    PlainValidator(_moment),
    WithJsonSchema(
        {"type": "string", "description": "Date or ISO time: not offered by next_task till then."}
    ),
]
# The forms revision 0023's CHECK allows; '' (update_task) stops a task repeating.
REPEAT_PATTERN = (
    r"^(daily|weekly|monthly|weekdays|every [1-9][0-9]{0,2} days|every [1-9][0-9]? weeks)?$"
)
Repeat = Annotated[str, Field(pattern=REPEAT_PATTERN)]
ReviewFlag = Annotated[bool, Field(description="Needs another agent's review.")]
DiscoveredFrom = Annotated[int, Field(ge=1), IdRange]
DuplicateOf = Annotated[int, Field(description="Closes it as a copy of this.", ge=1), IdRange]
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
OrderArg = OrderName  # (the default is sort's own order; the other reverses it)


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


class CriterionOut(BaseModel):
    text: str
    checked: bool


class TaskDetailOut(TaskOut):
    criteria: list[CriterionOut]  # numbered from 1 in this order
    defer_until: datetime | None
    repeat: str | None
    # Typed links to other tasks by id, only those it has: discovered_from, duplicate_of,
    # repeat_of (the occurrence before).
    links: dict[str, int]
    review: bool | None  # None: as its project says
    submitted_by: str | None  # who completed it into review
    parent: TaskRefOut | None
    subtasks: list[TaskRefOut]
    depends_on: list[TaskRefOut]
    blocks: list[TaskRefOut]
    ready: bool
    claimed_by: str | None
    claimed_until: datetime | None
    paths: list[str]  # the files the running claim covers (claim_task's paths)
    history: list[EventOut]  # the last three changes, newest first
    notes: list[NoteOut]  # the latest handoff, then the last notes, newest first


class ClaimedOut(TaskDetailOut):
    reminder: str | None = Field(
        default=None, description="On release without a handoff note: leave one."
    )


class RestoredOut(TaskDetailOut):
    left_out: list[str] = Field(description="What could not come back, and why.")


class ProjectOut(BaseModel):
    name: str
    description: str
    archived: bool
    review: bool  # its tasks need review unless they say otherwise
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
    criteria: Criteria = []


class PlanOut(BaseModel):
    tasks: list[TaskOut] = Field(description="In the order given.")
    refs: dict[str, int] = Field(description="Each ref's new task id.")


class TasksOut(BaseModel):
    tasks: list[TaskOut]


class WrittenOut(TaskOut):
    next_occurrence: int | None = None  # a repeating task's next one, opened as it completed


# What add_task, update_task, complete_task and delete_task publish as their outputSchema:
# they answer with the whole task, as list_tasks shows one, but the schema names only what a
# model goes on with (the id, the version expected_version takes, the status). The whole
# task's schema took 468 bytes in each of the four, a seventh of the default tools/list.
WrittenTask = Annotated[
    TaskOut,
    WithJsonSchema(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "status": {"type": "string"},
                "version": {"type": "integer"},
            },
        }
    ),
]
