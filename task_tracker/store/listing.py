"""Queries over many tasks: filtered pages, keyset by id (or by a sort, with store.sorting)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, or_, select

from task_tracker.models import TaskCount, TaskTag, table_of
from task_tracker.schemas import (
    COUNT_CAP,
    ID_MAX,
    Status,
    Total,
    utcnow,
)
from task_tracker.store import claims
from task_tracker.store.filters import Filters, status_values
from task_tracker.store.hints import unindexed
from task_tracker.store.sorting import SORT_SMALL, priority_ranks, sorted_rows
from task_tracker.store.tasks import TASK_ROW, TASKS, T, TaskRow

TASK_TAGS = table_of(TaskTag)
TAGS = TASK_TAGS.c
COUNTS = table_of(TaskCount).c


def _rarity(conn: Connection, tag: str) -> tuple[int, int]:
    """Sorts the least used tag first, from at most COUNT_CAP of its index entries: a tag on
    fewer tasks by how many; past that, by how far into the table its first COUNT_CAP reach
    (the further, the sparser)."""
    first = (
        select(TAGS.task_id).where(TAGS.tag == tag).order_by(TAGS.task_id).limit(COUNT_CAP)
    ).subquery()
    reach, n = conn.execute(select(func.max(first.c.task_id), func.count())).one()
    return (0, n) if n < COUNT_CAP else (1, -reach)


def has_tag(tag: Any, task_id: Any = T.id) -> Any:
    """Whether the task carries the tag (a value or a bound parameter)."""
    other = TASK_TAGS.alias()
    return select(other.c.task_id).where(other.c.task_id == task_id, other.c.tag == tag).exists()


def count_upto(conn: Connection, matches: Select[Any], most: int) -> int:
    """How many rows `matches` selects, reading at most `most` of them."""
    return conn.scalar(select(func.count()).select_from(matches.limit(most).subquery())) or 0


def capped_count(conn: Connection, matches: Select[Any]) -> Total:
    """Count the rows `matches` selects, reading at most COUNT_CAP + 1 of them."""
    n = count_upto(conn, matches, COUNT_CAP + 1)
    return Total(min(n, COUNT_CAP), capped=n > COUNT_CAP)


@dataclass(frozen=True, slots=True)
class TaskPage:
    items: list[TaskRow]
    total: Total
    has_more: bool


def count_by_status(conn: Connection, *, status: str | None) -> int:
    """Tasks with a status (None/"all": every task; "open"), from the trigger-kept counts."""
    return _counted(conn, status_values(status))


def _counted(conn: Connection, statuses: list[str] | None) -> int:
    """Tasks with any of these statuses (None: every task), from the trigger-kept counts."""
    query = select(func.coalesce(func.sum(COUNTS.n), 0))
    if statuses is not None:
        query = query.where(COUNTS.status.in_(statuses))
    return conn.scalar(query) or 0


# A due range of up to this many tasks is read from (status, due_date) and its ids sorted; a
# wider one is walked in id order, where then at least 1 row in (tasks / DUE_SORT_MAX) matches.
DUE_SORT_MAX = 5_000


def _due_in_range(
    statuses: list[str] | None, due_before: date | None, due_after: date | None
) -> list[Any]:
    """Tasks due in a range, as (status, due_date) finds them: it leads with status, so every
    status is named when none is filtered (the CHECK constraint allows no others)."""
    if due_before is None and due_after is None:
        return []
    every_status = [T.status.in_([s.value for s in Status])] if statuses is None else []
    return [*every_status, *_due_bounds(T.due_date, due_before, due_after)]


def _due_bounds(due: Any, due_before: date | None, due_after: date | None) -> list[Any]:
    """due (the column, or an expression of it) strictly between the dates given."""
    bounds = [due < due_before.isoformat()] if due_before is not None else []
    if due_after is not None:
        bounds.append(due > due_after.isoformat())
    return bounds


def due_window(when: str, today: date) -> tuple[date | None, date | None]:
    """(due_after, due_before), both exclusive, for a `due` shorthand on the given day:
    "overdue" (before today), "today", "this_week" (Monday to Sunday of today's week)."""
    if when == "overdue":
        return None, today
    if when == "today":
        return today - timedelta(days=1), today + timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=1), monday + timedelta(days=7)


