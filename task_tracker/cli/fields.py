"""The options task commands share: a task's fields (add and edit) and the filters
(ls, next, search)."""

from __future__ import annotations

import argparse

from task_tracker.cli.dates import DUE_HELP, defer_argument, due_argument
from task_tracker.vocabulary import PRIORITIES, STATUSES

STATUS_FILTERS = ["open", "closed", "all", *STATUSES]


def task_fields(cmd: argparse.ArgumentParser, *, new: bool) -> None:
    """The options add and edit share; edit's replace what they name."""
    if not new:
        cmd.add_argument("--title", help="new title")
    cmd.add_argument("--desc", "--description", dest="desc", help="description")
    cmd.add_argument("--priority", choices=PRIORITIES)
    cmd.add_argument("--status", choices=STATUSES)
    cmd.add_argument(
        "--tag",
        action="append",
        help="a tag (repeatable)" + ("" if new else "; replaces the task's tags"),
    )
    cmd.add_argument("--due", type=due_argument, help=DUE_HELP)
    cmd.add_argument("--project", help="project name" + ("" if new else " ('' for none)"))
    cmd.add_argument(
        "--create-project", action="store_true", help="create the project if it is new"
    )
    cmd.add_argument(
        "--parent", type=int, help="parent task (makes a subtask)" + ("" if new else "; 0: none")
    )
    cmd.add_argument(
        "--depends-on",
        type=int,
        action="append",
        metavar="ID",
        help="a task to complete first (repeatable)" + ("" if new else "; replaces the list"),
    )
    cmd.add_argument(
        "--criterion",
        action="append",
        dest="criteria",
        metavar="TEXT",
        help="an acceptance criterion (repeatable)" + ("" if new else "; replaces them all"),
    )
    cmd.add_argument(
        "--defer",
        type=defer_argument,
        metavar="WHEN",
        help="keep it out of next and ls until this date or ISO time"
        + ("" if new else " (a past one ends it)"),
    )
    cmd.add_argument(
        "--review",
        action=argparse.BooleanOptionalAction,
        help="completing it needs another agent's review (--no-review: not even in a "
        "project whose tasks need it)",
    )
    cmd.add_argument(
        "--repeat",
        metavar="EVERY",
        help="daily, weekly, monthly, weekdays, 'every N days' or 'every N weeks'"
        + ("" if new else " ('' stops it)"),
    )


def filters(cmd: argparse.ArgumentParser, *, status: str | None) -> None:
    if status is not None:
        cmd.add_argument("--status", choices=STATUS_FILTERS, default=status)
    cmd.add_argument("--priority", choices=PRIORITIES)
    cmd.add_argument("--tag", action="append", help="a tag the tasks carry (repeatable: all)")
    cmd.add_argument("--project", help="project name")
