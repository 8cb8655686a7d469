"""What a SQLite database path may be, and why one cannot be read: checked before anything
opens it (a FIFO would block the open forever) and worded by SQLite's result code (another
program's lock, a failing disk and a file of another kind call for different remedies)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from task_tracker.db import (
    SQLITE_BUSY,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    sqlite_error_code,
)
from task_tracker.errors import StartupError

_SPECIAL = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_special_file(db_path: Path) -> None:
    """A path that exists but is no regular file (/dev/null, a FIFO, which would block the
    open forever) is refused before anything opens it."""
    try:
        mode = db_path.stat().st_mode
    except OSError:
        return  # nothing there yet (or unreadable: the open says why)
    for test, kind in _SPECIAL:
        if test(mode):
            raise StartupError(
                f"database path {db_path} is {kind}, not a file; pass the path of a task "
                "database file (or of a new one)"
            )


LOCKED = (SQLITE_BUSY, SQLITE_LOCKED)
UNREADABLE = (SQLITE_IOERR, SQLITE_FULL)


def unreadable(where: str, exc: sqlite3.DatabaseError) -> StartupError:
    """Why a file could not be read, by SQLite's result code: another program's lock and a
    failing or full disk are not a file of the wrong kind."""
    code = sqlite_error_code(exc)
    if code in LOCKED:
        return StartupError(
            f"{where} is locked by another program (an exclusive lock, e.g. a sqlite3 shell in "
            "a transaction): close it, then start again. Nothing was changed."
        )
    if code in UNREADABLE:
        return StartupError(
            f"cannot read {where}: {exc} (is its disk full or failing?). Nothing was changed."
        )
    return StartupError(f"{where} is not a task-tracker database ({exc})")
