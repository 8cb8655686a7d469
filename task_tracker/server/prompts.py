"""The MCP prompts: review_tasks, daily_standup and plan_project.

Prompt arguments arrive as strings whatever their declared type, so each prompt declares them
as strings whose descriptions list what is allowed, and checks them with a model of its own:
a bad value gets the same one-line-per-field answer as a tool argument.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, Field

from task_tracker.operations.shaping import by_project, task_lines
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    DESCRIPTION_MAX,
    OVERVIEW_LIMIT,
    PROJECT_NAME_MAX,
    StatusFilter,
    Tag,
    utcnow,
)
from task_tracker.server.calls import current_actor, perform, read

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")

TAG_HELP = "Only tasks with this tag (one word, no spaces or commas)."
HOURS_MAX = 720
STALE_DAYS_MAX = 3650


class ReviewArgs(BaseModel):
    status: StatusFilter = "open"
    tag: Tag | None = None


class StandupArgs(BaseModel):
    hours: int = Field(24, ge=1, le=HOURS_MAX)
    tag: Tag | None = None
    stale_days: int = Field(7, ge=1, le=STALE_DAYS_MAX)


async def review_tasks(
    status: Annotated[
        str,
        Field(
            description="Which tasks to review: open (default), all, closed, pending, "
            "in_progress, in_review, complete or cancelled."
        ),
    ] = "open",
    tag: Annotated[str | None, Field(description=TAG_HELP)] = None,
) -> str:
    args = ReviewArgs(status=status, tag=tag)  # type: ignore[arg-type]

    def run(conn: Connection) -> str:
        page = store.list_tasks(conn, status=args.status, tag=args.tag, limit=OVERVIEW_LIMIT)
        lines = task_lines(page.items)
        grouped = by_project(page.items, lines)
        scope = f"{args.status} tasks" + (f" tagged '{args.tag}'" if args.tag else "")
        if not lines:
            return f"There are no {scope}. Suggest what to add, if anything."
        left_out = page.total.count - len(lines)
        more = ""
        if left_out or page.total.capped:
            extra = "more" if page.total.capped else str(left_out)
            more = f"\n({extra} not shown; use list_tasks to see them.)"
        in_all = ("over " if page.total.capped else "") + f"{page.total.count} in all"
        return (
            f"Review these {scope} ({in_all}). Point out what should be done next, "
            "what is overdue or stale, what is unclear and should be split or reworded, and "
            "what could be closed. Use the task tools to make changes the user agrees to.\n\n"
            + "\n".join(grouped)
            + more
        )

    return await read(run)


async def daily_standup(
    hours: Annotated[
        str,
        Field(description=f"Look back this many hours for completed work: 1 to {HOURS_MAX}."),
    ] = "24",
    tag: Annotated[str | None, Field(description=TAG_HELP)] = None,
    stale_days: Annotated[
        str,
        Field(description=f"Open tasks untouched this many days are stale: 1 to {STALE_DAYS_MAX}."),
    ] = "7",
) -> str:
    args = StandupArgs(hours=hours, tag=tag, stale_days=stale_days)  # type: ignore[arg-type]
    now = utcnow()

    def run(conn: Connection) -> str:
        report = store.standup(
            conn,
            since=now - timedelta(hours=args.hours),
            today=now.date(),
            stale_before=now - timedelta(days=args.stale_days),
            tag=args.tag,
        )
        sections = [
            (f"Completed in the last {args.hours}h", report.completed),
            ("In progress", report.in_progress),
            ("Waiting for review (review_task)", report.in_review),
            ("Pending (up next)", report.pending),
            ("Overdue", report.overdue),
            (f"Stale (open, untouched for {args.stale_days}+ days)", report.stale),
        ]
        body = "\n\n".join(
            f"## {heading}\n" + ("\n".join(by_project(tasks, task_lines(tasks))) or "(none)")
            for heading, tasks in sections
        )
        return (
            "Write a short daily stand-up from these tasks: what was done, what is in progress, "
            "what comes next, and what is blocked, overdue or stale.\n\n" + body
        )

    return await read(run)


class PlanArgs(BaseModel):
    goal: str = Field(min_length=1, max_length=DESCRIPTION_MAX)
    project: str | None = Field(default=None, min_length=1, max_length=PROJECT_NAME_MAX)


async def plan_project(
    goal: Annotated[str, Field(description="What should be achieved, in a sentence or more.")],
    project: Annotated[
        str | None, Field(description="Project to put the tasks in (created if new).")
    ] = None,
) -> str:
    """Asks the client's own model to break the goal into tasks and add them in one call."""
    args = PlanArgs(goal=goal, project=project)
    where = (
        f' in project "{args.project}" (pass project="{args.project}" and create_project=true)'
        if args.project
        else ""
    )
    return (
        f"Break this goal into a plan of concrete tasks{where}:\n\n{args.goal.strip()}\n\n"
        "Make each task one action someone can finish in a day or less, with a short title "
        "and, where useful, a description, priority and due date (YYYY-MM-DD). Group steps "
        "under parent tasks where that helps, and say which tasks must be done before others. "
        "Show the plan to the user first and adjust it if they ask.\n\n"
        "Then add it in one call with add_tasks: give each item a short ref; put a subtask's "
        "parent ref in `parent` (the parent must come earlier in the list) and the refs of "
        "the tasks it waits on in `depends_on`. Up to 100 items; the call adds all of them "
        "or none. If add_tasks is not available (the server runs without the planning "
        "toolset), call add_task for each item in order, passing parent_id and depends_on "
        "with the ids earlier calls returned. Finish by calling next_task to say where to "
        "start."
    )


async def brief() -> str:
    from task_tracker import operations

    text = await perform(operations.brief(actor=current_actor()))
    return (
        "You are picking up work on the shared task queue. Here is where things stand for "
        "you. Read the handoffs first; continue what you hold, or claim the best ready task "
        "(next_task(claim=true)); before you stop, leave a handoff note.\n\n" + text
    )


# (function, description)
PROMPTS = (
    (brief, "Brief: where to pick up (what you hold, handoffs, ready work, blockers)."),
    (review_tasks, "Review tasks: what to do next, what to split, close or re-prioritise."),
    (daily_standup, "Daily stand-up: done since yesterday, in progress, next, blockers."),
    (plan_project, "Plan a project: break a goal into tasks, subtasks and dependencies."),
)
# Prompts that ask the model to change tasks: a read-only server leaves them out.
WRITING_PROMPTS = frozenset({plan_project})
