"""Handing work over, for people at a terminal: `note ID TEXT [--handoff]`, `review ID
--approve|--reject` (another's finished work), `brief` (where to pick up) and `graph` (a
project's structure to look at), through the same operations as add_note, review_task and
tasks://brief."""

from __future__ import annotations

import argparse
from typing import Any

from task_tracker import operations as ops
from task_tracker.cli.output import emit
from task_tracker.cli.session import Session
from task_tracker.cli.shown import show


def note(session: Session, args: argparse.Namespace) -> int:
    kind: Any = "handoff" if args.handoff else "note"
    call = ops.add_note(actor=session.actor, task_id=args.id, text=args.text, kind=kind)
    task = session.content(call)
    said = "Handoff left" if args.handoff else "Noted"
    return show(args, task, lambda: [f"{said} on #{task['id']}: {task['title']}"])


def review(session: Session, args: argparse.Namespace) -> int:
    call = ops.review_task(
        actor=session.actor, task_id=args.id, approve=args.approve, note=args.note
    )
    task = session.content(call)
    said = "Approved" if args.approve else "Sent back"
    return show(args, task, lambda: [f"{said} #{task['id']}: {task['title']} ({task['status']})"])


def brief(session: Session, args: argparse.Namespace) -> int:
    text = session.run(ops.brief(actor=session.actor))
    return show(args, {"brief": text}, lambda: text.splitlines())


def graph(session: Session, args: argparse.Namespace) -> int:
    call = ops.project_graph(project=args.project, style=args.format, include_closed=args.all)
    emit(session.run(call))
    return 0
