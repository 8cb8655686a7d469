"""History through the tools: get_task's last changes and task_history's pages, each change
with the client that made it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.server.app import build_server
from tests.server.calls import call
from tests.sql import by_hand

pytestmark = pytest.mark.anyio


@pytest.fixture
async def alice(database: Any) -> AsyncIterator[Client]:
    server = build_server(database, toolsets=("all",))
    async with Client(server, client_info=Implementation(name="alice", version="1")) as c:
        yield c


async def test_get_task_shows_the_last_changes_and_history_pages_through_all(
    alice: Client,
) -> None:
    task = await call(alice, "add_task", title="ship")
    for priority in ("high", "low", "medium"):
        await call(alice, "update_task", task_id=task["id"], priority=priority)
    await call(alice, "claim_task", task_id=task["id"], agent="release-bot")
    shown = await call(alice, "get_task", task_id=task["id"])
    assert [(e["version"], e["actor"], e["kind"]) for e in shown["history"]] == [
        (5, "release-bot", "claim"),
        (4, "alice", "update"),
        (3, "alice", "update"),
    ]
    assert shown["history"][1]["changes"] == {"priority": ["low", "medium"]}
    first = await call(alice, "task_history", task_id=task["id"], limit=2)
    second = await call(alice, "task_history", task_id=task["id"], cursor=first["next_cursor"])
    kinds = [e["kind"] for e in first["events"] + second["events"]]
    assert kinds == ["claim", "update", "update", "update", "create"]
    assert second["next_cursor"] is None
    missing = await alice.call_tool("task_history", {"task_id": 99}, raise_on_error=False)
    assert missing.is_error
    assert missing.content[0].text.startswith("Task 99 not found.")


async def test_revert_gives_back_an_earlier_version_as_a_new_one(
    alice: Client, database: Any
) -> None:
    parent = await call(alice, "add_task", title="epic")
    task = await call(
        alice, "add_task", title="draft", tags=["a"], due_date="2026-12-01", parent_id=parent["id"]
    )
    await call(
        alice,
        "update_task",
        task_id=task["id"],
        title="final",
        tags=[],
        clear_due_date=True,
        parent_id=0,
        project="Site",
        create_project=True,
        priority="high",
    )
    await call(alice, "complete_task", task_id=task["id"])
    back = await call(alice, "revert_task", task_id=task["id"], version=1)
    assert {k: back[k] for k in ("title", "tags", "due_date", "parent_id", "project")} == {
        "title": "draft",
        "tags": ["a"],
        "due_date": "2026-12-01",
        "parent_id": parent["id"],
        "project": None,
    }
    assert (back["status"], back["priority"], back["completed_at"], back["version"]) == (
        "pending",
        "medium",
        None,
        4,
    )
    assert [(e["version"], e["kind"]) for e in back["history"]] == [
        (4, "revert"),
        (3, "complete"),
        (2, "update"),
    ]
    assert back["history"][0]["actor"] == "alice"
    again = await call(alice, "revert_task", task_id=task["id"], version=3)
    assert (again["title"], again["status"], again["version"]) == ("final", "complete", 5)
    missing = await alice.call_tool(
        "revert_task", {"task_id": task["id"], "version": 9}, raise_on_error=False
    )
    assert missing.content[0].text == (
        f"Task #{task['id']} has no version 9 to go back to (its history starts at version 1; "
        "see task_history for the versions there are)."
    )
    stale = await alice.call_tool(
        "revert_task",
        {"task_id": task["id"], "version": 1, "expected_version": 4},
        raise_on_error=False,
    )
    assert stale.is_error and "expected version 4, it is now version 5" in stale.content[0].text


def dependency_events(events: list[dict]) -> list[tuple[str | None, str, list]]:
    return [
        (e["actor"], e["kind"], e["changes"]["depends_on"])
        for e in events
        if "depends_on" in e["changes"]
    ]


async def test_dependencies_added_and_removed_are_events_of_the_dependent(
    alice: Client, database: Any
) -> None:
    a, b, c = [(await call(alice, "add_task", title=t))["id"] for t in ("a", "b", "c")]
    task = await call(alice, "add_task", title="d", depends_on=[a, b])
    await call(alice, "update_task", task_id=task["id"], depends_on=[b, c])
    await call(alice, "delete_task", task_id=c)  # to the trash: the dependency goes with it
    await call(alice, "restore_task", task_id=c)  # and comes back
    by_hand(database, "DELETE FROM task_dependencies WHERE depends_on_id = :b", b=b)  # no actor
    history = await call(alice, "task_history", task_id=task["id"], limit=50)
    assert dependency_events(history["events"][::-1]) == [
        ("alice", "update", [None, a]),
        ("alice", "update", [None, b]),
        ("alice", "update", [a, None]),
        ("alice", "update", [None, c]),
        ("alice", "update", [c, None]),
        ("alice", "restore", [None, c]),
        (None, "update", [b, None]),
    ]
    # None of these changed the task's own fields: every event is at its first version.
    # The update is version 2, and its dependency events are too; what happens to a
    # dependency (the trash, a hand edit) is recorded at the version the task has.
    assert [e["version"] for e in history["events"][::-1]] == [1, 1, 1, 2, 2, 2, 2, 2]
    # The trashed task's own dependency rows left with it, as part of its 'delete' event.
    assert [e["kind"] for e in (await call(alice, "task_history", task_id=c))["events"]] == [
        "restore",
        "delete",
        "create",
    ]


async def test_get_task_shows_the_last_five_notes_newest_first(alice: Client) -> None:
    task = await call(alice, "add_task", title="flaky")
    for n in range(7):
        await call(alice, "add_note", task_id=task["id"], text=f"try {n}", agent=f"a{n % 2}")
    shown = await call(alice, "get_task", task_id=task["id"])
    assert [(note["actor"], note["text"]) for note in shown["notes"]] == [
        ("a0", "try 6"),
        ("a1", "try 5"),
        ("a0", "try 4"),
        ("a1", "try 3"),
        ("a0", "try 2"),
    ]
    assert shown["notes"][0]["at"] >= shown["notes"][-1]["at"]
    bare = await call(alice, "get_task", task_id=(await call(alice, "add_task", title="x"))["id"])
    assert bare["notes"] == []
