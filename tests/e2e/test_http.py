"""Remote mode: the real server on a loopback port, real HTTP clients, bearer-token auth."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx2
from fastmcp import Client
from fastmcp.client.transports import SSETransport, StreamableHttpTransport
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from task_tracker.migrate import HEAD_REVISION
from task_tracker.remote import TOKEN_HELP
from tests.e2e.rpc import HANG_S, StdioServer, initialize_params, request_message

TOKEN = "test-token-5f2c9a7e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpServer:
    def __init__(self, proc: subprocess.Popen, port: int, stderr) -> None:
        self.proc, self.port, self._stderr = proc, port, stderr
        self.base = f"http://127.0.0.1:{port}"

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")


@contextmanager
def http_server(
    db_path: Path,
    *args: str,
    token: str | None = TOKEN,
    transport: str = "http",
    log_level: str = "WARNING",
    extra_env: dict[str, str] | None = None,
) -> Iterator[HttpServer]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "TASK_TRACKER_AUTH_TOKEN"}
    if token:
        env["TASK_TRACKER_AUTH_TOKEN"] = token
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "task_tracker", "--log-level", log_level, "serve"]
    cmd += ["--transport", transport, "--port", str(port), "--db", str(db_path), *args]
    stderr = tempfile.TemporaryFile()
    # stdout too: over HTTP it carries uvicorn's access log, which a test reads with the rest.
    proc = subprocess.Popen(cmd, stdout=stderr, stderr=stderr, env=env)
    server = HttpServer(proc, port, stderr)
    try:
        deadline = time.monotonic() + HANG_S
        while True:
            try:
                if httpx2.get(f"{server.base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {server.stderr_text()}")
            time.sleep(0.05)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def count_tasks(db_path: Path) -> int:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM tasks").fetchone()[0]


BAD_AUTH = [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": TOKEN},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer  " + TOKEN},
    {"Authorization": "bearer-" + TOKEN},
]


def test_missing_or_wrong_token_is_401_on_every_endpoint(db_path: Path) -> None:
    """Each of BAD_AUTH, against one server of each transport (a server each would cost a
    start each)."""
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "add_task", "arguments": {"title": "sneaky"}},
    }
    with http_server(db_path) as server:
        for headers in BAD_AUTH:
            response = httpx2.post(f"{server.base}/mcp", json=call, headers=MCP_HEADERS | headers)
            assert response.status_code == 401, headers
            what = "Wrong bearer token" if headers else "Missing bearer token"
            assert response.json() == {
                "error": "invalid_token",
                "error_description": f"{what}: {TOKEN_HELP}",
            }
    with http_server(db_path, transport="sse") as server:
        for headers in BAD_AUTH:
            with httpx2.stream("GET", f"{server.base}/sse", headers=headers, timeout=5) as answer:
                assert answer.status_code == 401, headers
            response = httpx2.post(
                f"{server.base}/messages/?session_id=x", json=call, headers=headers
            )
            assert response.status_code == 401, headers
    assert count_tasks(db_path) == 0


def test_fastmcp_http_client_round_trip(served: str) -> None:
    async def scenario(url: str) -> None:
        async with Client(StreamableHttpTransport(url, headers=AUTH)) as client:
            added = await client.call_tool("add_task", {"title": "over http", "tags": ["remote"]})
            task_id = added.structured_content["id"]
            got = await client.call_tool("get_task", {"task_id": task_id})
            assert got.structured_content["title"] == "over http"
            found = await client.call_tool("search_tasks", {"query": "http"})
            assert [t["id"] for t in found.structured_content["results"]] == [task_id]
            missing = await client.call_tool("get_task", {"task_id": 999}, raise_on_error=False)
            assert missing.is_error and missing.content[0].text.startswith("Task 999 not found")

    with http_server(served) as server:  # type: ignore[arg-type]
        anyio.run(scenario, f"{server.base}/mcp")
        assert TOKEN not in server.stderr_text()


def test_fastmcp_sse_client_round_trip(served: str) -> None:
    async def scenario(url: str) -> None:
        async with Client(SSETransport(url, headers=AUTH)) as client:
            added = await client.call_tool("add_task", {"title": "over sse"})
            page = await client.call_tool("list_tasks", {})
            assert [t["title"] for t in page.structured_content["tasks"]] == ["over sse"]
            assert added.structured_content["id"] == 1

    with http_server(served, transport="sse") as server:  # type: ignore[arg-type]
        anyio.run(scenario, f"{server.base}/sse")


def test_official_sdk_http_client_round_trip(served: str) -> None:
    async def scenario(url: str) -> None:
        async with (
            create_mcp_http_client(headers=AUTH) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            init = await session.initialize()
            assert init.server_info.name == "task-tracker"
            result = await session.call_tool("add_task", {"title": "via sdk"})
            assert result.is_error is False and result.structured_content["id"] == 1
            listing = await session.list_tools()
            assert "search_tasks" in {t.name for t in listing.tools}

    with http_server(served) as server:  # type: ignore[arg-type]
        anyio.run(scenario, f"{server.base}/mcp")


def test_health_needs_no_token_and_shows_no_tasks(db_path: Path) -> None:
    with http_server(db_path) as server:
        response = httpx2.post(
            f"{server.base}/mcp",
            json=request_message(1, "initialize", initialize_params("t")),
            headers=MCP_HEADERS | AUTH,
        )
        assert response.status_code == 200
        health = httpx2.get(f"{server.base}/health")
        assert health.status_code == 200
        assert health.json() == {
            "status": "ok",
            "backend": "sqlite",
            "schema_revision": HEAD_REVISION,
        }


def test_foreign_host_or_origin_is_refused(db_path: Path) -> None:
    with http_server(db_path, "--allowed-host", "tasks.example.com") as server:
        url = f"{server.base}/mcp"
        evil_host = httpx2.post(url, json=PING, headers=MCP_HEADERS | AUTH | {"Host": "evil.test"})
        assert evil_host.status_code == 421
        evil_origin = httpx2.post(
            url, json=PING, headers=MCP_HEADERS | AUTH | {"Origin": "http://evil.test"}
        )
        assert evil_origin.status_code == 403
        allowed = httpx2.post(url, json=PING, headers=MCP_HEADERS | {"Host": "tasks.example.com"})
        assert allowed.status_code == 401  # past the Host check, stopped by auth


def test_non_loopback_bind_without_token_refuses_to_start(db_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TASK_TRACKER_AUTH_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "task_tracker", "serve", "--transport", "http"]
        + ["--host", "0.0.0.0", "--port", str(free_port()), "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("task-tracker: error: refusing to serve on 0.0.0.0 without")
    assert not db_path.exists()


def test_allow_unauthenticated_starts_loudly(db_path: Path) -> None:
    with http_server(db_path, "--host", "0.0.0.0", "--allow-unauthenticated", token=None) as srv:
        assert httpx2.post(f"{srv.base}/mcp", json=PING, headers=MCP_HEADERS).status_code != 401
        assert "TASK_TRACKER_AUTH_TOKEN is not set" in srv.stderr_text()


def test_token_never_logged_even_at_debug(db_path: Path) -> None:
    with http_server(db_path, log_level="DEBUG") as server:
        for headers in (AUTH, {"Authorization": "Bearer wrong-but-secret-ish"}):
            httpx2.post(f"{server.base}/mcp", json=PING, headers=MCP_HEADERS | headers)
        logs = server.stderr_text()
    assert TOKEN not in logs and "wrong-but-secret-ish" not in logs


def test_http_writes_are_visible_to_a_stdio_server(db_path: Path) -> None:
    async def add(url: str) -> None:
        async with Client(StreamableHttpTransport(url, headers=AUTH)) as client:
            await client.call_tool("add_task", {"title": "written remotely"})

    with http_server(db_path) as server:
        anyio.run(add, f"{server.base}/mcp")
    with StdioServer(db_path) as stdio:
        stdio.initialize()
        assert stdio.call_ok("get_task", {"task_id": 1})["title"] == "written remotely"
        stdio.close()


def test_a_slow_call_does_not_block_other_clients(db_path: Path) -> None:
    import sqlite3

    async def scenario(url: str) -> None:
        async with (
            Client(StreamableHttpTransport(url, headers=AUTH)) as writer,
            Client(StreamableHttpTransport(url, headers=AUTH)) as reader,
        ):
            await writer.call_tool("add_task", {"title": "first"})
            blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            blocker.execute("BEGIN IMMEDIATE")  # the writer's next call must wait for this
            written = anyio.Event()

            async def write() -> None:
                await writer.call_tool("add_task", {"title": "second"})
                written.set()

            async with anyio.create_task_group() as group:
                group.start_soon(write)
                page = await reader.call_tool("list_tasks", {})
                # Answered while the writer cannot have finished: the lock is still held.
                assert not written.is_set()
                assert [t["title"] for t in page.structured_content["tasks"]] == ["first"]
                blocker.execute("ROLLBACK")  # now the writer gets the lock
            assert written.is_set()
            blocker.close()

    with http_server(db_path) as server:
        anyio.run(scenario, f"{server.base}/mcp")
    assert count_tasks(db_path) == 2


def test_two_stateless_processes_share_one_database(db_path: Path) -> None:
    async def scenario(first: str, second: str) -> None:
        async with (
            Client(StreamableHttpTransport(first, headers=AUTH)) as a,
            Client(StreamableHttpTransport(second, headers=AUTH)) as b,
        ):
            for i in range(10):  # a load balancer alternating between the two
                await (a if i % 2 else b).call_tool("add_task", {"title": f"task {i}"})
            seen_by_a = await a.call_tool("list_tasks", {})
            seen_by_b = await b.call_tool("list_tasks", {})
            assert seen_by_a.structured_content == seen_by_b.structured_content
            assert seen_by_a.structured_content["total"] == 10

    with (
        http_server(db_path, "--stateless") as one,
        http_server(db_path, "--stateless") as two,
    ):
        anyio.run(scenario, f"{one.base}/mcp", f"{two.base}/mcp")
    assert count_tasks(db_path) == 10


def test_stateless_http_answers_without_a_session(db_path: Path) -> None:
    with http_server(db_path, "--stateless") as server:
        call = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "add_task", "arguments": {"title": "no session"}},
        }
        response = httpx2.post(f"{server.base}/mcp", json=call, headers=MCP_HEADERS | AUTH)
        assert response.status_code == 200
        body = response.text
        payload = json.loads(body.split("data: ", 1)[1]) if "data: " in body else response.json()
        assert payload["result"]["structuredContent"]["title"] == "no session"


def server_threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Threads:")).split()[1])


def test_many_waiting_calls_take_a_bounded_number_of_threads(db_path: Path) -> None:
    """30 writes queue behind another process's write lock while 30 reads go on: every call
    succeeds exactly once, and the server keeps a fixed handful of threads (one writer, a few
    readers), where a thread per waiting call would have made dozens."""
    import sqlite3

    async def post(client: httpx2.AsyncClient, url: str, name: str, arguments: dict) -> dict:
        call = request_message(1, "tools/call", {"name": name, "arguments": arguments})
        response = await client.post(url, json=call, headers=MCP_HEADERS | AUTH)
        body = response.text
        payload = json.loads(body.split("data: ", 1)[1]) if "data: " in body else response.json()
        assert not payload["result"].get("isError"), payload
        return payload["result"]["structuredContent"]

    async def scenario(url: str, pid: int) -> int:
        async with httpx2.AsyncClient(timeout=60) as client:
            await post(client, url, "add_task", {"title": "first"})
            blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            blocker.execute("BEGIN IMMEDIATE")
            titles: list[str] = []
            reads = 0

            async def write(i: int) -> None:
                titles.append((await post(client, url, "add_task", {"title": f"w{i}"}))["title"])

            async def read() -> None:
                nonlocal reads
                page = await post(client, url, "list_tasks", {})
                assert page["tasks"][0]["title"] == "first"
                reads += 1

            async with anyio.create_task_group() as group:
                for i in range(30):
                    group.start_soon(write, i)
                    group.start_soon(read)
                with anyio.fail_after(30):  # the reads are answered while the writes wait
                    while reads < 30:
                        await anyio.sleep(0.01)
                assert titles == []
                blocker.execute("ROLLBACK")
            blocker.close()
            assert sorted(titles) == sorted(f"w{i}" for i in range(30))
            return server_threads(pid)

    with http_server(db_path, "--stateless") as server:
        threads = anyio.run(scenario, f"{server.base}/mcp", server.proc.pid)
    assert count_tasks(db_path) == 31
    assert threads <= 10, threads
