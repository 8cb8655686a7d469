"""Claims with leases: take, renew, release, refuse another's, expire by themselves, and
next_task(claim=true) taking the best free task. Two clients by name, one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.server.app import build_server
from tests.server.calls import call, refusal
from tests.sql import by_hand

pytestmark = pytest.mark.anyio


@pytest.fixture
async def agents(database: Any) -> AsyncIterator[tuple[Client, Client]]:
    server = build_server(database, toolsets=("all",))
    alice = Client(server, client_info=Implementation(name="alice", version="1"))
    bob = Client(server, client_info=Implementation(name="bob", version="1"))
    async with alice, bob:
        yield alice, bob


def expire(database: Any, task_id: int) -> None:
    by_hand(
        database,
        "UPDATE tasks SET claimed_until = '2020-01-01T00:00:00.000000+00:00' WHERE id = :id",
        id=task_id,
    )


async def test_claim_renew_release_and_refuse_another(
    agents: tuple[Client, Client], database: Any
) -> None:
    alice, bob = agents
    task = await call(alice, "add_task", title="deploy")
    held = await call(alice, "claim_task", task_id=task["id"], lease_minutes=10)
    assert (held["claimed_by"], held["status"], held["version"]) == ("alice", "in_progress", 2)
    until = held["claimed_until"]
    refused = await refusal(bob, "claim_task", task_id=task["id"])
    assert refused == (
        f"Task #{task['id']} is claimed by 'alice' until {until}. Pick another "
        "task (next_task with claim=true finds a free one), or wait for the lease to end."
    )
    renewed = await call(alice, "claim_task", task_id=task["id"], lease_minutes=60)
    assert renewed["claimed_until"] > until
    assert await refusal(bob, "claim_task", task_id=task["id"], release=True) == refused.replace(
        until, renewed["claimed_until"]
    )
    as_bob = await call(alice, "claim_task", task_id=task["id"], release=True)
    assert (as_bob["claimed_by"], as_bob["status"]) == (None, "pending")
    mine = await call(bob, "claim_task", task_id=task["id"], agent="bob's script")
    assert mine["claimed_by"] == "bob's script"
    expire(database, task["id"])
    assert (await call(alice, "get_task", task_id=task["id"]))["claimed_by"] is None
    taken = await call(alice, "claim_task", task_id=task["id"])
    assert taken["claimed_by"] == "alice"
    done = await call(alice, "complete_task", task_id=task["id"])
    assert done["status"] == "complete"
    assert by_hand(database, "SELECT claimed_by, claimed_until FROM tasks") == [(None, None)]
    assert await refusal(bob, "claim_task", task_id=task["id"]) == (
        f"Task #{task['id']} is complete: only open tasks can be claimed. Reopen it with "
        "update_task(status='pending') first if work on it goes on."
    )


async def test_next_task_claims_the_best_free_task(
    agents: tuple[Client, Client], database: Any
) -> None:
    alice, bob = agents
    for title, priority in [("low", "low"), ("high", "high"), ("medium", "medium")]:
        await call(alice, "add_task", title=title, priority=priority)
    first = await call(alice, "next_task", claim=True)
    assert [t["title"] for t in first["tasks"]] == ["high"]
    assert first["tasks"][0]["status"] == "in_progress"
    assert first["tasks"][0]["reason"].startswith("claimed by you (alice) until ")
    second = await call(bob, "next_task", claim=True)
    assert [t["title"] for t in second["tasks"]] == ["medium"]
    # Suggestions leave out what others hold, and keep your own first.
    assert [t["title"] for t in (await call(bob, "next_task", limit=5))["tasks"]] == [
        "medium",
        "low",
    ]
    expire(database, first["tasks"][0]["id"])
    third = await call(bob, "next_task", claim=True)
    assert [t["title"] for t in third["tasks"]] == ["high"]  # alice's lease ran out
    fourth = await call(bob, "next_task", claim=True)  # new work, not bob's own again
    assert [t["title"] for t in fourth["tasks"]] == ["low"]
    empty = await call(alice, "next_task", claim=True)
    assert empty["tasks"] == []
    assert empty["message"].startswith(  # bob holds all three: say so, soonest free first
        "No task is free: the ready ones are claimed by others (#3 'medium' by 'bob' until "
    )
    assert "#2 'high' by 'bob' until " in empty["message"]
    assert "#1 'low' by 'bob' until " in empty["message"]


async def test_read_only_server_refuses_a_claim(database: Any) -> None:
    async with Client(build_server(database, read_only=True)) as client:
        names = [t.name for t in await client.list_tools()]
        assert "next_task" in names
        result = await client.call_tool("next_task", {"claim": True}, raise_on_error=False)
        assert result.is_error
        assert result.content[0].text == (
            "This server is read-only: next_task cannot claim; call it without claim."
        )


async def listed(client: Client, **filters: object) -> tuple[list[int], int]:
    page = await call(client, "list_tasks", **filters)
    return [task["id"] for task in page["tasks"]], page["total"]


@pytest.mark.parametrize("sort", ["id", "priority", "due_date", "updated_at"])
async def test_list_tasks_filters_by_who_holds_a_claim(
    agents: tuple[Client, Client], database: Any, sort: str
) -> None:
    alice, bob = agents
    ids = [(await call(alice, "add_task", title=f"t{i}", tags=["x"]))["id"] for i in range(6)]
    for task_id in ids[:2]:
        await call(alice, "claim_task", task_id=task_id)
    await call(bob, "claim_task", task_id=ids[2])
    await call(bob, "claim_task", task_id=ids[3])
    expire(database, ids[3])  # bob's name is still on the row; his lease holds nothing
    order = {"sort": sort, "order": "asc"}
    # (ids[3] changed last, by bob's claim)
    free = [*ids[4:], ids[3]] if sort == "updated_at" else ids[3:]
    assert await listed(alice, claimed_by="alice", **order) == (ids[:2], 2)
    assert await listed(alice, claimed_by="bob", **order) == ([ids[2]], 1)
    assert await listed(alice, claimed_by="", **order) == (free, 3)
    assert await listed(alice, claimed_by="", tag="x", status="open", **order) == (free, 3)
    assert await listed(alice, claimed_by="carol", **order) == ([], 0)
    page = await call(alice, "list_tasks", claimed_by="", limit=2, **order)
    later = await call(alice, "list_tasks", claimed_by="", cursor=page["next_cursor"], **order)
    assert [t["id"] for t in page["tasks"] + later["tasks"]] == free
    assert (page["total"], later["total"]) == (3, 3)


async def test_next_task_by_who_holds_a_claim(agents: tuple[Client, Client]) -> None:
    alice, bob = agents
    a, b, c = [(await call(alice, "add_task", title=t))["id"] for t in ("a", "b", "c")]
    await call(alice, "claim_task", task_id=a)
    await call(bob, "claim_task", task_id=b)

    async def suggested(client: Client, **arguments: object) -> tuple[list[int], str | None]:
        result = await call(client, "next_task", **arguments)
        return [task["id"] for task in result["tasks"]], result.get("message")

    assert await suggested(alice) == ([a, c], None)  # her own claim and the free task
    assert await suggested(alice, claimed_by="") == ([c], None)
    assert await suggested(alice, claimed_by="bob") == ([b], None)
    assert await suggested(bob, claimed_by="carol") == (
        [],
        "No ready task is held by 'carol'.",
    )
    assert await refusal(alice, "next_task", claim=True, claimed_by="alice") == (
        "claim=true takes a task no one holds: leave out claimed_by, or call "
        "next_task(claimed_by=...) without claim to see what that name holds."
    )
    taken = await call(bob, "next_task", claim=True, claimed_by="")
    assert [t["id"] for t in taken["tasks"]] == [c]
