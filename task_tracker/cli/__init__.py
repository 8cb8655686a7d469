"""Command line: `task-tracker serve | db ... | export | import | config` and the task
commands for people (add, ls, show, next, done, ...: cli.tasks).

No SQL and no MCP types here: commands call the store and the server like any other caller.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from task_tracker.cli.data import config_command, db_command, export_command, import_command
from task_tracker.cli.output import emit, fail
from task_tracker.cli.parser import build_parser, command_named, tag_shorthand
from task_tracker.cli.serve import serve
from task_tracker.config import check_settings
from task_tracker.errors import StartupError


def _setup_logging(level: str | None) -> None:
    """stderr only: in stdio mode stdout carries nothing but JSON-RPC. Without --log-level,
    warnings from everything and our own INFO lines (what a server serves, and where)."""
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, (level or "WARNING").upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if level is None:
        logging.getLogger("task_tracker").setLevel(logging.INFO)


def board_command(args: argparse.Namespace) -> int:
    from task_tracker.cli.board import board

    return board(args)


def completion_command(args: argparse.Namespace) -> int:
    import argcomplete

    emit(argcomplete.shellcode(["task-tracker"], shell=args.shell))
    return 0


COMMANDS = {
    "serve": serve,
    "board": board_command,
    "db": db_command,
    "export": export_command,
    "import": import_command,
    "config": config_command,
    "completion": completion_command,
}


def _task_command(args: argparse.Namespace) -> int:
    from task_tracker.cli.session import run_task_command  # (not on the serve path)

    return run_task_command(args)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_tasks=command_named(words) != "serve")
    if "_ARGCOMPLETE" in os.environ:  # a shell asks for completions (cli completion)
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(tag_shorthand(words))
    _setup_logging(getattr(args, "log_level", None))
    args.log_level = getattr(args, "log_level", "WARNING")
    try:
        check_settings()
        return COMMANDS.get(args.command, _task_command)(args)
    except StartupError as exc:
        return fail(str(exc), code=2)
    except KeyboardInterrupt:
        # Ctrl+C: stop at once, quietly, with the shell's conventional status.
        sys.stderr.write("\n")
        return 130
