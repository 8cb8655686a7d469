"""Many agents, one queue: 8 server processes pull from 500 ready tasks with
next_task(claim=true) until none is left. Every task is claimed exactly once, by the process
that got it, and no call fails."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from tests.e2e.rpc import StdioServer
from tests.e2e.stored import execute, rows

WORKERS = 8
TASKS = 500


def test_eight_processes_never_claim_the_same_task(served: str) -> None:
    execute(  # (the database is at head: the fixture brought it there)
        served,
        "INSERT INTO tasks (title, priority) VALUES (:title, :priority)",
        [{"title": f"job {n}", "priority": ("low", "medium", "high")[n % 3]} for n in range(TASKS)],
    )
    servers = [
        StdioServer(served, env={"TASK_TRACKER_ACTOR": f"worker-{n}"})  # type: ignore[arg-type]
        for n in range(WORKERS)
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
    holders = dict(rows(served, "SELECT id, claimed_by FROM tasks"))
    statuses = {row[0] for row in rows(served, "SELECT DISTINCT status FROM tasks")}
    assert holders == {task_id: name for name, ids in got.items() for task_id in ids}
    assert statuses == {"in_progress"}


def test_leases_expiring_mid_run_never_let_two_agents_hold_a_task(db_path: Path) -> None:
    """The same race while leases end under the workers' feet (set to the past by hand, as
    time would): an expired task may be claimed again, but the history shows that every
    claim by someone new came when no other lease on that task was running."""
    with StdioServer(db_path) as seeder:
        seeder.initialize()
        seeder.call_ok("list_tasks", {})
        assert seeder.close() == 0
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT INTO tasks (title) VALUES (?)", [(f"j{n}",) for n in range(200)])
    servers = [StdioServer(db_path, env={"TASK_TRACKER_ACTOR": f"w{n}"}) for n in range(4)]
    errors: list[str] = []
    done = threading.Event()

    def pull(server: StdioServer) -> None:
        while True:
            result = server.call_tool("next_task", {"claim": True})
            if result.get("isError"):
                errors.append(str(result["content"]))
                return
            if not result["structuredContent"]["tasks"]:
                return

    def expire() -> None:
        with sqlite3.connect(db_path, timeout=30) as conn:
            for task_id in range(1, 201, 3):  # a third of the tasks, each once it is held
                while not done.is_set():
                    held = conn.execute(
                        "SELECT claimed_by FROM tasks WHERE id = ?", (task_id,)
                    ).fetchone()[0]
                    if held:
                        conn.execute(
                            "UPDATE tasks SET claimed_until = '2000-01-01T00:00:00.000000+00:00'"
                            " WHERE id = ?",
                            (task_id,),
                        )
                        conn.commit()
                        break

    try:
        for server in servers:
            server.initialize()
        workers = [threading.Thread(target=pull, args=(s,)) for s in servers]
        expirer = threading.Thread(target=expire)
        for thread in [*workers, expirer]:
            thread.start()
        for thread in workers:
            thread.join()
        done.set()
        expirer.join()
        for server in servers:
            assert server.close() == 0
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    assert errors == []
    with sqlite3.connect(db_path) as conn:
        log = conn.execute(
            "SELECT task_id, at, actor, kind, changes FROM task_events ORDER BY id"
        ).fetchall()
        never = conn.execute("SELECT count(*) FROM tasks WHERE claimed_by IS NULL").fetchone()
    holder: dict[int, tuple[str | None, str | None]] = {}
    for task_id, at, actor, kind, changes in log:
        fields = json.loads(changes)
        if kind == "claim":
            by, until = holder.get(task_id, (None, None))
            # Free when claimed: nobody held it, its lease had ended, or it was the same agent.
            assert by is None or by == actor or (until is not None and until <= at), (
                task_id,
                by,
                until,
                actor,
                at,
            )
        if "claimed_by" in fields or "claimed_until" in fields:
            by, until = holder.get(task_id, (None, None))
            by = fields["claimed_by"][1] if "claimed_by" in fields else by
            until = fields["claimed_until"][1] if "claimed_until" in fields else until
            holder[task_id] = (by, until)
    assert never == (0,)  # every task was claimed, some of them twice
