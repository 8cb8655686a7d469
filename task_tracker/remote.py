"""Serving over HTTP: the bearer-token check and the rules that keep remote mode safe."""

from __future__ import annotations

import hmac
import ipaddress

from fastmcp.server.auth import TokenVerifier
from fastmcp.server.auth.auth import AccessToken

from task_tracker.errors import StartupError

CLIENT_ID = "task-tracker-client"


class SharedTokenVerifier(TokenVerifier):
    """Accepts exactly one bearer token (TASK_TRACKER_AUTH_TOKEN), compared in constant time.

    FastMCP answers 401 before any MCP handler runs when this returns None.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self._expected = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if not hmac.compare_digest(token.encode(), self._expected):
            return None
        # The AccessToken carries the presented token by protocol; we never log it.
        return AccessToken(token=token, client_id=CLIENT_ID, scopes=[])


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
