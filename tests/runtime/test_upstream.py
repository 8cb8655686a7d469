"""The one process-wide FastMCP setting we set (runtime/upstream.py) still exists and still
reaches the streamable-HTTP session manager: a FastMCP release that moves it fails here, not
in a team's server."""

from __future__ import annotations

from pathlib import Path

import fastmcp
import pytest

from task_tracker.runtime.upstream import set_session_idle_timeout
from task_tracker.server.app import build_server

pytestmark = pytest.mark.anyio


async def test_the_session_idle_timeout_reaches_the_session_manager(tmp_path: Path) -> None:
    before = fastmcp.settings.http_session_idle_timeout
    try:
        set_session_idle_timeout(1234)
        app = build_server(tmp_path / "tasks.db").http_app(transport="http")
        async with app.router.lifespan_context(app):
            (mcp,) = [route for route in app.routes if getattr(route, "path", "") == "/mcp"]
            assert mcp.app.session_manager.session_idle_timeout == 1234
    finally:
        fastmcp.settings.http_session_idle_timeout = before
