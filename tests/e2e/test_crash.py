"""kill -9 in the middle of a stream of writes, many times: acknowledged writes survive,
nothing half-written is visible, the file stays intact."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from tests.e2e.rpc import StdioServer

TRIALS = 12
REQUESTS_PER_TRIAL = 120


def test_kill_9_never_loses_an_acknowledged_write(db_path: Path) -> None:
    rng = random.Random(1234)
    acknowledged: dict[int, str] = {}
    sent: set[str] = set()
    for trial in range(TRIALS):
        with StdioServer(db_path) as server:
            server.initialize()
            kill_after = rng.randint(1, REQUESTS_PER_TRIAL - 1)
            # Pipeline the writes: many are in flight when the process dies.
            for i in range(REQUESTS_PER_TRIAL):
                title = f"trial {trial} write {i}"
                sent.add(title)
                server.send(
                    {
                        "jsonrpc": "2.0",
                        "id": 1000 + i,
                        "method": "tools/call",
                        "params": {
                            "name": "add_task",
                            "arguments": {"title": title, "tags": [f"t{trial}", "crash"]},
                        },
                    }
                )
            for _ in range(kill_after):
                reply = server.read_message()
                result = reply["result"]
                assert result.get("isError") is not True, result
                task = result["structuredContent"]
                acknowledged[task["id"]] = task["title"]
            server.kill()

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO tasks_fts(tasks_fts, rank) VALUES ('integrity-check', 1)")
        stored = dict(conn.execute("SELECT id, title FROM tasks").fetchall())
        tags = conn.execute("SELECT id, tags FROM tasks").fetchall()
        tag_rows = conn.execute("SELECT count(*) FROM task_tags").fetchone()[0]
        fts_rows = conn.execute(
            "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'crash'"
        ).fetchone()[0]
    for task_id, title in acknowledged.items():
        assert stored.get(task_id) == title, f"acknowledged task {task_id} ({title}) was lost"
    assert set(stored.values()) <= sent  # nothing invented
    assert len(acknowledged) >= TRIALS
    # Every stored task is whole: its tag rows and its search entry were written with it.
    assert tag_rows == sum(len(json.loads(t)) for _, t in tags) == 2 * len(stored)
    assert fts_rows == len(stored)
