"""Operations on one task: add, get, update, complete, delete (to the trash or for good).

Each checks its arguments (the schema's types, and the rules that need more than one
argument), then hands back the one transaction that does it and shapes the result.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from task_tracker.errors import InvalidInput
from task_tracker.operations.calls import Call, operation, reading, writing
from task_tracker.operations.shaping import detailed
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    TAGS_MAX,
    Description,
    ExpectedVersion,
    PriorityName,
    StatusName,
    Tags,
    TaskId,
    TaskOut,
    TaskRow,
    Title,
    parse_tags,
    shaped,
)
from task_tracker.schemas.structure import (
    Checked,
    Criteria,
    DeferUntil,
    DependsOn,
    DiscoveredFrom,
    DuplicateOf,
    ParentChange,
    ParentId,
    ProjectChange,
    ProjectName,
    Repeat,
    TaskDetailOut,
    WrittenOut,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered


@operation
def add_task(
    *,
    actor: str,
    title: Title,
    description: Description = "",
    priority: PriorityName = "medium",
    tags: Tags | None = None,
    due_date: date | None = None,
    status: StatusName = "pending",
    project: ProjectName | None = None,
    create_project: bool = False,
    parent_id: ParentId | None = None,
    depends_on: DependsOn | None = None,
    criteria: Criteria | None = None,
    defer_until: DeferUntil | None = None,
    repeat: Repeat | None = None,
    discovered_from: DiscoveredFrom | None = None,
    review: bool | None = None,
) -> Call[TaskOut]:
    moment = moment_of(defer_until)
    return writing(
        lambda conn: shaped(
            TaskOut,
            store.add_task(
                conn,
                title=title,
                description=description,
                priority=priority,
                tags=tags or (),
                due_date=due_date,
                status=status,
                project=project,
                create_project=create_project,
                parent_id=parent_id,
                depends_on=depends_on or (),
                criteria=criteria or (),
                defer_until=moment,
                repeat=repeat,
                discovered_from=discovered_from,
                review=review,
            ),
        ),
        actor=actor,
    )


def moment_of(value: datetime | date | None) -> datetime | None:
    """defer_until as a moment: a day means its start, and a time without an offset means
    that time, both in the server's time zone (as due dates are its local days)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return value.astimezone(UTC)  # (a naive value is read as the server's local time)


@operation
def get_task(*, task_id: TaskId) -> Call[TaskDetailOut]:
    return reading(lambda conn: detailed(conn, store.get_task(conn, task_id=task_id)))


def _retagged(task_id: int, current: list[str], *, add: list[str], remove: list[str]) -> list[str]:
    """current less `remove`, then `add` (tags compare as stored: lower-cased; the store drops
    a repeat)."""
    gone = {tag.strip().lower() for tag in remove}
    tags = list(dict.fromkeys([tag for tag in current if tag not in gone] + add))
    if len({tag.strip().lower() for tag in tags}) > TAGS_MAX:
        raise InvalidInput(
            f"Task #{task_id} would have more than {TAGS_MAX} tags; remove some as you add."
        )
    return tags


@operation
def update_task(
    *,
    actor: str,
    task_id: TaskId,
    title: Title | None = None,
    description: Description | None = None,
    status: StatusName | None = None,
    priority: PriorityName | None = None,
    tags: Tags | None = None,
    add_tags: Tags | None = None,
    remove_tags: Tags | None = None,
    due_date: date | None = None,
    clear_due_date: bool = False,
    expected_version: ExpectedVersion | None = None,
    project: ProjectChange | None = None,
    create_project: bool = False,
    parent_id: ParentChange | None = None,
    depends_on: DependsOn | None = None,
    with_subtasks: bool = False,
    criteria: Criteria | None = None,
    checked: Checked | None = None,
    defer_until: DeferUntil | None = None,
    repeat: Repeat | None = None,
    duplicate_of: DuplicateOf | None = None,
    with_unchecked: bool = False,
    review: bool | None = None,
) -> Call[TaskOut]:
    """Only the fields given change. tags replaces them all; add_tags and remove_tags change
    them in the same transaction (so a tag added meanwhile by another is kept)."""
    if clear_due_date and due_date is not None:
        raise InvalidInput("Pass either due_date or clear_due_date, not both.")
    if tags is not None and (add_tags or remove_tags):
        raise InvalidInput("Pass either tags (to replace them) or tags to add and remove.")
    new_due: Any = None if clear_due_date else (due_date if due_date is not None else store.KEEP)

    def run(conn: Connection) -> TaskOut:
        store.refuse_others_claim(conn, task_ids=[task_id], actor=actor)
        new_tags = tags
        if add_tags or remove_tags:
            current = parse_tags(store.get_task(conn, task_id=task_id).tags)
            new_tags = _retagged(task_id, current, add=add_tags or [], remove=remove_tags or [])
        task = store.update_task(
            conn,
            task_id=task_id,
            title=title,
            description=description,
            status=status,
            priority=priority,
            tags=new_tags,
            due_date=new_due,
            expected_version=expected_version,
            project=project,
            create_project=create_project,
            parent_id=parent_id,
            depends_on=depends_on,
            with_subtasks=with_subtasks,
            criteria=criteria,
            checked=checked,
            defer_until=store.KEEP if defer_until is None else moment_of(defer_until),
            repeat=repeat,
            duplicate_of=duplicate_of,
            with_unchecked=with_unchecked,
            review=review,
            actor=actor,
        )
        return written(conn, task)

    return writing(run, actor=actor)


@operation
def complete_task(
    *, actor: str, task_id: TaskId, with_subtasks: bool = False, with_unchecked: bool = False
) -> Call[TaskOut]:
    def run(conn: Connection) -> TaskOut:
        store.refuse_others_claim(conn, task_ids=[task_id], actor=actor)
        task = store.complete_task(
            conn,
            task_id=task_id,
            with_subtasks=with_subtasks,
            with_unchecked=with_unchecked,
            actor=actor,
        )
        return written(conn, task)

    return writing(run, actor=actor)


def written(conn: Connection, task: TaskRow) -> TaskOut:
    """A changed task as the write tools answer: with the id of the occurrence its
    completion opened, when it repeats."""
    upcoming = store.next_occurrence(conn, task) if task.repeat else None
    return shaped(WrittenOut, task, next_occurrence=upcoming)


@operation
def delete_task(
    *,
    actor: str,
    task_id: TaskId,
    expected_version: ExpectedVersion | None = None,
    with_subtasks: bool = False,
    permanent: bool = False,
) -> Call[TaskOut]:
    """To the trash, or (permanent) for good: the face asks the person first."""

    def run(conn: Connection) -> TaskOut:
        store.refuse_others_claim(conn, task_ids=[task_id], actor=actor)
        if permanent:
            row = store.delete_for_good(
                conn,
                task_id=task_id,
                expected_version=expected_version,
                with_subtasks=with_subtasks,
            )
        else:
            row = store.trash_task(
                conn,
                task_id=task_id,
                actor=actor,
                expected_version=expected_version,
                with_subtasks=with_subtasks,
            )
        return shaped(TaskOut, row)

    return writing(run, actor=actor)
