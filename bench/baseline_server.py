"""The yardstick: the seed tutorial's in-memory task server (a dict), over FastMCP stdio.

Used only by bench/run.py and bench/http_load.py. Nothing persists; every task is lost when it
exits. Over HTTP (--port) it is the empty server: FastMCP's own cost per call, and nothing else.
    python bench/baseline_server.py [--preload N] [--port PORT]
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from fastmcp import FastMCP

mcp = FastMCP("baseline-tasks")
tasks: dict[int, dict] = {}
next_id = 1


def _new(title: str, description: str = "") -> dict:
    global next_id
    task = {
        "id": next_id,
        "title": title,
        "description": description,
        "status": "pending",
        "created_at": datetime.now(UTC).isoformat(),
    }
    tasks[next_id] = task
    next_id += 1
    return task


@mcp.tool
def add_task(title: str, description: str = "") -> dict:
    """Add a new task."""
    return _new(title, description)


@mcp.tool
def get_task(task_id: int) -> dict:
    """Get one task."""
    return tasks[task_id]


@mcp.tool
def complete_task(task_id: int) -> dict:
    """Mark a task as complete."""
    tasks[task_id]["status"] = "complete"
    return tasks[task_id]


@mcp.tool
def list_tasks(status: str = "all") -> list[dict]:
    """List tasks, optionally filtered by status."""
    return [t for t in tasks.values() if status == "all" or t["status"] == status]


@mcp.tool
def search_tasks(query: str) -> dict:
    """Search tasks (finds nothing: the cost of a call alone)."""
    return {"results": [], "total": 0}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", type=int, default=0)
    parser.add_argument("--port", type=int, help="serve stateless streamable HTTP on this port")
    args = parser.parse_args()
    for i in range(args.preload):
        _new(f"preloaded task {i}", "some details")
    if args.port is None:
        mcp.run("stdio", show_banner=False, log_level="WARNING")
    else:
        mcp.run(
            "http",
            show_banner=False,
            log_level="WARNING",
            host="127.0.0.1",
            port=args.port,
            stateless_http=True,
        )
