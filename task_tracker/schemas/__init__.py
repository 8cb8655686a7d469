"""Every input and output model and every limit, in one place.

The vocabulary (statuses, priorities), the limits (lengths, page sizes, caps), the argument
types that give the tools their inputSchema, and the models of what tools return and what an
export file holds. Depends on pydantic only: the MCP layer loads it before SQLAlchemy.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import AfterValidator, BaseModel, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from task_tracker.schemas.rows import StoredRow, TaskRow
from task_tracker.vocabulary import (  # (re-exported: every layer reads them from here)
    CLOSED_STATUSES as CLOSED_STATUSES,
)
from task_tracker.vocabulary import (
    OPEN_STATUSES as OPEN_STATUSES,
)
from task_tracker.vocabulary import (
    Priority as Priority,
)
from task_tracker.vocabulary import (
    Status as Status,
)

# --- limits -------------------------------------------------------------------------------------

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
TAG_MAX = 40
PROJECT_NAME_MAX = 100
NOTE_MAX = 2_000
# Who claims a task: a client's name, TASK_TRACKER_ACTOR, or a call's `agent`.
ACTOR_MAX = 100
TAGS_MAX = 20
# Ids and versions live in one range everywhere (schema, import, cursors): 2^53 - 1 keeps them
# exact in JavaScript clients and far from SQLite's 2^63 AUTOINCREMENT ceiling.
ID_MAX = 2**53 - 1
VERSION_MAX = 2**53 - 1
# Lists and search cut descriptions to this many characters (ending in …); get_task does not.
DESCRIPTION_PREVIEW = 280
LIST_LIMIT_DEFAULT = 20
LIST_LIMIT_MAX = 200
SEARCH_LIMIT_DEFAULT = 10
SEARCH_LIMIT_MAX = 50
SEARCH_QUERY_MAX = 10_000
# Totals that would read every match stop counting at COUNT_CAP and say so (total_capped).
# Search ranks the RANK_WINDOW newest matches, which counts them too: a full window means
# more than COUNT_CAP match.
COUNT_CAP = 1_000
RANK_WINDOW = COUNT_CAP + 1
# Upper bound on the JSON characters of one page. The result travels twice (text and
# structuredContent), so a page stays under ~25k tokens even with long titles and many tags.
PAGE_CHAR_BUDGET = 40_000
# How many tasks tasks://all and the prompts show.
OVERVIEW_LIMIT = 100
CURSOR_MAX_CHARS = 100
TAG_PATTERN = r"^[^\s,\x00-\x1f\x7f]+$"


def utcnow() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A moment as every answer writes it, in words as in JSON (pydantic's form)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_today() -> date:
    """Today in the server's own time zone: what "today" means to the person using it."""
    return datetime.now(UTC).astimezone().date()


