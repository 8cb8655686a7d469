"""Shaping results for a model's context: pages (with cursors from operations.cursors), character
budgets, lines.

Every page ends early rather than pass PAGE_CHAR_BUDGET; a task that cannot be shown as stored
(a row written around the constraints) is shown with safe stand-ins and logged, so one odd row
never fails a whole page, resource or prompt.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from task_tracker.operations.cursors import encode_cursor, encode_list_cursor
from task_tracker.schemas import (
    PAGE_CHAR_BUDGET,
    SearchHitOut,
    SearchPageOut,
    TaskOut,
    TaskPageOut,
    Total,
    parse_tags,
    shaped,
    stamp,
    utcnow,
)
from task_tracker.schemas.structure import (
    NOTES_SHOWN,
    EventOut,
    NoteOut,
    TaskDetailOut,
    TaskRefOut,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker.store import SearchPage, TaskRow

LINE_TAGS_SHOWN = 5
PATHS_SHOWN = 80  # characters of a claim's paths a reason shows
Shaped = TypeVar("Shaped", bound=TaskOut)


def fit_budget(items: list[Shaped]) -> tuple[list[Shaped], bool]:
    """The leading items that fit in PAGE_CHAR_BUDGET (always at least one), and whether any
    were cut. The cost is a cheap over-estimate of each item's JSON size."""
    used = 0
    for count, out in enumerate(items):
        used += out.json_size_estimate()
        if count and used > PAGE_CHAR_BUDGET:
            return items[:count], True
    return items, False


def task_page(
    items: list[TaskRow],
    *,
    total: Total,
    has_more: bool,
    sort: str = "id",
    order: str = "asc",
) -> TaskPageOut:
    """A list_tasks page, ended early rather than exceed the character budget."""
    tasks, cut = fit_budget([shaped(TaskOut, task, preview=True) for task in items])
    more = has_more or cut
    last = items[len(tasks) - 1] if tasks else None
    next_cursor = (
        encode_list_cursor(sort, order, last, total) if more and last is not None else None
    )
    return TaskPageOut(
        tasks=tasks, total=total.count, total_capped=total.capped, next_cursor=next_cursor
    )


def search_page(page: SearchPage, *, offset: int) -> SearchPageOut:
    hits = [shaped(SearchHitOut, hit.task, preview=True, snippet=hit.snippet) for hit in page.hits]
    results, cut = fit_budget(hits)
    more = page.has_more or cut
    end = offset + len(results)
    next_cursor = encode_cursor("offset", end, page.total) if more and results else None
    return SearchPageOut(
        results=results,
        total=page.total.count,
        total_capped=page.total.capped,
        next_cursor=next_cursor,
    )


def detailed(conn: Connection, task: TaskRow) -> TaskDetailOut:
    """get_task's view: the task with its parent, subtasks and dependencies both ways."""
    from task_tracker import store  # (loaded by now: the caller holds a connection)
    from task_tracker.store import workflow

    related = store.related(conn, task)
    held_by = store.holder(task, utcnow())

    def refs(rows: list[Any]) -> list[TaskRefOut]:
        return [TaskRefOut(id=row.id, title=row.title, status=row.status) for row in rows]

    return shaped(
        TaskDetailOut,
        task,
        criteria=workflow.criteria_of(task),
        defer_until=workflow.deferral(getattr(task, "defer_until", None)),
        repeat=getattr(task, "repeat", None),
        links=workflow.links_of(task),
        review=getattr(task, "review", None),
        submitted_by=getattr(task, "submitted_by", None),
        parent=refs([related.parent])[0] if related.parent is not None else None,
        subtasks=refs(related.subtasks),
        depends_on=refs(related.depends_on),
        blocks=refs(related.blocks),
        ready=related.ready,
        claimed_by=held_by,
        claimed_until=task.claimed_until if held_by is not None else None,
        paths=store.claimed_paths(task) if held_by is not None else [],
        history=[event_out(e) for e in store.task_history(conn, task_id=task.id, limit=3)],
        notes=[
            NoteOut(at=n.at, actor=n.actor, text=n.text, kind=n.kind)
            for n in store.recent_notes(conn, task_id=task.id, limit=NOTES_SHOWN)
        ],
    )


# Fields whose values history keeps as the database's text for a moment.
MOMENTS = frozenset({"claimed_until", "completed_at", "created_at", "updated_at"})


def _moment(value: Any) -> Any:
    try:
        return stamp(datetime.fromisoformat(value)) if isinstance(value, str) else value
    except ValueError:  # edited by hand into something else: shown as it is
        return value


def event_out(event: Any) -> EventOut:
    """An event, its moments written as every answer writes them (stamp)."""
    changes = {
        field: [_moment(v) for v in pair] if field in MOMENTS and isinstance(pair, list) else pair
        for field, pair in event.changes.items()
    }
    return EventOut(
        version=event.version,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        changes=changes,
    )


