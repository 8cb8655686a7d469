"""Opaque page cursors: where the next page starts, and the total the first page counted
(so later pages never count again). A cursor names its kind (and a list cursor its sort),
so one from another tool or sort is refused with what to do instead."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from task_tracker.errors import InvalidInput
from task_tracker.schemas import ID_MAX, Total

if TYPE_CHECKING:
    from task_tracker.store import TaskRow

CursorKind = Literal["after", "offset", "before"]
_CURSOR = re.compile(
    r"(?P<kind>[a-z]+):(?P<position>[0-9]{1,16})(?::(?P<count>[0-9]{1,16})(?P<capped>\+?))?"
)


def encode_cursor(kind: CursorKind, value: int, total: Total) -> str:
    """An opaque page token: "after:<id>" for list_tasks, "offset:<n>" for search_tasks, then
    the first page's total (":<n>", or ":<n>+" when capped), which later pages carry on."""
    text = f"{kind}:{value}:{total.count}" + ("+" if total.capped else "")
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: CursorKind) -> tuple[int, Total | None]:
    """(the position, the carried total or None)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        match = _CURSOR.fullmatch(raw)
        if match is None or match["kind"] != kind:
            raise ValueError(raw)
        position, count = int(match["position"]), match["count"]
        if max(position, int(count or 0)) > ID_MAX:
            raise ValueError(raw)
        total = Total(int(count), capped=bool(match["capped"])) if count is not None else None
        return position, total
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def _bad_cursor() -> InvalidInput:
    return InvalidInput(
        "cursor is not valid. Pass next_cursor exactly as a previous call returned it, "
        "or omit cursor for the first page."
    )


# A sorted list's cursor: sort and order (one letter each), the last task's sort key, its id,
# then the first page's total as in the others.
_SORT_CURSOR = re.compile(
    r"(?P<sort>[ipdu])(?P<order>[ad])\|(?P<key>[^|]{0,40})\|(?P<id>[0-9]{1,16})"
    r"\|(?P<count>[0-9]{1,16})(?P<capped>\+?)"
)


def _sort_value(sort: str, task: TaskRow) -> str:
    if sort == "priority":
        return str(task.priority)
    if sort == "due_date":
        return task.due_date or ""
    if sort == "updated_at":
        return task.updated_at.isoformat(timespec="microseconds")
    return ""


def encode_list_cursor(sort: str, order: str, task: TaskRow, total: Total) -> str:
    """list_tasks' page token: "after:<id>" in the default order, else the sort's key too."""
    if (sort, order) == ("id", "asc"):
        return encode_cursor("after", task.id, total)
    text = f"{sort[0]}{order[0]}|{_sort_value(sort, task)}|{task.id}|{total.count}"
    return base64.urlsafe_b64encode((text + ("+" if total.capped else "")).encode()).decode()


def decode_list_cursor(cursor: str, sort: str, order: str) -> tuple[Any, int, Total | None]:
    """(the last task's sort key, its id, the carried total) of a list_tasks cursor."""
    if (sort, order) == ("id", "asc"):
        return (None, *decode_cursor(cursor, "after"))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        match = _SORT_CURSOR.fullmatch(raw)
        if match is None:
            raise ValueError(raw)
        if (match["sort"], match["order"]) != (sort[0], order[0]):
            raise InvalidInput(
                "cursor comes from a list with another sort or order: pass the same sort and "
                "order as for the first page, or omit cursor to start again."
            )
        key = _parse_sort_value(sort, match["key"])
        task_id, count = int(match["id"]), int(match["count"])
        if max(task_id, count) > ID_MAX:
            raise ValueError(raw)
        return key, task_id, Total(count, capped=bool(match["capped"]))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def _parse_sort_value(sort: str, text: str) -> Any:
    if sort == "priority":
        if text not in ("low", "medium", "high"):
            raise ValueError(text)
        return text
    if sort == "due_date":
        return date.fromisoformat(text).isoformat() if text else None
    if sort == "updated_at":
        return datetime.fromisoformat(text)
    return None
