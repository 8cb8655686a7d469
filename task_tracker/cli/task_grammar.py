"""The task commands' grammar: verb first, ids as arguments, filters as options.

Only argparse here (the parser is built on every start, `serve` included): what runs them is
in cli.tasks, imported only when one of them is called.
"""

from __future__ import annotations

import argparse
from typing import Any

from task_tracker.cli.dates import due_argument
from task_tracker.cli.fields import filters, task_fields

SORTS = ["id", "priority", "due_date", "updated_at"]
# What people type for a sort (taskwarrior and gh say "due", "updated").
SORT_WORDS = {"due": "due_date", "updated": "updated_at", "created": "id"}


def sort_argument(text: str) -> str:
    """An argparse `type` for --sort: a sort's name or a word people use for it."""
    return SORT_WORDS.get(text, text)


# (name, help, example)
COMMANDS = [
    ("add", "add a task", "task-tracker add 'Write the release notes' --due friday --tag docs"),
    (
        "ls",
        "list tasks (open ones unless --status or --all)",
        "task-tracker ls --tag docs --sort due",
    ),
    ("show", "one task with its subtasks, dependencies, notes and history", "task-tracker show 12"),
    ("next", "the best ready tasks to work on", "task-tracker next --claim"),
    (
        "done",
        "complete tasks (all or none)",
        "task-tracker ls --tag x -q | xargs task-tracker done",
    ),
    ("start", "mark a task in progress", "task-tracker start 12"),
    (
        "claim",
        "claim a task for yourself, renew or release it",
        "task-tracker claim 12 --minutes 60",
    ),
    (
        "edit",
        "change a task's fields (+tag adds a tag, -tag removes one)",
        "task-tracker edit 12 --priority high --due +3d +urgent -someday",
    ),
    (
        "note",
        "add a note to a task's work log",
        "task-tracker note 12 'tried the retry: still flaky'",
    ),
    ("rm", "move tasks to the trash (asks first on a terminal)", "task-tracker rm 12 13 -y"),
    ("restore", "bring a task back from the trash", "task-tracker restore 12"),
    (
        "revert",
        "give a task back its fields as they were at a version (see history)",
        "task-tracker revert 12 3",
    ),
    ("search", "find tasks by words", "task-tracker search deploy -staging"),
    ("projects", "projects and their task counts", "task-tracker projects --archived"),
    ("history", "a task's changes, newest first", "task-tracker history 12 --limit 50"),
    (
        "graph",
        "draw a project's tasks, subtasks and dependencies (Mermaid or Graphviz DOT)",
        "task-tracker graph --project web --format dot | dot -Tsvg > web.svg",
    ),
    (
        "review",
        "approve (complete) or send back a task another agent finished",
        "task-tracker review 12 --reject --note 'the retry still has no test'",
    ),
    (
        "brief",
        "where to pick up: what you hold, handoffs, ready work, blockers",
        "TASK_TRACKER_ACTOR=agent-2 task-tracker brief",
    ),
]


