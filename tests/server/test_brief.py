"""tasks://brief and the brief prompt on both databases: what each agent is told, and the
size bound with every text at its longest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.operations.brief import BRIEF_MAX
from task_tracker.server.app import build_server
from tests.server.calls import call

pytestmark = pytest.mark.anyio


@pytest.fixture
async def server(database: Any) -> Any:
    return build_server(database, toolsets=("all",))


async def as_agent(server: Any, name: str) -> AsyncIterator[Client]:
    async with Client(server, client_info=Implementation(name=name, version="1")) as client:
        yield client


async def brief_of(client: Client) -> str:
    contents = await client.read_resource("tasks://brief")
    return contents[0].text  # type: ignore[union-attr]


async def test_each_agent_is_told_what_it_holds_and_what_waits(server: Any) -> None:
    async for alice in as_agent(server, "alice"):
        mine = await call(alice, "add_task", title="Mine, in progress", priority="high")
        await call(alice, "claim_task", task_id=mine["id"])
        await call(alice, "add_note", task_id=mine["id"], text="half way", kind="handoff")
        left = await call(alice, "add_task", title="Left for others")
        await call(alice, "add_note", task_id=left["id"], text="start at step 2", kind="handoff")
        blocked = await call(alice, "add_task", title="Waits", depends_on=[mine["id"]])
        told = await brief_of(alice)
    async for bob in as_agent(server, "bob"):
        bob_told = await brief_of(bob)
        prompt = await bob.get_prompt("brief")
    held = told.split("You hold:\n")[1].split("\n\n")[0].splitlines()
    first = f"  #{mine['id']} [high] Mine, in progress (in_progress; yours until "
    assert held[0].startswith(first)
    assert held[1].startswith("    handoff by alice at ") and held[1].endswith(": half way")
    waiting = told.split("Handoffs waiting on free tasks:\n")[1].split("\n\n")[0]
    assert waiting.startswith(f"  #{left['id']} Left for others\n    handoff by alice at ")
    ready = told.split("Ready to do next:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(":")[0] for line in ready] == [f"  #{left['id']} [medium] Left for others"]
    blocking = told.split("Blocking the most work:\n")[1].split("\n\n")[0]
    assert blocking == f"  #{mine['id']} Mine, in progress (in_progress) blocks 1 open task(s)"
    newest = told.split("Newest open tasks:\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(" added ")[0] for line in newest] == [
        f"  #{blocked['id']} [medium] Waits",
        f"  #{left['id']} [medium] Left for others",
        f"  #{mine['id']} [high] Mine, in progress",
    ]
    assert "You hold:\n  nothing: next_task(claim=true) takes the best" in bob_told
    assert f"#{left['id']} Left for others" in bob_told
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert text.startswith("You are picking up work on the shared task queue.")
    assert "Brief for bob, " in text


async def test_the_brief_stays_under_its_bound_with_every_text_at_its_longest(
    server: Any,
) -> None:
    async for alice in as_agent(server, "a" * 100):
        first = None
        for n in range(30):
            found = {"discovered_from": first["id"]} if first else {}
            task = await call(
                alice, "add_task", title=f"{n} " + "x" * 190, priority="high", **found
            )
            first = first or task
            if n < 12:  # more than the brief shows
                paths = [f"src/{n}/{'p' * 150}/{m}/**" for m in range(20)]
                await call(alice, "claim_task", task_id=task["id"], paths=paths)
            await call(alice, "add_note", task_id=task["id"], text="y" * 2000, kind="handoff")
    async for bob in as_agent(server, "b" * 100):
        for n in range(6):  # done by another, waiting for review
            done = await call(bob, "add_task", title=f"r{n} " + "z" * 190, review=True)
            await call(bob, "complete_task", task_id=done["id"])
    async for alice in as_agent(server, "a" * 100):
        told = await brief_of(alice)
    assert len(told) <= BRIEF_MAX
    assert told.count("handoff by ") == 7 + 5  # seven held shown, five waiting
    assert told.count("    paths: src/") == 7
    assert told.endswith("says where you stopped.")  # nothing cut off the end
    # held, to review, waiting, ready, newest, found while working
    assert told.count("\n  #") == 7 + 5 + 5 + 5 + 5 + 5
    assert told.count(" done by " + "b" * 39 + "…") == 5
    assert "  29 in the last 7 days; newest:" in told
    for section in ("You hold:", "Ready to do next:", "Newest open tasks:", "Found while"):
        assert section in told
