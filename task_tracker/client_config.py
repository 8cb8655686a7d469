"""Ready-to-paste MCP client configuration for `task-tracker config <client>`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CLIENTS = ("claude-desktop", "claude-code", "cursor", "vscode")
SERVER_NAME = "task-tracker"
TOKEN_PLACEHOLDER = "<TASK_TRACKER_AUTH_TOKEN>"


def _stdio_command(db: Path | str) -> dict[str, Any]:
    """The interpreter that has task-tracker installed, by absolute path (clients start
    servers with a minimal PATH and from an arbitrary directory). A file goes in --db; a
    PostgreSQL URL goes in the environment without its password (see without_password), so
    neither the config file nor `ps` shows one."""
    entry: dict[str, Any] = {"command": str(Path(sys.executable).absolute())}
    if isinstance(db, Path):
        entry["args"] = ["-m", "task_tracker", "serve", "--db", str(db)]
    else:
        entry["args"] = ["-m", "task_tracker", "serve"]
        entry["env"] = {"TASK_TRACKER_DB": without_password(db)}
    return entry


def without_password(url: str) -> str:
    """The URL with no password in it: libpq then reads it from ~/.pgpass or PGPASSWORD."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def check_url(url: str) -> str | None:
    """Why a remote server URL cannot be used, or None if it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"--url {url!r} is not an http(s) URL with a host; "
            "use e.g. https://tasks.example.com/mcp"
        )
    return None


# How each client's file names the token without holding it: Claude Code expands ${VAR} in a
# project's .mcp.json, Cursor ${env:VAR}, VS Code asks the person once (an input variable
# kept in its secret storage). Claude Desktop's file is the person's own and expands nothing.
TOKEN_REFERENCE = {
    "claude-code": "${TASK_TRACKER_AUTH_TOKEN}",
    "cursor": "${env:TASK_TRACKER_AUTH_TOKEN}",
    "vscode": "${input:task-tracker-token}",
}


def client_config(
    client: str, *, db: Path | str, url: str | None = None, token: str | None = None
) -> dict[str, Any]:
    """The JSON block for one client: stdio with absolute paths, or a remote URL."""
    if client not in CLIENTS:
        raise ValueError(f"unknown client {client!r}; choose from {', '.join(CLIENTS)}")
    if url is None:
        entry = _stdio_command(db)
        if client == "vscode":
            return {"servers": {SERVER_NAME: {"type": "stdio", **entry}}}
        if client == "claude-code":
            return {"mcpServers": {SERVER_NAME: {"type": "stdio", "env": {}} | entry}}
        return {"mcpServers": {SERVER_NAME: entry}}

    if client == "claude-desktop":
        # Claude Desktop's config file launches local commands; mcp-remote bridges to HTTP.
        # The header value travels in an env var so that no argument contains a space.
        return {
            "mcpServers": {
                SERVER_NAME: {
                    "command": "npx",
                    "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH_HEADER}"],
                    "env": {"AUTH_HEADER": f"Bearer {token or TOKEN_PLACEHOLDER}"},
                }
            }
        }
    headers = {"Authorization": f"Bearer {TOKEN_REFERENCE[client]}"}
    if client == "vscode":
        return {
            "inputs": [
                {
                    "type": "promptString",
                    "id": "task-tracker-token",
                    "description": "task-tracker bearer token (TASK_TRACKER_AUTH_TOKEN)",
                    "password": True,
                }
            ],
            "servers": {SERVER_NAME: {"type": "http", "url": url, "headers": headers}},
        }
    if client == "claude-code":
        return {"mcpServers": {SERVER_NAME: {"type": "http", "url": url, "headers": headers}}}
    return {"mcpServers": {SERVER_NAME: {"url": url, "headers": headers}}}


WHERE = {
    "claude-desktop": "Merge into claude_desktop_config.json (Settings > Developer > Edit Config).",
    "claude-code": "Save as .mcp.json in your project (or pass the inner object to "
    "`claude mcp add-json task-tracker`).",
    "cursor": "Merge into ~/.cursor/mcp.json (or .cursor/mcp.json in a project).",
    "vscode": "Merge into .vscode/mcp.json (or your user mcp.json).",
}
