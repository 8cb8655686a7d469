"""The task commands people type: add, ls, show, next, done, start, claim, edit, note, rm,
restore, search, projects, history.

Each is one or a few calls of the MCP tools, on an in-process server over the same database:
the same validation, queries, locking and messages as an agent gets, and `--json` prints the
tools' structured content as it is. What is written here is only how a person sees it.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from task_tracker import __version__
from task_tracker.cli import views
from task_tracker.cli.output import emit, fail
from task_tracker.cli.render import page_out
from task_tracker.config import resolve_db

LIST_PAGE = 200  # list_tasks' largest page


class Refusal(Exception):
    """A tool's error: its message is the one line the person sees."""


class Tools:
    """Calls MCP tools by name; None arguments are left out, as a client leaves them out."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def __call__(self, tool: str, **arguments: Any) -> dict[str, Any]:
        given = {name: value for name, value in arguments.items() if value is not None}
        result = await self.client.call_tool(tool, given, raise_on_error=False)
        if result.is_error:
            raise Refusal(result.content[0].text if result.content else f"{tool} failed")
        return result.structured_content or {}


def actor_name() -> str:
    """Who the history names for a person's changes (TASK_TRACKER_ACTOR wins, in the server)."""
    try:
        return os.environ.get("USER") or os.environ.get("LOGNAME") or getpass.getuser()
    except (KeyError, OSError):  # no user name at all (a bare container)
        return "cli"


def run_task_command(args: argparse.Namespace) -> int:
    from fastmcp import Client
    from mcp.types import Implementation

    from task_tracker.migrate import prepare_database
    from task_tracker.server.app import build_server

    # FastMCP logs each refused call (bad arguments at WARNING); the person gets the one
    # line below instead.
    logging.getLogger("fastmcp").setLevel(logging.ERROR)
    db_path = resolve_db(args.db)
    prepare_database(db_path)
    server = build_server(db_path, prepared=True, toolsets=("all",))
    body = COMMANDS[args.command]
    me = Implementation(name=actor_name(), version=__version__)

    async def session() -> int:
        async with Client(server, client_info=me) as client:
            return await body(Tools(client), args)

    try:
        return asyncio.run(session())
    except Refusal as exc:  # one line: a list of argument errors is joined by semicolons
        first, *rest = [line.strip() for line in str(exc).splitlines()] or ["refused"]
        return fail(" ".join([first, "; ".join(rest)]).strip(), code=1)


def show(args: argparse.Namespace, content: Any, lines: Callable[[], list[str]]) -> int:
    """--json: the structured content; -q: the ids; else the lines for a person."""
    if getattr(args, "json", False):
        emit(json.dumps(content, indent=2, ensure_ascii=False), "\n")
    elif getattr(args, "quiet", False):
        emit(*(f"{task_id}\n" for task_id in views.ids_in(content)))
    else:
        page_out(lines(), pager=not getattr(args, "no_pager", True))
    return 0


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _tags(tags: list[str] | None) -> str | None:
    return ",".join(tags) if tags else None


