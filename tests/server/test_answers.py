"""Answers that agree with the data, on both databases: closing a parent with its child in
one call, a restore dated after the delete it undoes, a revert to pending that ends a claim,
and next_task naming who holds the ready work."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation
from sqlalchemy import Engine, text

from task_tracker.errors import IdsUsedUp
from task_tracker.schemas import ID_MAX
from task_tracker.server.app import build_server
from tests.server.calls import call, refusal

pytestmark = pytest.mark.anyio


def named(database: Any, name: str) -> Client:
    """A client of a server with every toolset, acting as `name` (its clientInfo.name)."""
    server = build_server(database, toolsets=("all",))
    return Client(server, client_info=Implementation(name=name, version="1"))


@pytest.fixture
async def everything(database: Any) -> AsyncIterator[Client]:
    async with Client(build_server(database, toolsets=("all",))) as client:
        yield client


async def test_closing_a_parent_and_its_child_together_passes_in_either_order(
    everything: Client,
) -> None:
    await call(everything, "add_task", title="parent")
    await call(everything, "add_task", title="child", parent_id=1)
    await call(everything, "add_task", title="grandchild", parent_id=2)
    closed = await call(everything, "close_tasks", task_ids=[1, 3, 2], status="cancelled")
    assert [(t["id"], t["status"]) for t in closed["tasks"]] == [
        (1, "cancelled"),
        (3, "cancelled"),
        (2, "cancelled"),
    ]


async def test_a_restore_is_dated_after_the_delete_it_undoes(everything: Client) -> None:
    await call(everything, "add_task", title="back and forth")
    await call(everything, "delete_task", task_id=1)
    await call(everything, "restore_task", task_id=1)
    events = (await call(everything, "task_history", task_id=1))["events"]
    assert [e["kind"] for e in events] == ["restore", "delete", "create"]
    restored, deleted, created = (e["at"] for e in events)
    assert restored >= deleted >= created


async def test_a_revert_to_pending_ends_the_claim(everything: Client) -> None:
    await call(everything, "add_task", title="claimed")
    held = await call(everything, "claim_task", task_id=1)
    assert (held["status"], held["claimed_by"] is not None) == ("in_progress", True)
    reverted = await call(everything, "revert_task", task_id=1, version=1)
    assert (reverted["status"], reverted["claimed_by"], reverted["claimed_until"]) == (
        "pending",
        None,
        None,
    )
    assert (await call(everything, "next_task", claim=True))["tasks"][0]["id"] == 1


async def test_next_task_names_who_holds_the_ready_work(database: Any) -> None:
    bob, eve = named(database, "bob"), named(database, "eve")
    async with bob, eve:
        await call(bob, "add_task", title="only one")
        await call(bob, "add_task", title="waits", depends_on=[1])
        assert (await call(bob, "next_task", claim=True))["tasks"][0]["id"] == 1
        shown = await call(eve, "get_task", task_id=1)
        assert shown["ready"] is True and shown["claimed_by"] == "bob"
        for claim in (True, False):
            found = await call(eve, "next_task", claim=claim)
            assert found["tasks"] == []
            assert found["message"].startswith(
                "No task is free: the ready ones are claimed by others (#1 'only one' by 'bob' "
                f"until {shown['claimed_until'][:19]}"
            ), found["message"]


async def test_a_tool_left_out_says_why_and_what_to_do(database: Any) -> None:
    async with Client(build_server(database)) as core:
        left_out = await core.call_tool("restore_task", {"task_id": 1}, raise_on_error=False)
        assert left_out.is_error
        assert left_out.content[0].text == (
            "restore_task is in the teamwork toolset, which this server does not serve; nothing "
            "was changed. It is served with `task-tracker serve --tools teamwork` (or all); a "
            "person can also use the task-tracker command."
        )
        unknown = await core.call_tool("no_such_tool", {}, raise_on_error=False)
        assert unknown.is_error and unknown.content[0].text == "Unknown tool: 'no_such_tool'"
    async with Client(build_server(database, read_only=True, toolsets=("all",))) as reader:
        refused = await reader.call_tool("add_task", {"title": "x"}, raise_on_error=False)
        assert refused.is_error
        assert refused.content[0].text == (
            "This server is read-only: add_task changes tasks, so it is not served here; "
            "nothing was changed. get_task, list_tasks, search_tasks and next_task (without "
            "claim) work; ask the person to make the change."
        )
        prompts = {p.name for p in await reader.list_prompts()}
        assert prompts == {"brief", "review_tasks", "daily_standup"}
        listed = await call(reader, "list_tasks")
        assert listed["total"] == 0


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("update_task", {"task_id": 1, "title": "mine now"}),
        ("update_task", {"task_id": 1, "status": "pending"}),
        ("complete_task", {"task_id": 1}),
        ("close_tasks", {"task_ids": [1], "status": "cancelled"}),
        ("delete_task", {"task_id": 1}),
        ("revert_task", {"task_id": 1, "version": 1}),
        ("claim_task", {"task_id": 1, "release": True}),
    ],
)
async def test_only_the_holder_changes_a_claimed_task(
    database: Any, tool: str, arguments: dict[str, Any]
) -> None:
    bob, eve = named(database, "bob"), named(database, "eve")
    async with bob, eve:
        await call(bob, "add_task", title="bob's")
        held = await call(bob, "claim_task", task_id=1)
        refused = await eve.call_tool(tool, arguments, raise_on_error=False)
        assert refused.is_error
        until = held["claimed_until"][:19]
        assert refused.content[0].text.startswith(f"Task #1 is claimed by 'bob' until {until}")
        if tool != "claim_task":
            assert refused.content[0].text.endswith(
                ": only 'bob' changes it while the lease runs; nothing was changed. Wait for "
                "the lease to end, ask 'bob' to release it, or take it over with "
                "claim_task(task_id=1, take_over=true), which its history records."
            )
        after = await call(bob, "get_task", task_id=1)
        assert (after["title"], after["status"], after["version"]) == ("bob's", "in_progress", 2)
        # bob's own changes go through; notes by others too
        await call(eve, "add_note", task_id=1, text="looks close")
        await call(bob, "update_task", task_id=1, priority="high")


async def test_taking_a_claim_over_is_recorded_and_then_the_new_holder_changes_it(
    database: Any,
) -> None:
    bob, eve = named(database, "bob"), named(database, "eve")
    async with bob, eve:
        await call(bob, "add_task", title="stuck")
        await call(bob, "claim_task", task_id=1)
        taken = await call(eve, "claim_task", task_id=1, take_over=True)
        assert taken["claimed_by"] == "eve"
        done = await call(eve, "complete_task", task_id=1)
        assert done["status"] == "complete"
        events = (await call(eve, "task_history", task_id=1))["events"]
        assert [(e["actor"], e["kind"]) for e in events] == [
            ("eve", "complete"),
            ("eve", "claim"),
            ("bob", "claim"),
            ("bob", "create"),
        ]
        assert events[1]["changes"]["claimed_by"] == ["bob", "eve"]


MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d[0-9:.]*(?:Z|[+-]\d\d:?\d\d)?")


async def test_every_answer_writes_a_moment_one_way(database: Any) -> None:
    """UTC, 'T', microseconds when there are any, 'Z': in fields, in history's changes, in
    messages and in resources alike (they were …Z, +00:00 and 18:03Z)."""
    answers: list[str] = []
    async with named(database, "ann") as ann, named(database, "bob") as bob:

        async def answer(client: Client, tool: str, **arguments: Any) -> None:
            result = await client.call_tool(tool, arguments, raise_on_error=False)
            answers.append(json.dumps(result.structured_content) + result.content[0].text)

        await answer(ann, "add_task", title="a", due_date="2026-12-05")
        await answer(ann, "claim_task", task_id=1)
        await answer(bob, "claim_task", task_id=1)  # refused: held by ann until …
        await answer(bob, "update_task", task_id=1, title="b")  # refused likewise
        await answer(bob, "next_task", claim=True)  # no task is free: … until …
        await answer(ann, "add_note", task_id=1, text="n")
        await answer(ann, "complete_task", task_id=1)
        await answer(ann, "task_history", task_id=1)
        await answer(ann, "delete_task", task_id=1)
        answers.append((await ann.read_resource("trash://all"))[0].text)
        await answer(ann, "restore_task", task_id=1)
        answers.append((await ann.read_resource("tasks://1"))[0].text)
    found = [m for text in answers for m in MOMENT.findall(text)]
    assert len(found) > 20
    assert [m for m in found if not re.fullmatch(r"[\d-]{10}T\d\d:\d\d:\d\d(\.\d{6})?Z", m)] == []


async def test_when_ids_are_used_up_the_answer_says_so_and_how_to_go_on(
    database: Any, engine: Engine
) -> None:
    async with named(database, "ann") as ann:
        await call(ann, "add_task", title="imported with the last id")
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE tasks SET id = {ID_MAX}"))
            if engine.dialect.name == "postgresql":  # where the next id comes from
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('tasks', 'id'), {ID_MAX})")
                )
        for tool, arguments in [
            ("add_task", {"title": "one more"}),
            ("add_tasks", {"tasks": [{"title": "one more"}]}),
        ]:
            assert await refusal(ann, tool, **arguments) == str(IdsUsedUp())
        assert str(IdsUsedUp()).startswith(
            "Task ids are used up: the largest one, 9007199254740991"
        )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM tasks")).scalars().all() == [ID_MAX]