def task_line(task: TaskRow) -> str:
    """One compact, readable line per task for resources and prompts."""
    parts = [f"#{task.id} [{task.status}] ({task.priority}) {task.title}"]
    if task.parent_id is not None:
        parts.append(f"subtask of #{task.parent_id}")
    if task.due_date:
        parts.append(f"due {task.due_date}")
    tags = parse_tags(task.tags)
    if tags:
        hidden = len(tags) - LINE_TAGS_SHOWN
        parts.append(
            "tags: " + ", ".join(tags[:LINE_TAGS_SHOWN]) + (f" +{hidden}" if hidden > 0 else "")
        )
    return " — ".join(parts)


def task_lines(tasks: list[TaskRow]) -> list[str]:
    """The leading task lines whose total length stays within PAGE_CHAR_BUDGET."""
    lines: list[str] = []
    used = 0
    for task in tasks:
        line = task_line(task)
        used += len(line) + 1
        if used > PAGE_CHAR_BUDGET:
            break
        lines.append(line)
    return lines


def by_project(tasks: list[TaskRow], lines: list[str]) -> list[str]:
    """task_lines(tasks) under a heading per project (by name, then the tasks without one),
    each in the order given; unchanged when no task shown has a project."""
    shown = tasks[: len(lines)]
    if all(task.project is None for task in shown):
        return lines
    groups: dict[str | None, list[str]] = {}
    for task, line in zip(shown, lines, strict=True):
        groups.setdefault(task.project, []).append(line)
    order = sorted((p for p in groups if p is not None), key=str.lower)
    out: list[str] = []
    for project in [*order, None] if None in groups else order:
        out += [f"### {project if project is not None else 'No project'}", *groups[project]]
    return out


def nothing_ready(blockers: list[tuple[Any, int]], *, tag: str | None, project: str | None) -> str:
    """next_task's message when no task is ready: what holds up the most work, if anything."""
    scope = "".join(
        [f" tagged {tag}" if tag else "", f" in project {project!r}" if project else ""]
    )
    if not blockers:
        return (
            f"No task{scope} is ready: none is open, or each waits on its open subtasks. "
            "Add one with add_task, or see list_tasks(status='open')."
        )
    named = "; ".join(
        f"#{row.id} {row.title!r} ({row.status}) blocks {n} task(s)" for row, n in blockers
    )
    return (
        f"No task{scope} is ready: every open one waits on a dependency or an open subtask. "
        f"Most blocking overall: {named}. Finish those, or change dependencies with update_task."
    )


def all_held(held: list[Any], *, tag: str | None, project: str | None) -> str:
    """next_task's message when every ready task is held by someone else: who holds which,
    until when (get_task calls them ready: they are, for their holders)."""
    scope = "".join(
        [f" tagged {tag}" if tag else "", f" in project {project!r}" if project else ""]
    )
    named = "; ".join(
        f"#{row.id} {row.title!r} by {row.claimed_by!r} until {stamp(row.claimed_until)}"
        for row in held
    )
    return (
        f"No task{scope} is free: the ready ones are claimed by others ({named}). A lease "
        "that ends frees its task by itself; meanwhile see list_tasks(status='open') for work "
        "that waits on something."
    )


def cut(text: str, most: int) -> str:
    """text on one line (its runs of whitespace one space), at most `most` characters (the
    last one … when cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


def why_next(task: TaskRow, today: date, *, actor: str | None = None) -> str:
    """next_task's reason, in the order it ranks by: status, priority, due date, age (and
    first, the caller's own claim on it, when there is one)."""
    parts = {
        "in_progress": ["in progress"],
        "in_review": [f"in review, done by {task.submitted_by or 'someone'}: approve or send back"],
    }.get(task.status, ["pending"])
    if actor is not None and task.claimed_by == actor and task.claimed_until is not None:
        until = stamp(task.claimed_until)
        if task.claimed_until > utcnow():
            from task_tracker import store  # (loaded by now: the caller read the task)

            covered = cut(", ".join(store.claimed_paths(task)), PATHS_SHOWN)
            files = f", covering {covered}" if covered else ""
            parts.insert(0, f"claimed by you ({actor}) until {until}{files}")
    parts.append(f"{task.priority} priority")
    if task.due_date is None:
        parts.append("no due date")
    elif task.due_date < today.isoformat():
        parts.append(f"overdue since {task.due_date}")
    elif task.due_date == today.isoformat():
        parts.append("due today")
    else:
        parts.append(f"due {task.due_date}")
    if task.created_at is not None:
        parts.append(f"open since {task.created_at.date().isoformat()}")
    return ", ".join(parts)
