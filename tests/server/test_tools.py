"""The MCP surface through fastmcp's in-memory Client against a real SQLite file."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.operations.cursors import encode_cursor
from task_tracker.schemas import PAGE_CHAR_BUDGET, Total

pytestmark = pytest.mark.anyio


async def call(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error
    assert result.structured_content is not None
    return result.structured_content


async def error_of(client: Client, name: str, **arguments: Any) -> str:
    result = await client.call_tool(name, arguments, raise_on_error=False)
    assert result.is_error, f"{name} should have failed"
    message = result.content[0].text
    assert "Traceback" not in message
    return message


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def rows(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()


async def test_add_task_returns_the_stored_task(client: Client) -> None:
    task = await call(
        client,
        "add_task",
        title=" Ship v1 ",
        description="tag and publish",
        priority="high",
        tags=["Release"],
        due_date="2026-12-01",
    )
    assert task["id"] == 1
    assert {k: task[k] for k in ("title", "status", "priority", "tags", "due_date", "version")} == {
        "title": "Ship v1",
        "status": "pending",
        "priority": "high",
        "tags": ["release"],
        "due_date": "2026-12-01",
        "version": 1,
    }
    assert (task["completed_at"], task["project"], task["parent_id"]) == (None, None, None)
    shown = await call(client, "get_task", task_id=1)
    assert [(e["version"], e["kind"]) for e in shown.pop("history")] == [(1, "create")]
    assert shown == task | {
        "criteria": [],
        "defer_until": None,
        "repeat": None,
        "links": {},
        "review": None,
        "submitted_by": None,
        "parent": None,
        "subtasks": [],
        "depends_on": [],
        "blocks": [],
        "ready": True,
        "claimed_by": None,
        "claimed_until": None,
        "paths": [],
        "notes": [],
    }


async def test_unknown_id_is_an_actionable_error(client: Client) -> None:
    for tool in ("get_task", "complete_task", "delete_task"):
        message = await error_of(client, tool, task_id=42)
        assert message == "Task 42 not found. Use list_tasks or search_tasks to find existing ids."
    message = await error_of(client, "update_task", task_id=42, title="x")
    assert message.startswith("Task 42 not found.")


INVALID = "Invalid arguments for add_task; nothing was changed. Fix these and call again:\n"
BAD_TAG = "is not a valid tag; use one word without spaces, commas or control characters"


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ({"title": ""}, INVALID + "title: must not be empty"),
        ({"title": "x" * 201}, INVALID + "title: is 201 characters long; at most 200 are allowed"),
        ({"title": "   "}, "title must contain at least one non-space character."),
        (
            {"title": "x", "priority": "urgent"},
            INVALID + "priority: 'urgent' is not allowed; use one of 'low', 'medium' or 'high'",
        ),
        (
            {"title": "x", "status": "done"},
            INVALID
            + "status: 'done' is not allowed; use one of 'pending', 'in_progress', 'in_review', "
            "'complete' or 'cancelled'",
        ),
        (
            {"title": "x", "due_date": "2026-02-30"},
            INVALID + "due_date: '2026-02-30' is not a date; use YYYY-MM-DD",
        ),
        (
            {"title": "x", "due_date": "tomorrow"},
            INVALID + "due_date: 'tomorrow' is not a date; use YYYY-MM-DD",
        ),
        (
            {"title": "x", "tags": ["ok", "has space", "nul\x00"]},
            INVALID + f"tags[1]: 'has space' {BAD_TAG}\ntags[2]: 'nul\\x00' {BAD_TAG}",
        ),
        (
            {"title": "x", "tags": [f"t{i}" for i in range(21)]},
            INVALID + "tags: has too many items; at most 20 are allowed",
        ),
        (
            {"title": "x", "description": "d" * 10_001},
            INVALID + "description: is 10001 characters long; at most 10000 are allowed",
        ),
        ({"title": "x", "extra": 1}, INVALID + "extra: unexpected keyword argument"),
        ({}, INVALID + "title: missing required argument"),
    ],
)
async def test_invalid_add_is_refused_and_changes_nothing(
    client: Client, db_path: Path, arguments: dict[str, Any], expected: str
) -> None:
    assert await error_of(client, "add_task", **arguments) == expected
    assert rows(db_path) == []


async def test_update_conflict_and_partial_update(client: Client, db_path: Path) -> None:
    await call(client, "add_task", title="draft", description="body", tags=["a"])
    updated = await call(client, "update_task", task_id=1, title="final", expected_version=1)
    assert (updated["title"], updated["description"], updated["tags"], updated["version"]) == (
        "final",
        "body",
        ["a"],
        2,
    )
    before = rows(db_path)
    message = await error_of(client, "update_task", task_id=1, title="lost", expected_version=1)
    assert message.startswith("Task 1 was changed by someone else: you expected version 1")
    assert "expected_version=2" in message
    assert rows(db_path) == before


async def test_due_date_set_and_clear(client: Client) -> None:
    await call(client, "add_task", title="x", due_date="2026-05-01")
    both = await error_of(
        client, "update_task", task_id=1, due_date="2026-06-01", clear_due_date=True
    )
    assert both == "Pass either due_date or clear_due_date, not both."
    cleared = await call(client, "update_task", task_id=1, clear_due_date=True)
    assert cleared["due_date"] is None


async def test_complete_twice_returns_same_task(client: Client) -> None:
    await call(client, "add_task", title="x")
    first = await call(client, "complete_task", task_id=1)
    second = await call(client, "complete_task", task_id=1)
    assert first == second
    assert first["status"] == "complete" and first["completed_at"] is not None


async def test_delete_returns_deleted_task(client: Client, db_path: Path) -> None:
    await call(client, "add_task", title="oops")
    deleted = await call(client, "delete_task", task_id=1)
    assert deleted["title"] == "oops"
    assert rows(db_path) == []
    assert (await call(client, "add_task", title="next"))["id"] == 2


async def test_list_pages_with_cursor_and_total(client: Client) -> None:
    for i in range(5):
        await call(client, "add_task", title=f"t{i}", tags=["odd" if i % 2 else "even"])
    page = await call(client, "list_tasks", limit=2)
    assert [t["id"] for t in page["tasks"]] == [1, 2]
    assert (page["total"], page["total_capped"]) == (5, False)
    assert page["next_cursor"] == encode_cursor("after", 2, Total(5))
    page = await call(client, "list_tasks", limit=2, cursor=page["next_cursor"])
    assert [t["id"] for t in page["tasks"]] == [3, 4]
    page = await call(client, "list_tasks", limit=2, cursor=page["next_cursor"])
    assert [t["id"] for t in page["tasks"]] == [5]
    assert page["next_cursor"] is None
    evens = await call(client, "list_tasks", tag="even")
    assert [t["id"] for t in evens["tasks"]] == [1, 3, 5] and evens["total"] == 3


async def test_later_pages_carry_the_first_pages_total(client: Client) -> None:
    for i in range(6):
        await call(
            client, "add_task", title=f"t{i}", tags=["work"], status=("pending", "complete")[i % 2]
        )
    first = await call(client, "list_tasks", tag="work", status="open", limit=2)
    assert ([t["id"] for t in first["tasks"]], first["total"]) == ([1, 3], 3)
    await call(client, "add_task", title="arrives meanwhile", tags=["work"])
    second = await call(
        client, "list_tasks", tag="work", status="open", limit=2, cursor=first["next_cursor"]
    )
    assert ([t["id"] for t in second["tasks"]], second["total"]) == ([5, 7], 3)  # not recounted
    fresh = await call(client, "list_tasks", tag="work", status="open", limit=2)
    assert fresh["total"] == 4
    # A cursor without a carried total (as issued before) still works and counts.
    old = await call(client, "list_tasks", tag="work", status="open", cursor=raw_cursor("after:3"))
    assert ([t["id"] for t in old["tasks"]], old["total"]) == ([5, 7], 4)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        raw_cursor("after:-1"),
        "x" * 101,
        encode_cursor("offset", 3, Total(5)),
        raw_cursor("after:1:2:3"),
        raw_cursor("after:1:2++"),
        raw_cursor("after:1+"),
        raw_cursor(f"after:1:{2**53}"),
    ],
)
async def test_bad_cursor_is_refused(client: Client, cursor: str) -> None:
    message = await error_of(client, "list_tasks", cursor=cursor)
    assert "cursor" in message


async def test_list_limit_bounds(client: Client) -> None:
    invalid = "Invalid arguments for list_tasks; nothing was changed. Fix these and call again:\n"
    assert await error_of(client, "list_tasks", limit=201) == (
        invalid + "limit: 201 is too large; use at most 200"
    )
    assert (
        await error_of(client, "list_tasks", limit=0)
        == invalid + "limit: 0 is too small; use 1 or more"
    )


async def test_list_shortens_long_descriptions_and_stays_within_budget(client: Client) -> None:
    for i in range(12):
        await call(client, "add_task", title=f"long {i}" + "x" * 190, description="d" * 10_000)
    page = await call(client, "list_tasks", limit=200)
    first = page["tasks"][0]
    assert first["description"] == "d" * 279 + "…"
    full = await call(client, "get_task", task_id=1)
    assert full["description"] == "d" * 10_000
    assert len(json.dumps(page)) <= PAGE_CHAR_BUDGET


async def test_all_tasks_resource_open_first_and_capped(client: Client) -> None:
    await call(client, "add_task", title="finished", status="complete")
    await call(client, "add_task", title="urgent", priority="high", due_date="2026-01-02")
    await call(client, "add_task", title="doing", status="in_progress", tags=["x"])
    contents = await client.read_resource("tasks://all")
    assert contents[0].text.splitlines() == [
        "#3 [in_progress] (medium) doing — tags: x",
        "#2 [pending] (high) urgent — due 2026-01-02",
        "#1 [complete] (medium) finished",
    ]


async def test_all_tasks_resource_says_what_was_left_out(client: Client) -> None:
    for i in range(103):
        await call(client, "add_task", title=f"t{i}")
    text = (await client.read_resource("tasks://all"))[0].text
    lines = text.splitlines()
    assert len(lines) == 101
    assert lines[-1] == (
        "… 3 more task(s) not shown. Use list_tasks (filters, pages) or search_tasks (words) "
        "to find them."
    )


async def test_task_resource(client: Client) -> None:
    added = await call(client, "add_task", title="one")
    contents = await client.read_resource("tasks://1")
    shown = json.loads(contents[0].text)
    assert [(e["version"], e["kind"]) for e in shown.pop("history")] == [(1, "create")]
    assert shown == added | {
        "criteria": [],
        "defer_until": None,
        "repeat": None,
        "links": {},
        "review": None,
        "submitted_by": None,
        "parent": None,
        "subtasks": [],
        "depends_on": [],
        "blocks": [],
        "ready": True,
        "claimed_by": None,
        "claimed_until": None,
        "paths": [],
        "notes": [],
        "subtree": [],
    }
    with pytest.raises(Exception, match="Task 7 not found"):
        await client.read_resource("tasks://7")


async def test_prompts_are_built_from_stored_tasks(client: Client) -> None:
    await call(client, "add_task", title="write tests", status="in_progress", tags=["dev"])
    await call(client, "add_task", title="old bug", due_date="2001-01-01")
    await call(client, "add_task", title="shipped", tags=["dev"])
    await call(client, "complete_task", task_id=3)
    standup = (await client.get_prompt("daily_standup", {})).messages[0].content.text
    assert "## Completed in the last 24h\n#3 [complete] (medium) shipped — tags: dev" in standup
    assert "## In progress\n#1 [in_progress] (medium) write tests — tags: dev" in standup
    assert "## Overdue\n#2 [pending] (medium) old bug — due 2001-01-01" in standup
    dev_only = (await client.get_prompt("daily_standup", {"tag": "dev"})).messages[0].content.text
    assert "old bug" not in dev_only and "write tests" in dev_only
    review = (await client.get_prompt("review_tasks", {})).messages[0].content.text
    assert "Review these open tasks (2 in all)" in review
    assert "#1 [in_progress]" in review and "shipped" not in review


async def test_one_odd_row_never_fails_a_page_resource_or_prompt(
    client: Client, db_path: Path
) -> None:
    await call(client, "add_task", title="fine")
    with sqlite3.connect(db_path) as conn:  # written around the constraints, as a person could
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(
            "INSERT INTO tasks (title, status, created_at, updated_at, tags) "
            "VALUES ('odd', 'weird', 'yesterday', 'never', '[]')"
        )
    page = await call(client, "list_tasks")
    assert [(t["id"], t["title"], t["status"]) for t in page["tasks"]] == [
        (1, "fine", "pending"),
        (2, "odd", "pending"),
    ]
    assert page["tasks"][1]["created_at"] == "1970-01-01T00:00:00Z"
    overview = (await client.read_resource("tasks://all"))[0].text
    assert "#2 [weird] (medium) odd" in overview
    standup = await client.get_prompt("daily_standup")
    assert "fine" in standup.messages[0].content.text


@pytest.mark.parametrize(
    ("tool", "arguments", "named"),
    [
        ("add_task", {"title": "a\x00b"}, "title"),
        ("add_task", {"title": "ok", "description": "x\x00"}, "description"),
        ("search_tasks", {"query": "alpha\x00"}, "query"),
        ("update_task", {"task_id": 1, "title": "\x00"}, "title"),
        ("add_note", {"task_id": 1, "text": "note\x00"}, "text"),
        ("save_project", {"name": "P\x00"}, "name"),
        ("add_tasks", {"tasks": [{"title": "fine"}, {"title": "b\x00d"}]}, "tasks[1].title"),
    ],
)
async def test_nul_in_any_text_is_refused_alike_on_both_databases(
    database: Any, tool: str, arguments: dict[str, Any], named: str
) -> None:
    from task_tracker.server.app import build_server

    async with Client(build_server(database, toolsets=("all",))) as client:
        await call(client, "add_task", title="alpha")
        result = await client.call_tool(tool, arguments, raise_on_error=False)
        assert result.is_error
        assert result.content[0].text == (
            f"{named}: contains a NUL character (\\x00), which no text may hold; remove it and "
            "call again. Nothing was changed."
        )
        listed = await call(client, "list_tasks")
        assert [(t["id"], t["title"], t["version"]) for t in listed["tasks"]] == [(1, "alpha", 1)]
