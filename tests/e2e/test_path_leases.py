"""Path leases across processes: two server processes (replicas, on PostgreSQL) claim two
tasks for overlapping paths at the same moment, round after round. Exactly one claim wins
each round, the other is refused naming the winner, and no two running claims ever overlap."""

from __future__ import annotations

import json
import threading
from typing import Any

from task_tracker.paths import first_overlap
from tests.e2e.rpc import StdioServer
from tests.e2e.stored import execute, rows

ROUNDS = 12


def test_two_processes_never_both_hold_overlapping_paths(served: str) -> None:
    execute(
        served,
        "INSERT INTO tasks (title) VALUES (:title)",
        [{"title": f"task {n}"} for n in range(2 * ROUNDS)],
    )
    names = ("left", "right")
    servers = [
        StdioServer(
            served,  # type: ignore[arg-type]
            extra_args=("--tools", "all"),
            env={"TASK_TRACKER_ACTOR": name},
        )
        for name in names
    ]
    try:
        for server in servers:
            server.initialize()
        for round_ in range(ROUNDS):
            start = threading.Barrier(2)
            results: dict[str, Any] = {}

            def claim(
                server: StdioServer,
                name: str,
                task_id: int,
                path: str,
                start: threading.Barrier = start,
                results: dict[str, Any] = results,
            ) -> None:
                start.wait()
                results[name] = server.call_tool(
                    "claim_task", {"task_id": task_id, "paths": [path]}
                )

            jobs = [
                threading.Thread(
                    target=claim,
                    args=(servers[0], "left", 2 * round_ + 1, f"src/r{round_}/**"),
                ),
                threading.Thread(
                    target=claim,
                    args=(servers[1], "right", 2 * round_ + 2, f"src/r{round_}/main.py"),
                ),
            ]
            for job in jobs:
                job.start()
            for job in jobs:
                job.join()
            won = [name for name in names if not results[name].get("isError")]
            assert len(won) == 1, results
            lost = "right" if won == ["left"] else "left"
            said = results[lost]["content"][0]["text"]
            assert f"{won[0]!r} holds" in said and "nothing was changed" in said
            running = rows(
                served,
                "SELECT claimed_by, claimed_paths FROM tasks WHERE claimed_by IS NOT NULL",
            )
            by_holder: dict[str, list[str]] = {}
            for holder, paths in running:
                by_holder.setdefault(holder, []).extend(json.loads(paths or "[]"))
            if len(by_holder) == 2:
                assert first_overlap(by_holder["left"], by_holder["right"]) is None
            winner = servers[names.index(won[0])]
            task_id = results[won[0]]["structuredContent"]["id"]
            release = {"task_id": task_id, "release": True}
            assert not winner.call_tool("claim_task", release).get("isError")
    finally:
        for server in servers:
            assert server.close() == 0, server.stderr_text()
