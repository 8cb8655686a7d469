"""Projects, subtasks, dependencies, cancelled, bulk planning and sorting, through the tools
(every toolset), with the exact refusals a model reads: each test runs twice, in process and
against the real server over stdio (`serve --tools all`)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from task_tracker.backends import prepare_database
from task_tracker.server.app import build_server
from tests.server.calls import call, refusal

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["in-process", "stdio"])
async def full(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Client]:
    prepare_database(db_path)
    if request.param == "stdio":
        serve = ["-m", "task_tracker", "serve", "--db", str(db_path), "--tools", "all"]
        target: Any = StdioTransport(command=sys.executable, args=serve)
    else:
        target = build_server(db_path, toolsets=("all",))
    async with Client(target) as c:
        yield c


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


async def test_projects_by_name_never_created_by_a_typo(full: Client, db_path: Path) -> None:
    assert await refusal(full, "add_task", title="a", project="Website") == (
        "No project named 'Website'. Existing projects: none yet. Use one of those, or pass "
        "create_project=true to create it."
    )
    first = await call(full, "add_task", title="a", project="Website", create_project=True)
    assert first["project"] == "Website"
    again = await call(full, "add_task", title="b", project="  website ")
    assert again["project"] == "Website"
    assert await refusal(full, "add_task", title="c", project="Webiste") == (
        "No project named 'Webiste'. Existing projects: 'Website'. Use one of those, or pass "
        "create_project=true to create it."
    )
    assert rows(db_path, "SELECT name FROM projects") == [("Website",)]
    await call(full, "add_task", title="elsewhere a b")
    await call(full, "update_task", task_id=again["id"], status="cancelled")
    listed = await call(full, "list_tasks", project="WEBSITE")
    assert [t["title"] for t in listed["tasks"]] == ["a", "b"]
    assert (await call(full, "list_projects"))["projects"] == [
        {
            "name": "Website",
            "description": "",
            "archived": False,
            "review": False,
            "open": 1,
            "complete": 0,
            "cancelled": 1,
        }
    ]
    found = await call(full, "search_tasks", query="a", project="website")
    assert [hit["title"] for hit in found["results"]] == ["a"]
    assert (await call(full, "search_tasks", query="b"))["total"] == 2
    moved = await call(full, "update_task", task_id=first["id"], project="")
    assert moved["project"] is None
    assert moved["version"] == 2


async def test_save_project_renames_and_archives(full: Client) -> None:
    await call(full, "save_project", name="Garden", description="outside")
    await call(full, "add_task", title="dig", project="garden")
    saved = await call(full, "save_project", name="GARDEN", new_name="Yard", archived=True)
    assert saved == {
        "name": "Yard",
        "description": "outside",
        "archived": True,
        "review": False,
        "open": 1,
        "complete": 0,
        "cancelled": 0,
    }
    assert (await call(full, "list_projects"))["projects"] == []
    shown = await call(full, "list_projects", include_archived=True)
    assert [p["name"] for p in shown["projects"]] == ["Yard"]
    await call(full, "save_project", name="Other")
    assert await refusal(full, "save_project", name="other", new_name="yard") == (
        "A project named 'Yard' already exists; choose another name."
    )


async def test_subtasks_shown_and_closing_or_deleting_the_parent_refused(
    full: Client, db_path: Path
) -> None:
    parent = await call(full, "add_task", title="release")
    child = await call(full, "add_task", title="notes", parent_id=parent["id"])
    grandchild = await call(full, "add_task", title="draft", parent_id=child["id"])
    shown = await call(full, "get_task", task_id=parent["id"])
    assert shown["subtasks"] == [{"id": child["id"], "title": "notes", "status": "pending"}]
    assert shown["parent"] is None
    assert shown["ready"] is False  # an open subtask
    assert (await call(full, "get_task", task_id=child["id"]))["parent"] == {
        "id": parent["id"],
        "title": "release",
        "status": "pending",
    }
    ids = f"#{child['id']}, #{grandchild['id']}"
    assert await refusal(full, "complete_task", task_id=parent["id"]) == (
        f"Task #{parent['id']} has open subtasks ({ids}). Finish or cancel them first, or "
        "pass with_subtasks=true to complete them too."
    )
    assert await refusal(full, "update_task", task_id=parent["id"], status="cancelled") == (
        f"Task #{parent['id']} has open subtasks ({ids}). Finish or cancel them first, or "
        "pass with_subtasks=true to cancel them too."
    )
    loop = await refusal(full, "update_task", task_id=parent["id"], parent_id=grandchild["id"])
    assert loop == (
        f"Task #{grandchild['id']} is a subtask of #{parent['id']} "
        f"(#{parent['id']} → #{child['id']} → #{grandchild['id']}), so it cannot become its "
        "parent: that would make a loop."
    )
    done = await call(full, "complete_task", task_id=parent["id"], with_subtasks=True)
    assert done["status"] == "complete"
    assert rows(db_path, "SELECT id, status, version FROM tasks ORDER BY id") == [
        (parent["id"], "complete", 2),
        (child["id"], "complete", 2),
        (grandchild["id"], "complete", 2),
    ]
    assert await refusal(full, "delete_task", task_id=parent["id"]) == (
        f"Task #{parent['id']} has subtasks ({ids}). Finish or cancel them first, or pass "
        "with_subtasks=true to delete them too."
    )
    await call(full, "delete_task", task_id=parent["id"], with_subtasks=True)
    assert rows(db_path, "SELECT count(*) FROM tasks") == [(0,)]
    assert rows(db_path, "SELECT status, n FROM task_counts ORDER BY status") == [
        ("cancelled", 0),
        ("complete", 0),
        ("in_progress", 0),
        ("in_review", 0),
        ("pending", 0),
    ]


async def test_dependencies_cycles_and_readiness(full: Client) -> None:
    design = await call(full, "add_task", title="design")
    build = await call(full, "add_task", title="build", depends_on=[design["id"]])
    ship = await call(full, "add_task", title="ship", depends_on=[build["id"]], priority="high")
    a, b, c = design["id"], build["id"], ship["id"]
    assert await refusal(full, "update_task", task_id=a, depends_on=[c]) == (
        f"Task #{a} cannot depend on #{c}: #{c} already depends on #{a} "
        f"(#{c} → #{b} → #{a}), so this would make a loop (#{c} → #{b} → #{a} → #{c})."
    )
    assert await refusal(full, "update_task", task_id=a, depends_on=[a]) == (
        f"Task #{a} cannot depend on itself."
    )
    assert await refusal(full, "add_task", title="x", depends_on=[999]) == (
        "depends_on: no task #999. Use list_tasks or search_tasks to find ids."
    )
    shown = await call(full, "get_task", task_id=b)
    assert shown["depends_on"] == [{"id": a, "title": "design", "status": "pending"}]
    assert shown["blocks"] == [{"id": c, "title": "ship", "status": "pending"}]
    assert shown["ready"] is False
    suggested = await call(full, "next_task", limit=10)
    assert [t["title"] for t in suggested["tasks"]] == ["design"]
    await call(full, "update_task", task_id=a, status="in_progress")
    await call(full, "update_task", task_id=a, depends_on=[])  # nothing to remove: no change
    assert (await call(full, "get_task", task_id=a))["version"] == 2
    await call(full, "close_tasks", task_ids=[a], status="cancelled")
    nothing = await call(full, "next_task")
    assert nothing["tasks"] == []
    assert nothing["message"] == (
        "No task is ready: every open one waits on a dependency or an open subtask. Most "
        f"blocking overall: #{a} 'design' (cancelled) blocks 1 task(s); #{b} 'build' (pending) "
        "blocks 1 task(s). Finish those, or change dependencies with update_task."
    )
    await call(full, "update_task", task_id=b, depends_on=[])
    assert [t["title"] for t in (await call(full, "next_task"))["tasks"]] == ["build"]


async def test_cancelled_is_closed_and_counted(full: Client) -> None:
    for title, status in [("a", "pending"), ("b", "cancelled"), ("c", "complete")]:
        await call(full, "add_task", title=title, status=status)
    closed = await call(full, "list_tasks", status="closed")
    assert ([t["title"] for t in closed["tasks"]], closed["total"]) == (["b", "c"], 2)
    cancelled = await call(full, "list_tasks", status="cancelled")
    assert cancelled["tasks"][0]["completed_at"] is None
    assert (await call(full, "list_tasks", status="open"))["total"] == 1


async def test_add_tasks_lays_out_a_plan_with_refs(full: Client, db_path: Path) -> None:
    existing = await call(full, "add_task", title="budget approved")
    plan = await call(
        full,
        "add_tasks",
        project="Launch",
        create_project=True,
        tasks=[
            {"ref": "site", "title": "Build the site"},
            {"ref": "copy", "title": "Write copy", "parent": "site", "depends_on": ["review"]},
            {"ref": "review", "title": "Review", "depends_on": [existing["id"]]},
            {"title": "Announce", "depends_on": ["site"], "project": "Launch"},
        ],
    )
    ids = plan["refs"]
    assert list(ids) == ["site", "copy", "review"]
    assert [t["title"] for t in plan["tasks"]] == [
        "Build the site",
        "Write copy",
        "Review",
        "Announce",
    ]
    assert {t["project"] for t in plan["tasks"]} == {"Launch"}
    assert plan["tasks"][1]["parent_id"] == ids["site"]
    assert rows(db_path, "SELECT task_id, depends_on_id FROM task_dependencies ORDER BY 1") == [
        (ids["copy"], ids["review"]),
        (ids["review"], existing["id"]),
        (plan["tasks"][3]["id"], ids["site"]),
    ]


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (
            [{"title": "a", "parent": "later"}, {"ref": "later", "title": "b"}],
            "tasks[0].parent: 'later' is not the ref of an earlier item (ids are numbers).",
        ),
        (
            [{"ref": "a", "title": "a"}, {"ref": "a", "title": "b"}],
            "tasks: each ref must be unique within the plan.",
        ),
        (
            [
                {"ref": "a", "title": "a", "depends_on": ["b"]},
                {"ref": "b", "title": "b", "depends_on": ["a"]},
            ],
            "tasks[1].depends_on: tasks[1] cannot depend on tasks[0]: tasks[0] already depends "
            "on tasks[1] (tasks[0] → tasks[1]), so this would make a loop (tasks[0] → tasks[1] "
            "→ tasks[0]).",
        ),
        (
            [{"title": "a", "depends_on": [77]}],
            "tasks[0].depends_on: no task #77 (ids are numbers; use list_tasks to find them).",
        ),
        ([{"title": "a"}, {"title": "b", "project": "Nope"}], "No project named 'Nope'"),
    ],
)
async def test_add_tasks_is_all_or_nothing(
    full: Client, db_path: Path, tasks: list[dict[str, Any]], message: str
) -> None:
    text = await refusal(full, "add_tasks", tasks=tasks)
    assert text.startswith(message)
    assert rows(db_path, "SELECT count(*) FROM tasks") == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM task_dependencies") == [(0,)]


async def test_close_tasks_all_or_nothing(full: Client, db_path: Path) -> None:
    a = await call(full, "add_task", title="a")
    b = await call(full, "add_task", title="b")
    assert await refusal(full, "close_tasks", task_ids=[a["id"], 99]) == (
        "task_ids: no task #99. Use list_tasks or search_tasks to find ids."
    )
    assert rows(db_path, "SELECT status FROM tasks") == [("pending",), ("pending",)]
    closed = await call(full, "close_tasks", task_ids=[a["id"], b["id"]], status="cancelled")
    assert [t["status"] for t in closed["tasks"]] == ["cancelled", "cancelled"]


async def test_sorted_pages_and_their_cursors(full: Client) -> None:
    for title, priority, due in [
        ("p1", "low", "2026-03-01"),
        ("p2", "high", None),
        ("p3", "medium", "2026-01-01"),
        ("p4", "high", "2026-02-01"),
    ]:
        await call(full, "add_task", title=title, priority=priority, due_date=due)

    async def titles(**args: Any) -> list[str]:
        out, cursor = [], None
        while True:
            page = await call(
                full, "list_tasks", limit=1, **args, **({"cursor": cursor} if cursor else {})
            )
            out += [t["title"] for t in page["tasks"]]
            assert page["total"] == 4
            cursor = page["next_cursor"]
            if cursor is None:
                return out

    assert await titles(sort="priority") == ["p2", "p4", "p3", "p1"]  # ties: oldest first
    assert await titles(sort="priority", order="asc") == ["p1", "p3", "p2", "p4"]
    assert await titles(sort="due_date") == ["p3", "p4", "p1", "p2"]
    assert await titles(sort="due_date", order="desc") == ["p1", "p4", "p3", "p2"]
    assert await titles(sort="id", order="desc") == ["p4", "p3", "p2", "p1"]
    first = await call(full, "list_tasks", limit=1, sort="priority")
    assert await refusal(full, "list_tasks", sort="due_date", cursor=first["next_cursor"]) == (
        "cursor comes from a list with another sort or order: pass the same sort and order as "
        "for the first page, or omit cursor to start again."
    )


async def test_toolsets_and_read_only(db_path: Path) -> None:
    prepare_database(db_path)
    served = {}
    for name, kwargs in [
        ("core", {}),
        ("all", {"toolsets": ("all",)}),
        ("projects", {"toolsets": ("core", "projects")}),
        ("all read-only", {"toolsets": ("all",), "read_only": True}),
    ]:
        async with Client(build_server(db_path, **kwargs)) as c:
            served[name] = [t.name for t in await c.list_tools()]
    core = [
        "add_task",
        "get_task",
        "update_task",
        "complete_task",
        "delete_task",
        "list_tasks",
        "search_tasks",
        "next_task",
    ]
    assert served == {
        "core": core,
        "all": [
            *core,
            "list_projects",
            "save_project",
            "add_tasks",
            "close_tasks",
            "claim_task",
            "task_history",
            "revert_task",
            "restore_task",
            "add_note",
            "review_task",
        ],
        "projects": [*core, "list_projects", "save_project"],
        "all read-only": [
            "get_task",
            "list_tasks",
            "search_tasks",
            "next_task",
            "list_projects",
            "task_history",
        ],
    }
