"""What a task asks of the work on it (revision 0023): acceptance criteria that must be met
before it completes, a deferral, a repeat that opens its next occurrence, and its links to
the task it was discovered from and the one it duplicates.

Criteria are stored as JSON text, [{"text": ..., "checked": false}, ...], numbered from 1 in
that order; the history triggers record each change to them with who made it and when.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from task_tracker.errors import CriteriaUnchecked, InReview, InvalidInput
from task_tracker.models import Project, TaskNote, table_of
from task_tracker.schemas import NOTE_MAX, StoredRow, TaskRow, local_today, utcnow
from task_tracker.store import structure
from task_tracker.store.structure import TASKS, T

PROJECTS = table_of(Project)
NEXT_OCCURRENCE_COPIES = (
    "title",
    "description",
    "priority",
    "tags",
    "project_id",
    "parent_id",
    "review",
)


def criteria_of(task: TaskRow) -> list[dict[str, Any]]:
    """The task's criteria as stored; a hand-edited value that is not a list of items reads
    as none (the CHECK keeps it a JSON array)."""
    try:
        items = json.loads(getattr(task, "criteria", None) or "[]")
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [
        {"text": str(item.get("text", "")), "checked": item.get("checked") is True}
        for item in items
        if isinstance(item, dict)
    ]


def encode_criteria(items: Sequence[dict[str, Any]]) -> str | None:
    return json.dumps(list(items), ensure_ascii=False, separators=(",", ":")) if items else None


def new_criteria(texts: Sequence[str]) -> list[dict[str, Any]]:
    items = [text.strip() for text in texts]
    if any(not text for text in items):
        raise InvalidInput("Each criterion needs at least one non-space character.")
    return [{"text": text, "checked": False} for text in items]


def ticked(task_id: int, items: list[dict[str, Any]], numbers: Sequence[int]) -> list[dict]:
    """items with the criteria numbered `numbers` (from 1) checked."""
    if not items:
        raise InvalidInput(f"Task #{task_id} has no acceptance criteria to check.")
    wrong = sorted({n for n in numbers if not 1 <= n <= len(items)})
    if wrong:
        raise InvalidInput(
            f"Task #{task_id} has criteria 1-{len(items)}: there is no number "
            f"{', '.join(map(str, wrong))}. get_task lists them."
        )
    return [{**item, "checked": item["checked"] or n in numbers} for n, item in enumerate(items, 1)]


def unchecked(items: list[dict[str, Any]]) -> list[str]:
    return [f"{n}. {item['text']}" for n, item in enumerate(items, 1) if not item["checked"]]


def refuse_unchecked(task_id: int, items: list[dict[str, Any]]) -> None:
    numbers = [n for n, item in enumerate(items, 1) if not item["checked"]]
    if numbers:
        raise CriteriaUnchecked(task_id, numbers, "; ".join(unchecked(items)))


def check_link(conn: Connection, *, task_id: int | None, target: int, role: str) -> None:
    """A link points at another task that exists."""
    if target == task_id:
        raise InvalidInput(f"{role} must be another task than #{task_id} itself.")
    structure.require_tasks(conn, [target], role=role)


_EVERY = re.compile(r"^every ([1-9][0-9]{0,2}) (days|weeks)$")


def advanced(day: date, repeat: str) -> date:
    """The day after `day` on which a task that repeats `repeat` falls due next."""
    if repeat == "daily":
        return day + timedelta(days=1)
    if repeat == "weekly":
        return day + timedelta(weeks=1)
    if repeat == "weekdays":
        step = {4: 3, 5: 2}.get(day.weekday(), 1)  # Friday and Saturday go to Monday
        return day + timedelta(days=step)
    if repeat == "monthly":
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    match = _EVERY.match(repeat)
    if match is None:
        raise InvalidInput(f"repeat {repeat!r} is not one of the forms repeat takes.")
    count = int(match.group(1))
    return day + (timedelta(days=count) if match.group(2) == "days" else timedelta(weeks=count))


def next_due(due: date | None, repeat: str, today: date) -> date:
    """The next occurrence's due date: the one after the task's due date (today's, for an
    undated task), past today, so a late completion does not open an overdue task."""
    day = advanced(due or today, repeat)
    while day <= today:
        day = advanced(day, repeat)
    return day


def open_next(conn: Connection, task: Any, *, today: date) -> int:
    """The task's next occurrence: the same fields, pending, criteria unchecked, due on its
    next day, linked to `task` by repeat_of. Returns its id."""
    now = utcnow()
    due = date.fromisoformat(task.due_date) if task.due_date else None
    items = [{**item, "checked": False} for item in criteria_of(task)]
    values = {name: getattr(task, name) for name in NEXT_OCCURRENCE_COPIES}
    values.update(
        status="pending",
        due_date=next_due(due, task.repeat, today).isoformat(),
        criteria=encode_criteria(items),
        repeat=task.repeat,
        repeat_of=task.id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    return conn.execute(insert(TASKS).returning(T.id), values).scalar_one()


def deferral(moment: datetime | None) -> datetime | None:
    """defer_until as stored: a moment already past defers nothing."""
    return moment if moment is not None and moment > utcnow() else None


def added_values(
    conn: Connection,
    *,
    criteria: Sequence[str],
    defer_until: datetime | None,
    repeat: str | None,
    discovered_from: int | None,
) -> dict[str, Any]:
    """A new task's columns for what its work asks (add_task)."""
    if discovered_from is not None:
        check_link(conn, task_id=None, target=discovered_from, role="discovered_from")
    return {
        "criteria": encode_criteria(new_criteria(criteria)),
        "defer_until": deferral(defer_until),
        "repeat": repeat or None,
        "discovered_from": discovered_from,
    }


