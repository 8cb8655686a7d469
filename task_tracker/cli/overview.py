"""Commands that look over the tasks: `projects`, `history ID`, and the summary bare
`task-tracker` prints."""

from __future__ import annotations

import argparse
from typing import Any

from task_tracker import operations as ops
from task_tracker.cli import views
from task_tracker.cli.render import make_visible, page_out, visible
from task_tracker.cli.session import Session
from task_tracker.cli.shown import show


def project_names(session: Session, events: list[dict[str, Any]]) -> dict[int, str]:
    ids = views.project_ids(events)
    return session.run(ops.project_names(ids=ids)) if ids else {}


def projects(session: Session, args: argparse.Namespace) -> int:
    found = session.content(ops.list_projects(include_archived=args.archived))
    return show(args, found, lambda: views.project_table(found))


def history(session: Session, args: argparse.Namespace) -> int:
    page = session.content(ops.task_history(task_id=args.id, limit=args.limit))
    return show(
        args, page, lambda: views.history_lines(page, project_names(session, page["events"]))
    )


def summary(session: Session, args: argparse.Namespace) -> int:
    """Bare `task-tracker`: how many tasks are open, what you hold, what is next."""
    counts = session.run(ops.count_tasks())
    held = session.content(
        ops.list_tasks(status="open", claimed_by=session.actor, limit=views.SUMMARY_HELD)
    )
    found = session.content(ops.next_task(actor=session.actor, claimed_by="", limit=3))
    make_visible([held, found])
    page_out(views.summary_lines(counts, held, found, actor=visible(session.actor)), pager=False)
    return 0
