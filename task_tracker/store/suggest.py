"""What to work on next: the best ready tasks, in the order next_task documents."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, or_, select

from task_tracker.schemas import OPEN_STATUSES, Priority, Status, utcnow
from task_tracker.store import projects, structure
from task_tracker.store.claims import free_for, held_by
from task_tracker.store.filters import tag_list
from task_tracker.store.hints import unindexed
from task_tracker.store.listing import has_tag
from task_tracker.store.structure import TASKS, D
from task_tracker.store.tasks import TASK_ROW, T, TaskRow


@functools.cache
def _next_segment(
    *, tags: int, by_project: bool, dated: bool, held: bool, lock: bool, review: bool = False
) -> Select[Any]:
    """One (status, priority) segment of next_tasks, ready tasks nobody else holds only (held:
    the actor holds), dated (by due date) or undated (by id); built once per shape, as
    building it cost 40 times running it. lock: FOR UPDATE SKIP LOCKED (see next_tasks)."""
    conditions = [has_tag(bindparam(f"tag{n}")) for n in range(tags)]
    if review and not held:  # a task in review is for others than the agent that did it
        conditions.append(or_(T.submitted_by.is_(None), T.submitted_by != bindparam("actor")))
    if by_project:
        # Tasks in review are few: read from (status, priority, due_date), the project
        # checked per row (from the project's index, a project with none in review was read
        # whole: 100 ms at a million tasks).
        project = unindexed(T.project_id) if review else T.project_id
        conditions.append(project == bindparam("project_id"))
    order = T.due_date if dated else T.id
    query = (
        select(*TASK_ROW)
        .where(
            T.status == bindparam("status"),
            T.priority == bindparam("priority"),
            T.due_date.is_not(None) if dated else T.due_date.is_(None),
            *conditions,
            structure.ready(),
            (held_by if held else free_for)(
                bindparam("actor"), bindparam("now", type_=T.claimed_until.type)
            ),
            # Deferred work stays out of sight until its time (revision 0023).
            or_(
                T.defer_until.is_(None),
                T.defer_until <= bindparam("now", type_=T.defer_until.type),
            ),
        )
        .order_by(order, T.id)
        .limit(bindparam("limit"))
    )
    return query.with_for_update(skip_locked=True, of=TASKS) if lock else query


def next_tasks(
    conn: Connection,
    *,
    tag: str | Sequence[str] | None,
    limit: int,
    project: str | None = None,
    actor: str | None = None,
    held: bool = False,
    lock: bool = False,
) -> list[TaskRow]:
    """The best ready tasks (open, dependencies complete, no open subtasks) to work on, best
    first: in review (for others than the agent that did them), then in progress, then
    pending; within each by priority, then by due date (the earliest, so the overdue,
    first; undated last), then the oldest. Each (status, priority) is read from (status,
    priority, due_date) in that order, dated then undated, and only as far as `limit`
    needs. Deferred tasks (defer_until still ahead) are left out, as are tasks someone
    other than `actor` holds (a running lease) (actor None: every held task, and tasks in
    review); held: only tasks `actor` holds.

    lock: the tasks returned are locked for the caller's transaction and tasks another
    transaction has locked are passed over (PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite,
    with one writer at a time, has nothing to lock): agents claiming at once each get a
    different task instead of all reaching for the best one and retrying."""
    tags = tag_list(tag)
    params: dict[str, Any] = {f"tag{n}": t for n, t in enumerate(tags)}
    params.update(actor=actor, now=utcnow())
    if project is not None:
        params["project_id"] = projects.project_id(conn, project)
    rows: list[TaskRow] = []
    # Tasks in review come first, for agents other than the one that did them (an anonymous
    # caller, actor None, is offered none).
    first = (Status.IN_REVIEW,) if actor is not None else ()
    for status in (*first, Status.IN_PROGRESS, Status.PENDING):
        for priority in (Priority.HIGH, Priority.MEDIUM, Priority.LOW):
            for dated in (True, False):
                if len(rows) < limit:
                    query = _next_segment(
                        tags=len(tags),
                        by_project=project is not None,
                        dated=dated,
                        held=held,
                        lock=lock,
                        review=status is Status.IN_REVIEW,
                    )
                    params.update(status=status.value, priority=priority.value)
                    rows += conn.execute(query, {**params, "limit": limit - len(rows)})
    return rows


def held_ready(
    conn: Connection, *, tag: str | Sequence[str] | None, project: str | None, limit: int
) -> list[TaskRow]:
    """Ready tasks someone holds under a running lease, the lease ending soonest first: what
    next_task would offer but for their claims."""
    tags = tag_list(tag)
    conditions = [has_tag(t) for t in tags]
    if project is not None:
        conditions.append(T.project_id == projects.project_id(conn, project))
    query = (
        select(*TASK_ROW)
        .where(
            T.status.in_((Status.IN_PROGRESS.value, Status.PENDING.value)),
            T.claimed_until > bindparam("now", type_=T.claimed_until.type),
            structure.ready(),
            *conditions,
        )
        .order_by(T.claimed_until, T.id)
        .limit(limit)
    )
    return list(conn.execute(query, {"now": utcnow()}))


# top_blockers counts over the dependencies of the newest tasks that have any, this many:
# counting every dependency took 360 ms at a million tasks (100,000 dependencies); each one
# read costs two task rows (~2 us each, warm).
BLOCKERS_READ = 1_000


def top_blockers(conn: Connection, *, limit: int = 3) -> list[tuple[Any, int]]:
    """The unfinished tasks that the most open tasks wait on, with how many each blocks
    (among the newest BLOCKERS_READ dependencies, by waiting task, from their key)."""
    waiting = TASKS.alias("waiting")
    blocker = TASKS.alias("blocker")
    recent = (
        select(D.task_id, D.depends_on_id)
        .order_by(D.task_id.desc(), D.depends_on_id.desc())
        .limit(BLOCKERS_READ)
        .subquery()
    )
    n = func.count().label("n")
    query = (
        select(blocker.c.id, blocker.c.title, blocker.c.status, n)
        .select_from(
            recent.join(waiting, waiting.c.id == recent.c.task_id).join(
                blocker, blocker.c.id == recent.c.depends_on_id
            )
        )
        .where(waiting.c.status.in_(OPEN_STATUSES), blocker.c.status != Status.COMPLETE.value)
        .group_by(blocker.c.id, blocker.c.title, blocker.c.status)
        .order_by(n.desc(), blocker.c.id)
        .limit(limit)
    )
    return [(row, row.n) for row in conn.execute(query)]
