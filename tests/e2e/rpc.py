"""A minimal MCP client speaking raw JSON-RPC over a real server subprocess's stdio.

Deliberately independent of any MCP SDK: it sees exactly the bytes the server writes.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROTOCOL_VERSION = "2025-06-18"
# How long a test waits on a server before calling it hung. Only a hang bound, never a speed
# test: generous, because a loaded machine (two suites at once, a busy CI host) is slow, not
# hung, and a deadline it can miss fails correct code.
HANG_S = float(os.environ.get("TASK_TRACKER_TEST_HANG_S", "120"))


def initialize_params(client_name: str) -> dict[str, Any]:
    return {
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": {"name": client_name, "version": "0"},
    }


def request_message(request_id: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}


class ServerError(AssertionError):
    pass


class StdioServer:
    def __init__(
        self,
        db_path: Path,
        *,
        extra_args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        cmd = command or [sys.executable, "-m", "task_tracker", "serve", "--db", str(db_path)]
        # stderr goes to a file: a pipe nobody reads would block a chatty server.
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [*cmd, *extra_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, **(env or {})},
        )
        self._next_id = 0
        self._buffer = b""
        self.stdout_lines: list[bytes] = []

    # -- raw I/O ---------------------------------------------------------------------------
    def send(self, message: dict[str, Any] | bytes) -> None:
        assert self.proc.stdin is not None
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.proc.stdin.write(data + b"\n")
        self.proc.stdin.flush()

    def read_message(self, timeout: float = HANG_S) -> dict[str, Any]:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise ServerError(f"no message from server within {timeout}s")
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise ServerError(f"server closed stdout; stderr:\n{self.stderr_text()}")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        self.stdout_lines.append(line)
        return json.loads(line)  # anything but JSON on stdout fails here

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        while True:
            reply = self.read_message()
            if reply.get("id") == self._next_id:
                return reply

    # -- MCP -------------------------------------------------------------------------------
    def initialize(self) -> dict[str, Any]:
        reply = self.request("initialize", initialize_params("raw-test-client"))
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply

    def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """The tools/call result (with isError); a JSON-RPC error raises ServerError."""
        reply = self.request("tools/call", {"name": name, "arguments": arguments})
        if "error" in reply:
            raise ServerError(f"JSON-RPC error: {reply['error']}")
        return reply["result"]

    def call_ok(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.call_tool(name, arguments)
        if result.get("isError"):
            raise ServerError(f"{name} failed: {result['content']}")
        return result["structuredContent"]

    # -- lifecycle -------------------------------------------------------------------------
    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        self._close_pipes()

    def close(self, timeout: float = HANG_S) -> int:
        """Close stdin (how clients end a stdio server) and wait for a clean exit."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise
        # Whatever is left on stdout must still be JSON-RPC.
        assert self.proc.stdout is not None
        rest = self._buffer + self.proc.stdout.read()
        for line in rest.splitlines():
            if line.strip():
                self.stdout_lines.append(line)
                json.loads(line)
        self._close_pipes()
        return code

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe and not pipe.closed:
                pipe.close()

    def __enter__(self) -> StdioServer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()
        else:
            self._close_pipes()
