"""Several server processes on one database file, as when several clients run at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.e2e.rpc import StdioServer
from tests.e2e.stored import rows

PROCESSES = 4
ADDS_PER_PROCESS = 250


def test_four_processes_lose_no_write(served: str) -> None:
    servers = [StdioServer(served) for _ in range(PROCESSES)]  # type: ignore[arg-type]
    failures: list[str] = []
    added: list[list[int]] = [[] for _ in range(PROCESSES)]
    start = threading.Barrier(PROCESSES)

    def work(index: int) -> None:
        server = servers[index]
        try:
            server.initialize()
            start.wait()
            for i in range(ADDS_PER_PROCESS):
                task = server.call_ok("add_task", {"title": f"p{index}-{i}", "tags": [f"p{index}"]})
                added[index].append(task["id"])
                if i % 10 == 0:
                    server.call_ok("update_task", {"task_id": task["id"], "priority": "high"})
                if i % 25 == 0:
                    server.call_ok("complete_task", {"task_id": task["id"]})
        except Exception as exc:  # noqa: BLE001 - reported below with the process index
            failures.append(f"process {index}: {exc!r}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(PROCESSES)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert failures == []
        for server in servers:
            assert server.close() == 0
            assert "database is locked" not in server.stderr_text()
    finally:
        for server in servers:
            server.__exit__()

    all_ids = [task_id for ids in added for task_id in ids]
    assert len(all_ids) == len(set(all_ids)) == PROCESSES * ADDS_PER_PROCESS
    assert rows(served, "SELECT count(*), count(DISTINCT id) FROM tasks") == [(1000, 1000)]
    assert sorted(r[0] for r in rows(served, "SELECT id FROM tasks")) == sorted(all_ids)
    assert rows(served, "SELECT count(*) FROM tasks WHERE priority = 'high'") == [
        (PROCESSES * ADDS_PER_PROCESS // 10,)
    ]
    assert rows(served, "SELECT count(*) FROM tasks WHERE status = 'complete'") == [
        (PROCESSES * ADDS_PER_PROCESS // 25,)
    ]
    assert rows(served, "SELECT count(*) FROM task_tags") == [(1000,)]
    assert rows(served, "SELECT sum(n) FROM task_counts") == [(1000,)]
    if not served.startswith("postgresql"):
        assert rows(served, "PRAGMA integrity_check") == [("ok",)]


def test_lock_held_too_long_is_a_clear_retryable_error(db_path: Path) -> None:
    with StdioServer(db_path, env={"TASK_TRACKER_BUSY_TIMEOUT_MS": "200"}) as server:
        server.initialize()
        server.call_ok("add_task", {"title": "before"})
        blocker = sqlite3.connect(db_path, isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")
            result = server.call_tool("add_task", {"title": "while locked"})
            assert result["isError"] is True
            assert result["content"][0]["text"] == (
                "The task database is busy with another writer and the wait timed out. "
                "Nothing was changed; retry the call."
            )
            # Readers are not blocked by a writer (WAL).
            assert server.call_ok("get_task", {"task_id": 1})["title"] == "before"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert server.call_ok("add_task", {"title": "after"})["id"] == 2
        server.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT title FROM tasks ORDER BY id").fetchall() == [
            ("before",),
            ("after",),
        ]
