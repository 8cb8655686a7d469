"""Stateless HTTP replicas on one PostgreSQL, under load (issue 16's proofs): every write
kept across four replicas, each task claimed once across them, nothing acknowledged lost
when a replica is killed mid-load, and PostgreSQL restarted under running replicas: clients
get retryable errors, then service resumes without restarting a replica.

Clients speak JSON-RPC over real sockets to real server processes (a stateless server
answers tools/call without a session), one thread each. Nothing waits on the clock: each
step waits for a count of replies.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx2

from tests.e2e.stored import rows
from tests.e2e.test_http import AUTH, MCP_HEADERS, HttpServer, http_server

RETRYABLE = "Retry the call."


def tool_call(http: httpx2.Client, base: str, name: str, arguments: dict[str, Any]) -> Any:
    """The tools/call result (a dict with isError and structuredContent)."""
    message = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    response = http.post(f"{base}/mcp", json=message, headers=MCP_HEADERS | AUTH, timeout=60)
    assert response.status_code == 200, response.text
    body = response.text
    payload = json.loads(body.split("data: ", 1)[1]) if "data: " in body else response.json()
    return payload["result"]


class Writer(threading.Thread):
    """One client calling add_task with titles of its own until `keep_going` says stop."""

    def __init__(self, name: str, base: str, keep_going: Callable[[Writer], bool]) -> None:
        super().__init__(name=name, daemon=True)
        self.base, self.keep_going = base, keep_going
        self.acked: dict[int, str] = {}  # id -> title, for each write the server confirmed
        self.refused: list[str] = []  # tool errors (isError) the client saw
        self.cut_off = False  # the connection failed (its server is gone)
        self.after_refusal = 0  # writes confirmed after the first refusal
        self.failure: BaseException | None = None  # anything else: the test fails

    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:
            self.failure = exc

    def _write(self) -> None:
        with httpx2.Client() as http:
            n = 0
            while self.keep_going(self):
                title = f"{self.name} write {n}"
                n += 1
                try:
                    result = tool_call(http, self.base, "add_task", {"title": title})
                except httpx2.TransportError:
                    self.cut_off = True
                    return
                if result.get("isError"):
                    self.refused.append(result["content"][0]["text"])
                    continue
                assert result["structuredContent"]["title"] == title
                self.acked[result["structuredContent"]["id"]] = title
                if self.refused:
                    self.after_refusal += 1


def finish(writers: list[Writer]) -> None:
    for writer in writers:
        writer.join(300)
        assert not writer.is_alive(), f"{writer.name} did not finish"
        assert writer.failure is None, f"{writer.name}: {writer.failure!r}"


def wait_for(condition: Callable[[], bool], writers: list[Writer]) -> None:
    """Until condition() holds (checked between replies), or fail if every writer stopped."""
    while not condition():
        assert any(w.is_alive() for w in writers), "the writers stopped first"
        threading.Event().wait(0.01)


def stored(url: str) -> dict[int, str]:
    return dict(rows(url, "SELECT id, title FROM tasks"))  # type: ignore[arg-type]


@contextmanager
def replicas(url: str, count: int, *args: str) -> Iterator[list[HttpServer]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(http_server(url, "--stateless", *args))  # type: ignore[arg-type]
            for _ in range(count)
        ]


def test_four_replicas_keep_every_write_and_claim_each_task_once(pg_url: str) -> None:
    """4 replicas x 8 clients x 100 add_task: every write kept, no error. Then eight agents,
    two on each replica, pull next_task(claim=true): each task claimed exactly once."""
    import anyio
    from fastmcp import Client
    from fastmcp.client.transports import StreamableHttpTransport
    from mcp.types import Implementation

    from tests.server.calls import call

    claims: dict[str, list[int]] = {}

    async def agent(name: str, url: str) -> None:
        me = Implementation(name=name, version="1")
        async with Client(StreamableHttpTransport(url, headers=AUTH), client_info=me) as client:
            while taken := (await call(client, "next_task", claim=True, tag="race"))["tasks"]:
                claims.setdefault(name, []).append(taken[0]["id"])

    async def race(bases: list[str]) -> None:
        async with anyio.create_task_group() as group:
            for n in range(8):
                group.start_soon(agent, f"agent-{n}", f"{bases[n % 4]}/mcp")

    with replicas(pg_url, 4, "--tools", "all") as servers:
        writers = [
            Writer(f"r{r}c{c}", servers[r].base, lambda w: len(w.acked) < 100)
            for r in range(4)
            for c in range(8)
        ]
        for writer in writers:
            writer.start()
        finish(writers)
        with httpx2.Client() as http:
            race_ids = [
                tool_call(
                    http, servers[n % 4].base, "add_task", {"title": f"job {n}", "tags": ["race"]}
                )["structuredContent"]["id"]
                for n in range(40)
            ]
        anyio.run(race, [server.base for server in servers])
    acked = {task_id: title for w in writers for task_id, title in w.acked.items()}
    assert [w.refused for w in writers if w.refused] == []
    assert len(acked) == 3200
    assert stored(pg_url) == acked | {i: f"job {n}" for n, i in enumerate(race_ids)}
    taken = sorted(task_id for ids in claims.values() for task_id in ids)
    assert taken == sorted(race_ids)


def test_a_replica_killed_mid_load_loses_nothing_acknowledged(pg_url: str) -> None:
    """kill -9 of one of two replicas while eight clients write: its clients are cut off,
    the other replica's finish, and every write either confirmed is stored."""
    with replicas(pg_url, 2) as (doomed, survivor):
        # Writers on the doomed replica go on until their connection fails.
        on_doomed = [Writer(f"d{c}", doomed.base, lambda w: True) for c in range(4)]
        on_survivor = [
            Writer(f"s{c}", survivor.base, lambda w: len(w.acked) < 60) for c in range(4)
        ]
        for writer in on_doomed + on_survivor:
            writer.start()
        wait_for(lambda: sum(len(w.acked) for w in on_doomed) >= 100, on_doomed)
        doomed.proc.kill()  # SIGKILL: no shutdown of any kind
        finish(on_doomed + on_survivor)
    assert all(w.cut_off for w in on_doomed)
    assert [w.refused for w in on_survivor if w.refused] == []
    assert all(len(w.acked) == 60 for w in on_survivor)
    kept = stored(pg_url)
    for writer in on_doomed + on_survivor:
        for task_id, title in writer.acked.items():
            assert kept.get(task_id) == title, f"acknowledged write {task_id} lost"


