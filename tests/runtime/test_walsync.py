"""The WAL flusher: a sync per burst of commits, a last one on close, none for a missing WAL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from task_tracker import store
from task_tracker.db import write_transaction
from task_tracker.runtime.walsync import WalFlusher


def test_sync_runs_on_the_wal_that_holds_the_commit(engine: Engine, db_path: Path) -> None:
    flusher = WalFlusher(db_path)
    with write_transaction(engine) as conn:
        store.add_task(conn, title="synced")
    flusher.committed()
    flusher.close()  # returns only after the pending sync has run
    assert flusher.syncs == 1


def test_direct_sync_counts_each_fsync(engine: Engine, db_path: Path) -> None:
    flusher = WalFlusher(db_path)
    try:
        with write_transaction(engine) as conn:
            store.add_task(conn, title="synced")
        flusher.sync()
        flusher.sync()
        assert flusher.syncs == 2
    finally:
        flusher.close()


def test_a_wal_that_is_gone_is_skipped(tmp_path: Path) -> None:
    flusher = WalFlusher(tmp_path / "never-created.db")
    flusher.committed()
    flusher.close()
    assert flusher.syncs == 0
