"""Does a long history slow the task tools? The same tasks with no events and with ten
events each, served side by side over stdio, interleaved.

    python bench/history_load.py                 # 100,000 tasks (builds them, ~30 s)
    python bench/history_load.py --size 10000 --events 10

Prints p50 per call for both databases and their ratio.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client import BenchClient
from common import Corpus, build_database, copy_database, print_table, side_by_side, started_server

EVENT = (
    "INSERT INTO task_events (task_id, version, at, actor, kind, changes) "
    "SELECT tasks.id, tasks.version, tasks.updated_at, 'bench', 'update', "
    "json_object('title', json_array(tasks.title, tasks.title || ' (edited)'), "
    "'priority', json_array('low', 'high')) FROM tasks, (SELECT value FROM json_each(?)) AS n"
)


def calls(server: BenchClient, size: int) -> dict[str, Callable[[], Any]]:
    ids = iter(range(1, 10**9, 7))
    return {
        "list_tasks": lambda: server.call_ok("list_tasks", {}),
        "list_tasks status=open sort=updated_at": lambda: server.call_ok(
            "list_tasks", {"status": "open", "sort": "updated_at"}
        ),
        "get_task (last 3 events)": lambda: server.call_ok(
            "get_task", {"task_id": next(ids) % size + 1}
        ),
        "update_task": lambda: server.call_ok(
            "update_task", {"task_id": next(ids) % size + 1, "priority": "medium"}
        ),
        "add_task": lambda: server.call_ok("add_task", {"title": "bench task"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10, help="events per task")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        quiet, busy = work / "no-events.db", work / "events.db"
        build_database(quiet, args.size, Corpus())
        with sqlite3.connect(quiet) as conn:
            conn.execute("DELETE FROM task_events")
        copy_database(quiet, busy)
        with sqlite3.connect(busy) as conn:
            conn.execute(EVENT, (str(list(range(args.events))),))
            stored = conn.execute("SELECT count(*) FROM task_events").fetchone()[0]
        busy_name = f"{stored} events"
        servers = {"no events": started_server(quiet), busy_name: started_server(busy)}
        rows = side_by_side(
            servers,
            lambda server: calls(server, args.size),
            rounds=args.rounds,
            repeats=args.repeats,
        )
    print(f"\n{args.size} tasks, p50 ms: without history and with {busy_name}")
    print_table(["call", "no events", busy_name, "ratio"], rows)


if __name__ == "__main__":
    main()
