"""The FastMCP app: the lifespan that owns the database, and the registration of every tool,
resource and prompt (each defined at module level in tools.py, resources.py, prompts.py).

Nothing here imports SQLAlchemy at module level (runtime.startup): a client's `initialize`
is answered as soon as FastMCP itself is ready.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastmcp import FastMCP
from fastmcp.exceptions import PromptError, ResourceError, ToolError
from fastmcp.server.auth import AuthProvider
from starlette.requests import Request
from starlette.responses import JSONResponse

from task_tracker import __version__
from task_tracker.database import Database
from task_tracker.postgres import DatabaseURL
from task_tracker.remote import AcceptErrorLog
from task_tracker.runtime.wire import tool_from_function
from task_tracker.schemas import DESCRIPTION_PREVIEW
from task_tracker.server.calls import (
    DATABASE_KEY,
    READ_ONLY_KEY,
    ArgumentErrors,
    UnservedTools,
    guarded,
)
from task_tracker.server.prompts import PROMPTS, WRITING_PROMPTS
from task_tracker.server.resources import RESOURCES
from task_tracker.server.toolsets import READS_UNLESS_ASKED, TOOLSETS

INSTRUCTIONS = f"""\
A persistent task list stored in SQLite; tasks survive restarts and are shared by every client.
- Find tasks with list_tasks (filters) or search_tasks (words) before get_task; pages are
  bounded: pass next_cursor back to get the next page.
- Task ids are stable integers and never reused. update_task changes only the fields you pass;
  pass expected_version (from the task you read) to avoid overwriting someone else's change.
- Tasks can belong to a project (by name), have subtasks (parent_id) and wait on other tasks
  (depends_on). next_task suggests the ready ones to work on next, each with its reason.
- Several agents can share the list: next_task(claim=true) takes the best free task for you
  alone (a 30-minute lease).
- complete_task is safe to repeat. delete_task moves a task to the trash (restore_task, in
  the teamwork toolset, brings it back); permanent=true deletes for good.
- Lists cut descriptions to {DESCRIPTION_PREVIEW} characters (ending in …); get_task returns
  the full text."""


READ_ONLY_NOTE = """
- This server is read-only: it finds and shows tasks but cannot change them."""


def build_server(
    db_path: Path | DatabaseURL,
    *,
    auth: AuthProvider | None = None,
    prepared: bool = False,
    threaded: bool = False,
    read_only: bool = False,
    toolsets: tuple[str, ...] = ("core",),
    board_members: dict[str, str] | None = None,
) -> FastMCP:
    """The MCP server for the database at db_path (brought to head and opened on start).

    prepared: the caller has already checked the file and brought it to head (the CLI does,
    to fail fast with one line). With auth, the HTTP transports require it on every MCP
    endpoint; /health stays open. threaded: for HTTP, where many clients call at once
    (task_tracker.database). read_only: only the tools whose annotations say they only read.
    toolsets: names from TOOLSETS, or "all". board_members: serve the web board at /board/
    (HTTP), signed in with these tokens (token -> name; none: open, as the server is).
    """
    database = Database(db_path, prepared=prepared, threaded=threaded)

    @asynccontextmanager
    async def lifespan(_server: FastMCP) -> AsyncIterator[dict[str, Any]]:
        asyncio.get_running_loop().set_exception_handler(AcceptErrorLog())
        database.start()
        try:
            yield {DATABASE_KEY: database, READ_ONLY_KEY: read_only}
        finally:
            database.close()

    chosen = list(TOOLSETS) if "all" in toolsets else toolsets
    writes = {
        fn.__name__
        for name in chosen
        for fn, _title, hints in TOOLSETS[name]
        if read_only and not hints["readOnlyHint"] and fn not in READS_UNLESS_ASKED
    }
    elsewhere = {
        fn.__name__: name
        for name, entries in TOOLSETS.items()
        if name not in chosen
        for fn, _title, _hints in entries
    }
    mcp = FastMCP(
        "task-tracker",
        instructions=INSTRUCTIONS + (READ_ONLY_NOTE if read_only else ""),
        version=__version__,
        lifespan=lifespan,
        mask_error_details=True,
        auth=auth,
        middleware=[ArgumentErrors(), UnservedTools(read_only=writes, toolset_of=elsewhere)],
    )
    for fn, title, hints in [entry for name in chosen for entry in TOOLSETS[name]]:
        if fn.__name__ in writes:
            continue
        mcp.add_tool(
            tool_from_function(fn, guard=guarded(ToolError), title=title, annotations=hints)
        )
    for resource, uri, name, description, mime_type in RESOURCES:
        mcp.resource(uri, name=name, description=description, mime_type=mime_type)(
            guarded(ResourceError)(resource)
        )
    for prompt, description in PROMPTS:
        if read_only and prompt in WRITING_PROMPTS:
            continue  # (it asks the model to add tasks)
        mcp.prompt(description=description)(guarded(PromptError)(prompt))

    @mcp.custom_route("/health", methods=["GET"], include_in_schema=False)
    async def health(_request: Request) -> JSONResponse:
        """Liveness for load balancers: no auth, no task data."""
        from task_tracker import store

        revision = await database.run(store.schema_revision, write=False)
        backend = database.backend.name
        return JSONResponse({"status": "ok", "backend": backend, "schema_revision": revision})

    if board_members is not None:
        from task_tracker.board import board_routes

        for route in board_routes(
            database,
            prefix="/board",
            read_only=read_only,
            members=board_members,
            local_actor=None if board_members else "board",
        ):
            methods = sorted((route.methods or set()) - {"HEAD"})
            mcp.custom_route(route.path, methods=methods, include_in_schema=False)(route.endpoint)

    return mcp
