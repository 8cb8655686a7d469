"""Prompt arguments: checked like tool arguments, with the allowed values in their
descriptions."""

from __future__ import annotations

import pytest
from fastmcp import Client
from mcp.shared.exceptions import MCPError

pytestmark = pytest.mark.anyio


async def prompt_error(client: Client, name: str, arguments: dict[str, str]) -> str:
    with pytest.raises(MCPError) as caught:
        await client.get_prompt(name, arguments)
    return str(caught.value)


@pytest.mark.parametrize(
    "name, arguments, expected",
    [
        (
            "review_tasks",
            {"status": "bogus"},
            "status: 'bogus' is not allowed; use one of 'all', 'open', 'closed', 'pending', "
            "'in_progress', 'in_review', 'complete' or 'cancelled'",
        ),
        (
            "review_tasks",
            {"tag": "two words"},
            "tag: 'two words' is not a valid tag; use one word without spaces, commas or "
            "control characters",
        ),
        ("daily_standup", {"hours": "abc"}, "hours: 'abc' is not a whole number"),
        ("daily_standup", {"hours": "721"}, "hours: '721' is too large; use at most 720"),
        ("daily_standup", {"stale_days": "0"}, "stale_days: '0' is too small; use 1 or more"),
    ],
)
async def test_bad_prompt_arguments_get_one_line_per_field(
    client: Client, name: str, arguments: dict[str, str], expected: str
) -> None:
    assert await prompt_error(client, name, arguments) == expected


async def test_prompt_argument_descriptions_list_what_is_allowed(client: Client) -> None:
    prompts = {prompt.name: prompt for prompt in await client.list_prompts()}
    review = {arg.name: arg.description for arg in prompts["review_tasks"].arguments or []}
    assert review["status"].startswith(
        "Which tasks to review: open (default), all, closed, pending, in_progress, "
        "in_review, complete or cancelled."
    )
    standup = {arg.name: arg.description for arg in prompts["daily_standup"].arguments or []}
    assert standup["hours"].startswith("Look back this many hours for completed work: 1 to 720.")


async def test_a_good_prompt_still_renders(client: Client) -> None:
    await client.call_tool("add_task", {"title": "write the report", "tags": ["work"]})
    result = await client.get_prompt("review_tasks", {"status": "open", "tag": "work"})
    assert "#1 [pending] (medium) write the report — tags: work" in result.messages[0].content.text
