"""One meaning on both databases: the same tasks, the same queries (the hostile ones
included), the same tasks found in the same order with the same totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.backends import prepare_database
from task_tracker.postgres import DatabaseURL
from task_tracker.server.app import build_server
from tests.store.test_search import HOSTILE_QUERIES

pytestmark = pytest.mark.anyio

TASKS = [
    ("Deploy service", "to 東京タワー, café 🚀", ["ops"]),
    ("deploying the services", "crème brûlée", []),
    ("Service outage", "deploy failed: NEAR the AND gate", ["near"]),
    ("title: colon", "a:b c-d e_f", ["x-y"]),
    ("Ünïcödé naïve", "coöperate résumé", []),
    ("apostrophe's test", "it's don't", []),
    ("C++ and C#", "node.js v2.0 e-mail", []),
    ("under_score", "snake_case_name", []),
    ("日本語のテキスト", "中文 测试", []),
    ("email foo@bar.com", "http://x.y/z?q=1", []),
]
QUERIES = [
    *HOSTILE_QUERIES,
    *("deploy -service", "-service deploy", "service -", "c++", "C#", "node.js", "e-mail"),
    *("x-y", "under_score", "snake", "snake_case", "it's", "don't", "naïve", "naive"),
    *("ünïcödé", "résumé", "resume", "cooperate", "foo@bar.com", "bar", "com", "http://x.y"),
    *("日本", "日本語", "中文", "测试", "テキスト", "brûlée", "brulee", "2.0", "v2", "'", "a:b"),
    *("title:", "deploy*service", "serv", "dep loy", 'Deploy service"', "near", "NEAR"),
    *("-deploy -service x", "outage-", "out-age", "ops", "#", "@", "%", "_", "é", "node.j"),
    *("near deploy", '"ops deploying"', "outage near"),
]


async def answers(database: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    async with Client(build_server(database, toolsets=("all",))) as client:
        for title, description, tags in TASKS:
            arguments = {"title": title, "description": description, "tags": tags}
            await client.call_tool("add_task", arguments)
        for query in QUERIES:
            result = await client.call_tool("search_tasks", {"query": query}, raise_on_error=False)
            page = result.structured_content
            found[query] = (
                ("refused", result.content[0].text)
                if result.is_error
                else ([hit["id"] for hit in page["results"]], page["total"])
            )
    return found


async def test_every_query_finds_the_same_on_both_databases(
    db_path: Path, pg_database: str
) -> None:
    prepare_database(db_path)
    on_sqlite, on_postgres = await answers(db_path), await answers(DatabaseURL(pg_database))
    differ = {q: (on_sqlite[q], on_postgres[q]) for q in QUERIES if on_sqlite[q] != on_postgres[q]}
    assert differ == {}
    assert on_sqlite["bar"] == ([10], 1)  # inside an address: found on both
    assert on_sqlite["near deploy"] == ([3], 1)  # two words: each anywhere
    assert on_sqlite['"ops deploying"'] == ([], 0)  # a phrase: never across two fields
