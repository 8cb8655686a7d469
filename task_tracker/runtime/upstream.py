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
- FastMCP logs through a Rich handler of its own (a box of several lines per record, not
  our format) and warns for every call with invalid arguments, which is a refusal the model
  reads and fixes, not a fault of the server: `plain_fastmcp_logging` turns its handler off
  through its public settings (FASTMCP_LOG_ENABLED), lets its records reach ours, and logs
  that one message at INFO, recognised by its format string. A log level per message in
  FastMCP would retire the last part.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

# FastMCP's format string for a call whose arguments fail validation (fastmcp/server/server.py).
INVALID_ARGUMENTS = "Invalid arguments for tool %r: %s"


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

        def connection_made(self, transport: Any) -> None:
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


class _Refusals(logging.Filter):
    """FastMCP's warning for a call with invalid arguments, logged at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == INVALID_ARGUMENTS and record.levelno == logging.WARNING:
            record.levelno, record.levelname = logging.INFO, "INFO"
            return logging.getLogger().isEnabledFor(logging.INFO)
        return True


def plain_fastmcp_logging() -> None:
    """FastMCP's records through the root logger's handler and level, one line each."""
    import fastmcp

    if not hasattr(fastmcp.settings, "log_enabled"):
        raise RuntimeError(
            "fastmcp.settings has no log_enabled: this FastMCP release moved it "
            "(see task_tracker/runtime/upstream.py)"
        )
    fastmcp.settings.log_enabled = False  # run() no longer installs its Rich handler
    logger = logging.getLogger("fastmcp")
    for handler in logger.handlers[:]:
        logger.removeHandler(handler)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
    for handler in logging.getLogger().handlers:  # (a logger's filter misses its children's)
        if not any(isinstance(f, _Refusals) for f in handler.filters):
            handler.addFilter(_Refusals())
