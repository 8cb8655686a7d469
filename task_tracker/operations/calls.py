"""What an operation hands its face: one transaction to run, and how.

An operation checks its inputs at once (refusing with a domain error before any database work)
and returns a Call: a function of a Connection, to run in one read or one write transaction.
The MCP server runs it on its event loop or in a worker thread (task_tracker.database); the
CLI runs it in its own thread (Database.call). A write records its actor in history: the
body runs between set_actor(actor) and set_actor(None), so a hand edit later on the same
connection is never taken for ours.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import ConfigDict, validate_call

from task_tracker.errors import refuse_nul
from task_tracker.runtime.startup import lazy_module

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered

T = TypeVar("T")
Result = TypeVar("Result", covariant=True)  # a Call[TaskOut] is a Call[BaseModel]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Call(Generic[Result]):
    body: Callable[[Connection], Result]
    write: bool
    # On PostgreSQL: take work from the queue under row locks (postgres.write_retrying).
    queue: bool = False


def reading(body: Callable[[Connection], T]) -> Call[T]:
    return Call(body, write=False)


def writing(
    body: Callable[[Connection], T], *, actor: str, kind: str | None = None, queue: bool = False
) -> Call[T]:
    """body in a write transaction whose history events name `actor` (and `kind`, for a
    change that is a revert or a restore rather than what its fields say)."""

    def acting(conn: Connection) -> T:
        store.set_actor(conn, actor, kind=kind)
        result = body(conn)
        store.set_actor(conn, None)
        return result

    return Call(acting, write=True, queue=queue)


def operation(fn: F) -> F:
    """Check every argument against the schema's types (the same ones the tools publish), so
    a face that parses for itself (the CLI, the board) gets the tools' limits and messages.

    The validator is built on the first call, not at import: eighteen of them take ~35 ms,
    which a server's start and a command that calls one operation need not pay."""
    validated: Callable[..., Any] | None = None

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        nonlocal validated
        for name, value in kwargs.items():
            refuse_nul(name, value)
        if validated is None:
            validated = validate_call(config=ConfigDict(arbitrary_types_allowed=True))(fn)
        return validated(*args, **kwargs)

    return checked  # type: ignore[return-value]
