"""The core tools that change or show one task: add, get, update, complete, delete.

Each reads top to bottom: validated arguments -> one transaction -> a model. A tool's
docstring is the description the model reads; its parameters' Annotated Fields are the
inputSchema (constraints included); its return annotation is the outputSchema.
server.toolsets lists them with their titles and honest annotations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from task_tracker.errors import InvalidInput
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    TAGS_MAX,
    Description,
    DueDate,
    ExpectedVersion,
    Omitted,
    PriorityName,
    StatusName,
    Tag,
    Tags,
    TaskId,
    TaskOut,
    Title,
)
from task_tracker.schemas.structure import (
    CreateProject,
    DependsOn,
    DependsOnChange,
    ParentChange,
    ParentId,
    ProjectChange,
    ProjectName,
    TaskDetailOut,
    WithSubtasks,
)
from task_tracker.server.calls import read, write
from task_tracker.server.shaping import (
    detailed,
    shaped,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered


async def add_task(
    title: Title,
    description: Description = "",
    priority: Annotated[PriorityName, Field(description="How important it is.")] = "medium",
    tags: Tags | Omitted = None,
    due_date: DueDate | Omitted = None,
    status: Annotated[StatusName, Field(description="Initial status.")] = "pending",
    project: ProjectName | Omitted = None,
    create_project: CreateProject = False,
    parent_id: ParentId | Omitted = None,
    depends_on: DependsOn | Omitted = None,
) -> TaskOut:
    """Create a task and return it with its new id. Use for any new to-do, bug or follow-up."""
    return await write(
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
            ),
        )
    )


async def get_task(task_id: TaskId) -> TaskDetailOut:
    """Return one task in full, with its parent, subtasks, depends_on, blocks (the tasks
    waiting on it) and ready (it can start now)."""
    return await read(lambda conn: detailed(conn, store.get_task(conn, task_id=task_id)))


async def update_task(
    task_id: TaskId,
    title: Title | Omitted = None,
    description: Description | Omitted = None,
    status: Annotated[StatusName | Omitted, Field(description="New status.")] = None,
    priority: Annotated[PriorityName | Omitted, Field(description="New priority.")] = None,
    tags: Annotated[
        list[Tag], Field(description="Replaces all tags ([] removes them).", max_length=TAGS_MAX)
    ]
    | Omitted = None,
    due_date: DueDate | Omitted = None,
    clear_due_date: Annotated[bool, Field(description="Remove the due date.")] = False,
    expected_version: ExpectedVersion | Omitted = None,
    project: ProjectChange | Omitted = None,
    create_project: CreateProject = False,
    parent_id: ParentChange | Omitted = None,
    depends_on: DependsOnChange | Omitted = None,
    with_subtasks: Annotated[bool, Field(description="Closing: also its subtasks.")] = False,
) -> TaskOut:
    """Change the fields you pass; the others stay. Pass expected_version (the version you
    read) so that someone else's change is not overwritten."""
    if clear_due_date and due_date is not None:
        raise InvalidInput("Pass either due_date or clear_due_date, not both.")
    new_due: Any = None if clear_due_date else (due_date if due_date is not None else store.KEEP)

    def run(conn: Connection) -> TaskOut:
        task = store.update_task(
            conn,
            task_id=task_id,
            title=title,
            description=description,
            status=status,
            priority=priority,
            tags=tags,
            due_date=new_due,
            expected_version=expected_version,
            project=project,
            create_project=create_project,
            parent_id=parent_id,
            depends_on=depends_on,
            with_subtasks=with_subtasks,
        )
        return shaped(TaskOut, task)

    return await write(run)


async def complete_task(task_id: TaskId, with_subtasks: WithSubtasks = False) -> TaskOut:
    """Mark a task complete; safe to repeat. Refused while it has open subtasks, unless
    with_subtasks."""
    return await write(
        lambda conn: shaped(
            TaskOut, store.complete_task(conn, task_id=task_id, with_subtasks=with_subtasks)
        )
    )


async def delete_task(
    task_id: TaskId,
    expected_version: ExpectedVersion | Omitted = None,
    with_subtasks: WithSubtasks = False,
) -> TaskOut:
    """Permanently delete a task and return what was deleted. Prefer complete_task for
    finished work; delete only mistakes and duplicates."""
    return await write(
        lambda conn: shaped(
            TaskOut,
            store.delete_task(
                conn,
                task_id=task_id,
                expected_version=expected_version,
                with_subtasks=with_subtasks,
            ),
        )
    )
