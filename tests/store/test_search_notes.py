"""search_tasks finds a task by its notes (revision 0014): ranking, snippets, exclusions,
filters, pages, the trash and hand edits."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.backends import prepare_database
from task_tracker.server.app import build_server

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client(db_path: Path) -> AsyncIterator[Client]:
    prepare_database(db_path)
    async with Client(build_server(db_path, toolsets=("all",))) as c:
        yield c


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content


async def add(client: Client, title: str, *notes: str, **fields: Any) -> int:
    task_id = (await call(client, "add_task", title=title, **fields))["id"]
    for text in notes:
        await call(client, "add_note", task_id=task_id, text=text)
    return task_id


async def found(client: Client, query: str, **arguments: Any) -> list[tuple[int, str]]:
    page = await call(client, "search_tasks", query=query, **arguments)
    return [(hit["id"], hit["snippet"]) for hit in page["results"]]


async def test_a_note_finds_its_task_after_title_and_tag_hits(client: Client) -> None:
    noted = await add(client, "Fix the login form", "tried a flaky retry loop; no luck")
    titled = await add(client, "Retry uploads")
    tagged = await add(client, "Uploads", tags=["retry"])
    described = await add(client, "Backups", description="retry on failure")
    await add(client, "Unrelated", "nothing to see")
    assert await found(client, "retry") == [
        (titled, "**Retry** uploads"),
        (tagged, '["**retry**"]'),
        (described, "**retry** on failure"),
        (noted, "note: tried a flaky **retry** loop; no luck"),
    ]


async def test_several_words_must_all_be_in_one_note_or_in_the_task(client: Client) -> None:
    both = await add(client, "Deploy api", "canary first, then the rest")
    split = await add(client, "Deploy web", "canary only")
    assert await found(client, "canary rest") == [
        (both, "note: **canary** first, then the **rest**")
    ]
    # "deploy" is in both titles, "canary" only in notes: no one document holds both words
    assert await found(client, "deploy canary") == []
    assert [i for i, _ in await found(client, "canary")] == [split, both]


async def test_a_task_found_twice_is_listed_once_with_its_own_snippet(client: Client) -> None:
    task_id = await add(client, "Renew certificate", "certificate renewal script", "certificate")
    page = await call(client, "search_tasks", query="certificate")
    assert [(hit["id"], hit["snippet"]) for hit in page["results"]] == [
        (task_id, "Renew **certificate**")
    ]
    assert page["total"] == 1


async def test_the_newest_matching_note_makes_the_snippet(client: Client) -> None:
    task_id = await add(client, "Outage", "first guess: dns", "second guess: dns cache")
    assert await found(client, "dns") == [(task_id, "note: second guess: **dns** cache")]


async def test_an_excluded_word_in_the_task_drops_its_note_hits(client: Client) -> None:
    docs = await add(client, "Write docs", "flaky example build")
    code = await add(client, "Fix parser", "flaky on windows")
    assert [i for i, _ in await found(client, "flaky")] == [code, docs]
    assert await found(client, "flaky -docs") == [(code, "note: **flaky** on windows")]
    assert await found(client, "flaky -windows") == [(docs, "note: **flaky** example build")]


async def test_filters_apply_to_tasks_found_by_notes(client: Client) -> None:
    a = await add(
        client,
        "A",
        "vendor call",
        priority="high",
        tags=["ops"],
        project="infra",
        create_project=True,
    )
    b = await add(client, "B", "vendor email", status="complete")
    assert [i for i, _ in await found(client, "vendor")] == [b, a]
    assert [i for i, _ in await found(client, "vendor", status="open")] == [a]
    assert [i for i, _ in await found(client, "vendor", status="complete")] == [b]
    assert [i for i, _ in await found(client, "vendor", priority="high")] == [a]
    assert [i for i, _ in await found(client, "vendor", tag="ops")] == [a]
    assert [i for i, _ in await found(client, "vendor", project="infra")] == [a]
    assert await found(client, "vendor", tag="nope") == []


async def test_pages_of_mixed_hits_cover_every_match_once(client: Client) -> None:
    by_title = [await add(client, f"widget {i}") for i in range(7)]
    by_note = [await add(client, f"gadget {i}", f"the widget number {i}") for i in range(8)]
    seen: list[int] = []
    arguments: dict[str, Any] = {"query": "widget", "limit": 4}
    while True:
        page = await call(client, "search_tasks", **arguments)
        assert (page["total"], page["total_capped"]) == (15, False)
        seen += [hit["id"] for hit in page["results"]]
        if page["next_cursor"] is None:
            break
        arguments["cursor"] = page["next_cursor"]
    assert seen == by_title[::-1] + by_note[::-1]


async def test_trashed_tasks_notes_are_not_found_until_restored(client: Client) -> None:
    task_id = await add(client, "Migrate", "copy the zebra table")
    await call(client, "delete_task", task_id=task_id)
    assert await found(client, "zebra") == []
    await call(client, "restore_task", task_id=task_id)
    assert await found(client, "zebra") == [(task_id, "note: copy the **zebra** table")]
    await call(client, "delete_task", task_id=task_id, permanent=True, confirm=True)
    assert await found(client, "zebra") == []


async def test_index_follows_notes_edited_by_hand(client: Client, db_path: Path) -> None:
    task_id = await add(client, "Hand edits", "original wording")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE task_notes SET text = 'reworded by hand' WHERE task_id = ?", (task_id,)
        )
        conn.execute(
            "INSERT INTO task_notes (task_id, text) VALUES (?, 'typed in sqlite3')", (task_id,)
        )
    assert await found(client, "original") == []
    assert await found(client, "reworded") == [(task_id, "note: **reworded** by hand")]
    assert await found(client, "sqlite3") == [(task_id, "note: typed in **sqlite3**")]
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM task_notes WHERE text = 'typed in sqlite3'")
        conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))  # foreign keys off: orphans
        (problems,) = conn.execute(
            "SELECT count(*) FROM task_notes_fts WHERE task_notes_fts MATCH 'sqlite3'"
        ).fetchone()
    assert problems == 0
    assert await found(client, "reworded") == []
