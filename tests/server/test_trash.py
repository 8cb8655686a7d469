"""Trash and undo: delete moves a task (with its subtasks and dependencies) to the trash,
restore_task brings it back, permanent deletes ask the person (elicitation) or need
confirm=true, and the trash empties itself after its period."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import FastMCPTransport
from mcp.types import INTERNAL_ERROR, ElicitResult, ErrorData

from task_tracker.server.app import build_server
from tests.server.calls import call, refusal
from tests.sql import by_hand

pytestmark = pytest.mark.anyio


@pytest.fixture
async def full(database: Any) -> AsyncIterator[Client]:
    async with Client(build_server(database, toolsets=("all",))) as c:
        yield c


one = by_hand


async def test_delete_goes_to_the_trash_and_restore_brings_it_all_back(
    full: Client, database: Any
) -> None:
    parent = await call(full, "add_task", title="move house", tags=["home"])
    child = await call(full, "add_task", title="pack", parent_id=parent["id"])
    other = await call(full, "add_task", title="book van", depends_on=[child["id"]])
    deleted = await call(full, "delete_task", task_id=parent["id"], with_subtasks=True)
    assert deleted["title"] == "move house"
    assert (await call(full, "list_tasks"))["tasks"][0]["title"] == "book van"
    assert (await call(full, "list_tasks"))["total"] == 1
    assert (await call(full, "search_tasks", query="pack"))["results"] == []
    assert await refusal(full, "get_task", task_id=child["id"]) == (
        f"Task {child['id']} not found: it is in the trash. restore_task({child['id']}) "
        "brings it back; list_tasks or search_tasks find the others."
    )
    assert (await call(full, "get_task", task_id=other["id"]))["depends_on"] == []
    kept = await call(full, "task_history", task_id=child["id"])  # history stays in the trash
    assert [e["kind"] for e in kept["events"]] == ["delete", "create"]
    back = await call(full, "restore_task", task_id=child["id"])  # any task of the entry
    assert (back["id"], back["title"], back["left_out"]) == (child["id"], "pack", [])
    assert back["parent"]["id"] == parent["id"]
    assert [e["kind"] for e in back["history"]][:2] == ["restore", "delete"]
    again = await call(full, "get_task", task_id=other["id"])
    assert [d["id"] for d in again["depends_on"]] == [child["id"]]
    assert (await call(full, "search_tasks", query="pack"))["total"] == 1
    assert one(
        database, "SELECT status, sum(n) FROM task_counts WHERE status = 'pending' GROUP BY status"
    ) == [("pending", 3)]
    assert one(database, "SELECT count(*) FROM trash") == [(0,)]
    assert await refusal(full, "restore_task", task_id=child["id"]) == (
        f"Task #{child['id']} is not in the trash: there is nothing to restore."
    )


async def test_restored_task_whose_dependency_was_purged(full: Client, database: Any) -> None:
    needed = await call(full, "add_task", title="needed")
    waiting = await call(full, "add_task", title="waiting", depends_on=[needed["id"]])
    await call(full, "delete_task", task_id=waiting["id"])
    await call(full, "delete_task", task_id=needed["id"], permanent=True, confirm=True)
    back = await call(full, "restore_task", task_id=waiting["id"])
    assert back["left_out"] == [f"#{waiting['id']} depended on #{needed['id']}, which is gone"]
    assert (back["depends_on"], back["ready"]) == ([], True)


async def test_permanent_needs_confirm_without_elicitation(full: Client, database: Any) -> None:
    task = await call(full, "add_task", title="mistake")
    assert await refusal(full, "delete_task", task_id=task["id"], permanent=True) == (
        f"Deleting task #{task['id']} for good cannot be undone: ask the person, then call "
        "again with confirm=true, or leave out permanent to move it to the trash."
    )
    assert one(database, "SELECT count(*) FROM tasks") == [(1,)]
    await call(full, "delete_task", task_id=task["id"], permanent=True, confirm=True)
    assert one(database, "SELECT count(*) FROM tasks") == [(0,)]
    assert one(database, "SELECT count(*) FROM task_events") == [(0,)]  # history went too
    trashed = await call(full, "add_task", title="in the trash")
    await call(full, "delete_task", task_id=trashed["id"])
    await call(full, "delete_task", task_id=trashed["id"], permanent=True, confirm=True)
    assert one(database, "SELECT count(*) FROM trash") == [(0,)]
    assert one(database, "SELECT count(*) FROM task_events") == [(0,)]


@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["handshake", "2026-07-28"])
@pytest.mark.parametrize(
    ("answer", "deleted"),
    [(True, True), (False, False), (ElicitResult(action="decline"), False)],
    ids=["accepted", "said-no", "declined"],
)
async def test_permanent_asks_the_person_through_the_client(
    database: Any, answer: Any, deleted: bool, mode: Any
) -> None:
    asked: list[str] = []

    async def handler(message: str, response_type: Any, params: Any, context: Any) -> Any:
        asked.append(message)
        return answer

    server = build_server(database)
    # Handshake era: the server asks by a request of its own. 2026-07-28: the call's first
    # round returns the question, and the client calls again with the answer.
    async with Client(server, elicitation_handler=handler, mode=mode) as client:
        task = await call(client, "add_task", title="really?")
        result = await client.call_tool(
            "delete_task", {"task_id": task["id"], "permanent": True}, raise_on_error=False
        )
    assert asked == [f"Delete task #{task['id']} for good? It cannot be restored afterwards."]
    assert result.is_error is not deleted
    if not deleted:
        assert result.content[0].text == (
            f"Task #{task['id']} was not deleted: the person did not confirm. Leave out "
            "permanent to move it to the trash instead."
        )
    assert one(database, "SELECT count(*) FROM tasks") == [(0,) if deleted else (1,)]
    assert one(database, "SELECT count(*) FROM trash") == [(0,)]


ASKED_BUT_NO = (
    "Task #1 was not deleted: the person did not confirm. Leave out permanent to move it to "
    "the trash instead."
)
NOT_ASKED = (
    "Deleting task #1 for good cannot be undone: ask the person, then call again with "
    "confirm=true, or leave out permanent to move it to the trash."
)


@pytest.mark.parametrize(
    ("reply", "confirm", "deleted", "message"),
    [
        (ElicitResult(action="accept", content={"value": "yes"}), False, False, ASKED_BUT_NO),
        (ElicitResult(action="accept", content={"value": 1}), True, False, ASKED_BUT_NO),
        (ElicitResult(action="accept", content={}), False, False, ASKED_BUT_NO),
        (ErrorData(code=INTERNAL_ERROR, message="no UI"), False, False, NOT_ASKED),
        (ErrorData(code=INTERNAL_ERROR, message="no UI"), True, True, None),
    ],
    ids=["yes-as-text", "one", "no-value", "error-reply", "error-reply-with-confirm"],
)
async def test_only_the_forms_boolean_true_is_consent(
    database: Any, reply: Any, confirm: bool, deleted: bool, message: str | None
) -> None:
    """The official SDK's client session, answering as a client may: text or a number for
    the boolean, or an error instead of an answer (the client cannot ask after all)."""

    async def answer(context: Any, params: Any) -> Any:
        return reply

    transport = FastMCPTransport(build_server(database))
    async with transport.connect_session(elicitation_callback=answer) as session:
        await session.initialize()
        await session.call_tool("add_task", {"title": "really?"})
        arguments = {"task_id": 1, "permanent": True, "confirm": confirm}
        result = await session.call_tool("delete_task", arguments)
    assert result.is_error is not deleted
    if message is not None:
        assert result.content[0].text == message
    assert one(database, "SELECT count(*) FROM tasks") == [(0,) if deleted else (1,)]


async def test_the_trash_empties_itself_after_its_period(full: Client, database: Any) -> None:
    old = await call(full, "add_task", title="long ago")
    await call(full, "delete_task", task_id=old["id"])
    one(database, "UPDATE trash SET deleted_at = '2020-01-01T00:00:00.000000+00:00'")
    recent = await call(full, "add_task", title="just now")
    await call(full, "delete_task", task_id=recent["id"])  # each delete purges what expired
    assert one(database, "SELECT task_id FROM trash") == [(recent["id"],)]
    assert one(database, "SELECT DISTINCT task_id FROM task_events") == [(recent["id"],)]


@pytest.mark.parametrize("mode", ["legacy", "auto"], ids=["handshake", "2026-07-28"])
async def test_a_client_that_cannot_be_asked_needs_confirm(database: Any, mode: Any) -> None:
    async with Client(build_server(database), mode=mode) as client:  # no elicitation handler
        task = await call(client, "add_task", title="keep me")
        text = await refusal(client, "delete_task", task_id=task["id"], permanent=True)
    assert text.endswith(
        "call again with confirm=true, or leave out permanent to move it to the trash."
    )
    assert one(database, "SELECT count(*) FROM tasks") == [(1,)]


async def test_notes_are_a_log_in_the_history_and_come_back_from_the_trash(
    full: Client, database: Any
) -> None:
    task = await call(full, "add_task", title="flaky test")
    await call(full, "add_note", task_id=task["id"], text="  retried 3 times: passes  ")
    shown = await call(full, "add_note", task_id=task["id"], text="see PR #12", agent="bot")
    assert [(e["kind"], e["actor"], e["changes"]) for e in shown["history"][:2]] == [
        ("note", "bot", {"note": [None, "see PR #12"]}),
        ("note", shown["history"][1]["actor"], {"note": [None, "retried 3 times: passes"]}),
    ]
    assert await refusal(full, "add_note", task_id=task["id"], text="   ") == (
        "text must contain at least one non-space character."
    )
    assert (await refusal(full, "add_note", task_id=99, text="x")).startswith("Task 99 not")
    await call(full, "delete_task", task_id=task["id"])
    assert one(database, "SELECT count(*) FROM task_notes") == [(0,)]
    await call(full, "restore_task", task_id=task["id"])
    assert one(database, "SELECT text FROM task_notes ORDER BY id") == [
        ("retried 3 times: passes",),
        ("see PR #12",),
    ]
    kinds = [e["kind"] for e in (await call(full, "task_history", task_id=task["id"]))["events"]]
    assert kinds == ["restore", "delete", "note", "note", "create"]  # no note event twice


async def test_trash_resource_lists_what_can_be_restored(full: Client, database: Any) -> None:
    async def trash() -> str:
        return (await full.read_resource("trash://all"))[0].text

    assert await trash() == "The trash is empty."
    parent = await call(full, "add_task", title="move house")
    for title in ("pack", "clean"):
        await call(full, "add_task", title=title, parent_id=parent["id"])
    lone = await call(full, "add_task", title="old idea")
    await call(full, "delete_task", task_id=parent["id"], with_subtasks=True)
    await call(full, "delete_task", task_id=lone["id"])
    one(database, "UPDATE trash SET deleted_at = '2026-11-01T09:30:00.000000+00:00'")
    one(database, "UPDATE trash SET deleted_by = NULL WHERE task_id = :id", id=lone["id"])
    actor = one(database, "SELECT deleted_by FROM trash ORDER BY id")[0][0]
    assert await trash() == (
        f"#{lone['id']} old idea — deleted 2026-11-01T09:30:00Z, purged after 2026-12-01\n"
        f"#{parent['id']} move house (with 2 subtask(s)) — deleted 2026-11-01T09:30:00Z "
        f"by {actor}, purged after 2026-12-01\n"
        "Bring one back with restore_task(task_id) (the teamwork toolset), or a person with "
        "`task-tracker restore ID`."
    )
    await call(full, "restore_task", task_id=lone["id"])
    assert (await trash()).startswith(f"#{parent['id']} move house")