def parse_tags(text: str) -> list[str]:
    """tasks.tags as stored (JSON array text) -> the tag list; tolerant of hand edits."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return []
    return [tag for tag in value if isinstance(tag, str)] if isinstance(value, list) else []


# --- tool arguments -----------------------------------------------------------------------------

# An optional argument: None (or leaving it out) means "not given". The null branch is kept
# out of the published schema, which stays smaller and tells the model simply to omit it.
Omitted = SkipJsonSchema[None]

StatusName = Literal["pending", "in_progress", "in_review", "complete", "cancelled"]
PriorityName = Literal["low", "medium", "high"]
StatusFilter = Literal[
    "all", "open", "closed", "pending", "in_progress", "in_review", "complete", "cancelled"
]
StatusFilterArg = Annotated[
    StatusFilter, Field(description="closed = complete|cancelled; open = the others.")
]


def _at_most_id_max(value: int) -> int:
    if value > ID_MAX:
        raise PydanticCustomError(
            "less_than_equal", "Input should be less than or equal to {le}", {"le": ID_MAX}
        )
    return value


# Ids and versions go up to ID_MAX: checked after parsing (with the same error as `le`)
# rather than published in every schema, where "maximum": 9007199254740991 took 26 bytes ten
# times over in the default tools/list.
IdRange = AfterValidator(_at_most_id_max)
TaskId = Annotated[int, Field(ge=1), IdRange]
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX)]
Tag = Annotated[str, Field(min_length=1, max_length=TAG_MAX, pattern=TAG_PATTERN)]
TAGS_FILTER_MAX = 5
# One tag, or several joined by commas (a comma cannot be in a tag): all of them must be there.
# (A control character, which no tag holds, makes a filter that matches nothing.)
_ONE_TAG = rf"[^\s,]{{1,{TAG_MAX}}}"
TAGS_FILTER_PATTERN = rf"^{_ONE_TAG}(,{_ONE_TAG}){{0,{TAGS_FILTER_MAX - 1}}}$"
TAGS_FILTER_HELP = "A tag, or a,b for tasks with all of them."
TagsFilter = Annotated[str, Field(description=TAGS_FILTER_HELP, pattern=TAGS_FILTER_PATTERN)]
DueWhen = Literal["overdue", "today", "this_week"]
Tags = Annotated[list[Tag], Field(description="Labels, lower-cased.", max_length=TAGS_MAX)]
DueDate = date  # published as {"format": "date"}: YYYY-MM-DD
ExpectedVersion = Annotated[
    int, Field(description="Fail if the task changed since.", ge=1), IdRange
]
Cursor = Annotated[
    str,
    Field(
        description="next_cursor of the previous page.",
        max_length=CURSOR_MAX_CHARS,
    ),
]
ListLimit = Annotated[int, Field(ge=1, le=LIST_LIMIT_MAX)]
SearchLimit = Annotated[int, Field(ge=1, le=SEARCH_LIMIT_MAX)]
NEXT_LIMIT_DEFAULT = 3
NEXT_LIMIT_MAX = 10
NextLimit = Annotated[int, Field(ge=1, le=NEXT_LIMIT_MAX)]
SearchQuery = Annotated[
    str,
    Field(
        description='Words (any order or form); "exact phrase"; -word excludes; the last '
        "word is also a prefix.",
        min_length=1,
        max_length=SEARCH_QUERY_MAX,
    ),
]


# --- tool results -------------------------------------------------------------------------------


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
    project: str | None
    parent_id: int | None

    def json_size_estimate(self) -> int:
        """A cheap over-estimate of this task's JSON size, for page budgets."""
        return 300 + len(self.title) + len(self.description) + sum(len(t) + 3 for t in self.tags)

    @classmethod
    def of(cls, task: TaskRow, *, preview: bool = False, **extra: Any) -> Self:
        """The task as stored; extra fields for subclasses (a search hit's snippet).

        Validated by pydantic-core, which measured twice as fast as model_construct's Python
        loop (this runs for every task of every page); the row's CHECK constraints mean it
        never fails for rows written through the current schema.
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
                "project": task.project,
                "parent_id": task.parent_id,
                **extra,
            }
        )


# What an unreadable stored value is shown as (see shaped).
_STAND_INS: dict[str, Any] = {
    "status": "pending",
    "priority": "medium",
    "created_at": datetime(1970, 1, 1, tzinfo=UTC),
    "updated_at": datetime(1970, 1, 1, tzinfo=UTC),
    "completed_at": None,
    "due_date": None,
    "version": 1,
    "project": None,
    "parent_id": None,
}

Shaped = TypeVar("Shaped", bound="TaskOut")
log = logging.getLogger(__name__)


def shaped(model: type[Shaped], task: TaskRow, *, preview: bool = False, **extra: Any) -> Shaped:
    """model.of(task), or, for a row with values no writer of ours produces, the same with
    stand-ins for those fields (and a warning naming the task, so a person can fix it)."""
    try:
        return model.of(task, preview=preview, **extra)
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        log.warning("task %s has unreadable stored values in %s", task.id, ", ".join(sorted(bad)))
        fixed = {name: _STAND_INS[name] for name in bad if name in _STAND_INS}
        row = {**task._mapping, **fixed}
        if "title" in bad:
            row["title"] = str(task.title or "(untitled)")[:200]
        return model.of(StoredRow(row), preview=preview, **extra)


@dataclass(frozen=True, slots=True)
class Total:
    """How many match: exactly `count`, or (capped) more than that, where counting stopped at
    COUNT_CAP rather than read every match."""

    count: int
    capped: bool = False


CAPPED_HELP = f"True: more than total match (counting stops at {COUNT_CAP})."


class TaskPageOut(BaseModel):
    tasks: list[TaskOut]
    total: int  # matches over all pages
    total_capped: bool = Field(description=CAPPED_HELP)
    next_cursor: str | None


class SearchHitOut(TaskOut):
    snippet: str

    def json_size_estimate(self) -> int:
        return super().json_size_estimate() + len(self.snippet)


class SearchPageOut(BaseModel):
    results: list[SearchHitOut]  # best match first
    total: int  # matches over all pages
    total_capped: bool = Field(description=CAPPED_HELP)
    next_cursor: str | None


class SuggestedTaskOut(TaskOut):
    reason: str

    def json_size_estimate(self) -> int:
        return super().json_size_estimate() + len(self.reason)


class NextTasksOut(BaseModel):
    tasks: list[SuggestedTaskOut]  # best first
    message: str | None  # why there is none, when there is none
