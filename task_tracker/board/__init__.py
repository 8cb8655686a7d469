"""The web board: people see and steer the shared queue in a browser, live.

`task-tracker board` serves it for the local database on 127.0.0.1 (no sign-in);
`serve --transport http` serves it at /board/ beside /mcp, behind the members' tokens.
It is the third face of the operations (beside the tools and the CLI): see docs/board.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.types import Lifespan

    from task_tracker.database import Database


def board_routes(
    database: Database,
    *,
    prefix: str,
    read_only: bool,
    local_actor: str | None = None,
    members: dict[str, str] | None = None,
    local_port: int | None = None,
) -> list[Route]:
    """The board's routes for a database: local (one person, loopback) or for members."""
    from task_tracker.board.app import Board, routes
    from task_tracker.board.guard import Access

    access = Access(prefix=prefix, local_actor=local_actor, members=members, local_port=local_port)
    return routes(Board(database, access, read_only=read_only))


def board_app(routes: list[Route], lifespan: Lifespan[Starlette] | None = None) -> Starlette:
    """The local board's application: its routes, and its headers on a page not found."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response

    from task_tracker.board.guard import with_headers

    async def not_found(_request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return with_headers(PlainTextResponse("Not found on this board.", status))

    return Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_found}
    )
