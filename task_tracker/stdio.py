"""Running the server over stdio, hardened against one malformed-but-common input.

JSON may carry a lone UTF-16 surrogate escape ("\\ud83d" from an emoji cut in half, which
JavaScript's JSON.stringify produces). The MCP SDK's parser rejects such a line and drops it
without a reply, so the client would wait forever. We repair those strings the way the SDK
already treats invalid UTF-8 bytes: each lone surrogate becomes U+FFFD. Every other line is
passed through untouched.
"""

from __future__ import annotations

import functools
import io
import json
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastmcp import FastMCP
from mcp.server.stdio import stdio_server

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _repair(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_repair(item) for item in value]
    if isinstance(value, dict):
        return {_repair(key): _repair(item) for key, item in value.items()}
    return value


def repair_surrogates(line: str) -> str:
    """The line with lone surrogates replaced by U+FFFD; valid pairs (emoji) are kept."""
    if not _SURROGATE_ESCAPE.search(line):
        return line  # the fast path: almost every line
    try:
        message = json.loads(line)
    except ValueError:
        return line  # not JSON at all: the SDK reports it
    return json.dumps(_repair(message)) + "\n"


async def _repaired_lines() -> AsyncIterator[str]:
    # Read as the SDK does: UTF-8, invalid bytes replaced.
    stdin = anyio.wrap_file(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"))
    async for line in stdin:
        yield repair_surrogates(line)


def run_stdio(server: FastMCP, *, log_level: str) -> None:
    """server.run("stdio"), reading stdin through repair_surrogates."""
    import fastmcp.server.mixins.transport as transport  # FastMCP's stdio entry point

    # FastMCP's run_stdio_async takes no stdin argument; the SDK's stdio_server does.
    transport.stdio_server = functools.partial(stdio_server, stdin=_repaired_lines())  # type: ignore[assignment]
    server.run("stdio", show_banner=False, log_level=log_level)
