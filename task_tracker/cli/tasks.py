"""The task commands people type: add, ls, show, next, done, start, claim, edit, rm,
restore, revert, search (note, review, brief and graph: cli.handoff; projects, history and
the summary bare `task-tracker` prints: cli.overview).

Each calls task_tracker.operations directly, as the MCP tools do: the same checks, queries,
locking and results, and `--json` prints the tools' structured content as it is. What is
written here is only how a person types it and reads it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from task_tracker import operations as ops
from task_tracker.cli import views
from task_tracker.cli.handoff import brief, graph, note, review
from task_tracker.cli.overview import history, project_names, projects, summary
from task_tracker.cli.render import visible
from task_tracker.cli.session import Refusal, Session
from task_tracker.cli.shown import show
from task_tracker.cli.wording import USAGE

LIST_PAGE = 200  # list_tasks' largest page


def _tags(tags: list[str] | None) -> str | None:
    return ",".join(tags) if tags else None


def add(session: Session, args: argparse.Namespace) -> int:
    task = session.content(
        ops.add_task(
            actor=session.actor,
            title=args.title,
            description=args.desc or "",
            priority=args.priority or "medium",
            status=args.status or "pending",
            tags=args.tag,
            due_date=args.due,
            project=args.project,
            create_project=args.create_project,
            parent_id=args.parent,
            depends_on=args.depends_on,
            criteria=args.criteria,
            defer_until=args.defer,
            repeat=args.repeat,
            discovered_from=args.found_in,
            review=args.review,
        )
    )
    return show(args, task, lambda: [f"Added #{task['id']}: {task['title']}"])


def ls(session: Session, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise Refusal("--limit must be 1 or more.", code=USAGE)
    filters: dict[str, Any] = {
        "status": "all" if args.all else args.status,
        "priority": args.priority,
        "tag": _tags(args.tag),
        "due": args.due_when,
        "due_before": args.due_before,
        "due_after": args.due_after,
        "project": args.project,
        "claimed_by": args.claimed_by,
        # Deferred work stays out of the default listing until its time; --deferred lists
        # only it, --all everything.
        "deferred": True if args.deferred else (None if args.all else False),
        "sort": args.sort,
        "order": args.order,
    }
    listed = session.content(ops.list_tasks(**filters, limit=min(args.limit, LIST_PAGE)))
    while listed["next_cursor"] and len(listed["tasks"]) < args.limit:
        room = min(args.limit - len(listed["tasks"]), LIST_PAGE)
        page = session.content(ops.list_tasks(**filters, limit=room, cursor=listed["next_cursor"]))
        listed["tasks"] += page["tasks"]
        listed["next_cursor"] = page["next_cursor"]
    return show(args, listed, lambda: views.task_list(listed))


def show_task(session: Session, args: argparse.Namespace) -> int:
    task = session.content(ops.get_task(task_id=args.id))
    return show(
        args, task, lambda: views.task_detail(task, project_names(session, task["history"]))
    )


def next_tasks(session: Session, args: argparse.Namespace) -> int:
    found = session.content(
        ops.next_task(
            actor=session.actor,
            limit=args.limit,
            tag=_tags(args.tag),
            project=args.project,
            claimed_by=args.claimed_by,
            claim=args.claim,
            paths=args.paths,
        )
    )
    return show(args, found, lambda: views.suggestions(found, claimed=args.claim))


def done(session: Session, args: argparse.Namespace) -> int:
    closed = session.content(
        ops.close_tasks(
            actor=session.actor,
            task_ids=args.ids,
            status="cancelled" if args.cancel else "complete",
            with_subtasks=args.with_subtasks,
            with_unchecked=args.with_unchecked,
        )
    )
    verb = "Cancelled" if args.cancel else "Completed"

    def said(task: dict[str, Any]) -> str:
        if task["status"] == "in_review":  # (it needs another agent's review first)
            return f"Done, waiting for review: #{task['id']}: {task['title']}"
        return f"{verb} #{task['id']}: {task['title']}"

    return show(args, closed, lambda: [said(t) for t in closed["tasks"]])


def start(session: Session, args: argparse.Namespace) -> int:
    task = session.content(
        ops.update_task(actor=session.actor, task_id=args.id, status="in_progress")
    )
    return show(args, task, lambda: [f"Started #{task['id']}: {task['title']}"])


def claim(session: Session, args: argparse.Namespace) -> int:
    task = session.content(
        ops.claim_task(
            actor=session.actor,
            task_id=args.id,
            lease_minutes=args.minutes,
            release=args.release,
            take_over=args.take_over,
            paths=args.paths,
        )
    )
    return show(args, task, lambda: [views.claim_line(task, released=args.release)])


EDIT_FIELDS = (
    "title desc priority status tag add_tag remove_tag due no_due project parent depends_on "
    "no_deps criteria no_criteria check defer repeat duplicate_of review"
).split()


def edit(session: Session, args: argparse.Namespace) -> int:
    if args.no_deps and args.depends_on:
        raise Refusal("Pass either --depends-on or --no-deps, not both.", code=USAGE)
    if all(getattr(args, name) in (None, False) for name in EDIT_FIELDS):
        raise Refusal(
            f"Nothing to change on #{args.id}: pass a field to set, e.g. --title, --priority, "
            "--due, +tag or -tag (task-tracker edit --help lists them).",
            code=USAGE,
        )
    before = session.content(ops.get_task(task_id=args.id))
    task = session.content(
        ops.update_task(
            actor=session.actor,
            task_id=args.id,
            title=args.title,
            description=args.desc,
            priority=args.priority,
            status=args.status,
            tags=args.tag,
            add_tags=args.add_tag,
            remove_tags=args.remove_tag,
            due_date=args.due,
            clear_due_date=args.no_due,
            project=args.project,
            create_project=args.create_project,
            parent_id=args.parent,
            depends_on=[] if args.no_deps else args.depends_on,
            with_subtasks=args.with_subtasks,
            expected_version=args.expected_version,
            criteria=[] if args.no_criteria else args.criteria,
            checked=args.check,
            defer_until=args.defer,
            repeat=args.repeat,
            duplicate_of=args.duplicate_of,
            review=args.review,
        )
    )
    if task["version"] == before["version"]:
        return show(args, task, lambda: [f"No change: #{task['id']} is already so."])
    return show(
        args, task, lambda: [f"Changed #{task['id']}: {task['title']} (v{task['version']})"]
    )


def rm(session: Session, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.ids))
    titles = [visible(session.content(ops.get_task(task_id=task_id))["title"]) for task_id in ids]
    if not args.yes:
        if not sys.stdin.isatty():
            if args.permanent:
                raise Refusal("Deleting for good needs -y when there is no terminal to ask.")
        elif not views.agreed(views.delete_question(ids, titles, permanent=args.permanent)):
            raise Refusal("Nothing was deleted.")
    deleted = [
        session.content(
            ops.delete_task(
                actor=session.actor,
                task_id=task_id,
                permanent=args.permanent,  # the person agreed above (or passed -y)
                with_subtasks=args.with_subtasks,
            )
        )
        for task_id in ids
    ]
    gone = {"tasks": deleted}
    return show(args, gone, lambda: views.deleted_lines(deleted, permanent=args.permanent))


def restore(session: Session, args: argparse.Namespace) -> int:
    task = session.content(ops.restore_task(actor=session.actor, task_id=args.id))
    lines = [f"Restored #{task['id']}: {task['title']}", *task.get("left_out", [])]
    return show(args, task, lambda: lines)


def revert(session: Session, args: argparse.Namespace) -> int:
    task = session.content(
        ops.revert_task(
            actor=session.actor,
            task_id=args.id,
            version=args.version,
            expected_version=args.expected_version,
        )
    )
    return show(
        args,
        task,
        lambda: [
            f"Reverted #{task['id']} to its fields at version {args.version}: {task['title']} "
            f"(now v{task['version']})"
        ],
    )


def search(session: Session, args: argparse.Namespace) -> int:
    found = session.content(
        ops.search_tasks(
            query=" ".join(args.query),
            status=args.status,
            priority=args.priority,
            tag=_tags(args.tag),
            project=args.project,
            limit=args.limit,
        )
    )
    return show(args, found, lambda: views.search_results(found))


COMMANDS: dict[str, Callable[[Session, argparse.Namespace], int]] = {
    "add": add,
    "ls": ls,
    "list": ls,
    "show": show_task,
    "next": next_tasks,
    "done": done,
    "start": start,
    "claim": claim,
    "edit": edit,
    "note": note,
    "review": review,
    "rm": rm,
    "restore": restore,
    "revert": revert,
    "search": search,
    "projects": projects,
    "history": history,
    "brief": brief,
    "graph": graph,
    "summary": summary,
}
