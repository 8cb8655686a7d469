"""The stdio transport: pipes on the event loop, and an answer for every line, even a bad one.

What it buys: the MCP SDK's stdio transport reads each line and writes each reply through
worker threads, three hand-offs per call at ~0.13 ms each on a 2-core machine. When stdin and
stdout are pipes or sockets (as when a client launches the server) they are read and written
with asyncio's own non-blocking pipe transports instead. `bench/run.py --tricks` (three runs,
1k and 100k tasks): with this trick off, get_task p50 is 1.4-2.2x and add_task 1.0-1.7x what
it is with it on. A terminal or a file keeps thread-based reads.
Either way fd 0 and fd 1 are taken over while serving, so stray output from any library goes
to stderr and never into the JSON-RPC stream.

Robustness, always on: each line is checked with the SDK's own message validator first. The
SDK drops a line it cannot parse without a reply, so the client would wait forever; here such a
line gets the JSON-RPC error reply (-32700 parse error, -32600 invalid request, with the id
when it can be read) and serving goes on. A lone UTF-16 surrogate escape ("\\ud83d", half an
emoji, which JavaScript's JSON.stringify produces) is replaced by U+FFFD first, the way the SDK
treats invalid UTF-8 bytes, so such a request is served rather than refused.

The seam: FastMCP's run_stdio_async takes no streams; it calls the module-level name
`fastmcp.server.mixins.transport.stdio_server`, which run_stdio replaces for the duration of
the call (check_seam fails loudly if FastMCP changes that shape). It can go when FastMCP lets a
caller pass the read/write streams or a transport factory to run("stdio").

Turn it off: TASK_TRACKER_TRICKS_OFF=stdio (thread-based reads and writes, as the SDK does;
the line checks stay).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from typing import Any, Protocol

import anyio
from fastmcp import FastMCP
from mcp import types
from mcp.server.stdio import stdio_server

from task_tracker.runtime import enabled

log = logging.getLogger(__name__)

# A longer line is cut there (and then answered as a parse error) rather than held in memory
# whole; the SDK's own reader has no limit at all.
MAX_LINE_BYTES = 64 * 1024 * 1024
PARSE_ERROR, INVALID_REQUEST = -32700, -32600

# In order: an escaped backslash (kept, so "\\ud800" stays text), a surrogate pair (kept), or
# a lone surrogate escape (replaced).
_ESCAPES = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _replace_lone(match: re.Match[str]) -> str:
    escape = match.group()
    return escape if escape == "\\\\" or len(escape) == 12 else "\\ufffd"


def repair_surrogates(line: str) -> str:
    """The line with lone surrogate escapes replaced by U+FFFD; pairs (emoji) are kept.

    Works on the text, without parsing it, so no nesting depth can make it fail.
    """
    if not _LONE_SURROGATE.search(line):
        return line  # the fast path: almost every line
    return _ESCAPES.sub(_replace_lone, line)


def _error_reply(code: int, message: str, request_id: Any = None) -> str:
    error = {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
    return json.dumps(error) + "\n"


def check_line(line: str) -> str | None:
    """None if the SDK will accept the line; else the error reply to send in its place."""
    try:
        message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValueError:
        pass
    else:
        # A request whose id is not a string or number reads as a notification (which gets
        # no reply): looked at again only then, as notifications are rare.
        if not isinstance(message, types.JSONRPCNotification) or '"id"' not in line:
            return None
        if "id" not in json.loads(line):
            return None
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        if not line.strip():
            return ""  # a blank line: nothing to answer
        return _error_reply(PARSE_ERROR, "Parse error: the line is not valid JSON.")
    request_id = message.get("id") if isinstance(message, dict) else None
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        request_id = None
    if isinstance(message, list):
        reason = "batches (JSON arrays) are not supported; send one request per line"
    else:
        reason = (
            "expected one JSON-RPC 2.0 object with a string method and, if present, object "
            "params, nested at most ~200 levels deep"
        )
    return _error_reply(INVALID_REQUEST, f"Invalid Request: {reason}.", request_id)


class LineWriter(Protocol):
    async def write(self, text: str) -> None: ...
    async def flush(self) -> None: ...


async def _checked(lines: AsyncIterator[str], replies: LineWriter) -> AsyncIterator[str]:
    """The lines the SDK can serve; the others are answered here."""
    async for raw in lines:
        line = repair_surrogates(raw)
        reply = check_line(line)
        if reply is None:
            yield line
        elif reply:
            await replies.write(reply)
            await replies.flush()


# --- the wire: pipes on the event loop, or files in threads -------------------------------------


def _is_pipe(fd: int) -> bool:
    """Pipes and sockets work with the event loop; terminals and files stay with threads
    (a terminal is shared with the shell, which must not be left non-blocking)."""
    if os.name != "posix":
        return False  # asyncio's pipe transports are POSIX-only for arbitrary descriptors
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@contextmanager
def claimed_stdio() -> Iterator[tuple[int, int]]:
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


async def pipe_lines(fd: int) -> AsyncIterator[str]:
    """Lines from a pipe, read on the event loop: UTF-8, invalid bytes replaced."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    pipe = os.fdopen(fd, "rb", buffering=0, closefd=False)
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
    try:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # longer than MAX_LINE_BYTES: dropped, answered as unparseable
                line = b"<line too long>\n"
            if not line:
                return
            yield line.decode("utf-8", "replace")
    finally:
        transport.close()


