"""The core tools that change or show one task: add, get, update, complete, delete.

Each is a face over task_tracker.operations: the arguments as a model sends them, the
operation, its result as it is. A tool's docstring is the description the model reads; its
parameters' Annotated Fields are the inputSchema (constraints included); its return
annotation is the outputSchema. server.toolsets lists them with their titles and honest
annotations.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastmcp.server.dependencies import get_context
from mcp.shared.exceptions import MCPError
from mcp.types import ElicitRequest, ElicitRequestFormParams, ElicitResult, InputRequiredResult
from pydantic import Field

from task_tracker import operations
from task_tracker.errors import Refused
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
    Title,
)
from task_tracker.schemas.structure import (
    Checked,
    CreateProject,
    Criteria,
    DeferUntil,
    DependsOn,
    DependsOnChange,
    DiscoveredFrom,
    DuplicateOf,
    ParentChange,
    ParentId,
    ProjectChange,
    ProjectName,
    Repeat,
    ReviewFlag,
    TaskDetailOut,
    WithSubtasks,
    WithUnchecked,
    WrittenTask,
)
from task_tracker.server.calls import current_actor, perform

log = logging.getLogger(__name__)


async def add_task(
    title: Title,
    description: Description = "",
    priority: PriorityName = "medium",
    tags: Tags | Omitted = None,
    due_date: DueDate | Omitted = None,
    status: StatusName = "pending",
    project: ProjectName | Omitted = None,
    create_project: CreateProject = False,
    parent_id: ParentId | Omitted = None,
    depends_on: DependsOn | Omitted = None,
    criteria: Criteria | Omitted = None,
    defer_until: DeferUntil | Omitted = None,
    repeat: Repeat | Omitted = None,
    discovered_from: DiscoveredFrom | Omitted = None,
    review: ReviewFlag | Omitted = None,
) -> WrittenTask:
    """Create a task (a to-do, bug or follow-up); returns it with its id."""
    return await perform(
        operations.add_task(
            actor=current_actor(),
            title=title,
            description=description,
            priority=priority,
            tags=tags,
            due_date=due_date,
            status=status,
            project=project,
            create_project=create_project,
            parent_id=parent_id,
            depends_on=depends_on,
            criteria=criteria,
            defer_until=defer_until,
            repeat=repeat,
            discovered_from=discovered_from,
            review=review,
        )
    )


async def get_task(task_id: TaskId) -> TaskDetailOut:
    """One task in full: criteria, links, relations (blocks: waiting on it), ready (can
    start), recent changes and notes."""
    return await perform(operations.get_task(task_id=task_id))


async def update_task(
    task_id: TaskId,
    title: Title | Omitted = None,
    description: Description | Omitted = None,
    status: StatusName | Omitted = None,
    priority: PriorityName | Omitted = None,
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
    criteria: Criteria | Omitted = None,
    checked: Checked | Omitted = None,
    defer_until: DeferUntil | Omitted = None,
    repeat: Repeat | Omitted = None,
    duplicate_of: DuplicateOf | Omitted = None,
    review: ReviewFlag | Omitted = None,
) -> WrittenTask:
    """Change only the fields you pass; expected_version (the version you read) never
    overwrites another's change."""
    return await perform(
        operations.update_task(
            actor=current_actor(),
            task_id=task_id,
            title=title,
            description=description,
            status=status,
            priority=priority,
            tags=tags,
            due_date=due_date,
            clear_due_date=clear_due_date,
            expected_version=expected_version,
            project=project,
            create_project=create_project,
            parent_id=parent_id,
            depends_on=depends_on,
            with_subtasks=with_subtasks,
            criteria=criteria,
            checked=checked,
            defer_until=defer_until,
            repeat=repeat,
            duplicate_of=duplicate_of,
            review=review,
        )
    )


async def complete_task(
    task_id: TaskId, with_subtasks: WithSubtasks = False, with_unchecked: WithUnchecked = False
) -> WrittenTask:
    """Mark complete; safe to repeat. Open subtasks or unchecked criteria refuse it unless
    with_subtasks / with_unchecked."""
    return await perform(
        operations.complete_task(
            actor=current_actor(),
            task_id=task_id,
            with_subtasks=with_subtasks,
            with_unchecked=with_unchecked,
        )
    )


async def delete_task(
    task_id: TaskId,
    expected_version: ExpectedVersion | Omitted = None,
    with_subtasks: WithSubtasks = False,
    permanent: Annotated[bool, Field(description="Also from the trash.")] = False,
    confirm: Annotated[bool, Field(description="The person agreed.")] = False,
) -> WrittenTask | InputRequiredResult:
    """To the trash for 30 days (restore_task undoes it). permanent: for good, asking the
    person if the client can, else pass confirm=true."""
    actor = current_actor()
    if permanent and (question := await confirm_for_good(task_id, confirmed=confirm)):
        return question  # (the 2026-07-28 protocol's way to ask the person first)
    return await perform(
        operations.delete_task(
            actor=actor,
            task_id=task_id,
            expected_version=expected_version,
            with_subtasks=with_subtasks,
            permanent=permanent,
        )
    )


# MCP versions are dates; from this one on, a server sends no requests of its own.
SESSIONLESS_PROTOCOL = "2026-07-28"
# The question a permanent delete asks, as an elicitation form: one yes/no field.
_CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"value": {"type": "boolean", "title": "Delete for good"}},
    "required": ["value"],
}


def _consents(answer: object) -> bool:
    """Consent is the form's boolean true, accepted: not "yes", not 1."""
    if not isinstance(answer, ElicitResult) or answer.action != "accept":
        return False
    content = answer.content
    return isinstance(content, dict) and content.get("value") is True


async def confirm_for_good(task_id: int, *, confirmed: bool) -> InputRequiredResult | None:
    """Ask the person through the client (elicitation) when the client can be asked; else
    require confirm=true. Refused, with nothing changed, unless they agree.

    On a handshake-era connection the server asks by a request of its own. The 2026-07-28
    protocol has no such requests: the call's first round returns the question (returned
    here, for the tool to return), which the client puts to the person and sends back with
    the call repeated."""
    context = get_context()
    question = f"Delete task #{task_id} for good? It cannot be restored afterwards."
    capabilities = context.session.client_capabilities
    request = context.request_context
    agreed: bool | None = None  # None: the client cannot be asked
    if capabilities is None or capabilities.elicitation is None:
        pass
    elif request is not None and request.protocol_version >= SESSIONLESS_PROTOCOL:
        answer = (context.input_responses or {}).get("confirm")
        if answer is None:
            form = ElicitRequestFormParams(message=question, requested_schema=_CONFIRM_SCHEMA)
            return InputRequiredResult(input_requests={"confirm": ElicitRequest(params=form)})
        agreed = _consents(answer)
    else:
        try:
            answer = await context.session.elicit_form(
                question, _CONFIRM_SCHEMA, related_request_id=context.request_id
            )
        except MCPError as exc:  # the client answered with an error: it cannot ask after all
            log.info("the client did not put the question for task #%s: %s", task_id, exc)
        else:
            agreed = _consents(answer)
    if agreed is False:
        raise Refused(
            f"Task #{task_id} was not deleted: the person did not confirm. Leave out "
            "permanent to move it to the trash instead."
        )
    if agreed is None and not confirmed:
        raise Refused(
            f"Deleting task #{task_id} for good cannot be undone: ask the person, then call "
            "again with confirm=true, or leave out permanent to move it to the trash."
        )
    return None
