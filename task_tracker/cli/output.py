"""What one-shot commands print: results on stdout, one error line on stderr."""

from __future__ import annotations

import sys


def emit(*chunks: str) -> None:
    """A command's result on stdout. Only the one-shot commands use it, never `serve`:
    in stdio mode stdout belongs to JSON-RPC alone."""
    sys.stdout.writelines(chunks)


def fail(message: str, *, code: int) -> int:
    """One line on stderr for a person to act on; the exit status to return."""
    sys.stderr.write(f"task-tracker: error: {message}\n")
    return code
