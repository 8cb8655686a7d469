"""The board's forms: each is one of the tools' operations, the person as actor, with the
version the person saw where the operation takes one (a task changed meanwhile is refused,
not overwritten). Values go to the operation as sent: its schema checks them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from task_tracker import operations
from task_tracker.board.guard import Visitor


def _int(form: dict[str, Any], name: str) -> int | None:
    text = str(form.get(name) or "").strip()
    return int(text) if text.isdigit() else None


def _text(form: dict[str, Any], name: str) -> Any:
    """A form field as sent (the operation checks it against its schema)."""
    value = form.get(name)
    return str(value) if value is not None else None


Act = Callable[[Request, Visitor, Callable[[dict[str, Any]], Any]], Awaitable[Response]]


def changes(act: Act) -> dict[str, Callable[[Request, Visitor], Awaitable[Response]]]:
    """Each form's path and operation, with the visitor as actor; act runs it (Board.act)."""

    def on(
        make: Callable[[str, int, dict[str, Any]], Any],
    ) -> Callable[[Request, Visitor], Awaitable[Response]]:
        async def endpoint(request: Request, visitor: Visitor) -> Response:
            task_id = request.path_params.get("task_id", 0)
            return await act(request, visitor, lambda f: make(visitor.name, task_id, f))

        return endpoint

    def add(actor: str, _id: int, f: dict[str, Any]) -> Any:
        return operations.add_task(
            actor=actor,
            title=(_text(f, "title") or "").strip(),
            status=_text(f, "status") or "pending",
            priority=_text(f, "priority") or "medium",
            project=(_text(f, "project") or "").strip() or None,
            create_project=True,
        )

    def move(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.update_task(
            actor=actor,
            task_id=task_id,
            status=_text(f, "status"),
            expected_version=_int(f, "version"),
        )

    def edit(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        tags = [t.strip() for t in (_text(f, "tags") or "").split(",") if t.strip()]
        due: Any = (_text(f, "due_date") or "").strip()
        return operations.update_task(
            actor=actor,
            task_id=task_id,
            title=(_text(f, "title") or "").strip(),
            description=_text(f, "description") or "",
            priority=_text(f, "priority"),
            tags=tags,
            due_date=due or None,
            clear_due_date=not due,
            expected_version=_int(f, "version"),
        )

    def note(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        kind: Any = "handoff" if _text(f, "kind") == "handoff" else "note"
        return operations.add_note(
            actor=actor, task_id=task_id, text=_text(f, "text") or "", kind=kind
        )

    def claim(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        release = _text(f, "release") == "1"
        return operations.claim_task(actor=actor, task_id=task_id, release=release)

    def review(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.review_task(
            actor=actor,
            task_id=task_id,
            approve=_text(f, "verdict") == "approve",
            note=_text(f, "note") or None,
        )

    def check(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.update_task(
            actor=actor,
            task_id=task_id,
            checked=[int(n) for n in f.get("checked", []) if str(n).isdigit()],
            expected_version=_int(f, "version"),
        )

    def delete(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.delete_task(
            actor=actor, task_id=task_id, expected_version=_int(f, "version")
        )

    def restore(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.restore_task(actor=actor, task_id=task_id)

    def revert(actor: str, task_id: int, f: dict[str, Any]) -> Any:
        return operations.revert_task(
            actor=actor,
            task_id=task_id,
            version=_int(f, "to_version") or 0,
            expected_version=_int(f, "version"),
        )

    return {
        "/task": on(add),
        "/task/{task_id:int}/move": on(move),
        "/task/{task_id:int}/edit": on(edit),
        "/task/{task_id:int}/note": on(note),
        "/task/{task_id:int}/claim": on(claim),
        "/task/{task_id:int}/delete": on(delete),
        "/task/{task_id:int}/review": on(review),
        "/task/{task_id:int}/check": on(check),
        "/task/{task_id:int}/restore": on(restore),
        "/task/{task_id:int}/revert": on(revert),
    }
