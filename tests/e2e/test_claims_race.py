"""Many agents, one queue: 8 server processes pull from 500 ready tasks with
next_task(claim=true) until none is left. Every task is claimed exactly once, by the process
that got it, and no call fails."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.e2e.rpc import StdioServer

WORKERS = 8
TASKS = 500


def test_eight_processes_never_claim_the_same_task(db_path: Path) -> None:
    with StdioServer(db_path) as seeder:
        seeder.initialize()
        seeder.call_ok("list_tasks", {})  # the database is at head before the others start
        assert seeder.close() == 0
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO tasks (title, priority) VALUES (?, ?)",
            [(f"job {n}", ("low", "medium", "high")[n % 3]) for n in range(TASKS)],
        )
    servers = [
        StdioServer(db_path, env={"TASK_TRACKER_ACTOR": f"worker-{n}"}) for n in range(WORKERS)
    ]
    got: dict[str, list[int]] = {f"worker-{n}": [] for n in range(WORKERS)}
    errors: list[str] = []

    def pull(server: StdioServer, name: str) -> None:
        while True:
            result = server.call_tool("next_task", {"claim": True})
            if result.get("isError"):
                errors.append(str(result["content"]))
                return
            tasks = result["structuredContent"]["tasks"]
            if not tasks:
                return
            got[name].append(tasks[0]["id"])

    try:
        for server in servers:
            server.initialize()
        threads = [
            threading.Thread(target=pull, args=(server, f"worker-{n}"))
            for n, server in enumerate(servers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for server in servers:
            assert server.close() == 0
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    assert errors == []
    claimed = [task_id for ids in got.values() for task_id in ids]
    assert sorted(claimed) == list(range(1, TASKS + 1))  # each once, none left out
    with sqlite3.connect(db_path) as conn:
        holders = dict(conn.execute("SELECT id, claimed_by FROM tasks").fetchall())
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM tasks")}
    assert holders == {task_id: name for name, ids in got.items() for task_id in ids}
    assert statuses == {"in_progress"}
