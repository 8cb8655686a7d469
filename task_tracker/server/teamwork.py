"""The teamwork toolset: claims with leases, so several agents split one queue without doing
a task twice (next_task(claim=true), in core, takes the best free task in the same way), and
each task's history: who changed what, when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    ACTOR_MAX,
    NOTE_MAX,
    Cursor,
    ExpectedVersion,
    IdRange,
    Omitted,
    TaskId,
    Total,
)
from task_tracker.schemas.structure import (
    LEASE_MINUTES_DEFAULT,
    LEASE_MINUTES_MAX,
    HistoryPageOut,
    RestoredOut,
    TaskDetailOut,
)
from task_tracker.server.calls import current_actor, read, write
from task_tracker.server.cursors import decode_cursor, encode_cursor
from task_tracker.server.shaping import detailed, event_out

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")

HISTORY_LIMIT_MAX = 100


async def claim_task(
    task_id: TaskId,
    lease_minutes: Annotated[
        int,
        Field(
            description="How long you hold it; claim again to renew.", ge=1, le=LEASE_MINUTES_MAX
        ),
    ] = LEASE_MINUTES_DEFAULT,
    release: Annotated[bool, Field(description="Give it back (it becomes pending).")] = False,
    agent: Annotated[
        str | Omitted,
        Field(description="Claim as this name (default: your client's).", max_length=ACTOR_MAX),
    ] = None,
) -> TaskDetailOut:
    """Claim an open task for yourself until the lease ends (it becomes in_progress), renew
    your claim, or release it. A task someone else holds is refused with who and until when;
    a lease that ends frees the task by itself."""
    actor = current_actor(agent)

    def run(conn: Connection) -> TaskDetailOut:
        task = store.claim_task(
            conn, task_id=task_id, actor=actor, lease_minutes=lease_minutes, release=release
        )
        return detailed(conn, task)

    return await write(run, actor=actor)


async def task_history(
    task_id: TaskId,
    limit: Annotated[int, Field(ge=1, le=HISTORY_LIMIT_MAX)] = 20,
    cursor: Cursor | Omitted = None,
) -> HistoryPageOut:
    """A task's changes, newest first: each with its version, time, who made it (null when
    made by hand in the database), the kind (create, update, claim, release, complete,
    cancel, delete, restore, revert, note, import) and each changed field as [old, new]; a
    dependency added is depends_on [null, id], one removed [id, null]."""
    before = decode_cursor(cursor, "before")[0] if cursor is not None else None

    def run(conn: Connection) -> HistoryPageOut:
        events = store.task_history(conn, task_id=task_id, before=before, limit=limit + 1)
        if not events:
            # An unknown id is an error, not an empty page. (A task in the trash keeps its
            # history, so it has events and gets here only when it has none.)
            store.get_task(conn, task_id=task_id)
        more = len(events) > limit
        next_cursor = encode_cursor("before", events[limit - 1].id, Total(0)) if more else None
        return HistoryPageOut(
            events=[event_out(e) for e in events[:limit]], next_cursor=next_cursor
        )

    return await read(run)


async def revert_task(
    task_id: TaskId,
    version: Annotated[int, Field(description="The version to go back to.", ge=1), IdRange],
    expected_version: ExpectedVersion | Omitted = None,
) -> TaskDetailOut:
    """Undo changes: give a task back its fields (title, description, status, priority,
    tags, due date, project, parent) as they were at an earlier version from task_history.
    It is a new version, recorded as a revert; subtasks, dependencies and claims stay."""
    actor = current_actor()

    def run(conn: Connection) -> TaskDetailOut:
        store.set_actor(conn, actor, kind="revert")
        task = store.revert_task(
            conn, task_id=task_id, version=version, expected_version=expected_version
        )
        return detailed(conn, task)

    return await write(run, actor=actor)


async def restore_task(task_id: TaskId) -> RestoredOut:
    """Bring a deleted task back from the trash, with the subtasks and dependencies deleted
    with it (a dependency on a task that is gone for good is left out, and said so)."""

    def run(conn: Connection) -> RestoredOut:
        store.set_actor(conn, current_actor(), kind="restore")
        task, dropped = store.restore_task(conn, task_id=task_id)
        shown = detailed(conn, task)
        left_out = [f"#{a} depended on #{b}, which is gone" for a, b in dropped]
        return RestoredOut(**shown.model_dump(), left_out=left_out)

    return await write(run)


async def add_note(
    task_id: TaskId,
    text: Annotated[str, Field(min_length=1, max_length=NOTE_MAX)],
    agent: Annotated[str | Omitted, Field(max_length=ACTOR_MAX)] = None,
) -> TaskDetailOut:
    """Append a note to a task's work log (what was tried, what was found, links): notes are
    never edited, and each shows in get_task's history and in task_history."""
    actor = current_actor(agent)

    def run(conn: Connection) -> TaskDetailOut:
        task = store.add_note(conn, task_id=task_id, text=text, actor=actor)
        return detailed(conn, task)

    return await write(run, actor=actor)
