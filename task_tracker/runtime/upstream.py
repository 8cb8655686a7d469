"""Where we reach into a dependency beyond its arguments, in one place, each checked by
tests/runtime/test_upstream.py so that a release that changes shape fails there loudly.
Neither is a trick (nothing to switch off):

- FastMCP's `run()` takes no session idle timeout, though `http_app()` does, so the HTTP
  server sets FastMCP's public settings object (what FASTMCP_HTTP_SESSION_IDLE_TIMEOUT sets)
  once, before serving. An idle-timeout argument on `FastMCP.run()` would retire this.
- uvicorn's timeouts start after a connection's first request, so a connection that never
  finishes a request head (slowloris) would be held forever: a subclass of its HTTP/1.1
  protocol closes it after a deadline, reading the protocol's `cycle` (None until a request
  head arrives) and `transport`. A header timeout in uvicorn's Config would retire this.
"""

from __future__ import annotations

import asyncio
from typing import Any


def set_session_idle_timeout(seconds: int) -> None:
    import fastmcp

    if not hasattr(fastmcp.settings, "http_session_idle_timeout"):
        raise RuntimeError(
            "fastmcp.settings has no http_session_idle_timeout: this FastMCP release moved it "
            "(see task_tracker/runtime/upstream.py)"
        )
    fastmcp.settings.http_session_idle_timeout = seconds


def header_timeout_protocol(timeout_s: float) -> type:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11Protocol(H11Protocol):
        """uvicorn's HTTP/1.1 protocol, closing a connection that has not sent a whole request
        head within timeout_s (uvicorn's own timeouts start after a first request)."""

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            loop = asyncio.get_running_loop()
            self._head_deadline = loop.call_later(timeout_s, self._head_timed_out)

        def _head_timed_out(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_deadline.cancel()
            super().connection_lost(exc)

    return HeaderTimeoutH11Protocol
