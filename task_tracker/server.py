"""The FastMCP app: tools, resources and prompts. Thin: validate -> call the store -> shape.

Nothing here imports SQLAlchemy at module level: `store` is loaded on first use and the
engine is opened in the background (db.EngineSlot), so a client's `initialize` is answered
as soon as FastMCP itself is ready.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, Literal, ParamSpec, TypeVar

import anyio
from fastmcp import FastMCP
from fastmcp.exceptions import FastMCPError, ResourceError, ToolError
from fastmcp.server.auth import AuthProvider
from fastmcp.tools import Tool, ToolResult
from mcp.types import TextContent
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse

from task_tracker import __version__
from task_tracker.db import EngineSlot, read_transaction, write_transaction
from task_tracker.errors import DatabaseBusy, InvalidInput, TaskTrackerError
from task_tracker.fields import TAGS_MAX, parse_tags, utcnow
from task_tracker.schemas import (
    Cursor,
    Description,
    DueDate,
    ExpectedVersion,
    Omitted,
    PriorityName,
    StatusFilterArg,
    StatusName,
    Tag,
    TagFilter,
    Tags,
    TaskId,
    TaskOut,
    Title,
)
from task_tracker.startup import resume_collection

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from task_tracker import store
    from task_tracker.store import TaskRow
else:

    class _LazyModule:
        """A module imported on first attribute access (then cached)."""

        def __init__(self, name: str) -> None:
            self._name = name
            self._module: ModuleType | None = None

        def __getattr__(self, attribute: str) -> Any:
            if self._module is None:
                self._module = importlib.import_module(self._name)
            return getattr(self._module, attribute)

    store = _LazyModule("task_tracker.store")

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

INSTRUCTIONS = """\
A persistent task list stored in SQLite; tasks survive restarts and are shared by every client.
- Find tasks with list_tasks (filters) or search_tasks (words) before get_task; pages are
  bounded: pass next_cursor back to get the next page.
- Task ids are stable integers and never reused. update_task changes only the fields you pass;
  pass expected_version (from the task you read) to avoid overwriting someone else's change.
- complete_task is safe to repeat. delete_task is permanent.
- Lists cut descriptions to 280 characters (ending in …); get_task returns the full text."""

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 200
# Upper bound on the JSON characters of one page of tasks. The result travels twice (text and
# structuredContent), so a page stays under ~25k tokens even with long titles and many tags.
PAGE_CHAR_BUDGET = 40_000
OVERVIEW_LIMIT = 100
SEARCH_LIMIT_DEFAULT = 10
SEARCH_LIMIT_MAX = 50
SEARCH_QUERY_MAX = 10_000


class TaskPageOut(BaseModel):
    tasks: list[TaskOut]
    total: int = Field(description="How many tasks match the filters, over all pages.")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end.")


CursorKind = Literal["after", "offset"]
CURSOR_VALUE_MAX = 2**62


def encode_cursor(kind: CursorKind, value: int) -> str:
    """An opaque page token: "after:<id>" for list_tasks, "offset:<n>" for search_tasks."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: CursorKind) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != kind or not value.isdigit() or int(value) > CURSOR_VALUE_MAX:
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "cursor is not valid. Pass next_cursor exactly as a previous call returned it, "
            "or omit cursor for the first page."
        ) from None


class SearchHitOut(TaskOut):
    snippet: str

    def json_size_estimate(self) -> int:
        return super().json_size_estimate() + len(self.snippet)


class SearchPageOut(BaseModel):
    results: list[SearchHitOut] = Field(description="Best match first.")
    total: int = Field(description="Matches, counted up to 10000.")
    next_cursor: str | None


Shaped = TypeVar("Shaped", bound=TaskOut)


def fit_budget(items: list[Shaped]) -> tuple[list[Shaped], bool]:
    """The leading items that fit in PAGE_CHAR_BUDGET (always at least one), and whether any
    were cut. The cost is a cheap over-estimate of each item's JSON size."""
    used = 0
    for count, out in enumerate(items):
        used += out.json_size_estimate()
        if count and used > PAGE_CHAR_BUDGET:
            return items[:count], True
    return items, False


