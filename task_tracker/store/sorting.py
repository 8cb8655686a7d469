"""list_tasks by due date or by last update: keyset pages on (sort key, id).

Each page is read from the key's index in order and stops at the page. A due date is split
into dated then undated tasks (undated last either way). A filter that leaves few tasks (a
rare tag, a small project) reads those and sorts them instead. (By id, and by priority, one
priority after another in id order, store.listing reads pages as for its filters.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, literal, select, tuple_

from task_tracker.schemas import Priority
from task_tracker.store.hints import unindexed
from task_tracker.store.tasks import TASK_ROW, T, TaskRow

# A filter matching up to this many tasks is read whole and sorted (a few ms at most).
SORT_SMALL = 2_000
_PRIORITIES = [Priority.LOW.value, Priority.MEDIUM.value, Priority.HIGH.value]


def priority_ranks(order: str, start: str | None) -> list[str]:
    """The priorities in the sort's order (desc: high first), from `start` on."""
    ranks = _PRIORITIES[::-1] if order == "desc" else _PRIORITIES
    return ranks[ranks.index(start) :] if start in ranks else ranks


def sort_key(sort: str, task: TaskRow) -> Any:
    """The value of a task that its page's cursor carries (None for an undated task)."""
    if sort == "priority":
        return task.priority
    if sort == "due_date":
        return task.due_date
    if sort == "updated_at":
        return task.updated_at
    return task.id


Segment = tuple[list[Any], list[Any]]


def _segments(
    sort: str, desc: bool, key: Any, after_id: int | None, *, plain: bool
) -> Iterator[Segment]:
    """(conditions, ORDER BY) of each part of the order, from the cursor on. plain: on the
    columns as expressions no index serves (`|| ''`, `+ 0`), for rows found by id."""

    def value(column: Any) -> Any:
        if not plain:
            return column
        return unindexed(column)

    def direction(column: Any) -> Any:
        return value(column).desc() if desc else value(column).asc()

    def past(*columns: Any) -> list[Any]:  # strictly after the cursor's (key, id)
        if after_id is None:
            return []
        values = [key, after_id] if len(columns) == 2 else [after_id]
        here = tuple_(*(value(c) for c in columns))
        there = tuple_(*(literal(v, c.type) for v, c in zip(values, columns, strict=True)))
        return [here < there if desc else here > there]

    due = value(T.due_date)
    if sort == "updated_at":
        yield past(T.updated_at, T.id), [direction(T.updated_at), direction(T.id)]
    else:  # due_date
        if after_id is None or key is not None:
            dated = [due.is_not(None), *past(T.due_date, T.id)]
            yield dated, [direction(T.due_date), direction(T.id)]
        undated_past = past(T.id) if key is None else []
        yield [due.is_(None), *undated_past], [direction(T.id)]


def sorted_rows(
    conn: Connection,
    *,
    sort: str,
    order: str,
    statuses: list[str] | None,
    filters: list[Any],
    few: Select[Any] | None,
    after_key: Any,
    after_id: int | None,
    limit: int,
) -> list[TaskRow]:
    """Up to limit + 1 tasks in (sort, order) after the cursor's (key, id).

    filters: conditions on a task row besides status. few: the ids of a filter that matches
    at most SORT_SMALL tasks (a rare tag, a small project), read whole and sorted; else None.
    """
    desc = order == "desc"
    if isinstance(after_key, str) and sort == "updated_at":
        after_key = datetime.fromisoformat(after_key)
    rows: list[TaskRow] = []
    # The few matches are read by id: their conditions and order must not make SQLite walk
    # an index of the key instead (checking every entry against the ids: 7x the budget of
    # tests/store/test_plans.py for a name's claims).
    segments = _segments(sort, desc, after_key, after_id, plain=few is not None)
    for conditions, order_by in segments:
        need = limit + 1 - len(rows)
        if need <= 0:
            break
        if few is not None:
            # The few matches' rows by id (`few` holds every filter), then sorted.
            query = select(*TASK_ROW).where(T.id.in_(few), *conditions)
            rows += conn.execute(query.order_by(*order_by).limit(need))
            continue
        # One walk of the key's own index in order, each filter checked per row (`|| ''`
        # keeps SQLite off the (status, key) indexes, which would sort every match).
        by_status = [unindexed(T.status).in_(statuses)] if statuses is not None else []
        query = select(*TASK_ROW).where(*by_status, *filters, *conditions)
        rows += conn.execute(query.order_by(*order_by).limit(need))
    return rows
