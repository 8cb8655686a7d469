"""The lifespan's Database: a failed open is retried on the next call, not kept for the life
of the process; one that waiting cannot cure stops the process with one log line."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from task_tracker.backends import prepare_database
from task_tracker.database import Database
from task_tracker.errors import DatabaseUnavailable


def test_a_failed_open_is_retried_on_the_next_call(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_database(db_path)
    monkeypatch.setenv("TASK_TRACKER_BUSY_TIMEOUT_MS", "0")
    monkeypatch.setenv("TASK_TRACKER_TRICKS_OFF", "startup")  # open in start(), no thread
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # nobody else can even read
    database = Database(db_path, prepared=True)
    try:
        database.start()
        with pytest.raises(DatabaseUnavailable, match=r"cannot be opened \(.*locked.*\)"):
            database.engine()
        assert database.no_wait() is None
        holder.execute("ROLLBACK")
        holder.close()
        with database.engine().connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM tasks").scalar() == 0
        assert database.no_wait() is not None
    finally:
        database.close()


STOPS = """
import sys
from pathlib import Path
from task_tracker.database import Database

database = Database(Path(sys.argv[1]), prepared=True)
database.start()
try:
    database.engine()
except Exception as exc:
    print(type(exc).__name__, flush=True)
import time
time.sleep(30)  # SIGTERM, sent to itself, ends the process before this does
"""


def test_a_file_that_is_not_a_database_stops_the_process(tmp_path: Path) -> None:
    garbage = tmp_path / "tasks.db"
    garbage.write_bytes(b"this is not a database" * 100)
    done = subprocess.run(
        [sys.executable, "-c", STOPS, str(garbage)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -15  # SIGTERM
    assert done.stdout == ""  # the signal ends it before the caller even sees the error
    assert f"cannot serve {garbage}: file is not a database; stopping the server" in done.stderr
