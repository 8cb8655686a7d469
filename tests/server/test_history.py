"""History through the tools: get_task's last changes and task_history's pages, each change
with the client that made it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.migrate import prepare_database
from task_tracker.server.app import build_server

pytestmark = pytest.mark.anyio


@pytest.fixture
async def alice(db_path: Path) -> AsyncIterator[Client]:
    prepare_database(db_path)
    server = build_server(db_path, toolsets=("all",))
    async with Client(server, client_info=Implementation(name="alice", version="1")) as c:
        yield c


async def call(client: Client, tool: str, /, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def test_get_task_shows_the_last_changes_and_history_pages_through_all(
    alice: Client,
) -> None:
    task = await call(alice, "add_task", title="ship")
    for priority in ("high", "low", "medium"):
        await call(alice, "update_task", task_id=task["id"], priority=priority)
    await call(alice, "claim_task", task_id=task["id"], agent="release-bot")
    shown = await call(alice, "get_task", task_id=task["id"])
    assert [(e["version"], e["actor"], e["kind"]) for e in shown["history"]] == [
        (5, "release-bot", "claim"),
        (4, "alice", "update"),
        (3, "alice", "update"),
    ]
    assert shown["history"][1]["changes"] == {"priority": ["low", "medium"]}
    first = await call(alice, "task_history", task_id=task["id"], limit=2)
    second = await call(alice, "task_history", task_id=task["id"], cursor=first["next_cursor"])
    kinds = [e["kind"] for e in first["events"] + second["events"]]
    assert kinds == ["claim", "update", "update", "update", "create"]
    assert second["next_cursor"] is None
    missing = await alice.call_tool("task_history", {"task_id": 99}, raise_on_error=False)
    assert missing.is_error
    assert missing.content[0].text.startswith("Task 99 not found.")
