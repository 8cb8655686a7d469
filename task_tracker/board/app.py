"""The board's routes: pages to read, forms to change, the live event stream, static files.

Every change goes through the same operation as the tool that makes it, with the person as
actor, and carries the version the person saw: a task changed meanwhile is not overwritten,
the person is shown the newer version and what changed. Forms work without JavaScript
(POST, then 303 back); board.js adds drag and drop, keyboard moves and live updates.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from task_tracker import operations
from task_tracker.backends import domain_error
from task_tracker.board import views
from task_tracker.board.forms import changes
from task_tracker.board.guard import COOKIE, Access, Visitor, guarded, with_headers
from task_tracker.board.live import ChangeFeed
from task_tracker.board.render import COLUMN_NAMES, page
from task_tracker.database import Database
from task_tracker.errors import TaskTrackerError, VersionConflict
from task_tracker.store.projects import project_names
from task_tracker.validation import describe_validation_error

log = logging.getLogger(__name__)


class Board:
    def __init__(self, database: Database, access: Access, *, read_only: bool) -> None:
        self.database = database
        self.access = access
        self.read_only = read_only
        self.prefix = access.prefix
        self.feed = ChangeFeed(database, self._cards)

    def _cards(self, conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
        return views.card_html(conn, ids, prefix=self.prefix, writable=not self.read_only)

    def html(
        self, template: str, visitor: Visitor | None, status: int = 200, **values: Any
    ) -> HTMLResponse:
        body = page(
            template,
            prefix=self.prefix,
            visitor=visitor,
            writable=not self.read_only and visitor is not None,
            signed_in=visitor is not None and self.access.local_actor is None,
            **values,
        )
        return HTMLResponse(body, status_code=status)

    async def read(self, fn: Callable[[Any], Any]) -> Any:
        return await self.database.run(fn, write=False)

    async def change(self, call: Any) -> Any:
        return await self.database.run(call.body, write=call.write, queue=call.queue)

    # -- pages -----------------------------------------------------------------------------

    async def board(self, request: Request, visitor: Visitor) -> Response:
        chosen = views.BoardFilter.of(request.query_params)
        query = (request.query_params.get("q") or "").strip()
        try:
            # Project names only: list_projects counts every project's tasks, too slow here.
            projects, columns = await self.read(
                lambda conn: (project_names(conn), views.board_columns(conn, chosen))
            )
            found = None
            if query:
                call = operations.search_tasks(
                    query=query, project=chosen.project, tag=chosen.tag, limit=20
                )
                found = await self.read(call.body)
        except (TaskTrackerError, ValidationError) as exc:
            return self.html("message.html", visitor, 400, message=self.reason(exc))
        return self.html(
            "board.html",
            visitor,
            columns=columns,
            chosen=chosen,
            projects=projects,
            query=query,
            found=found,
        )

    async def column(self, request: Request, visitor: Visitor) -> Response:
        status = request.path_params["status"]
        if status not in COLUMN_NAMES:
            return self.html("message.html", visitor, 404, message=f"No column {status!r}.")
        chosen = views.BoardFilter.of(request.query_params)
        cursor = request.query_params.get("cursor")
        try:
            columns = await self.read(
                lambda conn: views.board_columns(conn, chosen, only=status, cursor=cursor)
            )
        except (TaskTrackerError, ValidationError) as exc:
            return self.html("message.html", visitor, 400, message=self.reason(exc))
        return self.html("column_page.html", visitor, column=columns[0], chosen=chosen)

    async def task(self, request: Request, visitor: Visitor) -> Response:
        task_id = request.path_params["task_id"]
        try:
            shown = await self.read(lambda conn: views.task_page(conn, task_id))
        except (TaskTrackerError, ValidationError) as exc:
            return self.html("message.html", visitor, 404, message=self.reason(exc))
        notice = request.query_params.get("notice")
        return self.html("task.html", visitor, notice=notice, **shown)

    async def trash(self, request: Request, visitor: Visitor) -> Response:
        return self.html("trash.html", visitor, **await self.read(views.trash_page))

    async def activity(self, request: Request, visitor: Visitor) -> Response:
        return self.html("activity.html", visitor, **await self.read(views.activity_page))

    async def events(self, request: Request, visitor: Visitor) -> Response:
        raw = request.headers.get("last-event-id") or request.query_params.get("after")
        last_seen = int(raw) if raw is not None and raw.isdigit() else None
        return StreamingResponse(
            self.feed.subscribe(last_seen),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no"},
        )

    # -- changes ---------------------------------------------------------------------------

    def reason(self, exc: BaseException) -> str:
        if isinstance(exc, ValidationError):
            return describe_validation_error(exc)
        return str(exc)

    async def act(
        self, request: Request, visitor: Visitor, make: Callable[[dict[str, Any]], Any]
    ) -> Response:
        """Run the change a form asks for; back to where it came from, or say why not."""
        if self.read_only:
            return self.html("message.html", visitor, 403, message="This board is read-only.")
        sent = await request.form()
        form: dict[str, Any] = dict(sent)
        form["checked"] = sent.getlist("checked")  # (the one field sent several times)
        task_id = request.path_params.get("task_id")
        wants_json = request.headers.get("accept", "").startswith("application/json")
        try:
            result = await self.change(make(form))
        except VersionConflict as exc:
            return await self.conflict(visitor, exc, wants_json)
        except Exception as exc:  # a refusal, bad input, or what a database failure means
            known = isinstance(exc, TaskTrackerError | ValidationError)
            meaning = exc if known else domain_error(exc)
            if meaning is None:
                raise
            message = self.reason(meaning)
            if wants_json:
                return JSONResponse({"error": message}, status_code=400)
            back = self.safe_next(form.get("next"))
            return self.html("message.html", visitor, 400, message=message, back=back)
        if wants_json:
            card = await self.read(lambda conn: self._cards(conn, [result.id]))
            return JSONResponse(card.get(result.id, {"id": result.id, "gone": True}))
        target = form.get("next") or (f"{self.prefix}/task/{task_id}" if task_id else None)
        return RedirectResponse(self.safe_next(target), 303)

    async def conflict(self, visitor: Visitor, exc: VersionConflict, wants_json: bool) -> Response:
        message = (
            f"Task #{exc.task_id} was changed meanwhile (you saw version {exc.expected}, it is "
            f"now version {exc.actual}); your change was not saved. Here is the task as it is now."
        )
        if wants_json:
            card = await self.read(lambda conn: self._cards(conn, [exc.task_id]))
            return JSONResponse({"error": message, "card": card.get(exc.task_id)}, status_code=409)
        shown = await self.read(lambda conn: views.task_page(conn, exc.task_id))
        newer = [e for e in shown["history"] if e.version > exc.expected]
        return self.html("task.html", visitor, 409, conflict=message, newer=newer, **shown)

    def safe_next(self, target: Any) -> str:
        """Only a path on this board (never another site: an open redirect)."""
        text = str(target or "")
        if text.startswith(self.prefix + "/") and not text.startswith("//") and "\\" not in text:
            return text
        return self.prefix + "/"


def routes(board: Board) -> list[Route]:
    """The board's routes under its prefix ("" locally, "/board" beside /mcp)."""
    access, prefix = board.access, board.prefix
    pages: dict[str, Callable[[Request, Visitor], Awaitable[Response]]] = {
        "/": board.board,
        "/column/{status}": board.column,
        "/task/{task_id:int}": board.task,
        "/trash": board.trash,
        "/activity": board.activity,
        "/events": board.events,
    }
    found = [
        Route(prefix + path, guarded(access, endpoint), methods=["GET"])
        for path, endpoint in pages.items()
    ]
    found += [
        Route(prefix + path, guarded(access, endpoint), methods=["POST"])
        for path, endpoint in changes(board.act).items()
    ]
    if access.local_actor is None:
        found += sign_in_routes(board)
    found.append(Route(prefix + "/static/{name}", static_file, methods=["GET"]))
    found.append(Route(prefix + "/favicon.ico", no_icon, methods=["GET"]))
    return found


