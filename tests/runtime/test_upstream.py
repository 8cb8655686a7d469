"""The one process-wide FastMCP setting we set (runtime/upstream.py) still exists and still
reaches the streamable-HTTP session manager: a FastMCP release that moves it fails here, not
in a team's server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
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


async def test_uvicorns_protocol_still_has_what_the_header_timeout_reads() -> None:
    """The subclass reads `cycle` (None until a request head arrives) and `transport`, and
    hooks connection_made/connection_lost: a uvicorn that renames them fails here."""
    import uvicorn
    from uvicorn.server import ServerState

    from task_tracker.runtime.upstream import header_timeout_protocol

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("no request is made")

    protocol_class = header_timeout_protocol(0.01)
    protocol = protocol_class(uvicorn.Config(app), ServerState(), {})
    assert protocol.cycle is None

    class Transport:
        closed = False

        def get_extra_info(self, name: str) -> Any:
            return ("127.0.0.1", 1) if name in ("peername", "sockname") else None

        def is_closing(self) -> bool:
            return self.closed

        def close(self) -> None:
            self.closed = True

        def set_protocol(self, protocol: Any) -> None: ...

    transport = Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    await anyio.sleep(0.2)
    assert transport.closed, "a connection without a request head was not closed"
    protocol.connection_lost(None)