class PipeWriter:
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


async def pipe_writer(fd: int) -> PipeWriter:
    loop = asyncio.get_running_loop()
    pipe = os.fdopen(fd, "wb", buffering=0, closefd=False)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, pipe)
    return PipeWriter(asyncio.StreamWriter(transport, protocol, None, loop))


async def _file_lines(fd: int) -> AsyncIterator[str]:
    """Lines from a terminal or file: UTF-8, invalid bytes replaced, as the SDK reads them.

    A read blocked on a terminal cannot be interrupted, so it runs in a daemon thread of its
    own: on Ctrl+C the loop stops at once and the process exits without waiting for a key.
    """
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def hand_over(line: str | None) -> None:
        try:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        except RuntimeError:  # the loop has closed: nobody is reading any more
            pass

    def read() -> None:
        stdin = io.TextIOWrapper(
            os.fdopen(fd, "rb", closefd=False), encoding="utf-8", errors="replace"
        )
        try:
            for line in iter(stdin.readline, ""):
                hand_over(line)
        except (OSError, ValueError):
            pass  # the descriptor went away: end of input
        finally:
            hand_over(None)

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    while (line := await lines.get()) is not None:
        yield line


def _file_writer(fd: int) -> Any:
    raw = os.fdopen(fd, "wb", closefd=False)
    return anyio.wrap_file(io.TextIOWrapper(raw, encoding="utf-8", write_through=True))


@asynccontextmanager
async def _wire_streams(wire_in: int, wire_out: int) -> AsyncIterator[Any]:
    """What FastMCP's stdio_server() yields (the SDK's read and write streams), on our wire."""
    if enabled("stdio") and _is_pipe(wire_in) and _is_pipe(wire_out):
        stdout: Any = await pipe_writer(wire_out)
        lines = pipe_lines(wire_in)
    else:
        stdout, lines = _file_writer(wire_out), _file_lines(wire_in)
    async with stdio_server(stdin=_checked(lines, stdout), stdout=stdout) as streams:  # type: ignore[arg-type]
        yield streams


def check_seam() -> Any:
    """FastMCP's transport module, checked to still call the SDK's stdio_server by that name."""
    import fastmcp.server.mixins.transport as transport

    if getattr(transport, "stdio_server", None) is not stdio_server:
        raise RuntimeError(
            "fastmcp.server.mixins.transport.stdio_server is not the MCP SDK's stdio_server: "
            "this FastMCP changed how it runs stdio; task_tracker.runtime.stdio must be updated"
        )
    return transport


def run_stdio(server: FastMCP, *, log_level: str) -> None:
    """server.run("stdio") on our wire (see the module docstring)."""
    transport = check_seam()
    with ExitStack() as stack:
        wire_in, wire_out = stack.enter_context(claimed_stdio())
        transport.stdio_server = lambda: _wire_streams(wire_in, wire_out)
        stack.callback(setattr, transport, "stdio_server", stdio_server)
        server.run("stdio", show_banner=False, log_level=log_level)
