"""Who may use the board and how each request is checked.

Locally (`task-tracker board`) the board listens on loopback only and the person is the one
who started it (TASK_TRACKER_ACTOR or the login name): no sign-in. In HTTP mode a person signs
in once with a member token and gets a session cookie: signed (HMAC-SHA256 with a key made
from the server's tokens, so every replica reads it and a changed token ends every session),
HttpOnly, SameSite=Strict, Secure behind TLS. The token itself is never put in a URL, a page,
a cookie or a log line.

Every write carries a CSRF token (a form field, or the X-CSRF-Token header that board.js
sends) bound to the session, and must come from the board's own origin. Every answer carries
a Content-Security-Policy without inline script and with frame-ancestors 'none'.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

COOKIE = "task_tracker_board"
SESSION_S = 12 * 3600
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a
    # form, and the Origin checks (ours and FastMCP's) must see the board's own.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Visitor:
    """A signed-in person: the actor history names, and the session's CSRF token."""

    name: str
    csrf: str


class Access:
    """local_actor: the local board's one person (no sign-in). members: token -> name, for
    the HTTP board's sign-in (None locally)."""

    def __init__(
        self,
        *,
        prefix: str,
        local_actor: str | None = None,
        members: dict[str, str] | None = None,
        local_port: int | None = None,
    ) -> None:
        self.prefix = prefix
        self.local_actor = local_actor
        self.members = members or {}
        self.local_port = local_port
        if members:
            material = "\n".join(sorted(f"{name}:{token}" for token, name in members.items()))
            self._key = hashlib.sha256(b"task-tracker board session\n" + material.encode()).digest()
        else:
            self._key = os.urandom(32)

    # -- sessions --------------------------------------------------------------------------

    def _mac(self, text: str) -> str:
        return _b64(hmac.new(self._key, text.encode(), hashlib.sha256).digest())

    def session_value(self, name: str, *, now: float | None = None) -> str:
        expires = int((now or time.time()) + SESSION_S)
        body = f"{_b64(os.urandom(16))}.{_b64(name.encode())}.{expires}"
        return f"{body}.{self._mac(body)}"

    def visitor(self, request: Request, *, now: float | None = None) -> Visitor | None:
        """The person behind a request's session cookie, if it is valid and not expired."""
        value = request.cookies.get(COOKIE, "")
        parts = value.split(".")
        if len(parts) != 4:
            return None
        body, mac = ".".join(parts[:3]), parts[3]
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        session, raw_name, expires = parts[:3]
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return None
        name = _unb64(raw_name).decode()
        if self.members and name not in self.members.values():
            return None
        return Visitor(name=name, csrf=self._mac("csrf:" + session)[:32])

    def member(self, token: str) -> str | None:
        """The name a presented token belongs to (every token compared: no early exit)."""
        found = None
        for expected, name in self.members.items():
            if hmac.compare_digest(token.encode(), expected.encode()):
                found = name
        return found

    def set_session(self, request: Request, response: Response, value: str) -> None:
        """The session cookie (a session_value) on response."""
        response.set_cookie(
            COOKIE,
            value,
            max_age=SESSION_S,
            path=self.prefix or "/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )

    # -- checks ----------------------------------------------------------------------------

    def refusal(self, request: Request) -> Response | None:
        """Why this request may not go on (Host or Origin not the board's), or None."""
        host = request.headers.get("host", "")
        if self.local_port is not None:
            allowed = {f"{h}:{self.local_port}" for h in LOOPBACK_HOSTS}
            if host not in allowed:
                return PlainTextResponse("This board answers on 127.0.0.1 only.", 421)
        if request.method in WRITE_METHODS:
            origin = request.headers.get("origin")
            if origin is not None and origin != f"{request.url.scheme}://{host}":
                return PlainTextResponse("A change must come from the board's own page.", 403)
            if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
                return PlainTextResponse("A change must come from the board's own page.", 403)
        return None

    def csrf_ok(self, visitor: Visitor, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, visitor.csrf)


Endpoint = Callable[[Request, Visitor], Awaitable[Response]]


def with_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        if name not in response.headers:
            response.headers[name] = value
    return response


def guarded(access: Access, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    """endpoint behind the checks: Host/Origin, a session (sign-in in HTTP mode; a local
    board makes one on the first visit), and CSRF on every write."""

    async def checked(request: Request) -> Response:
        refused = access.refusal(request)
        if refused is not None:
            return with_headers(refused)
        visitor = access.visitor(request)
        new_session = None
        if visitor is None:
            if access.local_actor is None:
                if request.method in WRITE_METHODS:
                    return with_headers(PlainTextResponse("Sign in first.", 401))
                return with_headers(RedirectResponse(f"{access.prefix}/signin", 303))
            new_session = access.session_value(access.local_actor)
            request.cookies[COOKIE] = new_session
            visitor = access.visitor(request)
            assert visitor is not None
        if request.method in WRITE_METHODS:
            presented = request.headers.get("x-csrf-token")
            if presented is None:
                form: Any = await request.form()
                presented = form.get("csrf")
            if not access.csrf_ok(visitor, presented if isinstance(presented, str) else None):
                return with_headers(
                    PlainTextResponse("This form has expired: reload the page and try again.", 403)
                )
        response = await endpoint(request, visitor)
        if new_session is not None:
            access.set_session(request, response, new_session)
        return with_headers(response)

    return checked
