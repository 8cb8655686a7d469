"""Operations for sharing work: claims with leases, history and reverting it, the trash's
restore, notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from task_tracker.operations.calls import Call, operation, reading, writing
from task_tracker.operations.cursors import decode_cursor, encode_cursor
from task_tracker.operations.shaping import detailed, event_out
from task_tracker.paths import PATH_MAX, PATHS_MAX, check_patterns
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import NOTE_MAX, Cursor, ExpectedVersion, IdRange, TaskId, Total
from task_tracker.schemas.structure import (
    LEASE_MINUTES_DEFAULT,
    LEASE_MINUTES_MAX,
    ClaimedOut,
    HistoryPageOut,
    RestoredOut,
    TaskDetailOut,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")

HISTORY_LIMIT_MAX = 100
LeaseMinutes = Annotated[int, Field(ge=1, le=LEASE_MINUTES_MAX)]
HistoryLimit = Annotated[int, Field(ge=1, le=HISTORY_LIMIT_MAX)]
Version = Annotated[int, Field(ge=1), IdRange]
NoteText = Annotated[str, Field(min_length=1, max_length=NOTE_MAX)]
NoteKind = Literal["note", "handoff"]
PathPatterns = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=PATH_MAX)]], Field(max_length=PATHS_MAX)
]


@operation
def claim_task(
    *,
    actor: str,
    task_id: TaskId,
    lease_minutes: LeaseMinutes = LEASE_MINUTES_DEFAULT,
    release: bool = False,
    take_over: bool = False,
    paths: PathPatterns | None = None,
) -> Call[ClaimedOut]:
    patterns = check_patterns(paths) if paths else None

    def run(conn: Connection) -> ClaimedOut:
        task = store.claim_task(
            conn,
            task_id=task_id,
            actor=actor,
            lease_minutes=lease_minutes,
            release=release,
            take_over=take_over,
            paths=patterns,
        )
        shown = detailed(conn, task)
        reminder = None
        if release and not store.left_handoff(conn, task_id=task_id, actor=actor):
            reminder = (
                f"You left no handoff on #{task_id}: if someone picks it up after you, "
                f"add_note(task_id={task_id}, text=..., kind='handoff') says where you stopped."
            )
        return ClaimedOut(**shown.model_dump(), reminder=reminder)

    return writing(run, actor=actor)


@operation
def task_history(
    *, task_id: TaskId, limit: HistoryLimit = 20, cursor: Cursor | None = None
) -> Call[HistoryPageOut]:
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

    return reading(run)


@operation
def revert_task(
    *,
    actor: str,
    task_id: TaskId,
    version: Version,
    expected_version: ExpectedVersion | None = None,
) -> Call[TaskDetailOut]:
    def run(conn: Connection) -> TaskDetailOut:
        store.refuse_others_claim(conn, task_ids=[task_id], actor=actor)
        task = store.revert_task(
            conn, task_id=task_id, version=version, expected_version=expected_version
        )
        return detailed(conn, task)

    return writing(run, actor=actor, kind="revert")


@operation
def restore_task(*, actor: str, task_id: TaskId) -> Call[RestoredOut]:
    def run(conn: Connection) -> RestoredOut:
        task, dropped = store.restore_task(conn, task_id=task_id)
        shown = detailed(conn, task)
        left_out = [f"#{a} depended on #{b}, which is gone" for a, b in dropped]
        return RestoredOut(**shown.model_dump(), left_out=left_out)

    return writing(run, actor=actor, kind="restore")


@operation
def add_note(
    *, actor: str, task_id: TaskId, text: NoteText, kind: NoteKind = "note"
) -> Call[TaskDetailOut]:
    def run(conn: Connection) -> TaskDetailOut:
        task = store.add_note(conn, task_id=task_id, text=text, actor=actor, kind=kind)
        return detailed(conn, task)

    return writing(run, actor=actor)


@operation
def review_task(
    *, actor: str, task_id: TaskId, approve: bool, note: NoteText | None = None
) -> Call[TaskDetailOut]:
    """Approve (complete) or send back (in progress) a task in review, as another agent
    than the one that did it."""

    def run(conn: Connection) -> TaskDetailOut:
        task = store.review_task(conn, task_id=task_id, actor=actor, approve=approve, note=note)
        return detailed(conn, task)

    return writing(run, actor=actor)
