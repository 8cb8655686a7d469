"""Settings of a dependency that it lets us give only process-wide, set in one place.

Not a trick (nothing to switch off): FastMCP's `run()` takes no session idle timeout, though
`http_app()` does, so the HTTP server sets FastMCP's public settings object (what
FASTMCP_HTTP_SESSION_IDLE_TIMEOUT sets) once, before serving. An idle-timeout argument on
`FastMCP.run()` (or `run_http_async()`) would retire this. tests/runtime/test_upstream.py
fails loudly when the setting goes away or stops reaching the HTTP app.
"""

from __future__ import annotations


def set_session_idle_timeout(seconds: int) -> None:
    import fastmcp

    if not hasattr(fastmcp.settings, "http_session_idle_timeout"):
        raise RuntimeError(
            "fastmcp.settings has no http_session_idle_timeout: this FastMCP release moved it "
            "(see task_tracker/runtime/upstream.py)"
        )
    fastmcp.settings.http_session_idle_timeout = seconds