def test_postgresql_restarted_under_running_replicas(pg_cluster: Any) -> None:
    """Two replicas, six clients writing; PostgreSQL stops mid-load and starts again. While
    it is down every failed call is a retryable tool error; after, every client is served
    again by the same replica processes, and every write confirmed is stored."""
    up = threading.Event()

    def until_served_after_restart(writer: Writer) -> bool:
        return not (up.is_set() and writer.after_refusal >= 5)

    with replicas(pg_cluster.url, 2) as servers:
        writers = [
            Writer(f"w{c}", servers[c % 2].base, until_served_after_restart) for c in range(6)
        ]
        for writer in writers:
            writer.start()
        wait_for(lambda: sum(len(w.acked) for w in writers) >= 60, writers)
        pg_cluster.stop()
        wait_for(lambda: all(w.refused for w in writers), writers)  # each has seen it down
        pg_cluster.start()
        up.set()
        finish(writers)
        assert all(server.proc.poll() is None for server in servers)
    refusals = [text for w in writers for text in w.refused]
    assert refusals and all(text.endswith(RETRYABLE) for text in refusals), set(refusals)
    assert all(w.after_refusal >= 5 and not w.cut_off for w in writers)
    kept = stored(pg_cluster.url)
    for writer in writers:
        for task_id, title in writer.acked.items():
            assert kept.get(task_id) == title, f"acknowledged write {task_id} lost"
