"""The one error translation: domain errors and meaningful database failures become the MCP
error a client sees; anything else is left for FastMCP to mask."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastmcp.exceptions import PromptError, ToolError
from sqlalchemy.exc import OperationalError

from task_tracker.errors import TaskNotFound
from task_tracker.server.calls import guarded

pytestmark = pytest.mark.anyio


def disk_full_error(tmp_path: Path) -> OperationalError:
    conn = sqlite3.connect(tmp_path / "small.db")
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.execute("PRAGMA max_page_count = 3")
    try:
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.OperationalError as exc:
        return OperationalError("INSERT ...", {}, exc)
    finally:
        conn.close()
    raise AssertionError("the insert should not fit")


async def test_a_full_disk_says_so_and_that_nothing_was_written(tmp_path: Path) -> None:
    error = disk_full_error(tmp_path)

    async def write() -> None:
        raise error

    with pytest.raises(ToolError) as caught:
        await guarded(ToolError)(write)()
    assert str(caught.value) == (
        "The disk holding the task database is full. Nothing was written; free some space, "
        "then retry the call."
    )


async def test_domain_errors_become_the_error_type_asked_for() -> None:
    async def missing() -> None:
        raise TaskNotFound(7)

    with pytest.raises(PromptError, match=r"^Task 7 not found\. Use list_tasks"):
        await guarded(PromptError)(missing)()


async def test_anything_else_is_left_for_fastmcp_to_mask() -> None:
    async def broken() -> None:
        raise RuntimeError("internal detail")

    with pytest.raises(RuntimeError, match="internal detail"):
        await guarded(ToolError)(broken)()
