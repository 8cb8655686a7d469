"""What a task asks of the work on it (issue 28, revision 0023): acceptance criteria, deferral,
repeating tasks, typed links, and next_task claiming files. Through the tools, on both
databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastmcp import Client
from mcp.types import Implementation

from task_tracker.schemas import local_today
from task_tracker.server.app import build_server
from task_tracker.store.workflow import advanced, next_due
from tests.server.calls import call, refusal

pytestmark = pytest.mark.anyio


async def test_criteria_must_be_checked_before_completing(agent: Client) -> None:
    task = await call(
        agent, "add_task", title="Ship login", criteria=["tests pass", "docs updated"]
    )
    shown = await call(agent, "get_task", task_id=task["id"])
    assert shown["criteria"] == [
        {"text": "tests pass", "checked": False},
        {"text": "docs updated", "checked": False},
    ]
    message = await refusal(agent, "complete_task", task_id=task["id"])
    assert message == (
        f"Task #{task['id']} has unchecked acceptance criteria: 1. tests pass; 2. docs "
        f"updated. Once they are met, tick them with update_task(task_id={task['id']}, "
        "checked=[1, 2]); to complete it anyway, pass with_unchecked=true (recorded)."
    )
    assert (await call(agent, "get_task", task_id=task["id"]))["status"] == "pending"
    ticked = await call(agent, "update_task", task_id=task["id"], checked=[1])
    assert ticked["version"] == 2
    # Ticking again changes nothing (no new version); closing by update_task is refused too.
    assert (await call(agent, "update_task", task_id=task["id"], checked=[1]))["version"] == 2
    message = await refusal(agent, "update_task", task_id=task["id"], status="complete")
    assert "unchecked acceptance criteria: 2. docs updated." in message
    history = await call(agent, "task_history", task_id=task["id"])
    assert (history["events"][0]["actor"], history["events"][0]["changes"]["criteria"]) == (
        "agent-a",
        [
            [{"text": "tests pass", "checked": False}, {"text": "docs updated", "checked": False}],
            [{"text": "tests pass", "checked": True}, {"text": "docs updated", "checked": False}],
        ],
    )
    done = await call(agent, "update_task", task_id=task["id"], checked=[2], status="complete")
    assert done["status"] == "complete"


async def test_completing_past_unchecked_criteria_is_recorded(agent: Client) -> None:
    task = await call(agent, "add_task", title="Hotfix", criteria=["review", "changelog"])
    await call(agent, "update_task", task_id=task["id"], checked=[1])
    done = await call(agent, "complete_task", task_id=task["id"], with_unchecked=True)
    assert done["status"] == "complete"
    shown = await call(agent, "get_task", task_id=task["id"])
    assert [(n["actor"], n["text"]) for n in shown["notes"]] == [
        ("agent-a", "Completed with unchecked acceptance criteria: 2. changelog")
    ]
    # Repeating the completion records nothing more.
    await call(agent, "complete_task", task_id=task["id"], with_unchecked=True)
    assert len((await call(agent, "get_task", task_id=task["id"]))["notes"]) == 1


async def test_criteria_are_replaced_and_removed_and_wrong_numbers_refused(
    agent: Client,
) -> None:
    task = await call(agent, "add_task", title="Plan", criteria=["a", "b"])
    await call(agent, "update_task", task_id=task["id"], checked=[1, 2])
    await call(agent, "update_task", task_id=task["id"], criteria=["c"])
    shown = await call(agent, "get_task", task_id=task["id"])
    assert shown["criteria"] == [{"text": "c", "checked": False}]
    message = await refusal(agent, "update_task", task_id=task["id"], checked=[3])
    assert message == (
        f"Task #{task['id']} has criteria 1-1: there is no number 3. get_task lists them."
    )
    blank = await refusal(agent, "add_task", title="x", criteria=["  "])
    assert blank == "Each criterion needs at least one non-space character."
    await call(agent, "update_task", task_id=task["id"], criteria=[])
    assert (await call(agent, "get_task", task_id=task["id"]))["criteria"] == []
    assert (await call(agent, "complete_task", task_id=task["id"]))["status"] == "complete"
    too_many = await agent.call_tool(
        "add_task", {"title": "x", "criteria": ["c"] * 21}, raise_on_error=False
    )
    assert too_many.is_error


async def test_subtasks_completed_with_their_parent_meet_their_criteria_too(
    agent: Client,
) -> None:
    parent = await call(agent, "add_task", title="Release")
    child = await call(
        agent, "add_task", title="Tag it", parent_id=parent["id"], criteria=["signed"]
    )
    message = await refusal(agent, "complete_task", task_id=parent["id"], with_subtasks=True)
    assert message.startswith(f"Task #{child['id']} has unchecked acceptance criteria: 1. signed.")
    assert (await call(agent, "get_task", task_id=child["id"]))["status"] == "pending"


async def test_a_deferred_task_is_not_offered_until_its_time(agent: Client) -> None:
    later = await call(
        agent, "add_task", title="Renew cert", priority="high", defer_until="2999-01-01"
    )
    now = await call(agent, "add_task", title="Today's work")
    offered = await call(agent, "next_task", limit=5)
    assert [t["id"] for t in offered["tasks"]] == [now["id"]]
    shown = await call(agent, "get_task", task_id=later["id"])
    local_midnight = datetime(2999, 1, 1).astimezone(UTC)
    assert datetime.fromisoformat(shown["defer_until"]) == local_midnight
    listed = await call(agent, "list_tasks")  # the tool lists every task
    assert [t["id"] for t in listed["tasks"]] == [later["id"], now["id"]]
    # A time already past ends the deferral.
    await call(agent, "update_task", task_id=later["id"], defer_until="2020-01-01T00:00:00Z")
    assert (await call(agent, "get_task", task_id=later["id"]))["defer_until"] is None
    offered = await call(agent, "next_task", limit=5)
    assert [t["id"] for t in offered["tasks"]] == [later["id"], now["id"]]
    wrong = await refusal(agent, "add_task", title="x", defer_until="soon")
    assert wrong.endswith(
        "defer_until: 'soon' is not a date or a time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM "
        "(the server's local time unless it ends in an offset such as Z or +02:00)"
    )


async def test_completing_a_weekly_task_opens_the_next_occurrence(agent: Client) -> None:
    due = local_today() + timedelta(days=2)
    task = await call(
        agent,
        "add_task",
        title="Weekly report",
        priority="high",
        tags=["ops"],
        due_date=due.isoformat(),
        repeat="weekly",
        criteria=["numbers in"],
    )
    await call(agent, "update_task", task_id=task["id"], checked=[1])
    done = await call(agent, "complete_task", task_id=task["id"])
    assert done["status"] == "complete"
    following = done["next_occurrence"]
    assert following is not None and following > task["id"]
    shown = await call(agent, "get_task", task_id=following)
    assert (shown["title"], shown["priority"], shown["tags"], shown["status"]) == (
        "Weekly report",
        "high",
        ["ops"],
        "pending",
    )
    assert shown["due_date"] == (due + timedelta(weeks=1)).isoformat()
    assert (shown["repeat"], shown["links"]) == ("weekly", {"repeat_of": task["id"]})
    assert shown["criteria"] == [{"text": "numbers in", "checked": False}]
    # Completing it again opens nothing more; cancelling a repeating task opens nothing.
    again = await call(agent, "complete_task", task_id=task["id"])
    assert again["next_occurrence"] == following
    cancelled = await call(agent, "update_task", task_id=following, status="cancelled")
    assert cancelled["next_occurrence"] is None
    listed = await call(agent, "list_tasks")
    assert len(listed["tasks"]) == 2
    # Stopping the repeat.
    other = await call(agent, "add_task", title="Daily", repeat="daily")
    await call(agent, "update_task", task_id=other["id"], repeat="")
    assert (await call(agent, "complete_task", task_id=other["id"]))["next_occurrence"] is None
    bad = await refusal(agent, "add_task", title="x", repeat="every 100 weeks")
    assert bad.endswith(
        "repeat: 'every 100 weeks' is not a repeat; use daily, weekly, monthly, weekdays, "
        "'every N days' (N up to 999) or 'every N weeks' (up to 99), or '' to stop"
    )


@pytest.mark.parametrize(
    ("start", "repeat", "expected"),
    [
        (date(2026, 12, 4), "daily", date(2026, 12, 5)),
        (date(2026, 12, 4), "weekly", date(2026, 12, 11)),
        (date(2026, 12, 4), "weekdays", date(2026, 12, 7)),  # Friday -> Monday
        (date(2026, 12, 5), "weekdays", date(2026, 12, 7)),  # Saturday -> Monday
        (date(2026, 12, 7), "weekdays", date(2026, 12, 8)),
        (date(2026, 1, 31), "monthly", date(2026, 2, 28)),
        (date(2026, 12, 31), "monthly", date(2027, 1, 31)),
        (date(2026, 12, 4), "every 3 days", date(2026, 12, 7)),
        (date(2026, 12, 4), "every 2 weeks", date(2026, 12, 18)),
    ],
)
def test_each_repeat_advances_as_named(start: date, repeat: str, expected: date) -> None:
    assert advanced(start, repeat) == expected


def test_a_late_completion_skips_to_the_next_day_ahead() -> None:
    assert next_due(date(2026, 11, 2), "weekly", date(2026, 12, 4)) == date(2026, 12, 7)
    assert next_due(None, "daily", date(2026, 12, 4)) == date(2026, 12, 5)


async def test_typed_links(agent: Client) -> None:
    working = await call(agent, "add_task", title="Refactor auth")
    found = await call(agent, "add_task", title="Token leak", discovered_from=working["id"])
    other = await call(agent, "add_task", title="Leaky token")
    shown = await call(agent, "get_task", task_id=found["id"])
    assert shown["links"] == {"discovered_from": working["id"]}
    closed = await call(agent, "update_task", task_id=other["id"], duplicate_of=found["id"])
    assert closed["status"] == "cancelled"
    shown = await call(agent, "get_task", task_id=other["id"])
    assert shown["links"] == {"duplicate_of": found["id"]}
    assert await refusal(agent, "add_task", title="x", discovered_from=999) == (
        "discovered_from: no task #999. Use list_tasks or search_tasks to find ids."
    )
    assert await refusal(agent, "update_task", task_id=other["id"], duplicate_of=other["id"]) == (
        f"duplicate_of must be another task than #{other['id']} itself."
    )
    # Deleting the task a link names clears the link; the task stays.
    await call(agent, "delete_task", task_id=found["id"])
    assert (await call(agent, "get_task", task_id=other["id"]))["links"] == {}


async def test_next_task_claims_with_paths(agent: Client, database: Any) -> None:
    first = await call(agent, "add_task", title="Auth", priority="high")
    await call(agent, "add_task", title="Billing")
    claimed = await call(agent, "next_task", claim=True, paths=["src/auth/**"])
    [task] = claimed["tasks"]
    assert task["id"] == first["id"]
    assert ", covering src/auth/**" in task["reason"]
    server = build_server(database, toolsets=("all",))
    async with Client(server, client_info=Implementation(name="agent-b", version="1")) as bob:
        message = await refusal(bob, "next_task", claim=True, paths=["src/auth/login.py"])
        assert "src/auth/**" in message and "agent-a" in message
    assert await refusal(agent, "next_task", paths=["src/**"]) == (
        "paths name the files a claim covers: pass claim=true with them, or leave them out "
        "to only see what is next."
    )


async def test_restored_tasks_keep_their_links_unless_the_target_is_gone(
    agent: Client,
) -> None:
    origin = await call(agent, "add_task", title="Origin")
    kept = await call(agent, "add_task", title="Kept", discovered_from=origin["id"])
    lost = await call(agent, "add_task", title="Lost", discovered_from=origin["id"])
    for task in (kept, lost):
        await call(agent, "delete_task", task_id=task["id"])
    restored = await call(agent, "restore_task", task_id=kept["id"])
    assert restored["links"] == {"discovered_from": origin["id"]}
    await call(agent, "delete_task", task_id=origin["id"], permanent=True, confirm=True)
    restored = await call(agent, "restore_task", task_id=lost["id"])
    assert (restored["title"], restored["links"]) == ("Lost", {})


async def test_review_by_another_agent(agent: Client, database: Any) -> None:
    task = await call(agent, "add_task", title="Rotate keys", review=True, repeat="weekly")
    submitted = await call(agent, "complete_task", task_id=task["id"])
    assert (submitted["status"], submitted["next_occurrence"]) == ("in_review", None)
    shown = await call(agent, "get_task", task_id=task["id"])
    assert (shown["review"], shown["submitted_by"], shown["completed_at"]) == (
        True,
        "agent-a",
        None,
    )
    # Its agent completing it again changes nothing; approving it is refused, naming why.
    assert (await call(agent, "complete_task", task_id=task["id"]))["version"] == 2
    assert await refusal(agent, "review_task", task_id=task["id"], approve=True) == (
        f"Task #{task['id']} was completed by you ('agent-a'): its review must come from "
        "another agent, so it is not approved and nothing was changed. Leave it for another "
        "agent (next_task offers it to them first), or take it back with approve=false and "
        "a note."
    )
    assert (await call(agent, "next_task", limit=5))["tasks"] == []  # not offered to its agent
    server = build_server(database, toolsets=("all",))
    async with Client(server, client_info=Implementation(name="agent-b", version="1")) as bob:
        await call(bob, "add_task", title="Other work", priority="high")
        offered = await call(bob, "next_task", limit=5)
        assert [t["id"] for t in offered["tasks"]][0] == task["id"]  # review comes first
        assert offered["tasks"][0]["reason"].startswith(
            "in review, done by agent-a: approve or send back, medium priority"
        )
        message = await refusal(bob, "complete_task", task_id=task["id"])
        assert message.startswith(f"Task #{task['id']} is in review: 'agent-a' completed it")
        sent_back = await call(
            bob, "review_task", task_id=task["id"], approve=False, note="tests missing"
        )
        assert sent_back["status"] == "in_progress"
        assert (sent_back["notes"][0]["actor"], sent_back["notes"][0]["text"]) == (
            "agent-b",
            "tests missing",
        )
        assert sent_back["history"][1]["kind"] == "reject"
        await call(agent, "complete_task", task_id=task["id"])
        approved = await call(bob, "review_task", task_id=task["id"], approve=True)
        assert (approved["status"], approved["history"][0]["kind"]) == ("complete", "approve")
        # Completion by approval opens a repeating task's next occurrence.
        following = await call(bob, "list_tasks", status="pending")
        assert [t["title"] for t in following["tasks"]] == ["Other work", "Rotate keys"]
        again = await refusal(bob, "review_task", task_id=task["id"], approve=True)
        assert again.startswith(f"Task #{task['id']} is complete, not in review")


async def test_a_projects_review_default_and_a_tasks_own_say(agent: Client) -> None:
    saved = await call(agent, "save_project", name="Payments", review=True)
    assert saved["review"] is True
    checked = await call(agent, "add_task", title="Refund flow", project="Payments")
    exempt = await call(agent, "add_task", title="Typo", project="Payments", review=False)
    plain = await call(agent, "add_task", title="Elsewhere")
    assert (await call(agent, "complete_task", task_id=checked["id"]))["status"] == "in_review"
    assert (await call(agent, "complete_task", task_id=exempt["id"]))["status"] == "complete"
    assert (await call(agent, "complete_task", task_id=plain["id"]))["status"] == "complete"
    counts = await call(agent, "list_tasks", status="open")
    assert [(t["title"], t["status"]) for t in counts["tasks"]] == [("Refund flow", "in_review")]
    assert (await call(agent, "list_tasks", status="in_review"))["total"] == 1


async def test_get_task_shows_the_paths_a_running_claim_covers(agent: Client) -> None:
    task = await call(agent, "add_task", title="Auth")
    await call(agent, "claim_task", task_id=task["id"], paths=["src/auth/**", "docs/*.md"])
    shown = await call(agent, "get_task", task_id=task["id"])
    assert (shown["claimed_by"], shown["paths"]) == ("agent-a", ["src/auth/**", "docs/*.md"])
    await call(agent, "claim_task", task_id=task["id"], release=True)
    assert (await call(agent, "get_task", task_id=task["id"]))["paths"] == []


async def test_closing_or_submitting_a_task_frees_the_paths_its_claim_covered(
    agent: Client, engine: Any
) -> None:
    task = await call(agent, "add_task", title="Auth", review=True)
    other = await call(agent, "add_task", title="Login page")
    for claimed in (task, other):
        await call(agent, "claim_task", task_id=claimed["id"], paths=["src/auth/**"])
    assert (await call(agent, "complete_task", task_id=task["id"]))["status"] == "in_review"
    await call(agent, "update_task", task_id=other["id"], status="cancelled")
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT claimed_by, claimed_paths FROM tasks ORDER BY id"))
        assert stored.all() == [(None, None), (None, None)]