def page_out(items: list[TaskRow], *, total: int, has_more: bool) -> TaskPageOut:
    """Shape a list_tasks page, ending it early rather than exceed the character budget."""
    shaped, cut = fit_budget([TaskOut.of(task, preview=True) for task in items])
    more = has_more or cut
    next_cursor = encode_cursor("after", shaped[-1].id) if more and shaped else None
    return TaskPageOut(tasks=shaped, total=total, next_cursor=next_cursor)


def search_out(page: store.SearchPage, *, offset: int) -> SearchPageOut:
    hits = [SearchHitOut.of(hit.task, preview=True, snippet=hit.snippet) for hit in page.hits]
    shaped, cut = fit_budget(hits)
    more = page.has_more or cut
    next_cursor = encode_cursor("offset", offset + len(shaped)) if more and shaped else None
    return SearchPageOut(results=shaped, total=page.total, next_cursor=next_cursor)


@contextmanager
def _translated(error: type[FastMCPError]) -> Iterator[None]:
    try:
        yield
    except TaskTrackerError as exc:
        # Expected outcomes (unknown id, conflict): no traceback in the log.
        raise error(str(exc), log_level=logging.INFO) from exc
    except UnicodeEncodeError as exc:  # a lone surrogate that reached SQLite
        raise error(
            "Text must be valid Unicode (it contains a lone surrogate); nothing was changed.",
            log_level=logging.INFO,
        ) from exc
    except Exception as exc:
        if _is_lock_timeout(exc):
            raise error(str(DatabaseBusy()), log_level=logging.WARNING) from exc
        raise


