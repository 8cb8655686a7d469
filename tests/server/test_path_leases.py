"""Path leases (issue 28): a claim names the files it covers; a claim whose paths overlap
another running claim's is refused naming the holder, the paths and until when. Both
databases."""

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
    async with (
        Client(server, client_info=Implementation(name="alice", version="1")) as alice,
        Client(server, client_info=Implementation(name="bob", version="1")) as bob,
    ):
        yield alice, bob


async def test_overlapping_paths_are_refused_and_others_granted(
    agents: tuple[Client, Client],
) -> None:
    alice, bob = agents
    auth = await call(alice, "add_task", title="Rework login")
    other = await call(alice, "add_task", title="Touch the session code")
    docs = await call(alice, "add_task", title="Write the guide")
    held = await call(alice, "claim_task", task_id=auth["id"], paths=["./src/auth/"])
    assert held["paths"] == ["src/auth/**"] and held["claimed_by"] == "alice"
    said = await refusal(bob, "claim_task", task_id=other["id"], paths=["src/*/session.py"])
    assert said == (
        f"Cannot claim #{other['id']} for 'src/*/session.py': 'alice' holds 'src/auth/**' "
        f"(task #{auth['id']}) until {held['claimed_until']}, and both can name the same "
        "files; nothing was changed. Claim without those paths, narrow them, work on "
        "something else, or wait for that lease to end."
    )
    untouched = await call(bob, "get_task", task_id=other["id"])
    assert (untouched["claimed_by"], untouched["status"], untouched["version"]) == (
        None,
        "pending",
        1,
    )
    granted = await call(bob, "claim_task", task_id=docs["id"], paths=["docs/**", "README.md"])
    assert granted["paths"] == ["docs/**", "README.md"]
    # Alice's own claims never refuse each other.
    mine = await call(alice, "claim_task", task_id=other["id"], paths=["src/auth/session.py"])
    assert mine["paths"] == ["src/auth/session.py"]


async def test_a_released_or_expired_claim_frees_its_paths(
    agents: tuple[Client, Client], database: Any
) -> None:
    alice, bob = agents
    first = await call(alice, "add_task", title="One")
    second = await call(alice, "add_task", title="Two")
    await call(alice, "claim_task", task_id=first["id"], paths=["lib/**"])
    await refusal(bob, "claim_task", task_id=second["id"], paths=["lib/x.py"])
    released = await call(alice, "claim_task", task_id=first["id"], release=True)
    assert released["paths"] == []
    await call(bob, "claim_task", task_id=second["id"], paths=["lib/x.py"])
    await call(bob, "claim_task", task_id=second["id"], release=True)
    await call(alice, "claim_task", task_id=first["id"], paths=["lib/**"])
    by_hand(database, "UPDATE tasks SET claimed_until = '2000-01-01T00:00:00.000000+00:00'")
    again = await call(bob, "claim_task", task_id=second["id"], paths=["lib/x.py"])
    assert again["paths"] == ["lib/x.py"]


async def test_a_renewal_keeps_its_paths_and_a_new_holder_starts_without(
    agents: tuple[Client, Client],
) -> None:
    alice, bob = agents
    task = await call(alice, "add_task", title="Kept")
    await call(alice, "claim_task", task_id=task["id"], paths=["app/**"])
    renewed = await call(alice, "claim_task", task_id=task["id"], lease_minutes=60)
    assert renewed["paths"] == ["app/**"]
    taken = await call(bob, "claim_task", task_id=task["id"], take_over=True)
    assert (taken["claimed_by"], taken["paths"]) == ("bob", [])


async def test_bad_patterns_are_refused_with_what_to_send(agents: tuple[Client, Client]) -> None:
    alice, _ = agents
    task = await call(alice, "add_task", title="x")
    said = await refusal(alice, "claim_task", task_id=task["id"], paths=["../etc/**"])
    assert said == (
        "path '../etc/**' must be relative to the repository root, without '..' or '\\': give "
        "patterns like 'src/auth/**' or 'docs/*.md'."
    )
    assert (await call(alice, "get_task", task_id=task["id"]))["claimed_by"] is None
