"""At 100,000 tasks no tool or resource output exceeds 25,000 tokens (estimated as chars/4)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastmcp import Client

from task_tracker.migrate import upgrade_to_head
from task_tracker.schemas import COUNT_CAP
from task_tracker.server.app import build_server

pytestmark = pytest.mark.anyio

TASKS = 100_000
WORST_CASE = 300  # the first tasks are as large as the schema allows
MAX_TOKENS = 25_000
STAMP = "2026-01-01T00:00:00.000000+00:00"


def build_database(path: Path) -> None:
    upgrade_to_head(path)
    big_tags = json.dumps([f"{i:02d}" + "t" * 38 for i in range(20)])

    def rows():
        for i in range(1, TASKS + 1):
            if i <= WORST_CASE:
                yield (f"alpha {i} " + "x" * 200)[:200], "alpha " * 1666, big_tags
            else:
                yield f"alpha task {i}", f"some details for task {i}", '["bulk"]'

    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO tasks (title, description, tags, created_at, updated_at)"
            f" VALUES (?, ?, ?, '{STAMP}', '{STAMP}')",
            rows(),
        )


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "tasks.db"
    build_database(path)
    return path


@pytest.fixture
async def big_client(big_db: Path) -> AsyncIterator[Client]:
    async with Client(build_server(big_db)) as client:
        yield client


def tokens_of_result(result) -> int:
    chars = sum(len(c.text) for c in result.content)
    chars += len(json.dumps(result.structured_content, ensure_ascii=False))
    return chars // 4


@pytest.mark.parametrize(
    "tool, arguments",
    [
        ("list_tasks", {"limit": 200}),
        ("list_tasks", {"limit": 200, "tag": "bulk"}),
        ("search_tasks", {"query": "alpha", "limit": 50}),
        ("search_tasks", {"query": "alpha", "limit": 50, "status": "open"}),
    ],
)
async def test_tool_output_is_bounded(big_client: Client, tool: str, arguments: dict) -> None:
    result = await big_client.call_tool(tool, arguments)
    content = result.structured_content
    if "tag" in arguments or tool == "search_tasks":
        assert (content["total"], content["total_capped"]) == (COUNT_CAP, True)
    else:  # every task, counted exactly from the kept counts
        assert (content["total"], content["total_capped"]) == (TASKS, False)
    assert result.structured_content["next_cursor"] is not None
    assert tokens_of_result(result) <= MAX_TOKENS


async def test_list_pages_reach_the_end_even_when_cut_short(big_client: Client) -> None:
    page = await big_client.call_tool("list_tasks", {"limit": 200})
    items = page.structured_content["tasks"]
    assert 1 <= len(items) < 200  # the budget ended the page early...
    cursor = page.structured_content["next_cursor"]
    following = await big_client.call_tool("list_tasks", {"limit": 200, "cursor": cursor})
    assert following.structured_content["tasks"][0]["id"] == items[-1]["id"] + 1  # ...not lost


async def test_all_tasks_resource_is_bounded(big_client: Client) -> None:
    contents = await big_client.read_resource("tasks://all")
    text = contents[0].text
    assert len(text) // 4 <= MAX_TOKENS
    *shown, last = text.splitlines()
    assert 1 <= len(shown) <= 100
    assert last.startswith(f"… {TASKS - len(shown)} more task(s) not shown.")