def translating_errors(fn: Callable[P, T], error: type[FastMCPError] = ToolError) -> Callable[P, T]:
    """The one place domain errors become MCP errors (for tools: isError: true).

    Anything else propagates and is masked by FastMCP (mask_error_details) and logged.
    """
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            with _translated(error):
                return await fn(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with _translated(error):
            return fn(*args, **kwargs)

    return wrapper


def serialized_once(
    fn: Callable[P, Awaitable[BaseModel]],
) -> Callable[P, Awaitable[ToolResult]]:
    """The tool's model result as the ToolResult FastMCP would make of it: the model as
    structuredContent and the same JSON as text. FastMCP's own conversion serializes the
    result three times over (0.3 ms for a page of 50 tasks); this does it twice.

    The wrapper keeps fn's signature, so the output schema still comes from fn's annotation.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> ToolResult:
        result = await fn(*args, **kwargs)
        return ToolResult(
            content=[TextContent(type="text", text=result.model_dump_json())],
            structured_content=result.model_dump(mode="json"),
        )

    return wrapper


def _is_lock_timeout(exc: Exception) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and (
        "locked" in str(exc.orig) or "busy" in str(exc.orig)
    )


def _compact(schema: Any) -> Any:
    """Same meaning, fewer bytes: {"anyOf": [{"type": T, ...}, {"type": "null"}]} becomes
    {"type": [T, "null"], ...}, and optional arguments lose their `"default": null` (the
    schema tells the model to omit them)."""
    if isinstance(schema, list):
        return [_compact(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _compact(value) for key, value in schema.items()}
    options = schema.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and options[1] == {"type": "null"}
        and isinstance(options[0].get("type"), str)
    ):
        del schema["anyOf"]
        schema = {**options[0], **schema, "type": [options[0]["type"], "null"]}
    if schema.get("default", ...) is None:
        del schema["default"]
    return schema


def compact_schemas(tool: Tool) -> Tool:
    tool.parameters = _compact(tool.parameters)
    if tool.output_schema is not None:
        tool.output_schema = _compact(tool.output_schema)
    return tool


def annotations(
    *, read_only: bool = False, destructive: bool = False, idempotent: bool = False
) -> dict[str, Any]:
    if read_only:
        return {"readOnlyHint": True, "openWorldHint": False}
    return {
        "readOnlyHint": False,
        "destructiveHint": destructive,
        "idempotentHint": idempotent,
        "openWorldHint": False,
    }


def in_transaction(engine: Engine, fn: Callable[[Connection], T], *, write: bool) -> T:
    transaction = write_transaction if write else read_transaction
    with transaction(engine) as conn:
        return fn(conn)


def build_server(db_path: Path, *, auth: AuthProvider | None = None) -> FastMCP:
    """The MCP server for the database at db_path (brought to head and opened on start).

    With auth, the HTTP transports require it on every MCP endpoint; /health stays open.
    """
    slot = EngineSlot()

    @asynccontextmanager
    async def lifespan(_server: FastMCP) -> AsyncIterator[dict[str, Any]]:
        slot.open_in_background(db_path, then=resume_collection)
        try:
            yield {}
        finally:
            slot.dispose()
            resume_collection()

    @contextmanager
    def reading() -> Iterator[Connection]:
        with read_transaction(slot.get()) as conn:
            yield conn

    mcp = FastMCP(
        "task-tracker",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        mask_error_details=True,
        auth=auth,
    )

    def tool(title: str, tool_annotations: dict[str, Any]) -> Callable[[Callable[P, T]], Any]:
        def register(fn: Callable[P, T]) -> Callable[P, T]:
            # The docstring is the tool's description. Handed over as a string, so FastMCP
            # does not load a docstring parser (~70 ms of startup) to look for parameter
            # sections: our parameters are described by their Field annotations.
            description = inspect.getdoc(fn)
            fn.__doc__ = None
            mcp.add_tool(
                compact_schemas(
                    Tool.from_function(
                        translating_errors(serialized_once(fn)),  # type: ignore[arg-type]
                        title=title,
                        description=description,
                        annotations=tool_annotations,
                    )
                )
            )
            return fn

        return register

    def resource(uri: str, **kwargs: Any) -> Callable[[Callable[P, T]], Any]:
        return lambda fn: mcp.resource(uri, **kwargs)(translating_errors(fn, ResourceError))

    async def transact(fn: Callable[[Connection], T], *, write: bool) -> T:
        """One transaction for a tool call, run right here on the event loop when no other
        connection holds the lock it needs, else in a worker thread that waits for the lock.

        A worker thread costs ~0.25 ms per call (measured: more than the SQLite work of most
        calls), and a call that does not wait is done in about as long. One that would wait
        (another process is writing) must not stall the event loop, so it goes to a thread.
        """
        engine = slot.no_wait()  # None while the database is still opening
        if engine is not None:
            try:
                result = in_transaction(engine, fn, write=write)
            except Exception as exc:
                if not _is_lock_timeout(exc):
                    raise
                engine = None  # rolled back, nothing was changed: run it again, waiting
        if engine is None:
            result = await anyio.to_thread.run_sync(
                lambda: in_transaction(slot.get(), fn, write=write)
            )
        if write:
            slot.committed()
        return result

    async def read(fn: Callable[[Connection], T]) -> T:
        return await transact(fn, write=False)

    async def write(fn: Callable[[Connection], T]) -> T:
        return await transact(fn, write=True)

    @tool("Add task", annotations())
    async def add_task(
        title: Title,
        description: Description = "",
        priority: Annotated[PriorityName, Field(description="How important it is.")] = "medium",
        tags: Tags | Omitted = None,
        due_date: DueDate | Omitted = None,
        status: Annotated[StatusName, Field(description="Initial status.")] = "pending",
    ) -> TaskOut:
        """Create a task and return it with its new id. Use for any new to-do, bug or follow-up."""
        return await write(
            lambda s: TaskOut.of(
                store.add_task(
                    s,
                    title=title,
                    description=description,
                    priority=priority,
                    tags=tags or (),
                    due_date=due_date,
                    status=status,
                )
            )
        )

    @tool("Get task", annotations(read_only=True))
    async def get_task(task_id: TaskId) -> TaskOut:
        """Return one task with its full description. Find ids with list_tasks/search_tasks."""
        return await read(lambda s: TaskOut.of(store.get_task(s, task_id=task_id)))

    @tool("Update task", annotations(destructive=True, idempotent=True))
    async def update_task(
        task_id: TaskId,
        title: Title | Omitted = None,
        description: Description | Omitted = None,
        status: Annotated[StatusName | Omitted, Field(description="New status.")] = None,
        priority: Annotated[PriorityName | Omitted, Field(description="New priority.")] = None,
        tags: Annotated[
            list[Tag],
            Field(description="Replaces all tags ([] removes them).", max_length=TAGS_MAX),
        ]
        | Omitted = None,
        due_date: DueDate | Omitted = None,
        clear_due_date: Annotated[bool, Field(description="Remove the due date.")] = False,
        expected_version: ExpectedVersion | Omitted = None,
    ) -> TaskOut:
        """Change some fields of a task; fields you omit stay as they are.

        Pass expected_version (the version you read) so a concurrent change is not overwritten.
        """
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("title", title),
                ("description", description),
                ("status", status),
                ("priority", priority),
                ("tags", tags),
                ("due_date", due_date),
            )
            if value is not None
        }
        if clear_due_date:
            if due_date is not None:
                raise InvalidInput("Pass either due_date or clear_due_date, not both.")
            changes["due_date"] = None
        return await write(
            lambda s: TaskOut.of(
                store.update_task(
                    s, task_id=task_id, changes=changes, expected_version=expected_version
                )
            )
        )

    @tool("Complete task", annotations(idempotent=True))
    async def complete_task(task_id: TaskId) -> TaskOut:
        """Mark a task complete. Safe to repeat: a complete task is returned unchanged."""
        return await write(lambda s: TaskOut.of(store.complete_task(s, task_id=task_id)))

    @tool("Delete task", annotations(destructive=True, idempotent=True))
    async def delete_task(
        task_id: TaskId, expected_version: ExpectedVersion | Omitted = None
    ) -> TaskOut:
        """Permanently delete a task and return what was deleted. Prefer complete_task for
        finished work; delete only mistakes and duplicates."""
        return await write(
            lambda s: TaskOut.of(
                store.delete_task(s, task_id=task_id, expected_version=expected_version)
            )
        )

    @tool("List tasks", annotations(read_only=True))
    async def list_tasks(
        status: StatusFilterArg = "all",
        priority: PriorityName | Omitted = None,
        tag: TagFilter | Omitted = None,
        due_before: Annotated[
            date | Omitted, Field(description="Only tasks due before this date (YYYY-MM-DD).")
        ] = None,
        limit: Annotated[int, Field(description="Page size.", ge=1, le=LIST_LIMIT_MAX)] = (
            LIST_LIMIT_DEFAULT
        ),
        cursor: Cursor | Omitted = None,
    ) -> TaskPageOut:
        """List tasks oldest first, filtered, one bounded page at a time with a total count.

        To find tasks by words, use search_tasks instead.
        """
        after_id = decode_cursor(cursor, "after") if cursor is not None else None

        def run(s: Connection) -> TaskPageOut:
            page = store.list_tasks(
                s,
                status=status,
                priority=priority,
                tag=tag,
                due_before=due_before,
                after_id=after_id,
                limit=limit,
            )
            return page_out(page.items, total=page.total, has_more=page.has_more)

        return await read(run)

    @tool("Search tasks", annotations(read_only=True))
    async def search_tasks(
        query: Annotated[
            str,
            Field(
                description='Words to find (any order, any form); "exact phrase"; -word '
                "excludes; the last word also matches as a prefix.",
                min_length=1,
                max_length=SEARCH_QUERY_MAX,
            ),
        ],
        status: StatusFilterArg = "all",
        priority: PriorityName | Omitted = None,
        tag: TagFilter | Omitted = None,
        limit: Annotated[int, Field(ge=1, le=SEARCH_LIMIT_MAX)] = SEARCH_LIMIT_DEFAULT,
        cursor: Cursor | Omitted = None,
    ) -> SearchPageOut:
        """Find tasks by words in title, description or tags, best match first, each with a
        snippet (matches in **bold**). Use instead of paging through list_tasks."""
        if not query.strip():
            raise InvalidInput(
                "query is empty: give one or more words to search for, or use list_tasks."
            )
        offset = decode_cursor(cursor, "offset") if cursor is not None else 0
        fts_query = store.to_fts_query(query)
        if fts_query is None:  # only punctuation, symbols or exclusions: nothing can match
            return SearchPageOut(results=[], total=0, next_cursor=None)

        def run(s: Connection) -> SearchPageOut:
            page = store.search_tasks(
                s,
                fts_query=fts_query,
                status=status,
                priority=priority,
                tag=tag,
                offset=offset,
                limit=limit,
            )
            return search_out(page, offset=offset)

        return await read(run)

    @mcp.custom_route("/health", methods=["GET"], include_in_schema=False)
    async def health(_request: Request) -> JSONResponse:
        """Liveness for load balancers: no auth, no task data."""
        revision = await read(store.schema_revision)
        return JSONResponse({"status": "ok", "schema_revision": revision})

    @resource(
        "tasks://all",
        name="all_tasks",
        description="Overview of tasks: open ones first (in progress, then pending), capped.",
        mime_type="text/plain",
    )
    def all_tasks() -> str:
        with reading() as s:
            page = store.overview(s, limit=OVERVIEW_LIMIT)
            lines = within_char_budget([task_line(t) for t in page.items])
        if not lines:
            return "No tasks yet. Create one with add_task."
        left_out = page.total - len(lines)
        if left_out > 0:
            lines.append(
                f"… {left_out} more task(s) not shown. Use list_tasks (filters, pages) "
                "or search_tasks (words) to find them."
            )
        return "\n".join(lines)

    @resource(
        "tasks://{task_id}",
        name="task",
        description="One task as JSON, with its full description.",
        mime_type="application/json",
    )
    def task_resource(task_id: int) -> str:
        with reading() as s:
            return TaskOut.of(store.get_task(s, task_id=task_id)).model_dump_json()

    @mcp.prompt(description="Review tasks: what to do next, what to split, close or re-prioritise.")
    def review_tasks(
        status: Annotated[
            Literal["open", "all", "pending", "in_progress", "complete"],
            Field(description="Which tasks to review."),
        ] = "open",
        tag: Annotated[str | None, Field(description="Only tasks with this tag.")] = None,
    ) -> str:
        with reading() as s:
            page = store.list_tasks(s, status=status, tag=tag, limit=OVERVIEW_LIMIT)
            lines = within_char_budget([task_line(t) for t in page.items])
        scope = f"{status} tasks" + (f" tagged '{tag}'" if tag else "")
        if not lines:
            return f"There are no {scope}. Suggest what to add, if anything."
        left_out = page.total - len(lines)
        more = f"\n({left_out} more not shown; use list_tasks to see them.)" if left_out else ""
        return (
            f"Review these {scope} ({page.total} in all). Point out what should be done next, "
            "what is overdue or stale, what is unclear and should be split or reworded, and "
            "what could be closed. Use the task tools to make changes the user agrees to.\n\n"
            + "\n".join(lines)
            + more
        )

    @mcp.prompt(description="Daily stand-up: done since yesterday, in progress, next, blockers.")
    def daily_standup(
        hours: Annotated[
            int, Field(description="Look back this many hours for completed work.", ge=1, le=720)
        ] = 24,
        tag: Annotated[str | None, Field(description="Only tasks with this tag.")] = None,
        stale_days: Annotated[
            int, Field(description="Open tasks untouched this many days are stale.", ge=1)
        ] = 7,
    ) -> str:
        now = utcnow()
        with reading() as s:
            report = store.standup(
                s,
                since=now - timedelta(hours=hours),
                today=now.date(),
                stale_before=now - timedelta(days=stale_days),
                tag=tag,
            )
            sections = [
                (f"Completed in the last {hours}h", report.completed),
                ("In progress", report.in_progress),
                ("Pending (up next)", report.pending),
                ("Overdue", report.overdue),
                (f"Stale (open, untouched for {stale_days}+ days)", report.stale),
            ]
            body = "\n\n".join(
                f"## {heading}\n" + ("\n".join(task_line(t) for t in tasks) or "(none)")
                for heading, tasks in sections
            )
        return (
            "Write a short daily stand-up from these tasks: what was done, what is in progress, "
            "what comes next, and what is blocked, overdue or stale.\n\n" + body
        )

    return mcp


LINE_TAGS_SHOWN = 5


def task_line(task: TaskRow) -> str:
    """One compact, readable line per task for resources and prompts."""
    parts = [f"#{task.id} [{task.status}] ({task.priority}) {task.title}"]
    if task.due_date:
        parts.append(f"due {task.due_date}")
    tags = parse_tags(task.tags)
    if tags:
        hidden = len(tags) - LINE_TAGS_SHOWN
        parts.append(
            "tags: " + ", ".join(tags[:LINE_TAGS_SHOWN]) + (f" +{hidden}" if hidden > 0 else "")
        )
    return " — ".join(parts)


def within_char_budget(lines: list[str]) -> list[str]:
    """The leading lines whose total length stays within PAGE_CHAR_BUDGET."""
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + 1
        if used > PAGE_CHAR_BUDGET:
            return lines[:count]
    return lines
