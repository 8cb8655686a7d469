"""Operations on projects and many tasks at once: list and save projects, add a whole plan,
close several tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from task_tracker.errors import InvalidInput
from task_tracker.operations.calls import Call, operation, reading, writing
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import Description, TaskId, TaskOut, shaped
from task_tracker.schemas.structure import (
    PLAN_MAX,
    ClosedStatus,
    PlanItem,
    PlanOut,
    ProjectName,
    ProjectOut,
    ProjectsOut,
    TasksOut,
)

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
        review=counts.review,
        open=counts.open,
        complete=counts.complete,
        cancelled=counts.cancelled,
    )


@operation
def list_projects(*, include_archived: bool = False) -> Call[ProjectsOut]:
    return reading(
        lambda conn: ProjectsOut(
            projects=[
                _project(p) for p in store.list_projects(conn, include_archived=include_archived)
            ]
        )
    )


@operation
def project_names(*, ids: list[int]) -> Call[dict[int, str]]:
    """Project names by id: history records a task's project by its id."""
    return reading(lambda conn: store.names_by_id(conn, ids))


@operation
def save_project(
    *,
    actor: str,
    name: ProjectName,
    description: Description | None = None,
    archived: bool | None = None,
    new_name: ProjectName | None = None,
    review: bool | None = None,
) -> Call[ProjectOut]:
    return writing(
        lambda conn: _project(
            store.save_project(
                conn,
                name=name,
                description=description,
                archived=archived,
                new_name=new_name,
                review=review,
            )
        ),
        actor=actor,
    )


@operation
def add_tasks(
    *,
    actor: str,
    tasks: Annotated[list[PlanItem], Field(min_length=1, max_length=PLAN_MAX)],
    project: ProjectName | None = None,
    create_project: bool = False,
) -> Call[PlanOut]:
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

    return writing(run, actor=actor)


@operation
def close_tasks(
    *,
    actor: str,
    task_ids: Annotated[list[TaskId], Field(min_length=1, max_length=PLAN_MAX)],
    status: ClosedStatus = "complete",
    with_subtasks: bool = False,
    with_unchecked: bool = False,
) -> Call[TasksOut]:
    def run(conn: Connection) -> TasksOut:
        store.refuse_others_claim(conn, task_ids=task_ids, actor=actor)
        closed = store.close_tasks(
            conn,
            task_ids=task_ids,
            status=status,
            with_subtasks=with_subtasks,
            with_unchecked=with_unchecked,
            actor=actor,
        )
        return TasksOut(tasks=[shaped(TaskOut, task) for task in closed])

    return writing(run, actor=actor)
