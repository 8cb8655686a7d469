"""Remote mode under abuse: request-head timeout, connection cap, session cap, accept-failure
logging. The real server on a loopback port."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import httpx2
import pytest

from task_tracker.remote import AcceptErrorLog
from tests.e2e.rpc import initialize_params, request_message
from tests.e2e.test_http import AUTH, MCP_HEADERS, http_server


def initialize(base: str) -> httpx2.Response:
    return httpx2.post(
        f"{base}/mcp",
        json=request_message(1, "initialize", initialize_params("limits")),
        headers={**AUTH, **MCP_HEADERS},
        timeout=30,
    )


def test_a_connection_that_never_sends_a_request_head_is_closed(db_path: Path) -> None:
    with http_server(db_path, "--header-timeout", "0.5") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as slow:
            slow.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the rest
            assert slow.recv(1024) == b""  # closed by the server, not by our 30 s timeout
        assert httpx2.get(f"{server.base}/health", timeout=30).status_code == 200


def test_past_the_connection_cap_requests_get_503(db_path: Path) -> None:
    with http_server(db_path, "--max-connections", "3") as server:
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
        try:
            assert httpx2.get(f"{server.base}/health", timeout=30).status_code == 503
        finally:
            for sock in idle:
                sock.close()


def test_sessions_are_capped_and_freed_by_delete(db_path: Path) -> None:
    with http_server(db_path, "--max-sessions", "2") as server:
        first, second = initialize(server.base), initialize(server.base)
        assert (first.status_code, second.status_code) == (200, 200)
        refused = initialize(server.base)
        assert refused.status_code == 503
        assert refused.json()["error"]["message"] == (
            "Busy: the server has 2 open MCP sessions, its limit; retry later or close unused "
            "sessions (HTTP DELETE)."
        )
        closed = httpx2.delete(
            f"{server.base}/mcp",
            headers={**AUTH, **MCP_HEADERS, "Mcp-Session-Id": first.headers["mcp-session-id"]},
            timeout=30,
        )
        assert closed.status_code == 200
        assert initialize(server.base).status_code == 200


def test_a_repeated_accept_failure_is_logged_once_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio

    handler = AcceptErrorLog(interval_s=3600)
    loop = asyncio.new_event_loop()
    try:
        context = {
            "message": "socket.accept() out of system resource",
            "exception": OSError(24, "Too many open files"),
        }
        with caplog.at_level(logging.ERROR, logger="task_tracker.remote"):
            for _ in range(1000):
                handler(loop, context)
    finally:
        loop.close()
    assert [r.getMessage() for r in caplog.records] == [
        "cannot accept connections: [Errno 24] Too many open files "
        "(0 more such failures since the last report)"
    ]
    assert handler.suppressed == 999