def add_task_commands(sub: Any, common: argparse.ArgumentParser, db_help: str) -> None:
    """Register the task commands on `sub` (the top-level subparsers)."""
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--db", help=db_help)
    output.add_argument(
        "--json", action="store_true", help="print the MCP tool's structured result as JSON"
    )
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-q", "--quiet", action="store_true", help="print only ids, one a line")
    listing = argparse.ArgumentParser(add_help=False)
    listing.add_argument("--no-pager", action="store_true", help="never page the output")
    made: dict[str, argparse.ArgumentParser] = {}
    for name, text, example in COMMANDS:
        parents = [common, output]
        if name in ("add", "ls", "next", "search"):
            parents.append(quiet)
        if name in ("ls", "search", "history", "show"):
            parents.append(listing)
        made[name] = sub.add_parser(
            name,
            aliases=["list"] if name == "ls" else [],
            help=text,
            description=text[0].upper() + text[1:] + ".",
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=parents,
        )
    made["add"].add_argument("title", help="what is to be done")
    task_fields(made["add"], new=True)
    made["add"].add_argument(
        "--found-in", type=int, metavar="ID", help="the task you were doing when you found this"
    )

    ls = made["ls"]
    filters(ls, status="open")
    ls.add_argument("--due", dest="due_when", choices=["overdue", "today", "this_week"])
    ls.add_argument("--due-before", type=due_argument, help="due before this date")
    ls.add_argument("--due-after", type=due_argument, help="due after this date")
    ls.add_argument("--claimed-by", metavar="NAME", help="held by NAME ('' for nobody)")
    ls.add_argument(
        "--all", action="store_true", help="every status, deferred tasks too (--status all)"
    )
    ls.add_argument("--deferred", action="store_true", help="only tasks deferred until later")
    ls.add_argument(
        "--sort",
        type=sort_argument,
        choices=SORTS,
        default="id",
        help="id, priority, due_date (or due) or updated_at (or updated)",
    )
    ls.add_argument("--order", choices=["asc", "desc"])
    ls.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")

    for name in ("show", "start", "restore"):
        made[name].add_argument("id", type=int)
    made["history"].add_argument("id", type=int)
    made["history"].add_argument("--limit", type=int, default=20, help="events (default 20)")

    nxt = made["next"]
    nxt.add_argument("--limit", type=int, default=3, help="how many (default 3, at most 10)")
    nxt.add_argument("--tag", action="append", help="a tag the tasks carry (repeatable: all)")
    nxt.add_argument("--project", help="project name")
    nxt.add_argument("--claimed-by", metavar="NAME", help="held by NAME ('' for nobody)")
    nxt.add_argument("--claim", action="store_true", help="claim the best one for yourself")
    nxt.add_argument(
        "--path",
        action="append",
        dest="paths",
        metavar="GLOB",
        help="with --claim: a file pattern the claim covers (repeatable), as claim --path",
    )

    done = made["done"]
    done.add_argument("ids", type=int, nargs="+", metavar="ID")
    done.add_argument("--with-subtasks", action="store_true", help="close open subtasks too")
    done.add_argument("--cancel", action="store_true", help="cancel instead of complete")
    done.add_argument(
        "--with-unchecked", action="store_true", help="complete despite unchecked criteria"
    )

    claim = made["claim"]
    claim.add_argument("id", type=int)
    claim.add_argument("--minutes", type=int, default=30, help="lease length (default 30)")
    claim.add_argument("--release", action="store_true", help="give the task back")
    claim.add_argument(
        "--take-over",
        action="store_true",
        help="take it from another holder whose lease still runs (history records it)",
    )
    claim.add_argument(
        "--path",
        action="append",
        dest="paths",
        metavar="GLOB",
        help="a file pattern the claim covers, e.g. 'src/auth/**' (repeatable); refused if "
        "another running claim's overlap",
    )

    edit = made["edit"]
    edit.add_argument("id", type=int)
    task_fields(edit, new=False)
    edit.add_argument(
        "--add-tag", action="append", metavar="TAG", help="add a tag (also written +TAG)"
    )
    edit.add_argument(
        "--remove-tag", action="append", metavar="TAG", help="remove a tag (also written -TAG)"
    )
    edit.add_argument("--no-due", action="store_true", help="remove the due date")
    edit.add_argument("--no-deps", action="store_true", help="remove every dependency")
    edit.add_argument("--no-criteria", action="store_true", help="remove the criteria")
    edit.add_argument(
        "--check", type=int, action="append", metavar="N", help="tick criterion N (repeatable)"
    )
    edit.add_argument(
        "--duplicate-of", type=int, metavar="ID", help="close it as a duplicate of task ID"
    )
    edit.add_argument("--with-subtasks", action="store_true", help="closing: subtasks too")
    edit.add_argument("--expected-version", type=int, help="refuse if the task changed since")

    revert = made["revert"]
    revert.add_argument("id", type=int)
    revert.add_argument("version", type=int, help="the version to go back to")
    revert.add_argument("--expected-version", type=int, help="refuse if the task changed since")

    drawn = made["graph"]
    drawn.add_argument("--project", required=True, help="the project to draw")
    drawn.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    drawn.add_argument("--all", action="store_true", help="closed tasks too")

    note = made["note"]
    note.add_argument("id", type=int)
    note.add_argument("text", help="the note (up to 2,000 characters)")
    note.add_argument(
        "--handoff",
        action="store_true",
        help="where you stopped, for whoever takes the task next (shown first)",
    )

    judged = made["review"]
    judged.add_argument("id", type=int)
    verdict = judged.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", help="complete it")
    verdict.add_argument("--reject", action="store_true", help="send it back to in progress")
    judged.add_argument("--note", help="what you found (sending back: what to fix)")

    rm = made["rm"]
    rm.add_argument("ids", type=int, nargs="+", metavar="ID")
    rm.add_argument("-y", "--yes", action="store_true", help="do not ask")
    rm.add_argument("--with-subtasks", action="store_true", help="their subtasks too")
    rm.add_argument(
        "--permanent", action="store_true", help="delete for good (no restore; asks even so)"
    )

    search = made["search"]
    search.add_argument("query", nargs="+", help='words, "phrases", -excluded')
    filters(search, status="all")
    search.add_argument("--limit", type=int, default=10, help="at most this many (max 50)")

    made["projects"].add_argument("--archived", action="store_true", help="archived ones too")