def list_tasks(
    conn: Connection,
    *,
    status: str | None = None,
    priority: str | None = None,
    tag: str | Sequence[str] | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    project: str | None = None,
    claimed_by: str | None = None,
    deferred: bool | None = None,
    sort: str = "id",
    order: str = "asc",
    after_key: Any = None,
    after_id: int | None = None,
    limit: int = 50,
    known_total: Total | None = None,
) -> TaskPage:
    """Tasks matching the filters in id order (or by `sort`, see store.sorting), starting
    after the cursor's (after_key, after_id) (keyset pagination). tag: one tag or several
    (all of them); the due bounds are exclusive; claimed_by: who holds them ("" nobody);
    deferred: only tasks deferred until later (True), or none of them (False).

    known_total: the total a first page already counted (carried in the cursor), so later
    pages do not count again. Each filter's page is read the way its plan stays small at a
    million tasks; tests/store/test_plans.py holds them to it.
    """
    filters = Filters.read(conn, status=status, priority=priority, tag=tag, project=project)
    statuses, project_id = filters.statuses, filters.project_id
    by_status = [T.status.in_(statuses)] if statuses is not None else []
    by_column = [T.priority == priority] if priority is not None else []
    if project_id is not None:
        by_column.append(T.project_id == project_id)
    # (A name's few tasks are read from ix_tasks_claimed_by, revision 0015.)
    by_claim = [claims.claimed_by(claimed_by, utcnow())] if claimed_by is not None else []
    if deferred is not None:  # (checked per row: deferred tasks are few)
        later = T.defer_until > bindparam("defer_now", utcnow(), type_=T.defer_until.type)
        by_claim.append(later if deferred else or_(T.defer_until.is_(None), ~later))
    tags = list(filters.tags)
    if tags and statuses is not None and _counted(conn, statuses) <= SORT_SMALL:
        # A status few tasks have (in review, say) is read from (status, id), each row's
        # tags checked: driven by a common tag, a page read the tag's whole range for the
        # few (75 ms for an empty board column at 100k tasks).
        by_claim += [has_tag(tag) for tag in tags]
        tags = []
    by_column += by_claim
    due_range = _due_in_range(statuses, due_before, due_after)
    if len(tags) > 1:  # the least used tag drives the page; the others are checked per row
        tags.sort(key=lambda t: _rarity(conn, t))
    conditions = [*by_status, *by_column, *due_range]
    in_range = None  # tasks in the status filter and due range, counted up to DUE_SORT_MAX + 1
    if due_range and not tags:
        in_range = count_upto(conn, select(T.id).where(*by_status, *due_range), DUE_SORT_MAX + 1)
    few_in_range = in_range is not None and in_range <= DUE_SORT_MAX
    if tags:
        # Driven by the first tag's index range in task id order, each match's row then found
        # by its id (and any other tag by its (task_id, tag) key): a page reads about as many
        # index entries as it returns. (Filtering tasks first, as `id IN (tagged)`, sorted
        # every match in a temporary B-tree: 170 ms at a million tasks against under 1 ms.)
        key = TAGS.task_id
        tagged = TASK_TAGS.join(TASKS, T.id == TAGS.task_id)
        others = [has_tag(t, key) for t in tags[1:]]
        # (Counting needs no task row unless a filter reads one: 3x fewer page reads.)
        matches = select(key).select_from(tagged if conditions else TASK_TAGS)
        matches = matches.where(TAGS.tag == tags[0], *conditions, *others)
    else:
        key = T.id
        matches = select(key).where(*conditions)

    def id_page(
        after: int | None, extra: list[Any], room: int, desc: bool = False
    ) -> list[TaskRow]:
        """Up to `room` matches (and `extra`) past id `after`, in id order (desc: newest
        first). There is a bound on the first page too: with it SQLite walks (status, id) in
        id order and stops at the page; without one it sorted every open task (80 ms at a
        million tasks)."""

        def past(column: Any) -> Any:
            return column < (after or ID_MAX + 1) if desc else column > (after or 0)

        if tags:
            page = select(*TASK_ROW).select_from(tagged).where(*extra, past(key))
            page = page.where(matches.whereclause)  # type: ignore[arg-type]  # (it has one)
        elif few_in_range:
            # The range's ids from the index, sorted (id + 0 keeps SQLite from walking by id).
            plus = unindexed(T.id)
            ids = matches.where(
                *extra, plus < (after or ID_MAX + 1) if desc else plus > (after or 0)
            )
            ids = ids.order_by(key.desc() if desc else key).limit(room)
            page = select(*TASK_ROW).where(T.id.in_(ids))
        else:
            # By id, every filter checked per row (a wide due range too: `|| ''` keeps SQLite
            # from reading the whole range from its index and sorting it).
            walked = _due_bounds(unindexed(T.due_date), due_before, due_after)
            page = select(*TASK_ROW).where(*by_status, *by_column, *walked, *extra, past(key))
        return list(conn.execute(page.order_by(key.desc() if desc else key).limit(room)))

    if sort == "id":
        rows = id_page(after_id, [], limit + 1, desc=order == "desc")
    elif sort == "priority":
        # One priority after another, each in id order (oldest first) read as above.
        rows = []
        for rank in priority_ranks(order, after_key if after_id is not None else None):
            if len(rows) <= limit and priority in (None, rank):
                start = after_id if rank == after_key else None
                rows += id_page(start, [T.priority == rank], limit + 1 - len(rows))
    else:
        few = None
        if few_in_range:
            few = matches
        elif (tags or project is not None or claimed_by) and (
            count_upto(conn, matches, SORT_SMALL + 1) <= SORT_SMALL
        ):
            few = matches
        rows = sorted_rows(
            conn,
            sort=sort,
            order=order,
            statuses=statuses,
            # Checked per row of the sort key's index: `|| ''` and `+ 0` keep SQLite from
            # reading another index instead and sorting all it finds there.
            filters=[
                *([unindexed(T.priority) == priority] if priority is not None else []),
                *([unindexed(T.project_id) == project_id] if project_id is not None else []),
                *by_claim,
                *_due_bounds(
                    T.due_date if sort == "due_date" else unindexed(T.due_date),
                    due_before,
                    due_after,
                ),
                *(has_tag(t) for t in tags),
            ],
            few=few,
            after_key=after_key,
            after_id=after_id,
            limit=limit,
        )
    has_more = len(rows) > limit
    if known_total is not None:
        total = known_total
    elif after_id is None and not has_more:
        total = Total(len(rows))  # the whole result is on this page
    elif not by_column and not tags and not due_range:
        total = Total(count_by_status(conn, status=status))
    elif in_range is not None and not by_column:  # already counted, past COUNT_CAP
        total = Total(min(in_range, COUNT_CAP), capped=in_range > COUNT_CAP)
    else:
        total = capped_count(conn, matches)
    return TaskPage(items=rows[:limit], total=total, has_more=has_more)
