"""The teamwork toolset: claims with leases, so several agents split one queue without doing
a task twice (next_task(claim=true), in core, takes the best free task in the same way), and
each task's history: who changed what, when."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from task_tracker import operations
from task_tracker.paths import PATH_MAX, PATHS_MAX
from task_tracker.schemas import (
    ACTOR_MAX,
    NOTE_MAX,
    Cursor,
    ExpectedVersion,
    IdRange,
    Omitted,
    TaskId,
)
from task_tracker.schemas.structure import (
    LEASE_MINUTES_DEFAULT,
    LEASE_MINUTES_MAX,
    ClaimedOut,
    HistoryPageOut,
    RestoredOut,
    TaskDetailOut,
)
from task_tracker.server.calls import current_actor, perform

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
    take_over: Annotated[
        bool, Field(description="Take it from another holder (history records it).")
    ] = False,
    agent: Annotated[
        str | Omitted,
        Field(description="Claim as this name (default: your client's).", max_length=ACTOR_MAX),
    ] = None,
    paths: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=PATH_MAX)]] | None,
        Field(
            description="Files you will edit, as globs (src/auth/**): refused if another "
            "running claim's paths overlap.",
            max_length=PATHS_MAX,
        ),
    ] = None,
) -> ClaimedOut:
    """Claim an open task for yourself until the lease ends (it becomes in_progress), renew
    your claim, or release it. A task someone else holds is refused with who and until when
    (take_over takes it anyway); a lease that ends frees the task by itself. Only the holder
    changes a task while its lease runs. Leave a handoff note before you release."""
    return await perform(
        operations.claim_task(
            actor=current_actor(agent),
            task_id=task_id,
            lease_minutes=lease_minutes,
            release=release,
            take_over=take_over,
            paths=paths,
        )
    )


async def task_history(
    task_id: TaskId,
    limit: Annotated[int, Field(ge=1, le=HISTORY_LIMIT_MAX)] = 20,
    cursor: Cursor | Omitted = None,
) -> HistoryPageOut:
    """A task's changes, newest first: each with its version, time, who made it (null when
    made by hand in the database), the kind (create, update, claim, release, complete,
    cancel, delete, restore, revert, note, import) and each changed field as [old, new]; a
    dependency added is depends_on [null, id], one removed [id, null]."""
    return await perform(operations.task_history(task_id=task_id, limit=limit, cursor=cursor))


async def revert_task(
    task_id: TaskId,
    version: Annotated[int, Field(description="The version to go back to.", ge=1), IdRange],
    expected_version: ExpectedVersion | Omitted = None,
) -> TaskDetailOut:
    """Undo changes: give a task back its fields (title, description, status, priority,
    tags, due date, project, parent) as they were at an earlier version from task_history.
    It is a new version, recorded as a revert; subtasks, dependencies and claims stay."""
    return await perform(
        operations.revert_task(
            actor=current_actor(),
            task_id=task_id,
            version=version,
            expected_version=expected_version,
        )
    )


async def restore_task(task_id: TaskId) -> RestoredOut:
    """Bring a deleted task back from the trash, with the subtasks and dependencies deleted
    with it (a dependency on a task that is gone for good is left out, and said so)."""
    return await perform(operations.restore_task(actor=current_actor(), task_id=task_id))


async def add_note(
    task_id: TaskId,
    text: Annotated[str, Field(min_length=1, max_length=NOTE_MAX)],
    agent: Annotated[str | Omitted, Field(max_length=ACTOR_MAX)] = None,
    kind: Annotated[
        Literal["note", "handoff"],
        Field(description="handoff: where you stopped, for whoever takes the task next."),
    ] = "note",
) -> TaskDetailOut:
    """Append a note to a task's work log (what was tried, what was found, links): notes are
    never edited, and each shows in get_task's history and in task_history. get_task shows
    the latest handoff first."""
    return await perform(
        operations.add_note(actor=current_actor(agent), task_id=task_id, text=text, kind=kind)
    )


async def review_task(
    task_id: TaskId,
    approve: Annotated[bool, Field(description="true: complete it; false: send it back.")],
    note: Annotated[
        str | Omitted,
        Field(description="What you found (sending back: what to fix).", max_length=NOTE_MAX),
    ] = None,
    agent: Annotated[str | Omitted, Field(max_length=ACTOR_MAX)] = None,
) -> TaskDetailOut:
    """Review a task in review (in_review: its agent completed it, and it needs review):
    approve completes it, approve=false sends it back to in_progress with your note. Only
    another agent than the one that did it can approve."""
    return await perform(
        operations.review_task(
            actor=current_actor(agent), task_id=task_id, approve=approve, note=note
        )
    )
