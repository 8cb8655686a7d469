"""The server on PostgreSQL: the tools through an MCP client, and `serve --db URL` over stdio
in a real process."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.postgres import DatabaseURL
from task_tracker.server.app import build_server
from tests.e2e.rpc import StdioServer
from tests.server.calls import call, refusal

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client(pg_url: str) -> AsyncIterator[Client]:
    async with Client(build_server(DatabaseURL(pg_url), toolsets=("all",))) as c:
        yield c


async def test_the_tools_on_postgresql(client: Client) -> None:
    first = await call(
        client, "add_task", title="Deploy the API", tags=["ops"], due_date="2026-12-24"
    )
    assert (first["id"], first["due_date"], first["tags"]) == (1, "2026-12-24", ["ops"])
    second = await call(
        client, "add_task", title="Write docs", depends_on=[1], project="Web", create_project=True
    )
    shown = await call(client, "get_task", task_id=2)
    assert [d["id"] for d in shown["depends_on"]] == [1] and shown["ready"] is False
    assert (await refusal(client, "update_task", task_id=2, title="x", expected_version=5)) == (
        "Task 2 was changed by someone else: you expected version 5, it is now version 1. "
        "Call get_task(2), then retry with expected_version=1 if your change still applies."
    )
    await call(client, "add_note", task_id=2, text="screenshots needed")
    listed = await call(client, "list_tasks", sort="due_date")
    assert [t["id"] for t in listed["tasks"]] == [1, 2] and listed["total"] == 2
    found = await call(client, "search_tasks", query="screenshot")
    assert [(h["id"], h["snippet"]) for h in found["results"]] == [
        (2, "note: **screenshots** needed")
    ]
    taken = await call(client, "next_task", claim=True)
    assert [t["id"] for t in taken["tasks"]] == [1]
    await call(client, "complete_task", task_id=1)
    assert [t["id"] for t in (await call(client, "next_task"))["tasks"]] == [second["id"]]
    await call(client, "delete_task", task_id=2)
    assert (await call(client, "list_tasks"))["total"] == 1
    restored = await call(client, "restore_task", task_id=2)
    assert restored["notes"][0]["text"] == "screenshots needed"
    history = await call(client, "task_history", task_id=1)
    assert [e["kind"] for e in history["events"]] == ["complete", "claim", "create"]
    assert len({e["actor"] for e in history["events"]}) == 1  # the client's name, each time
    assert history["events"][0]["actor"]


def test_serve_over_stdio_with_a_url(pg_url: str) -> None:
    with StdioServer(
        pg_url,  # type: ignore[arg-type]
        command=[sys.executable, "-m", "task_tracker", "serve", "--db", pg_url],
    ) as server:
        server.initialize()
        assert server.call_ok("add_task", {"title": "over stdio"})["id"] == 1
        page: dict[str, Any] = server.call_ok("list_tasks", {})
        assert [t["title"] for t in page["tasks"]] == ["over stdio"]
        server.close()


async def test_postgresql_down_gives_a_retryable_error_then_service_resumes(
    pg_cluster: Any,
) -> None:
    async with Client(build_server(DatabaseURL(pg_cluster.url))) as client:
        await call(client, "add_task", title="before")
        pg_cluster.stop()
        down = await client.call_tool("add_task", {"title": "while down"}, raise_on_error=False)
        assert down.is_error
        text = down.content[0].text
        assert text.startswith("The task database cannot be opened (PostgreSQL is not reachable")
        assert text.endswith("Retry the call.")
        pg_cluster.start()  # the same server process and pool: it reconnects by itself
        await call(client, "add_task", title="after")
        titles = [t["title"] for t in (await call(client, "list_tasks"))["tasks"]]
        assert titles == ["before", "after"]


def test_two_stateless_http_replicas_share_one_postgresql(pg_url: str) -> None:
    """Two `serve --transport http --stateless --db URL` processes: writes through either are
    read through the other; /health names the backend; the password never reaches a log."""
    import anyio
    import httpx2
    from fastmcp.client.transports import StreamableHttpTransport

    from tests.e2e.test_http import AUTH, http_server

    with_password = pg_url.replace("postgres@", "postgres:hunter2@")  # (trust auth ignores it)

    async def scenario(first: str, second: str) -> None:
        for n in range(10):
            url = first if n % 2 == 0 else second
            async with Client(StreamableHttpTransport(url, headers=AUTH)) as client:
                await call(client, "add_task", title=f"replica write {n}")
        async with Client(StreamableHttpTransport(second, headers=AUTH)) as client:
            page = await call(client, "list_tasks", limit=50)
        assert sorted(t["title"] for t in page["tasks"]) == sorted(
            f"replica write {n}" for n in range(10)
        )

    with (
        http_server(with_password, "--stateless", log_level="INFO") as a,  # type: ignore[arg-type]
        http_server(with_password, "--stateless", log_level="INFO") as b,  # type: ignore[arg-type]
    ):
        anyio.run(scenario, f"{a.base}/mcp", f"{b.base}/mcp")
        assert httpx2.get(f"{a.base}/health").json()["backend"] == "postgresql"
        logs = a.stderr_text() + b.stderr_text()
    assert "hunter2" not in logs
    assert "postgresql+psycopg://postgres:***@127.0.0.1" in logs
