"""Two agents share work through real servers over stdio on one database (issue 28): a
definition of done that refuses an early completion, deferred work, a weekly task's next
occurrence, work found while doing other work, and files claimed through next_task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from task_tracker.schemas import local_today
from tests.e2e.rpc import StdioServer


@pytest.fixture
def agents(db_path: Path) -> Iterator[tuple[StdioServer, StdioServer]]:
    started = []
    for name in ("agent-a", "agent-b"):
        server = StdioServer(
            db_path, extra_args=("--tools", "all"), env={"TASK_TRACKER_ACTOR": name}
        )
        server.initialize()
        started.append(server)
    yield started[0], started[1]
    for server in started:
        assert server.close() == 0


def refused(server: StdioServer, tool: str, arguments: dict) -> str:
    result = server.call_tool(tool, arguments)
    assert result.get("isError") is True, result
    return result["content"][0]["text"]


def test_criteria_refuse_the_other_agents_early_completion(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    task = alice.call_ok("add_task", {"title": "Ship login", "criteria": ["tests", "docs"]})
    message = refused(bob, "complete_task", {"task_id": task["id"]})
    assert message.startswith(f"Task #{task['id']} has unchecked acceptance criteria: 1. tests")
    bob.call_ok("update_task", {"task_id": task["id"], "checked": [1, 2]})
    assert bob.call_ok("complete_task", {"task_id": task["id"]})["status"] == "complete"
    history = alice.call_ok("task_history", {"task_id": task["id"]})["events"]
    assert [(e["kind"], e["actor"]) for e in history[:2]] == [
        ("complete", "agent-b"),
        ("update", "agent-b"),
    ]


def test_deferred_work_reaches_neither_agent_until_its_time(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    alice.call_ok(
        "add_task", {"title": "Renew cert", "priority": "high", "defer_until": "2999-01-01"}
    )
    now = alice.call_ok("add_task", {"title": "Fix the build"})
    offered = bob.call_ok("next_task", {"claim": True})
    assert [t["id"] for t in offered["tasks"]] == [now["id"]]
    left = alice.call_ok("next_task", {"limit": 5})
    assert left["tasks"] == [] and left["message"].startswith("No task is free")


def test_a_weekly_task_comes_back_for_the_other_agent(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    due = local_today() + timedelta(days=1)
    task = alice.call_ok(
        "add_task", {"title": "Weekly report", "repeat": "weekly", "due_date": due.isoformat()}
    )
    done = alice.call_ok("complete_task", {"task_id": task["id"]})
    [offered] = bob.call_ok("next_task", {})["tasks"]
    assert offered["id"] == done["next_occurrence"]
    assert (offered["title"], offered["due_date"]) == (
        "Weekly report",
        (due + timedelta(weeks=1)).isoformat(),
    )


def test_work_found_while_working_reaches_the_next_agents_brief(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    working = alice.call_ok("add_task", {"title": "Refactor auth"})
    found = alice.call_ok(
        "add_task", {"title": "Token leak in logs", "discovered_from": working["id"]}
    )
    read = bob.request("resources/read", {"uri": "tasks://brief"})
    brief = read["result"]["contents"][0]["text"]
    section = brief.split("Found while doing other work:\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "  1 in the last 7 days; newest:",
        f"  #{found['id']} [medium] Token leak in logs (pending) while doing #{working['id']}",
    ]


def test_files_claimed_through_next_task_are_refused_to_the_other_agent(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    alice.call_ok("add_task", {"title": "Auth", "priority": "high"})
    alice.call_ok("add_task", {"title": "Billing"})
    [mine] = alice.call_ok("next_task", {"claim": True, "paths": ["src/auth/**"]})["tasks"]
    assert mine["title"] == "Auth"
    message = refused(bob, "next_task", {"claim": True, "paths": ["src/auth/token.py"]})
    assert "agent-a" in message and "src/auth/**" in message
    [theirs] = bob.call_ok("next_task", {"claim": True, "paths": ["src/billing/**"]})["tasks"]
    assert theirs["title"] == "Billing"


def test_work_that_needs_review_is_approved_by_the_other_agent_only(
    agents: tuple[StdioServer, StdioServer],
) -> None:
    alice, bob = agents
    task = alice.call_ok("add_task", {"title": "Rotate keys", "review": True})
    assert alice.call_ok("complete_task", {"task_id": task["id"]})["status"] == "in_review"
    message = refused(alice, "review_task", {"task_id": task["id"], "approve": True})
    assert message.startswith(f"Task #{task['id']} was completed by you ('agent-a')")
    [offered] = bob.call_ok("next_task", {})["tasks"]
    assert (offered["id"], offered["status"]) == (task["id"], "in_review")
    back = bob.call_ok(
        "review_task", {"task_id": task["id"], "approve": False, "note": "add a test"}
    )
    assert back["status"] == "in_progress"
    alice.call_ok("complete_task", {"task_id": task["id"]})
    done = bob.call_ok("review_task", {"task_id": task["id"], "approve": True})
    assert done["status"] == "complete"
    kinds = [(e["kind"], e["actor"]) for e in done["history"]]
    assert kinds == [("approve", "agent-b"), ("update", "agent-a"), ("note", "agent-b")]
