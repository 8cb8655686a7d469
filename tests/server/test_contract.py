"""The tools/list contract: a snapshot makes every change visible in review; it stays small.

After an intended change, regenerate:
    UPDATE_SNAPSHOTS=1 python -m pytest tests/test_contract.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools_list.json"
MAX_LISTING_BYTES = 14_000  # the default toolset's budget (issue 14: 14 KB)


async def tools_listing(client: Client) -> list[dict[str, Any]]:
    tools = await client.list_tools()
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_tools_list_matches_snapshot(database: Any) -> None:
    """Every toolset's tools (`--tools all`), in the order core lists them first."""
    from task_tracker.server.app import build_server

    async with Client(build_server(database, toolsets=("all",))) as every:
        listing = await tools_listing(every)
    rendered = json.dumps(listing, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(rendered)
    assert rendered == SNAPSHOT.read_text(), "tools/list changed: review, then UPDATE_SNAPSHOTS=1"


async def test_tools_list_stays_small(client: Client) -> None:
    size = len(json.dumps({"tools": await tools_listing(client)}, separators=(",", ":")))
    assert size < MAX_LISTING_BYTES, f"tools/list is {size} bytes"


async def test_every_parameter_is_described_or_constrained(client: Client) -> None:
    for tool in await tools_listing(client):
        assert tool["description"], tool["name"]
        assert "outputSchema" in tool, tool["name"]
        annotations = tool["annotations"]
        assert isinstance(annotations["readOnlyHint"], bool), tool["name"]
        for name, schema in tool["inputSchema"]["properties"].items():
            text = json.dumps(schema)
            assert any(
                key in text
                for key in (
                    "description",
                    "enum",
                    "maxLength",
                    "minimum",
                    "maximum",
                    "format",
                    "pattern",
                )
            ), f"{tool['name']}.{name} has neither a description nor a constraint"


def listing_bytes(listing: list[dict[str, Any]]) -> int:
    return len(json.dumps({"tools": listing}, separators=(",", ":")))


async def test_docs_state_the_listing_sizes(client: Client, database: Any) -> None:
    """docs/tools.md's figures are this server's: core's size, and all's count and size."""
    from task_tracker.server.app import build_server

    core = listing_bytes(await tools_listing(client))
    async with Client(build_server(database, toolsets=("all",))) as every:
        listed = await tools_listing(every)
    words = {8: "eight", 17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty"}
    page = (Path(__file__).parents[2] / "docs" / "tools.md").read_text()
    stated = " ".join(page.split())
    assert f"its `tools/list` result is {core:,} bytes of compact JSON" in stated, core
    assert f"`all` is {words[len(listed)]} tools, {listing_bytes(listed):,} bytes" in stated, (
        len(listed),
        listing_bytes(listed),
    )
