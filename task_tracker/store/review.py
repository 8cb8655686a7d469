"""Review by another agent (revision 0024): the agent that did a task that needs review
completes it into in_review; another agent approves it (complete) or sends it back (in
progress, with a note). The routing of status changes lives in store.workflow.routed."""

from __future__ import annotations

from sqlalchemy import Connection

from task_tracker.errors import NotInReview, OwnReview
from task_tracker.schemas import Status, TaskRow
from task_tracker.store import notes
from task_tracker.store.history import set_actor
from task_tracker.store.tasks import get_task, update_task


def review_task(
    conn: Connection, *, task_id: int, actor: str, approve: bool, note: str | None = None
) -> TaskRow:
    """Approve (complete) or send back (in progress) a task in review, as `actor`, who must
    not be the agent that submitted it when approving; the note goes to its work log."""
    task = get_task(conn, task_id=task_id)
    if task.status != Status.IN_REVIEW.value:
        raise NotInReview(task_id, task.status)
    if approve and task.submitted_by is not None and task.submitted_by == actor:
        raise OwnReview(task_id, actor)
    set_actor(conn, actor, kind="approve" if approve else "reject")
    row = update_task(
        conn,
        task_id=task_id,
        status=Status.COMPLETE.value if approve else Status.IN_PROGRESS.value,
        # The reviewer judges the work as done: criteria still unchecked are noted, by them.
        with_unchecked=True,
        approving=approve,
        actor=actor,
    )
    set_actor(conn, actor)
    if note:
        notes.add_note(conn, task_id=task_id, text=note, actor=actor)
    return get_task(conn, task_id=task_id) if note else row
