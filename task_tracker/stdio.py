"""Running the server over stdio: on the event loop, and hardened against one malformed input.

Pipes on the event loop. The MCP SDK's stdio transport reads each line and writes each reply
through worker threads: three thread hand-offs per call, measured at ~0.13 ms each on a
2-core machine, more than the SQLite work of most tool calls. When stdin and stdout are pipes
or sockets (as when a client launches the server) we read and write them with asyncio's own
non-blocking pipe transports instead; anything else (a terminal, a file) keeps the SDK's way.
As the SDK does, fd 0 and fd 1 are taken over while serving, so stray output from any library
goes to stderr and never into the JSON-RPC stream.

Lone surrogates. JSON may carry a lone UTF-16 surrogate escape ("\\ud83d" from an emoji cut in
half, which JavaScript's JSON.stringify produces). The SDK's parser rejects such a line and
drops it without a reply, so the client would wait forever. We repair those strings the way
the SDK already treats invalid UTF-8 bytes: each lone surrogate becomes U+FFFD. Every other
line is passed through untouched.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
import os
import re
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from typing import Any

import anyio
from fastmcp import FastMCP
from mcp.server.stdio import stdio_server

log = logging.getLogger(__name__)

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

# A longer line is cut there (and then fails to parse, which the SDK reports) rather than held
# in memory whole; the SDK's own reader has no limit at all.
MAX_LINE_BYTES = 64 * 1024 * 1024


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


def _is_pipe(fd: int) -> bool:
    """Pipes and sockets work with the event loop; terminals and files stay with the SDK
    (a terminal is shared with the shell, which must not be left non-blocking)."""
    if os.name != "posix":
        return False  # asyncio's pipe transports are POSIX-only for arbitrary descriptors
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@contextmanager
def _claimed_stdio() -> Iterator[tuple[int, int]]:
    """Private copies of fd 0 and fd 1 for the wire; meanwhile fd 0 reads /dev/null and fd 1
    writes to stderr. Restored on exit."""
    wire_in, wire_out = os.dup(0), os.dup(1)  # also what fd 0 and 1 are restored to
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        sys.stdout.flush()
        os.dup2(devnull, 0)
        os.dup2(2, 1)
        yield wire_in, wire_out
    finally:
        sys.stdout.flush()  # stray output still buffered belongs to stderr, not the wire
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)
        for fd in (devnull, wire_in, wire_out):
            os.close(fd)


async def _pipe_lines(fd: int) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    pipe = os.fdopen(fd, "rb", buffering=0, closefd=False)
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
    try:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # longer than MAX_LINE_BYTES: dropped, reported as unparseable
                line = b"<line too long>\n"
            if not line:
                return
            yield line.decode("utf-8", "replace")
    finally:
        transport.close()


class _PipeWriter:
    """The `write`/`flush` the SDK's stdio transport calls, on a non-blocking pipe.

    A client that closes our stdout but not our stdin is gone as far as replies go: they are
    dropped (once logged) and the server runs on until stdin ends, instead of dying with a
    traceback as the SDK's writer does.
    """

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._gone = False

    async def write(self, text: str) -> None:
        if not self._gone:
            self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        if self._gone:
            return
        try:
            await self._writer.drain()
        except ConnectionError:
            self._gone = True
            log.warning("the client closed stdout; replies are dropped until stdin ends")


async def _pipe_writer(fd: int) -> _PipeWriter:
    loop = asyncio.get_running_loop()
    pipe = os.fdopen(fd, "wb", buffering=0, closefd=False)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, pipe)
    return _PipeWriter(asyncio.StreamWriter(transport, protocol, None, loop))


async def _repaired(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    async for line in lines:
        yield repair_surrogates(line)


async def _thread_lines() -> AsyncIterator[str]:
    # Read as the SDK does: UTF-8, invalid bytes replaced, one worker-thread read per line.
    stdin = anyio.wrap_file(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace"))
    async for line in stdin:
        yield line


@asynccontextmanager
async def _event_loop_stdio_server(wire_in: int, wire_out: int) -> AsyncIterator[Any]:
    stdout = await _pipe_writer(wire_out)
    async with stdio_server(stdin=_repaired(_pipe_lines(wire_in)), stdout=stdout) as streams:  # type: ignore[arg-type]
        yield streams


def run_stdio(server: FastMCP, *, log_level: str) -> None:
    """server.run("stdio"), with our transport (see the module docstring)."""
    import fastmcp.server.mixins.transport as transport  # FastMCP's stdio entry point

    # FastMCP's run_stdio_async takes no streams; it calls the module-level stdio_server.
    with ExitStack() as stack:
        if _is_pipe(0) and _is_pipe(1):
            wire_in, wire_out = stack.enter_context(_claimed_stdio())
            transport.stdio_server = functools.partial(  # type: ignore[assignment]
                _event_loop_stdio_server, wire_in, wire_out
            )
        else:
            transport.stdio_server = functools.partial(  # type: ignore[assignment]
                stdio_server, stdin=_repaired(_thread_lines())
            )
        server.run("stdio", show_banner=False, log_level=log_level)
