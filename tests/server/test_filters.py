"""list_tasks' date shorthands and several tags, through the MCP client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.schemas import local_today

pytestmark = pytest.mark.anyio


async def call(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def titles(client: Client, **arguments: Any) -> list[str]:
    return [task["title"] for task in (await call(client, "list_tasks", **arguments))["tasks"]]


async def test_due_shorthands_use_the_servers_date(client: Client) -> None:
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    dated = {
        "yesterday": today - timedelta(days=1),
        "done yesterday": today - timedelta(days=1),
        "today": today,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "in two weeks": today + timedelta(days=14),
    }
    for title, due in dated.items():
        status = "complete" if title.startswith("done") else "pending"
        await call(client, "add_task", title=title, due_date=due.isoformat(), status=status)
    await call(client, "add_task", title="undated")
    # overdue: before today and not complete, unless a status is asked for
    overdue = [t for t, d in dated.items() if d < today and not t.startswith("done")]
    assert await titles(client, due="overdue") == overdue
    assert await titles(client, due="overdue", status="complete") == ["done yesterday"]
    assert await titles(client, due="today") == ["today"]
    this_week = [t for t, d in dated.items() if monday <= d <= monday + timedelta(days=6)]
    assert await titles(client, due="this_week") == this_week
    # with explicit bounds too: the narrower of each
    assert await titles(client, due="this_week", due_after=today.isoformat()) == [
        t for t in this_week if dated[t] > today
    ]


async def test_due_after_and_before_are_exclusive(client: Client) -> None:
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        await call(client, "add_task", title=day, due_date=day)
    assert await titles(client, due_after="2026-03-01", due_before="2026-03-03") == ["2026-03-02"]
    assert await titles(client, due_after="2026-03-01") == ["2026-03-02", "2026-03-03"]


async def test_several_tags_mean_all_of_them(client: Client) -> None:
    await call(client, "add_task", title="both", tags=["Work", "urgent"])
    await call(client, "add_task", title="work only", tags=["work"])
    await call(client, "add_task", title="urgent only", tags=["urgent", "later"])
    assert await titles(client, tag="work,urgent") == ["both"]
    assert await titles(client, tag="URGENT,work") == ["both"]  # any order, any case
    assert await titles(client, tag="urgent") == ["both", "urgent only"]
    page = await call(client, "list_tasks", tag="work,urgent,later")
    assert (page["tasks"], page["total"], page["total_capped"]) == ([], 0, False)


@pytest.mark.parametrize("tag", ["a,b,c,d,e,f", "a b", "a,,b", ",a", "x" * 41])
async def test_a_bad_tag_filter_says_what_to_send(client: Client, tag: str) -> None:
    result = await client.call_tool("list_tasks", {"tag": tag}, raise_on_error=False)
    assert result.is_error
    assert result.content[0].text == (
        "Invalid arguments for list_tasks; nothing was changed. Fix these and call again:\n"
        f"tag: {tag!r} is not a tag filter; use one tag, or up to 5 joined by commas (a,b), "
        "each 1-40 characters without spaces or control characters"
    )
