"""A blocking JSON-RPC client for one stdio MCP server subprocess: just what the benchmarks
need (no SDK in the timed path, so both servers are measured through the same bytes)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Any

PROTOCOL_VERSION = "2025-06-18"


class BenchClient:
    def __init__(self, command: list[str], *, env: dict[str, str] | None = None) -> None:
        self._stderr = tempfile.TemporaryFile()  # a pipe nobody reads would block the server
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, **(env or {})},
        )
        self._id = 0
        self.last_reply_bytes = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._id, "method": method}
        if params is not None:
            message["params"] = params
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self._stderr.seek(0)
                raise RuntimeError(f"server exited: {self._stderr.read().decode()[-2000:]}")
            reply = json.loads(line)
            if reply.get("id") == self._id:
                self.last_reply_bytes = len(line.rstrip(b"\n"))
                return reply

    def initialize(self) -> None:
        self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        )
        assert self.proc.stdin is not None
        self.proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        self.proc.stdin.flush()

    def call_ok(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.request("tools/call", {"name": name, "arguments": arguments})["result"]
        if result.get("isError"):
            raise RuntimeError(f"{name} failed: {result['content']}")
        return result["structuredContent"]

    def close(self) -> int:
        """End the session as clients do (close stdin) and wait for the exit status."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(30)

    def __enter__(self) -> BenchClient:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
        self._stderr.close()
