"""Ready-to-paste MCP client configuration for `task-tracker config <client>`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CLIENTS = ("claude-desktop", "claude-code", "cursor", "vscode")
SERVER_NAME = "task-tracker"
TOKEN_PLACEHOLDER = "<TASK_TRACKER_AUTH_TOKEN>"


def _stdio_command(db_path: Path) -> dict[str, Any]:
    # The interpreter that has task-tracker installed, by absolute path: clients start
    # servers with a minimal PATH and from an arbitrary directory.
    return {
        "command": str(Path(sys.executable).absolute()),
        "args": ["-m", "task_tracker", "serve", "--db", str(db_path)],
    }


def check_url(url: str) -> str | None:
    """Why a remote server URL cannot be used, or None if it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"--url {url!r} is not an http(s) URL with a host; "
            "use e.g. https://tasks.example.com/mcp"
        )
    return None


def client_config(
    client: str, *, db_path: Path, url: str | None = None, token: str | None = None
) -> dict[str, Any]:
    """The JSON block for one client: stdio with absolute paths, or a remote URL."""
    if client not in CLIENTS:
        raise ValueError(f"unknown client {client!r}; choose from {', '.join(CLIENTS)}")
    if url is None:
        entry = _stdio_command(db_path)
        if client == "vscode":
            return {"servers": {SERVER_NAME: {"type": "stdio", **entry}}}
        if client == "claude-code":
            return {"mcpServers": {SERVER_NAME: {"type": "stdio", **entry, "env": {}}}}
        return {"mcpServers": {SERVER_NAME: entry}}

    bearer = f"Bearer {token or TOKEN_PLACEHOLDER}"
    if client == "claude-desktop":
        # Claude Desktop's config file launches local commands; mcp-remote bridges to HTTP.
        # The header value travels in an env var so that no argument contains a space.
        return {
            "mcpServers": {
                SERVER_NAME: {
                    "command": "npx",
                    "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH_HEADER}"],
                    "env": {"AUTH_HEADER": bearer},
                }
            }
        }
    if client == "vscode":
        return {
            "servers": {
                SERVER_NAME: {"type": "http", "url": url, "headers": {"Authorization": bearer}}
            }
        }
    if client == "claude-code":
        return {
            "mcpServers": {
                SERVER_NAME: {"type": "http", "url": url, "headers": {"Authorization": bearer}}
            }
        }
    return {"mcpServers": {SERVER_NAME: {"url": url, "headers": {"Authorization": bearer}}}}


WHERE = {
    "claude-desktop": "Merge into claude_desktop_config.json (Settings > Developer > Edit Config).",
    "claude-code": "Save as .mcp.json in your project (or pass the inner object to "
    "`claude mcp add-json task-tracker`).",
    "cursor": "Merge into ~/.cursor/mcp.json (or .cursor/mcp.json in a project).",
    "vscode": "Merge into .vscode/mcp.json (or your user mcp.json).",
}
