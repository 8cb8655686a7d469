"""Structure end to end: real servers over stdio with every toolset, the refusals a model
reads, the resources and prompts, and two processes that cannot close a loop together."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.e2e.rpc import StdioServer
from tests.e2e.stored import rows

PLANNING = ["add_tasks", "close_tasks"]
PROJECTS = ["list_projects", "save_project"]
TEAMWORK = [
    "claim_task",
    "task_history",
    "revert_task",
    "restore_task",
    "add_note",
    "review_task",
]


@pytest.mark.parametrize(
    "extra_args, env, extra_tools",
    [
        (("--tools", "core,planning,projects"), {}, PLANNING + PROJECTS),
        ((), {"TASK_TRACKER_TOOLS": "all"}, [*PROJECTS, *PLANNING, *TEAMWORK]),
    ],
    ids=["flag", "env"],
)
def test_a_plan_end_to_end(
    served: str, extra_args: tuple[str, ...], env: dict[str, str], extra_tools: list[str]
) -> None:
    with StdioServer(served, extra_args=extra_args, env=env) as server:  # type: ignore[arg-type]
        server.initialize()
        names = [t["name"] for t in server.request("tools/list")["result"]["tools"]]
        assert names[8:] == extra_tools
        plan = server.call_ok(
            "add_tasks",
            {
                "project": "Move",
                "create_project": True,
                "tasks": [
                    {"ref": "pack", "title": "Pack boxes", "priority": "high"},
                    {"ref": "van", "title": "Book a van"},
                    {"title": "Label boxes", "parent": "pack"},
                    {"ref": "drive", "title": "Drive", "depends_on": ["pack", "van"]},
                ],
            },
        )
        pack, van, drive = plan["refs"]["pack"], plan["refs"]["van"], plan["refs"]["drive"]
        label = plan["tasks"][2]["id"]
        suggested = server.call_ok("next_task", {"limit": 5, "project": "move"})
        assert [t["title"] for t in suggested["tasks"]] == ["Book a van", "Label boxes"]
        refused = server.call_tool("complete_task", {"task_id": pack})
        assert refused["isError"] is True
        assert refused["content"][0]["text"] == (
            f"Task #{pack} has open subtasks (#{label}). Finish or cancel them first, or pass "
            "with_subtasks=true to complete them too."
        )
        loop = server.call_tool("update_task", {"task_id": van, "depends_on": [drive]})
        assert loop["content"][0]["text"] == (
            f"Task #{van} cannot depend on #{drive}: #{drive} already depends on #{van} "
            f"(#{drive} → #{van}), so this would make a loop (#{drive} → #{van} → #{drive})."
        )
        server.call_ok("close_tasks", {"task_ids": [pack, van], "with_subtasks": True})
        assert [t["title"] for t in server.call_ok("next_task", {})["tasks"]] == ["Drive"]
        detail = server.request("resources/read", {"uri": f"tasks://{pack}"})["result"]
        shown = json.loads(detail["contents"][0]["text"])
        assert shown["subtree"] == [
            {"id": label, "title": "Label boxes", "status": "complete", "parent_id": pack}
        ]
        assert shown["blocks"] == [{"id": drive, "title": "Drive", "status": "pending"}]
        projects = server.request("resources/read", {"uri": "projects://all"})["result"]
        assert projects["contents"][0]["text"] == "Move: 1 open, 3 complete, 0 cancelled"
        review = server.request(
            "prompts/get", {"name": "review_tasks", "arguments": {"status": "all"}}
        )["result"]["messages"][0]["content"]["text"]
        assert "### Move\n#" in review
        prompt = server.request(
            "prompts/get",
            {"name": "plan_project", "arguments": {"goal": "Move house", "project": "Move"}},
        )["result"]["messages"][0]["content"]["text"]
        assert prompt.startswith(
            'Break this goal into a plan of concrete tasks in project "Move" (pass '
            'project="Move" and create_project=true):\n\nMove house\n\n'
        )
        assert server.close() == 0


def test_unknown_toolset_fails_fast_with_one_line(db_path: Path) -> None:
    with StdioServer(db_path, extra_args=("--tools", "core,everything")) as server:
        assert server.proc.wait(30) == 2
        assert (
            server.stderr_text()
            .strip()
            .endswith(
                "unknown toolset everything: choose from core, projects, planning, teamwork, "
                "all (comma-separated)"
            )
        )


def test_two_processes_cannot_close_a_dependency_loop_together(served: str) -> None:
    """Each process adds one half of many two-task loops at the same time: for every pair
    exactly one half lands, the other is refused, and no loop is ever stored."""
    pairs = 40
    with StdioServer(served) as first, StdioServer(served) as second:  # type: ignore[arg-type]
        first.initialize()
        second.initialize()
        ids = [first.call_ok("add_task", {"title": f"t{n}"})["id"] for n in range(2 * pairs)]
        outcomes: dict[str, list[bool]] = {"a": [], "b": []}

        def run(server: StdioServer, name: str, forward: bool) -> None:
            for n in range(pairs):
                a, b = ids[2 * n], ids[2 * n + 1]
                task, dep = (a, b) if forward else (b, a)
                result = server.call_tool("update_task", {"task_id": task, "depends_on": [dep]})
                outcomes[name].append(not result.get("isError"))

        threads = [
            threading.Thread(target=run, args=(first, "a", True)),
            threading.Thread(target=run, args=(second, "b", False)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert first.close() == 0
        assert second.close() == 0
    assert [x != y for x, y in zip(outcomes["a"], outcomes["b"], strict=True)] == [True] * pairs
    loops = rows(
        served,
        "SELECT count(*) FROM task_dependencies AS d JOIN task_dependencies AS e"
        " ON d.task_id = e.depends_on_id AND d.depends_on_id = e.task_id",
    )
    stored = rows(served, "SELECT count(*) FROM task_dependencies")
    assert (loops, stored) == ([(0,)], [(pairs,)])
