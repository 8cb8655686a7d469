"""Startup faults: one clear line on stderr, a non-zero exit, and the file left untouched.
Upgrades of databases holding tasks write a backup first."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from task_tracker.backends import prepare_database
from task_tracker.errors import StartupError
from task_tracker.migrate import alembic_config, current_revision
from task_tracker.revisions import HEAD_REVISION, KNOWN_REVISIONS
from tests.revisions import alembic_revisions

SERVE = [sys.executable, "-m", "task_tracker", "serve", "--db"]


def fingerprint(path: Path) -> tuple[bytes, int] | None:
    if not path.is_file():  # (nothing, a directory, a device or a FIFO: not read)
        return None
    return hashlib.sha256(path.read_bytes()).digest(), path.stat().st_mtime_ns


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.PIPE)


def test_known_revisions_match_alembic() -> None:
    walked = alembic_revisions()
    assert tuple(walked) == KNOWN_REVISIONS
    assert walked[-1] == HEAD_REVISION


def not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    return path


def other_apps_db(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    return path


def from_the_future(tmp_path: Path) -> Path:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
        conn.execute("CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO tasks VALUES (1, 'keep me')")
    return path


def a_directory(tmp_path: Path) -> Path:
    (tmp_path / "adir").mkdir()
    return tmp_path / "adir"


def parent_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "tasks.db"


def parent_not_writable(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root writes anywhere but here
        return Path("/proc/task-tracker-test/tasks.db")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / "tasks.db"


def a_device(tmp_path: Path) -> Path:
    return Path("/dev/null")


def a_fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "tasks.db")  # opening it would wait for a writer forever
    return tmp_path / "tasks.db"


@pytest.mark.parametrize(
    "make, expected",
    [
        (a_directory, "is a directory; pass a file path"),
        (a_device, "/dev/null is a character device, not a file; pass the path of a task"),
        (a_fifo, "is a named pipe (FIFO), not a file; pass the path of a task database file"),
        (parent_is_a_file, "cannot create directory"),
        (parent_not_writable, "cannot create directory"),
        (not_sqlite, "is not a task-tracker database (file is not a database)"),
        (other_apps_db, "is a SQLite database of something else (tables: invoices)"),
        (from_the_future, "has schema revision 9999, newer than this task-tracker knows"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "db upgrade", "ls", "add x"])
def test_startup_fault_is_one_clear_line(tmp_path: Path, make, expected: str, command: str) -> None:
    path = make(tmp_path)
    before = fingerprint(path)
    args = [sys.executable, "-m", "task_tracker", *command.split(), "--db", str(path)]
    done = run(args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("task-tracker: error: ") and expected in lines[0]
    assert fingerprint(path) == before
    assert not list(tmp_path.glob("*.backup-*"))


def test_locked_directory_for_non_root(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write to any directory; covered by the /proc case")
    done = run([*SERVE, str(parent_not_writable(tmp_path))])
    assert done.returncode == 2 and "is not writable" in done.stderr


def seed_at_first_revision(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", KNOWN_REVISIONS[0]],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "TASK_TRACKER_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO tasks (title, created_at, updated_at) VALUES "
            "('precious', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )


def test_upgrade_with_data_writes_a_backup_first(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    seed_at_first_revision(db)
    done = run([sys.executable, "-m", "task_tracker", "db", "upgrade", "--db", str(db)])
    assert done.returncode == 0, done.stderr
    (backup,) = tmp_path.glob(f"tasks.db.backup-{KNOWN_REVISIONS[0]}-*")
    assert f"backup written to {backup}" in done.stderr
    assert current_revision(backup) == KNOWN_REVISIONS[0]
    assert current_revision(db) == HEAD_REVISION
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM tasks").fetchall() == [("precious",)]


def test_no_backup_when_there_is_nothing_to_lose(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    done = run([sys.executable, "-m", "task_tracker", "db", "upgrade", "--db", str(db)])
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("*.backup-*"))


def test_a_backup_that_cannot_fit_refuses_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil as shutil_module
    from collections import namedtuple

    from task_tracker import migrate

    db = tmp_path / "old.db"
    assert migrate_to(db, "0003")
    before = db.read_bytes()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_module, "disk_usage", lambda _path: usage(10**9, 10**9, 1024))
    with pytest.raises(StartupError, match="not enough free disk space .* not changed"):
        prepare_database(db)
    assert db.read_bytes() == before
    assert migrate.current_revision(db) == "0003"
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []


def test_a_failed_backup_leaves_no_file_named_like_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from task_tracker import migrate

    db = tmp_path / "old.db"
    assert migrate_to(db, "0003")

    class Interrupted:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def backup(self, target: object) -> None:
            raise KeyboardInterrupt  # killed half-way through the copy

        def close(self) -> None:
            self.conn.close()

    fake = types.SimpleNamespace(connect=lambda *a, **k: Interrupted(sqlite3.connect(*a, **k)))
    monkeypatch.setattr(migrate, "sqlite3", fake)
    with pytest.raises(KeyboardInterrupt):
        migrate.backup_database(db, label="0003")
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []


def migrate_to(db: Path, revision: str) -> bool:
    """A database at an old revision that holds one task."""
    from alembic import command

    command.upgrade(alembic_config(db), revision)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO tasks (title, created_at, updated_at) VALUES ('old', "
            "'2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00')"
        )
    return current_revision(db) == revision


def test_a_read_only_start_changes_nothing_and_says_what_to_run(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    seed_at_first_revision(db)
    before = fingerprint(db)
    files = sorted(p.name for p in tmp_path.iterdir())
    for how, env in ((["--read-only"], {}), ([], {"TASK_TRACKER_READ_ONLY": "on"})):
        done = subprocess.run(
            [*SERVE, str(db), *how],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.PIPE,
            env={**os.environ, **env},
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines()[-1] == (
            f"task-tracker: error: {db} is at schema revision {KNOWN_REVISIONS[0]} and this "
            f"task-tracker needs {HEAD_REVISION}; a read-only server does not migrate: run "
            f"`task-tracker db upgrade --db {db}` first (it writes a backup before it changes "
            "anything)"
        )
    assert fingerprint(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no backup, nothing new


def test_a_read_only_start_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "new" / "tasks.db"
    done = run([*SERVE, str(db), "--read-only"])
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"task-tracker: error: no task database at {db}; a read-only server "
        f"creates none: run `task-tracker db upgrade --db {db}` first"
    )
    assert not db.parent.exists()


@pytest.mark.parametrize("value", ["2", "maybe", "read-only"])
def test_a_read_only_setting_that_means_nothing_stops_the_server(
    tmp_path: Path, value: str
) -> None:
    db = tmp_path / "tasks.db"
    done = subprocess.run(
        [*SERVE, str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.PIPE,
        env={**os.environ, "TASK_TRACKER_READ_ONLY": value},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"task-tracker: error: TASK_TRACKER_READ_ONLY={value!r} is not understood: use 1, "
        "true, yes or on (read-only), or 0, false, no or off"
    )
    assert not db.exists()


@pytest.mark.parametrize("make", [a_device, a_fifo])
@pytest.mark.parametrize("command", ["export", "db copy --to new.db --from"])
def test_commands_that_read_refuse_what_is_not_a_file(
    tmp_path: Path, make: Any, command: str
) -> None:
    path = make(tmp_path)
    words = command.split()
    args = [*words, str(path)] if words[-1] == "--from" else [*words, "--db", str(path)]
    done = run([sys.executable, "-m", "task_tracker", *args])
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1].endswith(
        "not a file; pass the path of a task database file (or of a new one)"
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "TASK_TRACKER_BUSY_TIMEOUT_MS",
            "10s",
            "TASK_TRACKER_BUSY_TIMEOUT_MS='10s' is not understood: use a whole number of "
            "milliseconds from 0 to 600000 (default 10000)",
        ),
        (
            "TASK_TRACKER_SYNCHRONOUS",
            "always",
            "TASK_TRACKER_SYNCHRONOUS='always' is not understood: use NORMAL (the default) or FULL",
        ),
        (
            "TASK_TRACKER_TRASH_DAYS",
            "a week",
            "TASK_TRACKER_TRASH_DAYS='a week' is not understood: use a whole number of days "
            "(default 30)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["serve", "ls"])
def test_a_setting_that_means_nothing_is_refused_at_start(
    tmp_path: Path, name: str, value: str, expected: str, command: str
) -> None:
    db = tmp_path / "tasks.db"
    done = subprocess.run(
        [sys.executable, "-m", "task_tracker", command, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.PIPE,
        env={**os.environ, name: value},
    )
    assert (done.returncode, done.stderr) == (2, f"task-tracker: error: {expected}\n")
    assert not db.exists()


def test_a_password_on_the_command_line_is_warned_about_and_never_shown() -> None:
    url = "postgresql://tasks:hunter2@127.0.0.1:9/tasks"  # nothing listens on port 9
    done = run([*SERVE, url])
    assert done.returncode == 2
    assert "the password in --db is visible to every user of this machine (ps)" in done.stderr
    assert "hunter2" not in done.stderr


@pytest.mark.parametrize("command", ["ls", "serve"])
def test_a_database_locked_by_another_program_is_named_so(tmp_path: Path, command: str) -> None:
    db = tmp_path / "tasks.db"
    assert (
        run([sys.executable, "-m", "task_tracker", "db", "upgrade", "--db", str(db)]).returncode
        == 0
    )
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=DELETE")  # (in WAL, readers pass an EXCLUSIVE lock)
        holder.execute("BEGIN EXCLUSIVE")
        done = run([sys.executable, "-m", "task_tracker", command, "--db", str(db)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"task-tracker: error: {db} is locked by another program (an exclusive lock, e.g. a "
        "sqlite3 shell in a transaction): close it, then start again. Nothing was changed."
    )