async def add(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools(
        "add_task",
        title=args.title,
        description=args.desc,
        priority=args.priority,
        status=args.status,
        tags=args.tag,
        due_date=_iso(args.due),
        project=args.project,
        create_project=args.create_project or None,
        parent_id=args.parent,
        depends_on=args.depends_on,
    )
    return show(args, task, lambda: [f"Added #{task['id']}: {task['title']}"])


async def ls(tools: Tools, args: argparse.Namespace) -> int:
    filters = {
        "status": args.status,
        "priority": args.priority,
        "tag": _tags(args.tag),
        "due": args.due_when,
        "due_before": _iso(args.due_before),
        "due_after": _iso(args.due_after),
        "project": args.project,
        "claimed_by": args.claimed_by,
        "sort": args.sort,
        "order": args.order,
    }
    if args.limit < 1:
        raise Refusal("--limit must be 1 or more.")
    page = await tools("list_tasks", **filters, limit=min(args.limit, LIST_PAGE))
    listed = dict(page)
    while page["next_cursor"] and len(listed["tasks"]) < args.limit:
        room = min(args.limit - len(listed["tasks"]), LIST_PAGE)
        page = await tools("list_tasks", **filters, limit=room, cursor=page["next_cursor"])
        listed["tasks"] = listed["tasks"] + page["tasks"]
        listed["next_cursor"] = page["next_cursor"]
    return show(args, listed, lambda: views.task_list(listed))


async def show_task(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools("get_task", task_id=args.id)
    return show(args, task, lambda: views.task_detail(task))


async def next_tasks(tools: Tools, args: argparse.Namespace) -> int:
    found = await tools(
        "next_task",
        limit=args.limit,
        tag=_tags(args.tag),
        project=args.project,
        claimed_by=args.claimed_by,
        claim=args.claim or None,
    )
    return show(args, found, lambda: views.suggestions(found, claimed=args.claim))


async def done(tools: Tools, args: argparse.Namespace) -> int:
    status = "cancelled" if args.cancel else "complete"
    closed = await tools(
        "close_tasks",
        task_ids=args.ids,
        status=status,
        with_subtasks=args.with_subtasks or None,
    )
    verb = "Cancelled" if args.cancel else "Completed"
    return show(args, closed, lambda: [f"{verb} #{t['id']}: {t['title']}" for t in closed["tasks"]])


async def start(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools("update_task", task_id=args.id, status="in_progress")
    return show(args, task, lambda: [f"Started #{task['id']}: {task['title']}"])


async def claim(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools(
        "claim_task", task_id=args.id, lease_minutes=args.minutes, release=args.release or None
    )
    return show(args, task, lambda: [views.claim_line(task, released=args.release)])


async def edit(tools: Tools, args: argparse.Namespace) -> int:
    if args.no_deps and args.depends_on:
        raise Refusal("Pass either --depends-on or --no-deps, not both.")
    task = await tools(
        "update_task",
        task_id=args.id,
        title=args.title,
        description=args.desc,
        priority=args.priority,
        status=args.status,
        tags=args.tag,
        due_date=_iso(args.due),
        clear_due_date=args.no_due or None,
        project=args.project,
        create_project=args.create_project or None,
        parent_id=args.parent,
        depends_on=[] if args.no_deps else args.depends_on,
        with_subtasks=args.with_subtasks or None,
        expected_version=args.expected_version,
    )
    return show(
        args, task, lambda: [f"Changed #{task['id']}: {task['title']} (v{task['version']})"]
    )


async def note(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools("add_note", task_id=args.id, text=args.text)
    return show(args, task, lambda: [f"Noted on #{task['id']}: {task['title']}"])


async def rm(tools: Tools, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.ids))
    titles = [(await tools("get_task", task_id=task_id))["title"] for task_id in ids]
    what = ", ".join(f"#{i} {t}" for i, t in zip(ids, titles, strict=True))
    where = "for good (no restore)" if args.permanent else "to the trash"
    if not args.yes:
        if not sys.stdin.isatty():
            if args.permanent:
                raise Refusal("Deleting for good needs -y when there is no terminal to ask.")
        elif not views.agreed(f"Delete {what} {where}? [y/N] "):
            raise Refusal("Nothing was deleted.")
    deleted = []
    for task_id in ids:
        deleted.append(
            await tools(
                "delete_task",
                task_id=task_id,
                permanent=args.permanent or None,
                confirm=args.permanent or None,  # the person agreed above (or passed -y)
                with_subtasks=args.with_subtasks or None,
            )
        )
    gone = {"tasks": deleted}
    return show(args, gone, lambda: views.deleted_lines(deleted, permanent=args.permanent))


async def restore(tools: Tools, args: argparse.Namespace) -> int:
    task = await tools("restore_task", task_id=args.id)
    lines = [f"Restored #{task['id']}: {task['title']}", *task.get("left_out", [])]
    return show(args, task, lambda: lines)


async def search(tools: Tools, args: argparse.Namespace) -> int:
    found = await tools(
        "search_tasks",
        query=" ".join(args.query),
        status=args.status,
        priority=args.priority,
        tag=_tags(args.tag),
        project=args.project,
        limit=args.limit,
    )
    return show(args, found, lambda: views.search_results(found))


async def projects(tools: Tools, args: argparse.Namespace) -> int:
    found = await tools("list_projects", include_archived=args.archived or None)
    return show(args, found, lambda: views.project_table(found))


async def history(tools: Tools, args: argparse.Namespace) -> int:
    page = await tools("task_history", task_id=args.id, limit=args.limit)
    return show(args, page, lambda: views.history_lines(page))


COMMANDS: dict[str, Callable[[Tools, argparse.Namespace], Awaitable[int]]] = {
    "add": add,
    "ls": ls,
    "show": show_task,
    "next": next_tasks,
    "done": done,
    "start": start,
    "claim": claim,
    "edit": edit,
    "note": note,
    "rm": rm,
    "restore": restore,
    "search": search,
    "projects": projects,
    "history": history,
}
