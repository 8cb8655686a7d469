"""The tools beyond the core set: projects (list, save) and planning (a whole plan in one
call, closing many tasks at once). Served when their toolset is asked for (server.toolsets)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from task_tracker import operations
from task_tracker.schemas import Description, Omitted, TaskId
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
    WithUnchecked,
)
from task_tracker.server.calls import current_actor, perform


async def list_projects(
    include_archived: Annotated[bool, Field(description="Also archived projects.")] = False,
) -> ProjectsOut:
    """List projects by name, each with how many of its tasks are open, complete, cancelled.
    Filter tasks by project with list_tasks/search_tasks/next_task(project=...)."""
    return await perform(operations.list_projects(include_archived=include_archived))


async def save_project(
    name: ProjectName,
    description: Description | Omitted = None,
    archived: Annotated[bool | Omitted, Field(description="Hide it from list_projects.")] = None,
    new_name: Annotated[ProjectName | Omitted, Field(description="Rename it.")] = None,
    review: Annotated[
        bool | Omitted, Field(description="Its tasks need another agent's review by default.")
    ] = None,
) -> ProjectOut:
    """Create a project, or change the one with this name (description, archived, name,
    review)."""
    return await perform(
        operations.save_project(
            actor=current_actor(),
            name=name,
            description=description,
            archived=archived,
            new_name=new_name,
            review=review,
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
    return await perform(
        operations.add_tasks(
            actor=current_actor(), tasks=tasks, project=project, create_project=create_project
        )
    )


async def close_tasks(
    task_ids: Annotated[list[TaskId], Field(min_length=1, max_length=PLAN_MAX)],
    status: Annotated[ClosedStatus, Field(description="complete (done) or cancelled.")] = (
        "complete"
    ),
    with_subtasks: WithSubtasks = False,
    with_unchecked: WithUnchecked = False,
) -> TasksOut:
    """Complete or cancel several tasks at once, all or nothing (refused while one has open
    subtasks or unchecked criteria, unless with_subtasks / with_unchecked)."""
    return await perform(
        operations.close_tasks(
            actor=current_actor(),
            task_ids=task_ids,
            status=status,
            with_subtasks=with_subtasks,
            with_unchecked=with_unchecked,
        )
    )
