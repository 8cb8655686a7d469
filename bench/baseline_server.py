"""The yardstick: the seed tutorial's in-memory task server (a dict), over FastMCP stdio.

Used only by bench/run.py. Nothing persists; every task is lost when it exits.
    python bench/baseline_server.py [--preload N]
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", type=int, default=0)
    for i in range(parser.parse_args().preload):
        _new(f"preloaded task {i}", "some details")
    mcp.run("stdio", show_banner=False, log_level="WARNING")
