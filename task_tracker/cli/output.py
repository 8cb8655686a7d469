"""What one-shot commands print: results on stdout, one error line on stderr."""

from __future__ import annotations

import sys


def emit(*chunks: str) -> None:
    """A command's result on stdout. Only the one-shot commands use it, never `serve`:
    in stdio mode stdout belongs to JSON-RPC alone."""
    sys.stdout.writelines(chunks)


def fail(message: str, *, code: int) -> int:
    """One line on stderr for a person to act on (what others wrote in it, such as a title,
    shown without driving the terminal); the exit status to return."""
    from task_tracker.cli.render import visible

    sys.stderr.write(f"task-tracker: error: {visible(message)}\n")
    return code