STATIC = {
    "htmx.min.js": "text/javascript",
    "Sortable.min.js": "text/javascript",
    "board.js": "text/javascript",
    "board.css": "text/css",
}


async def no_icon(request: Request) -> Response:
    return with_headers(Response(status_code=204))


async def static_file(request: Request) -> Response:
    """The board's own scripts and styles, by name only (no path reaches the file system)."""
    name = request.path_params["name"]
    if name not in STATIC:
        return with_headers(Response("Not found", 404, media_type="text/plain"))
    body = (files("task_tracker.board") / "static" / name).read_bytes()
    response = Response(body, media_type=STATIC[name])
    response.headers["Cache-Control"] = "max-age=3600"
    return with_headers(response)


def sign_in_routes(board: Board) -> list[Route]:
    access, prefix = board.access, board.prefix

    async def sign_in_form(request: Request) -> Response:
        refused = access.refusal(request)
        if refused is not None:
            return with_headers(refused)
        return with_headers(board.html("signin.html", None))

    async def sign_in(request: Request) -> Response:
        refused = access.refusal(request)
        if refused is not None:
            return with_headers(refused)
        form = await request.form()
        name = access.member(str(form.get("token") or ""))
        if name is None:
            wrong = board.html("signin.html", None, 401, message="That token is not a member's.")
            return with_headers(wrong)
        response = RedirectResponse(prefix + "/", 303)
        access.set_session(request, response, access.session_value(name))
        log.info("board: %s signed in", name)
        return with_headers(response)

    async def sign_out(request: Request, visitor: Visitor) -> Response:
        response = RedirectResponse(prefix + "/signin", 303)
        response.delete_cookie(COOKIE, path=prefix or "/")
        return response

    return [
        Route(prefix + "/signin", sign_in_form, methods=["GET"]),
        Route(prefix + "/signin", sign_in, methods=["POST"]),
        Route(prefix + "/signout", guarded(access, sign_out), methods=["POST"]),
    ]
