"""Claims with leases: who is working on a task, until when.

A claim is a name and an end time on the task row. It is taken, renewed and released inside
the caller's write transaction, and SQLite admits one writer at a time, so two agents can
never both hold a task: the second one reads the first one's claim. A lease whose time has
passed holds nothing; no process needs to clear it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from task_tracker.errors import ClaimHeld, HeldByAnother, NotOpen, PathsHeld
from task_tracker.paths import first_overlap
from task_tracker.schemas import OPEN_STATUSES, Status, stamp, utcnow
from task_tracker.schemas.structure import LEASE_MINUTES_DEFAULT
from task_tracker.store.structure import T
from task_tracker.store.tasks import UPDATE_TASK, TaskRow, get_task


def holder(task: TaskRow, now: datetime) -> str | None:
    """Who holds the task now (None when no lease runs)."""
    until = task.claimed_until
    return task.claimed_by if task.claimed_by and until is not None and until > now else None


def free_for(actor: Any, now: Any) -> Any:
    """A condition on a task row: nobody else holds it (never claimed, lease over, or
    `actor`'s own claim). actor and now: values or bind parameters."""
    return or_(T.claimed_by.is_(None), T.claimed_until <= now, T.claimed_by == actor)


def held_by(actor: Any, now: Any) -> Any:
    """A condition on a task row: `actor` holds it (a running lease). actor and now: values
    or bind parameters."""
    return and_(T.claimed_by == actor, T.claimed_until > now)


def claimed_by(name: str, now: datetime) -> Any:
    """The claimed_by filter of list_tasks: tasks `name` holds, or "" for tasks nobody does."""
    return free_for(None, now) if name == "" else held_by(name, now)


def _refuse_held(task: TaskRow, by: str) -> ClaimHeld:
    return ClaimHeld(task.id, by, stamp(task.claimed_until))


def refuse_others_claim(conn: Any, *, task_ids: Iterable[int], actor: str) -> None:
    """A task another actor holds under a running lease is theirs to change: refused (its
    holder and lease named) until the lease ends, they release it, or it is taken over. (An
    id that names no task is left to the change itself to refuse, in its own words.)"""
    now = utcnow()
    held = conn.execute(
        select(T.id, T.claimed_by, T.claimed_until)
        .where(T.id.in_(list(task_ids)), T.claimed_until > now, T.claimed_by != actor)
        .order_by(T.id)
        .limit(1)
    ).first()
    if held is not None:
        raise HeldByAnother(held.id, held.claimed_by, stamp(held.claimed_until))


def claimed_paths(task: TaskRow) -> list[str]:
    """The path patterns of the task's claim ([] for none)."""
    raw = getattr(task, "claimed_paths", None)
    return list(json.loads(raw)) if raw else []


def _refuse_overlap(conn: Any, task_id: int, actor: str, paths: list[str], now: datetime) -> None:
    """Refuse paths that another running claim's patterns can name too. Reads every running
    claim that has paths (the claims index's rows): on PostgreSQL, two such claims made at
    once read each other's row, so one of them is retried and then sees the other."""
    others = conn.execute(
        select(T.id, T.claimed_by, T.claimed_until, T.claimed_paths).where(
            T.claimed_by.is_not(None),
            T.claimed_until > now,
            T.claimed_by != actor,
            T.claimed_paths.is_not(None),
            T.id != task_id,
        )
    )
    for other in others:
        hit = first_overlap(paths, json.loads(other.claimed_paths))
        if hit is not None:
            until = stamp(other.claimed_until)
            raise PathsHeld(task_id, hit[0], hit[1], other.claimed_by, other.id, until)


def claim_task(
    conn: Any,
    *,
    task_id: int,
    actor: str,
    lease_minutes: int = LEASE_MINUTES_DEFAULT,
    release: bool = False,
    take_over: bool = False,
    paths: list[str] | None = None,
) -> TaskRow:
    """Take, renew (the holder again) or release (release=True) a claim on an open task;
    take_over: take it from another holder whose lease still runs (history records the
    claim moving from them). paths: the files the claim covers (task_tracker.paths), refused
    when another running claim's can name the same files; a renewal without paths keeps
    the claim's own.

    Taking it makes a pending task in_progress (a task in review stays so); releasing it
    makes an in-progress task pending again. A claim
    held by someone else is refused with who holds it and until when."""
    task = get_task(conn, task_id=task_id)
    now = utcnow()
    held_by = holder(task, now)
    if held_by is not None and held_by != actor and not (take_over and not release):
        raise _refuse_held(task, held_by)
    if release:
        if held_by is None:
            return task  # nothing to release: already free
        values: dict[str, Any] = {
            "claimed_by": None,
            "claimed_until": None,
            "claimed_paths": None,
        }
        if task.status == Status.IN_PROGRESS.value:
            values["status"] = Status.PENDING.value
    else:
        if task.status not in OPEN_STATUSES:
            raise NotOpen(task_id, task.status)
        values = {
            "claimed_by": actor,
            "claimed_until": now + timedelta(minutes=lease_minutes),
            # (A task in review stays in review: its claimant reviews it.)
            "status": Status.IN_REVIEW.value
            if task.status == Status.IN_REVIEW.value
            else Status.IN_PROGRESS.value,
        }
        if paths:
            _refuse_overlap(conn, task_id, actor, paths, now)
            values["claimed_paths"] = json.dumps(paths)
        elif held_by != actor:  # a new holder's claim covers only the paths it names
            values["claimed_paths"] = None
    values.update(updated_at=now, version=task.version + 1)
    return conn.execute(UPDATE_TASK, {"task_id": task_id, **values}).one()
