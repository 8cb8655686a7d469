"""Shaping results for a model's context: pages, opaque cursors, character budgets, lines.

Every page ends early rather than pass PAGE_CHAR_BUDGET; a task that cannot be shown as stored
(a row written around the constraints) is shown with safe stand-ins and logged, so one odd row
never fails a whole page, resource or prompt.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from typing import TYPE_CHECKING, Literal, TypeVar

from task_tracker.errors import InvalidInput
from task_tracker.schemas import (
    ID_MAX,
    PAGE_CHAR_BUDGET,
    SearchHitOut,
    SearchPageOut,
    TaskOut,
    TaskPageOut,
    Total,
    parse_tags,
    shaped,
)

if TYPE_CHECKING:
    from task_tracker.store import SearchPage, TaskRow

CursorKind = Literal["after", "offset"]
_CURSOR = re.compile(
    r"(?P<kind>[a-z]+):(?P<position>[0-9]{1,16})(?::(?P<count>[0-9]{1,16})(?P<capped>\+?))?"
)
LINE_TAGS_SHOWN = 5
Shaped = TypeVar("Shaped", bound=TaskOut)


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
        raise InvalidInput(
            "cursor is not valid. Pass next_cursor exactly as a previous call returned it, "
            "or omit cursor for the first page."
        ) from None


def fit_budget(items: list[Shaped]) -> tuple[list[Shaped], bool]:
    """The leading items that fit in PAGE_CHAR_BUDGET (always at least one), and whether any
    were cut. The cost is a cheap over-estimate of each item's JSON size."""
    used = 0
    for count, out in enumerate(items):
        used += out.json_size_estimate()
        if count and used > PAGE_CHAR_BUDGET:
            return items[:count], True
    return items, False


def task_page(items: list[TaskRow], *, total: Total, has_more: bool) -> TaskPageOut:
    """A list_tasks page, ended early rather than exceed the character budget."""
    tasks, cut = fit_budget([shaped(TaskOut, task, preview=True) for task in items])
    more = has_more or cut
    next_cursor = encode_cursor("after", tasks[-1].id, total) if more and tasks else None
    return TaskPageOut(
        tasks=tasks, total=total.count, total_capped=total.capped, next_cursor=next_cursor
    )


def search_page(page: SearchPage, *, offset: int) -> SearchPageOut:
    hits = [shaped(SearchHitOut, hit.task, preview=True, snippet=hit.snippet) for hit in page.hits]
    results, cut = fit_budget(hits)
    more = page.has_more or cut
    end = offset + len(results)
    next_cursor = encode_cursor("offset", end, page.total) if more and results else None
    return SearchPageOut(
        results=results,
        total=page.total.count,
        total_capped=page.total.capped,
        next_cursor=next_cursor,
    )


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


def task_lines(tasks: list[TaskRow]) -> list[str]:
    """The leading task lines whose total length stays within PAGE_CHAR_BUDGET."""
    lines, used = [], 0
    for task in tasks:
        line = task_line(task)
        used += len(line) + 1
        if used > PAGE_CHAR_BUDGET:
            break
        lines.append(line)
    return lines


def why_next(task: TaskRow, today: date) -> str:
    """next_task's reason, in the order it ranks by: status, priority, due date, age."""
    parts = ["in progress" if task.status == "in_progress" else "pending"]
    parts.append(f"{task.priority} priority")
    if task.due_date is None:
        parts.append("no due date")
    elif task.due_date < today.isoformat():
        parts.append(f"overdue since {task.due_date}")
    elif task.due_date == today.isoformat():
        parts.append("due today")
    else:
        parts.append(f"due {task.due_date}")
    if task.created_at is not None:
        parts.append(f"open since {task.created_at.date().isoformat()}")
    return ", ".join(parts)
