"""Dependency graphs that cannot stall a write: add_task waiting on the top of a graph of
diamonds, against a plain add_task, on one stdio server in the same run.

    python bench/graphs.py                 # 5,000 layers: 10,000 tasks, 2^5000 paths
    python bench/graphs.py --layers 50     # 100 tasks, 2^50 paths

Each layer holds two tasks that both wait on both tasks of the layer above, so the number of
paths doubles with each layer while the tasks grow by two. The loop check walks every task
below the new dependency once, and only when something already waits on the task that gets
it (else no loop can close). Target: p50 within 10x a plain add_task's.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from common import percentiles, print_table, started_server, time_calls

from task_tracker.migrate import upgrade_to_head

TARGET = 10.0
STAMP = "2026-01-01T00:00:00.000000+00:00"


def build(path: Path, layers: int) -> int:
    """The graph, written as a hand edit would (the triggers keep everything else exact);
    returns the top task's id."""
    upgrade_to_head(path)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO tasks (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(i, f"layer {(i - 1) // 2}", STAMP, STAMP) for i in range(1, 2 * layers + 1)],
        )
        conn.executemany(
            "INSERT INTO task_dependencies (task_id, depends_on_id) VALUES (?, ?)",
            [
                (task, above)
                for layer in range(1, layers)
                for task in (2 * layer + 1, 2 * layer + 2)
                for above in (2 * layer - 1, 2 * layer)
            ],
        )
    return 2 * layers - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "graph.db"
        top = build(db, args.layers)
        server = started_server(db)
        try:
            plain = time_calls(lambda: server.call_ok("add_task", {"title": "plain"}), args.repeats)
            waiting = time_calls(
                lambda: server.call_ok("add_task", {"title": "waits", "depends_on": [top]}),
                args.repeats,
            )
            # A task something already waits on: the check walks all 2 x layers tasks below.
            waited_on = []
            for _ in range(args.repeats + 5):
                task = server.call_ok("add_task", {"title": "waited on"})["id"]
                server.call_ok("add_task", {"title": "waiter", "depends_on": [task]})
                waited_on.append(task)
            tasks = iter(waited_on)
            walked = time_calls(
                lambda: server.call_ok(
                    "update_task", {"task_id": next(tasks), "depends_on": [top]}
                ),
                args.repeats,
            )
        finally:
            server.__exit__()
    (p50, p95), (w50, w95) = percentiles(plain), percentiles(waiting)
    u50, u95 = percentiles(walked)
    print_table(
        ["call", "tasks", "paths", "p50 ms", "p95 ms", "/ add_task p50"],
        [
            ["add_task", 2 * args.layers, "-", p50, p95, "1.00x"],
            [
                "add_task depends_on=[top]",
                2 * args.layers,
                f"2^{args.layers}",
                w50,
                w95,
                f"{w50 / p50:.2f}x",
            ],
            [
                "update_task of a waited-on task, depends_on=[top]",
                2 * args.layers,
                f"2^{args.layers}",
                u50,
                u95,
                f"{u50 / p50:.2f}x",
            ],
        ],
    )
    print(f"target: <= {TARGET:.0f}x")
    sys.exit(0 if max(w50, u50) / p50 <= TARGET else 1)


if __name__ == "__main__":
    main()
