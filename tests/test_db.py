"""db: pragmas, engines that do not wait, driver error codes, and refusing writes into a file
that is no longer the database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from task_tracker import store
from task_tracker.backends import domain_error
from task_tracker.db import (
    create_db_engine,
    read_transaction,
    write_retrying,
    write_transaction,
)
from task_tracker.errors import DatabaseBusy, DatabaseFull, DatabaseGone
from task_tracker.migrate import open_database

pytestmark = pytest.mark.sqlite_only  # SQLite engines, pragmas and files


def count(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM tasks").fetchone()[0]


def test_connections_use_the_documented_pragmas(engine: Engine) -> None:
    with read_transaction(engine) as s:
        pragmas = {
            name: s.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL, with the WAL fsynced in the background (runtime.walsync)
        "busy_timeout": 10_000,
    }


def test_synchronous_full_can_be_chosen(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASK_TRACKER_SYNCHRONOUS", "full")
    engine = open_database(db_path)
    try:
        with read_transaction(engine) as s:
            assert s.execute(text("PRAGMA synchronous")).scalar() == 2
    finally:
        engine.dispose()


def test_no_wait_engine_fails_on_a_held_write_lock_as_busy(db_path: Path) -> None:
    open_database(db_path).dispose()
    engine = create_db_engine(db_path, wait_for_locks=False)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as caught:
            with write_transaction(engine) as conn:
                store.add_task(conn, title="never written")
        assert isinstance(domain_error(caught.value), DatabaseBusy)
        holder.execute("ROLLBACK")
        assert count(db_path) == 0
    finally:
        holder.close()
        engine.dispose()


def test_a_full_disk_is_recognised_by_its_result_code(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "small.db")
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.execute("PRAGMA max_page_count = 3")  # the database cannot grow: SQLITE_FULL
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    conn.close()
    assert isinstance(domain_error(caught.value), DatabaseFull)
    assert str(domain_error(caught.value)).startswith("The disk holding the task database is full")
    assert domain_error(ValueError("no code")) is None


def test_a_write_into_a_deleted_file_is_refused(engine: Engine, db_path: Path) -> None:
    with write_transaction(engine) as conn:
        store.add_task(conn, title="kept")
    os.unlink(db_path)
    with pytest.raises(DatabaseGone, match=f"{db_path} was deleted while the server"):
        with write_transaction(engine) as conn:
            store.add_task(conn, title="would be lost")
    with read_transaction(engine) as conn:  # reads still see the open file
        assert store.list_tasks(conn).total.count == 1


def test_a_write_into_a_replaced_file_is_refused(engine: Engine, db_path: Path) -> None:
    with write_transaction(engine) as conn:
        store.add_task(conn, title="kept")
    os.rename(db_path, db_path.with_name("moved.db"))
    open_database(db_path).dispose()  # another database now at the configured path
    with pytest.raises(DatabaseGone, match="was replaced by another file"):
        with write_transaction(engine) as conn:
            store.add_task(conn, title="would go to the wrong file")
    assert count(db_path) == 0


def test_a_deleted_wal_is_saved_into_the_file_and_writes_refused(
    engine: Engine, db_path: Path
) -> None:
    with write_transaction(engine) as conn:
        for n in range(3):
            store.add_task(conn, title=f"in the wal {n}")
    os.unlink(db_path.with_name(db_path.name + "-wal"))
    with pytest.raises(DatabaseGone, match="write-ahead log"):
        with write_transaction(engine) as conn:
            store.add_task(conn, title="would be lost")
    engine.dispose()
    assert count(db_path) == 3  # checkpointed into the database file before refusing


def test_a_broken_database_rule_is_named_and_changes_nothing(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        task = store.add_task(conn, title="at the top")
        conn.execute(
            text("UPDATE tasks SET version = :v WHERE id = :id"), {"v": 2**53 - 1, "id": task.id}
        )
    with pytest.raises(IntegrityError) as caught:
        with write_transaction(engine) as conn:
            store.update_task(conn, task_id=task.id, title="one more version")
    assert str(domain_error(caught.value)) == (
        "The change breaks a rule of the task database (CHECK constraint failed: "
        "ck_tasks_version); nothing was changed."
    )
    with read_transaction(engine) as conn:
        assert store.get_task(conn, task_id=task.id).title == "at the top"


def test_write_retrying_waits_for_another_writer_and_runs_fn_once(engine: Engine) -> None:
    import threading

    db_path = Path(engine.url.database or "")
    no_wait = create_db_engine(db_path, wait_for_locks=False)
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    calls: list[int] = []

    def add(conn: Connection) -> int:
        calls.append(1)
        return store.add_task(conn, title="after the wait").id

    try:
        with pytest.raises(OperationalError, match="database is locked"):
            write_retrying(no_wait, add, wait_ms=0)
        assert calls == []  # refused at BEGIN, before fn
        release = threading.Timer(0.2, lambda: holder.execute("ROLLBACK"))
        release.start()
        assert write_retrying(no_wait, add, wait_ms=60_000) == 1
        release.join()
        assert calls == [1]
    finally:
        holder.close()
        no_wait.dispose()
