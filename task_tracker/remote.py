"""Serving over HTTP: the bearer-token check, safe binding, and limits that keep one abusive
client from starving the others (connections, request heads, sessions, log floods)."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from fastmcp.server.auth import TokenVerifier
from fastmcp.server.auth.auth import AccessToken

from task_tracker.config import (
    HEADER_TIMEOUT_S,
    MAX_CONNECTIONS,
    MAX_SESSIONS,
    SESSION_IDLE_S,
)
from task_tracker.errors import StartupError
from task_tracker.runtime.upstream import header_timeout_protocol

log = logging.getLogger(__name__)

CLIENT_ID = "task-tracker-client"


class SharedTokenVerifier(TokenVerifier):
    """Accepts the bearer token (TASK_TRACKER_AUTH_TOKEN) and the named ones
    (TASK_TRACKER_AUTH_TOKENS), each compared in constant time. A named token's name becomes
    the AccessToken's client_id: the actor of its holder's claims.

    FastMCP answers 401 before any MCP handler runs when this returns None.
    """

    def __init__(self, token: str | None, named: dict[str, str] | None = None) -> None:
        super().__init__()
        self._expected = [(t.encode(), name) for t, name in (named or {}).items()]
        if token:
            self._expected.append((token.encode(), CLIENT_ID))

    async def verify_token(self, token: str) -> AccessToken | None:
        presented = token.encode()
        found = None
        for expected, name in self._expected:  # every one compared: no early exit to time
            if hmac.compare_digest(presented, expected):
                found = name
        if found is None:
            return None
        # The AccessToken carries the presented token by protocol; we never log it.
        return AccessToken(token=token, client_id=found, scopes=[])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, token: str | None, allow_unauthenticated: bool) -> None:
    """Refuse to expose the tasks to a network without a token, unless told to loudly."""
    if token or is_loopback(host) or allow_unauthenticated:
        return
    raise StartupError(
        f"refusing to serve on {host} without authentication: set TASK_TRACKER_AUTH_TOKEN "
        "(clients then send 'Authorization: Bearer <token>'), bind to 127.0.0.1, or pass "
        "--allow-unauthenticated if something in front of this server checks access"
    )


# --- limits under abuse -------------------------------------------------------------------------

# MAX_CONNECTIONS, MAX_SESSIONS, SESSION_IDLE_S and HEADER_TIMEOUT_S (imported above) live
# in config, so the command line's parser needs no FastMCP import.
KEEP_ALIVE_S = 5
ACCEPT_ERROR_LOG_INTERVAL_S = 60.0


@dataclass(frozen=True)
class Limits:
    max_connections: int = MAX_CONNECTIONS
    max_sessions: int = MAX_SESSIONS
    session_idle_s: int = SESSION_IDLE_S
    header_timeout_s: float = HEADER_TIMEOUT_S


def uvicorn_config(limits: Limits) -> dict[str, Any]:
    """uvicorn settings: a header timeout, a short keep-alive, and a connection cap (503)."""
    return {
        "http": header_timeout_protocol(limits.header_timeout_s),
        "timeout_keep_alive": KEEP_ALIVE_S,
        "limit_concurrency": limits.max_connections,
        "timeout_graceful_shutdown": 2,
    }


class SessionLimit:
    """ASGI middleware: at most max_sessions MCP sessions, each closed after session_idle_s
    without a request. A request that would open one more session gets 503 and a JSON-RPC
    error saying so; DELETE (or the SDK's 404 for an unknown id) frees a session.

    It sees sessions only through the public protocol: the Mcp-Session-Id a response assigns
    and the ones requests carry. The SDK reaps idle sessions on the same timeout.
    """

    def __init__(self, app: Any, *, max_sessions: int, idle_s: float) -> None:
        self.app = app
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        self.sessions: dict[str, float] = {}

    def _expire(self, now: float) -> None:
        for session, seen in list(self.sessions.items()):
            if now - seen > self.idle_s:
                del self.sessions[session]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        headers = dict(scope.get("headers") or [])
        session = headers.get(b"mcp-session-id", b"").decode("latin-1") or None
        if session is None and scope["method"] == "POST":
            self._expire(now)
            if len(self.sessions) >= self.max_sessions:
                await _refuse(
                    send,
                    f"the server has {self.max_sessions} open MCP sessions, its "
                    "limit; retry later or close unused sessions (HTTP DELETE)",
                )
                return
        elif session is not None:
            if scope["method"] == "DELETE":
                self.sessions.pop(session, None)
            elif session in self.sessions:
                self.sessions[session] = now

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                assigned = dict(message.get("headers") or []).get(b"mcp-session-id")
                if assigned and session is None:  # a new session (later replies repeat the id)
                    self.sessions[assigned.decode("latin-1")] = time.monotonic()
                elif session is not None and message["status"] == 404:
                    self.sessions.pop(session, None)
            await send(message)

        await self.app(scope, receive, watch)


async def _refuse(send: Any, reason: str) -> None:
    body = json.dumps(
        {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": f"Busy: {reason}."}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [(b"content-type", b"application/json"), (b"retry-after", b"30")],
        }
    )
    await send({"type": "http.response.body", "body": body})


TOKEN_HELP = (
    "send the header 'Authorization: Bearer <token>' with the token the server was started "
    "with (TASK_TRACKER_AUTH_TOKEN, or a member's from TASK_TRACKER_AUTH_TOKENS); "
    "'task-tracker config <client> --url URL' writes a client's config that reads it from "
    "the environment."
)


class TokenRefusal:
    """ASGI middleware: a 401 says what is wrong and what to do. FastMCP's says nothing when
    the token is missing and, when it is wrong, tells the client to re-register for OAuth
    tokens, which this server does not issue. (Upstream: RequireAuthMiddleware would need a
    hook for its wording to retire this.)"""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"authorization")
        refused = False

        async def reword(message: dict[str, Any]) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 401:
                refused = True
                await _send_refusal(send, wrong=sent is not None)
            elif not refused:
                await send(message)

        await self.app(scope, receive, reword)


async def _send_refusal(send: Any, *, wrong: bool) -> None:
    what = "Wrong bearer token" if wrong else "Missing bearer token"
    description = f"{what}: {TOKEN_HELP}"
    body = json.dumps({"error": "invalid_token", "error_description": description}).encode()
    # RFC 6750: a request without credentials gets a challenge without an error code.
    challenge = f'Bearer error="invalid_token", error_description="{what}"' if wrong else "Bearer"
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", challenge.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def asgi_middleware(limits: Limits) -> list[Any]:
    """Starlette middleware for the HTTP app; sets the SDK's session idle timeout to match."""
    from starlette.middleware import Middleware

    from task_tracker.runtime.upstream import set_session_idle_timeout

    set_session_idle_timeout(limits.session_idle_s)
    return [
        Middleware(TokenRefusal),
        Middleware(SessionLimit, max_sessions=limits.max_sessions, idle_s=limits.session_idle_s),
    ]


class AcceptErrorLog:
    """A loop exception handler that reports a repeated accept() failure (out of file
    descriptors under a flood of connections) once per interval, with a count, instead of a
    traceback per attempt."""

    def __init__(self, interval_s: float = ACCEPT_ERROR_LOG_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.suppressed = 0
        self._last = -interval_s

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if "accept" not in str(context.get("message", "")):
            loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now - self._last < self.interval_s:
            self.suppressed += 1
            return
        log.error(
            "cannot accept connections: %s (%d more such failures since the last report)",
            context.get("exception") or context.get("message"),
            self.suppressed,
        )
        self._last, self.suppressed = now, 0


def raise_file_limit() -> None:
    """Let the process hold as many connections as the system allows it (soft -> hard)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class HiddenQueries(logging.Filter):
    """The access log shows a request's path without its query's values: a client that sends
    a token as ?token=... (never needed: tokens go in the Authorization header) must not find
    it in a log that more people read than hold tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _without_query_values(arg) if isinstance(arg, str) and "?" in arg else arg
                for arg in record.args
            )
        return True


def _without_query_values(path: str) -> str:
    base, _, query = path.partition("?")
    names = [part.partition("=")[0] for part in query.split("&") if part]
    return base + "?" + "&".join(f"{name}=***" for name in names)


def hide_query_values_in_access_log() -> None:
    logging.getLogger("uvicorn.access").addFilter(HiddenQueries())
