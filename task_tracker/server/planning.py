"""The tools beyond the core set: projects (list, save) and planning (a whole plan in one
call, closing many tasks at once). Served when their toolset is asked for (server.toolsets)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from task_tracker.errors import InvalidInput
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import Description, Omitted, TaskId, TaskOut, shaped
from task_tracker.schemas.structure import (
    PLAN_MAX,
    ClosedStatus,
    CreateProject,
    PlanItem,
    PlanOut,
    ProjectName,
    ProjectOut,
    ProjectsOut,
    TasksOut,
    WithSubtasks,
)
from task_tracker.server.calls import read, write

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")


def _project(counts: store.ProjectCounts) -> ProjectOut:
    return ProjectOut(
        name=counts.name,
        description=counts.description,
        archived=counts.archived,
        open=counts.open,
        complete=counts.complete,
        cancelled=counts.cancelled,
    )


async def list_projects(
    include_archived: Annotated[bool, Field(description="Also archived projects.")] = False,
) -> ProjectsOut:
    """List projects by name, each with how many of its tasks are open, complete, cancelled.
    Filter tasks by project with list_tasks/search_tasks/next_task(project=...)."""
    return await read(
        lambda conn: ProjectsOut(
            projects=[
                _project(p) for p in store.list_projects(conn, include_archived=include_archived)
            ]
        )
    )


async def save_project(
    name: ProjectName,
    description: Description | Omitted = None,
    archived: Annotated[bool | Omitted, Field(description="Hide it from list_projects.")] = None,
    new_name: Annotated[ProjectName | Omitted, Field(description="Rename it.")] = None,
) -> ProjectOut:
    """Create a project, or change the one with this name (description, archived, name)."""
    return await write(
        lambda conn: _project(
            store.save_project(
                conn, name=name, description=description, archived=archived, new_name=new_name
            )
        )
    )


async def add_tasks(
    tasks: Annotated[list[PlanItem], Field(min_length=1, max_length=PLAN_MAX)],
    project: Annotated[ProjectName | Omitted, Field(description="Default for every item.")] = None,
    create_project: CreateProject = False,
) -> PlanOut:
    """Add a whole plan in one call, all or nothing: up to 100 tasks, where items refer to
    each other by ref (parent must be an earlier item; depends_on any item) or to existing
    tasks by id. Use after breaking a goal into steps."""
    refs = [item.ref for item in tasks if item.ref is not None]
    if len(set(refs)) != len(refs):
        raise InvalidInput("tasks: each ref must be unique within the plan.")

    def run(conn: Connection) -> PlanOut:
        added, ids = store.add_plan(
            conn,
            items=[item.model_dump() for item in tasks],
            project=project,
            create_project=create_project,
        )
        return PlanOut(tasks=[shaped(TaskOut, task) for task in added], refs=ids)

    return await write(run)


async def close_tasks(
    task_ids: Annotated[list[TaskId], Field(min_length=1, max_length=PLAN_MAX)],
    status: Annotated[ClosedStatus, Field(description="complete (done) or cancelled.")] = (
        "complete"
    ),
    with_subtasks: WithSubtasks = False,
) -> TasksOut:
    """Complete or cancel several tasks at once, all or nothing (refused while one has open
    subtasks, unless with_subtasks)."""
    return await write(
        lambda conn: TasksOut(
            tasks=[
                shaped(TaskOut, task)
                for task in store.close_tasks(
                    conn, task_ids=task_ids, status=status, with_subtasks=with_subtasks
                )
            ]
        )
    )
