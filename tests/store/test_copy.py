"""`db copy`: a whole database into an empty one, SQLite and PostgreSQL either way, every row
with its id, history and sequences; refused, changing nothing, into a database in use."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from task_tracker import store
from task_tracker.backends import prepare_database
from task_tracker.db import read_transaction, write_transaction
from task_tracker.errors import InvalidInput
from task_tracker.migrate import HEAD_REVISION, open_database
from task_tracker.postgres import DatabaseURL
from task_tracker.postgres import create_engine as pg_engine
from task_tracker.store.copy import TABLES

# Text that a bulk load must carry as it is: tab, newlines, backslashes, quotes, \N, accents.
HOSTILE = "see the wiki\tthen\n\\N and C:\\path\r\n\"dq\" 'sq' ünïcodé ✓ |,;"


def fill(engine: sa.Engine) -> None:
    """Projects, a subtask older than its parent, dependencies, notes, a claim, the trash,
    a task deleted for good (its id is the highest ever given), tags, history, criteria, a
    deferral, a repeat and a link to a later task."""
    with write_transaction(engine) as conn:
        store.set_actor(conn, "alice")
        store.add_task(conn, title="Write the release notes", tags=["docs"])
        store.add_task(
            conn, title="Deploy the API", tags=["ops", "urgent"], project="Web",
            create_project=True, due_date=date(2026, 12, 24), priority="high",
        )  # fmt: skip
        store.add_task(conn, title="Parent made later", depends_on=[2])
        store.update_task(conn, task_id=1, parent_id=3, description=HOSTILE)
        store.add_note(conn, task_id=2, text="tried the canary first", actor="bob")
        store.claim_task(conn, task_id=2, actor="bob")
        store.add_task(conn, title="Old idea")
        store.trash_task(conn, task_id=4, actor="alice")
        store.add_task(conn, title="Mistake")
        store.delete_for_good(conn, task_id=5)
        store.update_task(conn, task_id=1, status="complete")
        # What work asks (revision 0023), and a link that points forward in id order.
        store.update_task(
            conn,
            task_id=3,
            criteria=["notes proofread", HOSTILE],
            checked=[1],
            defer_until=datetime(2999, 1, 1, tzinfo=UTC),
            repeat="every 2 weeks",
        )
        conn.execute(sa.text("UPDATE tasks SET discovered_from = 3 WHERE id = 1"))
        store.set_actor(conn, None)


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in TABLES
        }


def copy(source: sa.Engine, target: sa.Engine) -> dict[str, int]:
    reading = source.connect()
    try:
        with reading.begin(), target.begin() as writing:
            return store.copy_database(reading, writing)
    finally:
        reading.close()


def check_the_copy_works(engine: sa.Engine) -> None:
    """Derived data (tags, counts, search) is there, and new ids follow the source's."""
    with read_transaction(engine) as conn:
        assert [t.id for t in store.list_tasks(conn, status=None, tag="ops").items] == [2]
        assert store.count_by_status(conn, status=None) == 3
        assert [h.task.id for h in store.search_tasks(conn, query="canary").hits] == [2]
        assert [h.task.id for h in store.search_tasks(conn, query="wiki").hits] == [1]
        history = store.task_history(conn, task_id=2, limit=10)
    assert [(e.version, e.actor, e.kind) for e in history] == [
        (2, "alice", "claim"),
        (1, "bob", "note"),
        (1, "alice", "create"),
    ]
    with write_transaction(engine) as conn:
        assert store.add_task(conn, title="New on the copy", tags=["ops"]).id == 6
        assert store.restore_task(conn, task_id=4)[0].title == "Old idea"
    with read_transaction(engine) as conn:  # the triggers work on after the copy
        assert [t.id for t in store.list_tasks(conn, status=None, tag="ops").items] == [2, 6]
        assert store.count_by_status(conn, status=None) == 5
        assert [e.kind for e in store.task_history(conn, task_id=6, limit=5)] == ["create"]


def test_sqlite_to_sqlite_keeps_every_row_and_id(tmp_path: Path) -> None:
    source, target = open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")
    fill(source)
    copied = copy(source, target)
    assert copied == {
        "projects": 1,
        "tasks": 3,
        "task_dependencies": 1,
        "task_notes": 1,
        "trash": 1,
        "trash_tasks": 1,
        "task_events": len(dump(source)["task_events"]),
    }
    assert dump(target) == dump(source)
    check_the_copy_works(target)


def test_into_a_database_in_use_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    source, target = open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")
    fill(source)
    with write_transaction(target) as conn:
        store.add_task(conn, title="Already here")
    before = dump(target)
    with pytest.raises(InvalidInput) as refused:
        copy(source, target)
    assert str(refused.value) == (
        "the target database is not empty (it holds 1 task, 1 history event); copy into a "
        "new database or an empty one. Nothing was copied."
    )
    assert dump(target) == before