def changed_values(
    conn: Connection,
    task: TaskRow,
    *,
    criteria: Sequence[str] | None,
    checked: Sequence[int] | None,
    defer_until: datetime | None | Any,
    repeat: str | None,
    duplicate_of: int | None,
    keep: Any,
) -> dict[str, Any]:
    """The columns update_task changes for what the work asks (None, or `keep` for
    defer_until: unchanged). criteria replaces them all, unchecked; checked ticks by number;
    duplicate_of links the task to the one it repeats (the caller closes it)."""
    values: dict[str, Any] = {}
    items = criteria_of(task)
    if criteria is not None:
        items = new_criteria(criteria)
    if checked:
        items = ticked(task.id, items, checked)
    stored = encode_criteria(items)
    if stored != task.criteria and (criteria is not None or checked):
        values["criteria"] = stored
    if defer_until is not keep:
        moment = deferral(defer_until)
        if moment != task.defer_until:
            values["defer_until"] = moment
    if repeat is not None and (repeat or None) != task.repeat:
        values["repeat"] = repeat or None
    if duplicate_of is not None and duplicate_of != task.duplicate_of:
        check_link(conn, task_id=task.id, target=duplicate_of, role="duplicate_of")
        values["duplicate_of"] = duplicate_of
    return values


def record_override(conn: Connection, task: TaskRow, *, actor: str | None) -> None:
    """A completion past unchecked criteria (with_unchecked) leaves a note saying which, by
    whom: the note is in the task's history too."""
    left = unchecked(criteria_of(task))
    if left:
        text = "Completed with unchecked acceptance criteria: " + "; ".join(left)
        note = {"task_id": task.id, "at": utcnow(), "actor": actor, "text": text[:NOTE_MAX]}
        conn.execute(insert(table_of(TaskNote)), {**note, "kind": "note"})


def _rows(conn: Connection, ids: Sequence[int]) -> list[Any]:
    columns = (T.id, T.criteria, T.repeat, *(T[name] for name in NEXT_OCCURRENCE_COPIES))
    query = select(*columns, T.due_date).where(
        T.id.in_(ids), T.criteria.is_not(None) | T.repeat.is_not(None)
    )
    return list(conn.execute(query))


def completing_below(conn: Connection, ids: Sequence[int], *, with_unchecked: bool) -> list[Any]:
    """Before subtasks complete with their parent: refused if one has unchecked criteria
    (unless with_unchecked); returns those that repeat, for opened_below."""
    rows = _rows(conn, ids)
    if not with_unchecked:
        for row in rows:
            refuse_unchecked(row.id, criteria_of(row))
    return [row for row in rows if row.repeat]


def opened_below(conn: Connection, rows: Sequence[Any]) -> None:
    for row in rows:
        open_next(conn, row, today=local_today())


def next_occurrence(conn: Connection, task: TaskRow) -> int | None:
    """The occurrence a repeating task's completion opened, if it has one."""
    query = select(T.id).where(T.repeat_of == task.id).order_by(T.id.desc()).limit(1)
    return conn.scalar(query) if task.status == "complete" else None


LINKS = ("discovered_from", "duplicate_of", "repeat_of")


def links_of(task: TaskRow) -> dict[str, int]:
    """The task's typed links that are set, by kind."""
    found = {kind: getattr(task, kind, None) for kind in LINKS}
    return {kind: target for kind, target in found.items() if target is not None}


def needs_review(conn: Connection, task: TaskRow) -> bool:
    """Whether completing the task needs another agent's review: its own review, or when
    that is unset, its project's (revision 0024)."""
    if task.review is not None:
        return bool(task.review)
    if task.project_id is None:
        return False
    return bool(conn.scalar(select(PROJECTS.c.review).where(PROJECTS.c.id == task.project_id)))


def routed(
    conn: Connection,
    task: TaskRow,
    values: dict[str, Any],
    *,
    actor: str | None,
    approving: bool,
) -> dict[str, Any]:
    """The status change in `values` (to `task` as it is) as review has it: its agent
    completing a task that needs review (as it will be) puts it in review (submitted_by:
    that agent); a task in review completes only by approval (review_task), and its agent
    completing it again changes nothing."""
    status = values.get("status")
    if status == "complete" and task.status == "in_review" and not approving:
        if actor is not None and actor == task.submitted_by:
            return {"status": None}  # (already done, waiting for review: as complete_task again)
        raise InReview(task.id, task.submitted_by)
    after = StoredRow({**task._mapping, **values})
    if status == "complete" and not approving and needs_review(conn, after):
        return {"status": "in_review", "submitted_by": actor}
    if status == "in_review":
        return {"submitted_by": actor}
    return {}
