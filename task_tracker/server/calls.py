"""How every tool, resource and prompt runs: one transaction per call, one error translation.

`perform` runs an operation's Call (task_tracker.operations) on the lifespan's Database;
`read` runs a resource's or prompt's function of a Connection in one read transaction.
`guarded` is the one place where domain errors (and database failures that mean something to
the caller: busy, disk full) become the MCP error a client sees; anything else is masked by
FastMCP (mask_error_details) and logged with its traceback. `ArgumentErrors` words a
refused argument the same way for every tool.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from fastmcp.exceptions import FastMCPError, NotFoundError, ToolError, ValidationError
from fastmcp.server.dependencies import get_access_token, get_context
from fastmcp.server.middleware import Middleware, MiddlewareContext
from pydantic import ValidationError as PydanticValidationError

from task_tracker.backends import domain_error
from task_tracker.config import ACTOR_ENV_VAR
from task_tracker.errors import InvalidInput, TaskTrackerError
from task_tracker.remote import CLIENT_ID
from task_tracker.schemas import ACTOR_MAX
from task_tracker.validation import describe_validation_error

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker.database import Database
    from task_tracker.operations import Call

log = logging.getLogger(__name__)

T = TypeVar("T")
DATABASE_KEY = "database"
READ_ONLY_KEY = "read_only"


def current_database() -> Database:
    return get_context().lifespan_context[DATABASE_KEY]


def current_actor(agent: str | None = None) -> str:
    """Who is acting, for claims and history: the call's own `agent`, else the name of the
    HTTP bearer token it came with (TASK_TRACKER_AUTH_TOKENS), else TASK_TRACKER_ACTOR, else
    the client's name from `initialize` (clientInfo.name), else "unknown".

    A named token binds its holder: `agent` may only narrow the name (alice/left-terminal for
    the token named alice), never name another member, so no one acts as someone else."""
    access = get_access_token()
    token_name = access.client_id if access is not None and access.client_id != CLIENT_ID else ""
    if agent and token_name:
        agent = _within(token_name, agent)
    name = agent or token_name or os.environ.get(ACTOR_ENV_VAR, "").strip()
    if not name:
        try:
            params = get_context().session.client_params
        except RuntimeError:  # no session (a stateless HTTP request without initialize)
            params = None
        name = params.client_info.name if params is not None else ""
    return " ".join((name or "unknown").split())[:ACTOR_MAX] or "unknown"


def _within(token_name: str, agent: str) -> str:
    wanted = " ".join(agent.split())
    if wanted == token_name or wanted.startswith(token_name + "/"):
        return wanted
    raise InvalidInput(
        f"agent {wanted!r} is not yours: this call's token is named {token_name!r}, so it acts "
        f"as {token_name!r} or a name under it such as '{token_name}/left-terminal'. Leave "
        "out agent, or use such a name; nothing was changed."
    )


def refuse_if_read_only(what: str) -> None:
    if get_context().lifespan_context.get(READ_ONLY_KEY):
        raise InvalidInput(f"This server is read-only: {what}.")


async def read(fn: Callable[[Connection], T]) -> T:
    """fn(conn) in one read transaction (a consistent snapshot): for resources and prompts."""
    return await current_database().run(fn, write=False)


async def perform(call: Call[T]) -> T:
    """An operation's transaction, on the lifespan's Database."""
    return await current_database().run(call.body, write=call.write, queue=call.queue)


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
    except PydanticValidationError as exc:  # a prompt's or resource's own argument check
        raise error(describe_validation_error(exc, sep="\n"), log_level=logging.INFO) from exc
    except Exception as exc:
        meaning = domain_error(exc)
        if meaning is None:
            raise
        cause = (str(getattr(exc, "orig", None) or exc).splitlines() or ["?"])[0]
        log.warning("%s (%s)", meaning, cause)  # without the statement and its values
        raise error(str(meaning), log_level=logging.INFO) from exc


def guarded(
    error: type[FastMCPError],
) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Wrap an async tool, resource or prompt so its failures reach the client as `error`."""

    def wrap(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(fn)
        async def call(*args: Any, **kwargs: Any) -> T:
            with _translated(error):
                return await fn(*args, **kwargs)

        return call

    return wrap


class ArgumentErrors(Middleware):
    """A tool call whose arguments fail the inputSchema gets one short line per field
    (`due_date: 'tomorrow' is not a date; use YYYY-MM-DD`) instead of pydantic's report."""

    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: Any) -> Any:
        try:
            return await call_next(context)
        except ValidationError as exc:
            cause = exc.__cause__
            if not isinstance(cause, PydanticValidationError):
                raise
            name = context.message.name
            raise ToolError(
                f"Invalid arguments for {name}; nothing was changed. Fix these and call again:\n"
                + describe_validation_error(cause, sep="\n")
            ) from None


class UnservedTools(Middleware):
    """A call of a tool this server leaves out says why and what to do, instead of FastMCP's
    "Unknown tool": a read-only server's writing tools, and the tools of toolsets not
    served (`serve --tools`)."""

    def __init__(self, *, read_only: set[str], toolset_of: dict[str, str]) -> None:
        self.read_only = read_only
        self.toolset_of = toolset_of

    async def on_call_tool(self, context: MiddlewareContext[Any], call_next: Any) -> Any:
        try:
            return await call_next(context)
        except NotFoundError:
            name = context.message.name
            if name in self.read_only:
                raise ToolError(
                    f"This server is read-only: {name} changes tasks, so it is not served "
                    "here; nothing was changed. get_task, list_tasks, search_tasks and "
                    "next_task (without claim) work; ask the person to make the change."
                ) from None
            if name in self.toolset_of:
                toolset = self.toolset_of[name]
                raise ToolError(
                    f"{name} is in the {toolset} toolset, which this server does not serve; "
                    f"nothing was changed. It is served with `task-tracker serve --tools "
                    f"{toolset}` (or all); a person can also use the task-tracker command."
                ) from None
            raise
