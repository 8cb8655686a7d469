"""search_tasks: FTS5 ranking, snippets, filters, pages, index sync, hostile queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.store.fts_query import parse_query, to_fts_query

pytestmark = pytest.mark.anyio


async def add(client: Client, title: str, **fields: Any) -> int:
    result = await client.call_tool("add_task", {"title": title, **fields})
    return result.structured_content["id"]


async def search(client: Client, query: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool("search_tasks", {"query": query, **arguments})
    assert not result.is_error, result.content
    return result.structured_content


async def ids(client: Client, query: str, **arguments: Any) -> list[int]:
    return [hit["id"] for hit in (await search(client, query, **arguments))["results"]]


async def test_title_match_outranks_description_match(client: Client) -> None:
    in_description = await add(client, "Quarterly report", description="mention the invoice")
    in_title = await add(client, "Send invoice", description="to the customer")
    assert await ids(client, "invoice") == [in_title, in_description]


@pytest.mark.parametrize("query", ["invoice ", "invoi", "send invoice", '"the invoice"'])
async def test_title_then_tags_then_description_newest_first_in_each(
    client: Client, query: str
) -> None:
    """One word, a prefix, several words and a phrase rank alike (they are ranked two ways:
    see SqliteSearch)."""
    old_title = await add(client, "Send the invoice", description="send it")
    both = await add(client, "Send the invoice again", tags=["invoice", "send"])
    described = await add(client, "Quarterly", description="send the invoice now")
    tagged = await add(client, "Quarterly send", description="the", tags=["invoice"])
    new_title = await add(client, "Send the invoice", description="today")
    other = await add(client, "Unrelated", description="nothing here")
    expected = {
        # title and tags, then title; newest first in each
        "invoice ": [both, new_title, old_title, tagged, described],
        "invoi": [both, new_title, old_title, tagged, described],
        # a field counts when it holds any of the words: `tagged` has "send" in its title
        "send invoice": [tagged, both, new_title, old_title, described],
        # the phrase is nowhere in `tagged`, and in no task's tags
        '"the invoice"': [new_title, both, old_title, described],
    }
    page = await search(client, query)
    assert [hit["id"] for hit in page["results"]] == expected[query]
    assert all("**" in hit["snippet"] for hit in page["results"])  # each made for its task
    assert other not in await ids(client, query)
    # With a tag filter the ranking is the same among the tasks that carry it.
    filtered = await search(client, query, tag="invoice")
    assert [hit["id"] for hit in filtered["results"]] == [
        i for i in expected[query] if i in (both, tagged)
    ]
    assert all("**" in hit["snippet"] for hit in filtered["results"])


async def test_results_are_tasks_with_highlighted_snippets(client: Client) -> None:
    task_id = await add(
        client, "Rotate keys", description="The staging database password expires", tags=["ops"]
    )
    page = await search(client, "password")
    (hit,) = page["results"]
    assert hit["id"] == task_id and hit["title"] == "Rotate keys" and hit["tags"] == ["ops"]
    assert hit["status"] == "pending" and hit["version"] == 1
    assert "**password**" in hit["snippet"]
    assert (page["total"], page["next_cursor"]) == (1, None)


async def test_word_forms_prefixes_and_accents(client: Client) -> None:
    deploy = await add(client, "Deploy the service")
    cafe = await add(client, "Meet at the café")
    assert await ids(client, "deploying") == [deploy]
    assert await ids(client, "deplo") == [deploy]
    assert await ids(client, "de") == [deploy]
    assert await ids(client, "cafe") == [cafe]
    assert await ids(client, "CAFÉ") == [cafe]
    assert await ids(client, "deplo ") == []  # a finished word is a whole word, not a prefix


async def test_phrases_exclusions_and_all_words(client: Client) -> None:
    quick = await add(client, "quick brown fox")
    reversed_ = await add(client, "brown quick fox")
    assert sorted(await ids(client, "quick brown")) == [quick, reversed_]
    assert await ids(client, '"quick brown"') == [quick]
    assert await ids(client, '"brown quick" fox') == [reversed_]
    assert await ids(client, "fox -quick") == []
    assert await ids(client, "quick zebra") == []


async def test_tags_are_searchable(client: Client) -> None:
    tagged = await add(client, "Plan", tags=["frontend"])
    assert await ids(client, "frontend") == [tagged]


async def test_filters(client: Client) -> None:
    a = await add(client, "alpha report", priority="high", tags=["x"])
    b = await add(client, "alpha summary", status="in_progress")
    c = await add(client, "alpha notes", status="complete")
    assert sorted(await ids(client, "alpha")) == [a, b, c]
    assert await ids(client, "alpha", status="complete") == [c]
    assert sorted(await ids(client, "alpha", status="open")) == [a, b]
    assert await ids(client, "alpha", priority="high") == [a]
    assert await ids(client, "alpha", tag="x") == [a]
    assert (await search(client, "alpha", status="complete"))["total"] == 1
    # status and priority are filters, never matched by the user's words
    assert await ids(client, "progress ") == []
    assert await ids(client, "high ") == []
    assert await ids(client, "pending ", status="open") == []


async def test_pagination_covers_every_match_once(client: Client) -> None:
    created = [await add(client, f"widget {i}") for i in range(23)]
    seen: list[int] = []
    cursor = None
    while True:
        args = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        page = await search(client, "widget", **args)
        assert page["total"] == 23
        seen += [hit["id"] for hit in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == created and len(seen) == 23


async def test_list_cursor_is_not_a_search_cursor(client: Client) -> None:
    for i in range(3):
        await add(client, f"item {i}")
    listed = await client.call_tool("list_tasks", {"limit": 1})
    bad = await client.call_tool(
        "search_tasks",
        {"query": "item", "cursor": listed.structured_content["next_cursor"]},
        raise_on_error=False,
    )
    assert bad.is_error and "cursor is not valid" in bad.content[0].text


async def test_index_follows_updates_and_deletes(client: Client) -> None:
    task_id = await add(client, "Buy milk")
    await client.call_tool("update_task", {"task_id": task_id, "title": "Buy bread"})
    assert await ids(client, "milk") == []
    assert await ids(client, "bread") == [task_id]
    await client.call_tool("delete_task", {"task_id": task_id})
    assert await ids(client, "bread") == []


async def test_index_follows_hand_edits_in_sqlite(client: Client, db_path: Path) -> None:
    task_id = await add(client, "Original words")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tasks SET description = 'edited by hand' WHERE id = ?", (task_id,))
        conn.execute("INSERT INTO tasks (title) VALUES ('Inserted manually')")
    assert await ids(client, "hand") == [task_id]
    assert await ids(client, "manually") == [task_id + 1]
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
        assert conn.execute(
            "INSERT INTO tasks_fts(tasks_fts, rank) VALUES ('integrity-check', 1)"
        ).rowcount in (-1, 0, 1)
    assert await ids(client, "original") == []


HOSTILE_QUERIES = [
    '"',
    '"unbalanced phrase',
    "*",
    "deploy*",
    "-",
    "--",
    "-deploy",
    "title:deploy",
    ":",
    "NEAR(deploy service)",
    "deploy NEAR service",
    "deploy AND service",
    "deploy OR",
    "NOT deploy",
    "AND",
    "(deploy",
    "deploy)",
    "((()))",
    "^deploy",
    "deploy + service",
    "'; DROP TABLE tasks; --",
    "🚀 deploy 🎉",
    "🚀",
    "東京タワー",
    "café crème",
    "\\",
    "\x1bdeploy\x7f",  # (NUL is refused in every text: tests/server/test_tools.py)
    "a" * 10_000,
    " ".join(["deploy"] * 2_000)[:10_000],
    '"deploy" "service" "" ""',
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
async def test_hostile_queries_never_break_search(
    client: Client, db_path: Path, query: str
) -> None:
    await add(client, "Deploy service", description="to 東京タワー, café 🚀")
    result = await client.call_tool("search_tasks", {"query": query}, raise_on_error=False)
    assert not result.is_error, result.content[0].text
    assert isinstance(result.structured_content["total"], int)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone() == (1,)


async def test_finds_through_punctuation_and_cjk(client: Client) -> None:
    task_id = await add(client, "Deploy service", description="to 東京タワー, café 🚀")
    assert await ids(client, "🚀 deploy 🎉") == [task_id]
    assert await ids(client, "東京タワー") == [task_id]
    assert await ids(client, '"deploy service') == [task_id]
    assert await ids(client, "deploy AND service") == [task_id]


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
async def test_empty_query_is_a_clear_error(client: Client, query: str) -> None:
    result = await client.call_tool("search_tasks", {"query": query}, raise_on_error=False)
    assert result.is_error
    text = result.content[0].text
    assert "query" in text and "Traceback" not in text


def test_query_translation_is_quoted_fts() -> None:
    assert to_fts_query("deplo") == '("deplo"* OR "deplo")'
    assert to_fts_query("deploy the ") == '"deploy" AND "the"'
    assert to_fts_query('say "hi there" -bye ') == '("say" AND "hi there") NOT ("bye")'
    assert to_fts_query('a"b ') == '"a" AND "b "'  # a quote opens a phrase
    assert to_fts_query("x\x00y ") == '"x" AND "y"'
    assert to_fts_query("🎉 ") is None
    assert to_fts_query("-only ") is None


def test_one_word_is_ranked_by_lookups_several_by_highlight() -> None:
    """`spread` picks how SqliteSearch finds title and tag hits; `wanted` drops exclusions."""
    shapes = {
        text: (parsed.wanted, parsed.spread)
        for text in ("deplo", "deploy -old ", '"hi there"', '"hi"', "a b ")
        if (parsed := parse_query(text)) is not None
    }
    assert shapes == {
        "deplo": ('("deplo"* OR "deplo")', False),
        "deploy -old ": ('"deploy"', False),
        '"hi there"': ('"hi there"', True),
        '"hi"': ('"hi"', False),
        "a b ": ('"a" AND "b"', True),
    }


async def test_several_tags_filter_search_too(client: Client) -> None:
    both = await add(client, "Deploy api", tags=["work", "urgent"])
    await add(client, "Deploy docs", tags=["work"])
    await add(client, "Deploy home", tags=["urgent"])
    assert await ids(client, "deploy", tag="urgent,work") == [both]
    assert len(await ids(client, "deploy", tag="work")) == 2
    page = await search(client, "deploy", tag="work,urgent,later")
    assert (page["results"], page["total"]) == ([], 0)


ODD_TAGS = ["🚀", "---", "work", "working", "x-y", "x", "c++", "日本", "_", "🚀x", "Ünï"]


async def test_a_tag_filter_finds_exactly_the_tasks_that_carry_the_tag(client: Client) -> None:
    """The tag narrows the search inside the index too (a phrase of its tags column), which
    must never lose a task: tags of symbols alone, stems, tags next to each other."""
    carried: dict[int, list[str]] = {}
    for n, tag in enumerate(ODD_TAGS):
        tags = [tag, ODD_TAGS[(n + 1) % len(ODD_TAGS)]] if n % 2 else [tag]
        carried[await add(client, f"deploy {n}", tags=tags)] = tags
    await add(client, "unrelated", tags=ODD_TAGS[:3])
    everything = await ids(client, "deploy ", limit=50)
    assert len(everything) == len(ODD_TAGS)
    for tag in ODD_TAGS:
        expected = [i for i in everything if tag.lower() in [t.lower() for t in carried[i]]]
        assert await ids(client, "deploy ", tag=tag, limit=50) == expected, tag
