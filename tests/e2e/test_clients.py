"""Third-party MCP clients driving the real server over stdio."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport
from mcp import ClientSession, StdioServerParameters, stdio_client

from tests.e2e.stored import rows

SERVE = ["-m", "task_tracker", "serve", "--db"]


@pytest.mark.anyio
async def test_official_mcp_sdk_client(served: str) -> None:
    params = StdioServerParameters(command=sys.executable, args=[*SERVE, served])
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        init = await session.initialize()
        assert init.server_info.name == "task-tracker"
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert tools["get_task"].annotations.read_only_hint is True
        assert tools["delete_task"].annotations.destructive_hint is True
        added = await session.call_tool("add_task", {"title": "from the SDK", "priority": "low"})
        assert added.is_error is False
        assert added.structured_content["title"] == "from the SDK"
        assert json.loads(added.content[0].text)["id"] == added.structured_content["id"]
        missing = await session.call_tool("get_task", {"task_id": 9})
        assert missing.is_error is True
        assert missing.content[0].text.startswith("Task 9 not found.")
        resource = await session.read_resource("tasks://all")
        assert resource.contents[0].text == "#1 [pending] (low) from the SDK"


@pytest.mark.anyio
async def test_fastmcp_stdio_client(served: str) -> None:
    transport = StdioTransport(command=sys.executable, args=[*SERVE, served])
    async with Client(transport) as client:
        await client.call_tool("add_task", {"title": "one"})
        await client.call_tool("add_task", {"title": "two"})
        page = await client.call_tool("list_tasks", {"limit": 1})
        assert page.structured_content["total"] == 2
        assert [t["title"] for t in page.structured_content["tasks"]] == ["one"]


def inspector_command() -> list[str]:
    found = shutil.which("mcp-inspector")
    if found:
        return [found]
    if os.environ.get("CI"):
        pytest.fail("mcp-inspector is not installed; .ci/run installs it from npm")
    pytest.skip("MCP Inspector CLI not installed (npm install -g @modelcontextprotocol/inspector)")


def run_inspector(served: str, *args: str) -> dict:
    cmd = [*inspector_command(), "--cli", sys.executable, *SERVE, served, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_mcp_inspector_cli_lists_tools_and_adds_a_task(served: str) -> None:
    listing = run_inspector(served, "--method", "tools/list")
    assert {t["name"] for t in listing["tools"]} >= {"add_task", "list_tasks", "get_task"}
    result = run_inspector(
        served,
        "--method",
        "tools/call",
        "--tool-name",
        "add_task",
        "--tool-arg",
        "title=Added by the Inspector",
        "--tool-arg",
        "priority=high",
    )
    assert result["structuredContent"]["title"] == "Added by the Inspector"
    assert rows(served, "SELECT title, priority FROM tasks") == [("Added by the Inspector", "high")]
