"""next_task: the best open tasks, in the documented order, each with its reason."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.schemas import local_today

pytestmark = pytest.mark.anyio


async def call(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def test_in_progress_then_priority_then_due_then_oldest(
    client: Client, db_path: Path
) -> None:
    today = local_today()
    late, soon = (today - timedelta(days=3)).isoformat(), (today + timedelta(days=2)).isoformat()
    for title, fields in [
        ("done", {"status": "complete", "priority": "high"}),
        ("low undated", {"priority": "low"}),
        ("high undated", {"priority": "high"}),
        ("high due soon", {"priority": "high", "due_date": soon}),
        ("high overdue", {"priority": "high", "due_date": late}),
        ("medium doing", {"priority": "medium", "status": "in_progress"}),
        ("high due today", {"priority": "high", "due_date": today.isoformat()}),
        ("high undated later", {"priority": "high"}),
    ]:
        await call(client, "add_task", title=title, **fields)
    with sqlite3.connect(db_path) as conn:  # a known creation day for the reason
        conn.execute("UPDATE tasks SET created_at = '2026-01-02T03:04:05.000000+00:00'")
    page = await call(client, "next_task", limit=10)
    assert [t["title"] for t in page["tasks"]] == [
        "medium doing",
        "high overdue",
        "high due today",
        "high due soon",
        "high undated",
        "high undated later",
        "low undated",
    ]
    assert [t["reason"] for t in page["tasks"][:4]] == [
        "in progress, medium priority, no due date, open since 2026-01-02",
        f"pending, high priority, overdue since {late}, open since 2026-01-02",
        "pending, high priority, due today, open since 2026-01-02",
        f"pending, high priority, due {soon}, open since 2026-01-02",
    ]
    assert page["message"] is None
    assert [t["title"] for t in (await call(client, "next_task"))["tasks"]] == [
        "medium doing",
        "high overdue",
        "high due today",
    ]


async def test_tags_narrow_it_and_nothing_open_says_so(client: Client) -> None:
    await call(client, "add_task", title="home chore", tags=["home"])
    await call(client, "add_task", title="work item", tags=["work", "urgent"])
    page = await call(client, "next_task", tag="urgent,work")
    assert [t["title"] for t in page["tasks"]] == ["work item"]
    empty = await call(client, "next_task", tag="garden")
    assert empty == {
        "tasks": [],
        "message": "No task tagged garden is ready: none is open, or each waits on its open "
        "subtasks. Add one with add_task, or see list_tasks(status='open').",
    }


async def test_limit_is_bounded_in_the_schema(client: Client) -> None:
    result = await client.call_tool("next_task", {"limit": 11}, raise_on_error=False)
    assert result.is_error
    assert result.content[0].text.endswith("limit: 11 is too large; use at most 10")
