"""One core, two faces: every task command's --json is what the MCP tool answers for the same
data. Two copies of one database take the same steps, one through the real console script,
one through an MCP client of the real server; after each step both answers are compared
(their clock times aside) and so are the two databases' rows."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.backends import prepare_database
from task_tracker.server.app import build_server
from tests.cli.test_commands import as_json, ok, person

SCRIPT_ENV = {"USER": "alice"}
# An ISO time (created_at, claimed_until, a history event's at) differs between the copies.
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def timeless(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: timeless(item) for key, item in value.items()}
    if isinstance(value, list):
        return [timeless(item) for item in value]
    if isinstance(value, str) and _TIME.match(value):
        return "<time>"
    return value


def rows(db: Path) -> list[Any]:
    with sqlite3.connect(db) as conn:
        tasks = conn.execute(
            "SELECT id, title, description, status, priority, tags, due_date, version, "
            "project_id, parent_id, claimed_by FROM tasks ORDER BY id"
        ).fetchall()
        events = [
            (*event, timeless(json.loads(changes)))  # a claim's lease ends at a clock time
            for *event, changes in conn.execute(
                "SELECT task_id, version, actor, kind, changes FROM task_events ORDER BY id"
            )
        ]
        notes = conn.execute("SELECT task_id, actor, text FROM task_notes ORDER BY id").fetchall()
    return [tasks, events, notes]


# (command line, tool, arguments): the same step for a person and for a model.
STEPS: list[tuple[list[str], str, dict[str, Any]]] = [
    (
        [
            "add",
            "Ship v2",
            "--tag",
            "release",
            "--priority",
            "high",
            "--project",
            "web",
            "--create-project",
            "--due",
            "2031-05-01",
        ],
        "add_task",
        {
            "title": "Ship v2",
            "tags": ["release"],
            "priority": "high",
            "project": "web",
            "create_project": True,
            "due_date": "2031-05-01",
        },
    ),
    (["add", "Write notes", "--parent", "1"], "add_task", {"title": "Write notes", "parent_id": 1}),
    (["add", "Tag it", "--depends-on", "2"], "add_task", {"title": "Tag it", "depends_on": [2]}),
    (["ls", "--all"], "list_tasks", {"status": "all", "limit": 200}),
    (["ls", "--sort", "due"], "list_tasks", {"status": "open", "sort": "due_date", "limit": 200}),
    (["show", "1"], "get_task", {"task_id": 1}),
    (["next", "--limit", "5"], "next_task", {"limit": 5}),
    (["search", "notes"], "search_tasks", {"query": "notes", "status": "all"}),
    (
        ["edit", "1", "--title", "Ship v2.0", "--desc", "all of it", "--no-due"],
        "update_task",
        {"task_id": 1, "title": "Ship v2.0", "description": "all of it", "clear_due_date": True},
    ),
    (["start", "2"], "update_task", {"task_id": 2, "status": "in_progress"}),
    (["claim", "3", "--minutes", "45"], "claim_task", {"task_id": 3, "lease_minutes": 45}),
    (["claim", "3", "--release"], "claim_task", {"task_id": 3, "release": True}),
    (["note", "2", "draft is up"], "add_note", {"task_id": 2, "text": "draft is up"}),
    (["done", "2"], "close_tasks", {"task_ids": [2], "status": "complete"}),
    (["revert", "1", "1"], "revert_task", {"task_id": 1, "version": 1}),
    (["history", "1"], "task_history", {"task_id": 1, "limit": 20}),
    (["rm", "3", "-y"], "delete_task", {"task_id": 3}),
    (["restore", "3"], "restore_task", {"task_id": 3}),
    (["done", "3", "--cancel"], "close_tasks", {"task_ids": [3], "status": "cancelled"}),
    (["projects"], "list_projects", {}),
]


# What history holds after STEPS: the dependency of #3 is an update of its own, and a
# restore brings back the task and its dependency.
KINDS = ["create", "create", "create", "update", "update", "update", "claim", "release"]
KINDS += ["note", "complete", "revert", "delete", "restore", "restore", "cancel"]


@pytest.mark.anyio
async def test_every_command_answers_what_its_tool_answers(tmp_path: Path) -> None:
    by_cli, by_tool = tmp_path / "cli.db", tmp_path / "tool.db"
    prepare_database(by_cli)
    shutil.copy(by_cli, by_tool)
    me = Implementation(name="alice", version="1")
    async with Client(build_server(by_tool, toolsets=("all",)), client_info=me) as client:
        for words, tool, arguments in STEPS:
            typed = as_json(by_cli, *words)
            answered = await client.call_tool(tool, arguments)
            assert not answered.is_error, (words, answered.content)
            expected = answered.structured_content
            if words[0] == "rm":  # rm takes several ids: each is one delete_task
                expected = {"tasks": [expected]}
            assert timeless(typed) == timeless(expected), words
            assert rows(by_cli) == rows(by_tool), words
    kinds = [event[3] for event in rows(by_cli)[1]]
    assert kinds == KINDS  # every write above was recorded, on both sides


def test_task_commands_load_no_mcp(tmp_path: Path) -> None:
    """A task command calls the operations in-process: neither FastMCP nor the MCP SDK is
    imported (they cost more than the rest of the command)."""
    db = tmp_path / "tasks.db"
    ok(db, "add", "warm up")
    probe = (
        "import sys; from task_tracker.cli import main; "
        f"code = main(['ls', '--db', {str(db)!r}]); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('fastmcp', 'mcp')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=person(SCRIPT_ENV),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr
