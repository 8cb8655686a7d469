"""Totals: exact where they are cheap, capped at COUNT_CAP (and saying so) where counting would
read every match, and carried by cursors so later pages never count again."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.schemas import COUNT_CAP

pytestmark = pytest.mark.anyio
STAMP = "2026-01-01T00:00:00.000000+00:00"


async def call(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content
    return result.structured_content


def insert(db_path: Path, count: int, *, title: str, priority: str, tags: str) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO tasks (title, priority, tags, created_at, updated_at)"
            f" VALUES (?, ?, ?, '{STAMP}', '{STAMP}')",
            [(f"{title} {i}", priority, tags) for i in range(count)],
        )


def cursor_text(cursor: str) -> str:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()


async def all_pages(client: Client, tool: str, key: str, **arguments: Any) -> list[dict]:
    """Every page; each later page must repeat the first page's total."""
    first = await call(client, tool, **arguments)
    pages, page = [first], first
    while page["next_cursor"]:
        page = await call(client, tool, **arguments, cursor=page["next_cursor"])
        assert (page["total"], page["total_capped"]) == (first["total"], first["total_capped"])
        pages.append(page)
    return pages


async def test_list_totals_are_capped_only_where_counting_is_not_cheap(
    client: Client, db_path: Path
) -> None:
    insert(db_path, COUNT_CAP + 5, title="hot", priority="high", tags='["x"]')
    insert(db_path, 3, title="cold", priority="low", tags='["y"]')
    every = COUNT_CAP + 8
    # Status alone (and no filter) is counted exactly from the trigger-kept counts.
    for status in ("all", "open", "pending"):
        page = await call(client, "list_tasks", status=status, limit=1)
        assert (page["total"], page["total_capped"]) == (every, False)
    assert (await call(client, "list_tasks", status="complete"))["total"] == 0
    # Other filters count up to COUNT_CAP.
    for arguments in ({"priority": "high"}, {"tag": "x"}, {"tag": "x", "status": "open"}):
        page = await call(client, "list_tasks", limit=100, **arguments)
        assert (page["total"], page["total_capped"]) == (COUNT_CAP, True), arguments
        assert cursor_text(page["next_cursor"]) == f"after:100:{COUNT_CAP}+"
    # Under the cap they are exact, also when the matches fill more than one page.
    page = await call(client, "list_tasks", priority="low", limit=2)
    assert (page["total"], page["total_capped"]) == (3, False)
    assert cursor_text(page["next_cursor"]) == f"after:{COUNT_CAP + 7}:3"


async def test_capped_list_pages_still_reach_every_task(client: Client, db_path: Path) -> None:
    insert(db_path, COUNT_CAP + 5, title="hot", priority="high", tags='["x"]')
    insert(db_path, 2, title="cold", priority="low", tags='["x"]')
    pages = await all_pages(client, "list_tasks", "tasks", priority="high", limit=200)
    ids = [task["id"] for page in pages for task in page["tasks"]]
    assert ids == list(range(1, COUNT_CAP + 6))
    assert (pages[0]["total"], pages[0]["total_capped"]) == (COUNT_CAP, True)


async def test_search_totals(client: Client, db_path: Path) -> None:
    insert(db_path, COUNT_CAP, title="middling", priority="high", tags="[]")
    insert(db_path, COUNT_CAP + 1, title="plenty", priority="low", tags="[]")
    # Up to COUNT_CAP matches: counted exactly.
    page = await call(client, "search_tasks", query="middling", limit=50)
    assert (page["total"], page["total_capped"]) == (COUNT_CAP, False)
    assert cursor_text(page["next_cursor"]) == f"offset:50:{COUNT_CAP}"
    # More than the window holds: capped, with or without a filter.
    for arguments in ({}, {"status": "open"}, {"priority": "low"}):
        page = await call(client, "search_tasks", query="plenty", **arguments)
        assert (page["total"], page["total_capped"]) == (COUNT_CAP, True), arguments
    # A filter that leaves few: exact.
    page = await call(client, "search_tasks", query="plenty", priority="high")
    assert (page["total"], page["total_capped"], page["results"]) == (0, False, [])


async def test_search_pages_carry_the_total(client: Client, db_path: Path) -> None:
    insert(db_path, 120, title="carried", priority="high", tags="[]")
    pages = await all_pages(client, "search_tasks", "results", query="carried", limit=50)
    assert [len(page["results"]) for page in pages] == [50, 50, 20]
    ids = sorted(hit["id"] for page in pages for hit in page["results"])
    assert ids == list(range(1, 121))
    assert (pages[0]["total"], pages[0]["total_capped"]) == (120, False)
