"""Handoffs between agents (issue 28): a note of kind 'handoff' is what the next agent reads
first, and releasing a claim without one is met with a reminder. Both databases."""

from __future__ import annotations

import pytest
from fastmcp import Client

from tests.server.calls import call, refusal

pytestmark = pytest.mark.anyio


async def test_the_latest_handoff_comes_first_however_old(agent: Client) -> None:
    task = await call(agent, "add_task", title="Port the parser")
    await call(agent, "add_note", task_id=task["id"], text="first handoff", kind="handoff")
    await call(agent, "add_note", task_id=task["id"], text="where I stopped", kind="handoff")
    for n in range(6):
        await call(agent, "add_note", task_id=task["id"], text=f"note {n}", agent="agent-b")
    shown = await call(agent, "get_task", task_id=task["id"])
    assert [(n["kind"], n["actor"], n["text"]) for n in shown["notes"]] == [
        ("handoff", "agent-a", "where I stopped"),
        ("note", "agent-b", "note 5"),
        ("note", "agent-b", "note 4"),
        ("note", "agent-b", "note 3"),
        ("note", "agent-b", "note 2"),
    ]


async def test_a_kind_that_is_not_a_kind_is_refused(agent: Client) -> None:
    task = await call(agent, "add_task", title="x")
    said = await refusal(agent, "add_note", task_id=task["id"], text="t", kind="memo")
    assert "kind" in said and "'note' or 'handoff'" in said
    assert (await call(agent, "get_task", task_id=task["id"]))["notes"] == []


async def test_releasing_without_a_handoff_is_reminded_once(agent: Client) -> None:
    task = await call(agent, "add_task", title="Half done")
    claimed = await call(agent, "claim_task", task_id=task["id"])
    assert claimed["reminder"] is None
    released = await call(agent, "claim_task", task_id=task["id"], release=True)
    assert released["claimed_by"] is None
    assert released["reminder"] == (
        f"You left no handoff on #{task['id']}: if someone picks it up after you, "
        f"add_note(task_id={task['id']}, text=..., kind='handoff') says where you stopped."
    )
    await call(agent, "claim_task", task_id=task["id"])
    await call(agent, "add_note", task_id=task["id"], text="tests pass; docs left", kind="handoff")
    again = await call(agent, "claim_task", task_id=task["id"], release=True)
    assert again["reminder"] is None


async def test_a_handoff_before_the_latest_claim_does_not_count(agent: Client) -> None:
    task = await call(agent, "add_task", title="Twice")
    await call(agent, "claim_task", task_id=task["id"])
    await call(agent, "add_note", task_id=task["id"], text="old handoff", kind="handoff")
    await call(agent, "claim_task", task_id=task["id"], release=True)
    await call(agent, "claim_task", task_id=task["id"])  # a new claim: a new handoff is due
    released = await call(agent, "claim_task", task_id=task["id"], release=True)
    assert released["reminder"] is not None


async def test_a_handoff_survives_the_trash(agent: Client) -> None:
    task = await call(agent, "add_task", title="Deleted and back")
    await call(agent, "add_note", task_id=task["id"], text="stopped at step 3", kind="handoff")
    await call(agent, "delete_task", task_id=task["id"])
    await call(agent, "restore_task", task_id=task["id"])
    shown = await call(agent, "get_task", task_id=task["id"])
    assert [(n["kind"], n["text"]) for n in shown["notes"]] == [("handoff", "stopped at step 3")]
