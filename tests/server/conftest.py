"""Fixtures of the in-process server tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.server.app import build_server


@pytest.fixture
async def agent(database: Any) -> AsyncIterator[Client]:
    """A client named agent-a (its actor) with every toolset, on the test's database."""
    server = build_server(database, toolsets=("all",))
    async with Client(server, client_info=Implementation(name="agent-a", version="1")) as c:
        yield c