def test_sqlite_to_postgresql_and_back(tmp_path: Path, pg_url: str) -> None:
    source = open_database(tmp_path / "a.db")
    fill(source)
    prepare_database(DatabaseURL(pg_url))
    postgres = pg_engine(DatabaseURL(pg_url))
    back = open_database(tmp_path / "back.db")
    try:
        copy(source, postgres)
        assert dump(postgres) == dump(source)
        copy(postgres, back)
        assert dump(back) == dump(source)
        check_the_copy_works(postgres)
    finally:
        postgres.dispose()
    check_the_copy_works(back)


def run_copy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "task_tracker", "db", "copy", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command(tmp_path: Path) -> None:
    fill(open_database(tmp_path / "a.db"))
    events = len(dump(open_database(tmp_path / "a.db"))["task_events"])
    done = run_copy("--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "b.db"))
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == (
        f"copied 1 project, 3 tasks, 1 dependency, 1 note, 1 trash entry, "
        f"1 task in the trash, {events} history events from {tmp_path / 'a.db'} to "
        f"{tmp_path / 'b.db'}\n"
    )
    again = run_copy("--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "b.db"))
    assert (again.returncode, again.stderr) == (
        1,
        f"task-tracker: error: {tmp_path / 'b.db'}: the target database is not empty (it holds "
        f"1 project, 3 tasks, 1 note, 1 trash entry, {events} history events); copy into a new "
        "database or an empty one. Nothing was copied.\n",
    )
    same = run_copy("--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "a.db"))
    assert (same.returncode, same.stderr) == (
        2,
        "task-tracker: error: --from and --to name the same database\n",
    )


def test_the_command_refuses_an_old_or_missing_source(tmp_path: Path) -> None:
    from tests.test_migrations import alembic_cli

    old = tmp_path / "old.db"
    assert alembic_cli("upgrade", "0012", db_path=old).returncode == 0
    done = run_copy("--from", str(old), "--to", str(tmp_path / "new.db"))
    assert done.returncode == 2
    assert done.stderr == (
        f"task-tracker: error: {old} is at schema revision 0012, and db copy reads databases "
        f"at {HEAD_REVISION}: run `task-tracker db upgrade --db {old}` first (a newer one needs "
        "a newer task-tracker)\n"
    )
    missing = run_copy("--from", str(tmp_path / "none.db"), "--to", str(tmp_path / "new.db"))
    assert missing.stderr == (
        f"task-tracker: error: no task database at {tmp_path / 'none.db'}; --from names an "
        "existing one\n"
    )
    assert not (tmp_path / "new.db").exists()


def test_a_postgresql_database_of_another_application_is_refused_untouched(
    tmp_path: Path, pg_url: str
) -> None:
    fill(open_database(tmp_path / "a.db"))
    other = sa.create_engine(pg_url)
    with other.begin() as conn:
        for name in ("invoices", "customers"):
            conn.exec_driver_sql(f"CREATE TABLE {name} (id int PRIMARY KEY)")
    done = run_copy("--from", str(tmp_path / "a.db"), "--to", pg_url)
    assert done.returncode == 2
    assert done.stderr == (
        f"task-tracker: error: {DatabaseURL(pg_url).shown} holds tables of something else "
        "(customers, invoices); copy into a new, empty database (CREATE DATABASE ... OWNER "
        "...). Nothing was copied or created.\n"
    )
    with other.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).scalars()
        assert list(tables) == ["customers", "invoices"]
    other.dispose()


def test_a_row_postgresql_cannot_hold_is_named_and_nothing_is_copied(
    tmp_path: Path, pg_url: str
) -> None:
    import sqlite3

    source = tmp_path / "a.db"
    fill(open_database(source))
    with sqlite3.connect(source) as conn:  # a hand edit: the tools refuse NUL
        conn.execute("UPDATE tasks SET title = 'bad' || char(0) || 'title' WHERE id = 2")
    done = run_copy("--from", str(source), "--to", pg_url)
    assert done.returncode == 1
    assert done.stderr == (
        f"task-tracker: error: {DatabaseURL(pg_url).shown}: tasks row (id 2): title holds a NUL "
        "character (\\x00), which PostgreSQL cannot store. Mend it in the source first "
        "(sqlite3: UPDATE tasks SET title = replace(title, char(0), '') WHERE ...). Nothing "
        "was copied.\n"
    )
    target = pg_engine(DatabaseURL(pg_url))
    try:
        with target.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM tasks").scalar() == 0
    finally:
        target.dispose()
