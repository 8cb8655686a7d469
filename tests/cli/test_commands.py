"""The task commands as a person runs them: the real console script in a subprocess, each
command as a table and as --json, exit codes and one-line errors, the person's name in the
history, and --json equal to what an MCP client gets from the tools for the same tasks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client

from task_tracker.backends import prepare_database
from task_tracker.cli.dates import parse_due
from task_tracker.schemas import local_today
from task_tracker.server.app import build_server

SCRIPT = Path(sys.executable).parent / "task-tracker"


def person(env: dict[str, str] | None = None) -> dict[str, str]:
    """A person's environment: no task-tracker settings, colour allowed, named alice."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TASK_TRACKER_")}
    base.pop("NO_COLOR", None)
    return {**base, "USER": "alice", **(env or {})}


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args, "--db", str(db)],
        env=person(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def stored(db: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


def ok(db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = run(db, *args, env=env)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout


def ok_at_once(db: Path, *commands: tuple[str, ...]) -> list[str]:
    """Several commands that only read, run side by side (each is a process of its own, as
    when a person runs them in two terminals); their outputs in order."""
    running = [
        subprocess.Popen(
            [str(SCRIPT), *args, "--db", str(db)],
            env=person(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    outputs = []
    for process in running:
        out, err = process.communicate(timeout=60)
        assert (process.returncode, err) == (0, ""), err
        outputs.append(out)
    return outputs


def as_json(db: Path, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tasks.db"


def test_the_console_script_is_installed() -> None:
    assert SCRIPT.is_file(), "pip install -e . puts task-tracker beside the interpreter"


def test_a_session_from_add_to_history(db: Path) -> None:
    today = local_today()
    assert ok(
        db, "add", "Write notes", "--tag", "docs", "--priority", "high", "--due", "today"
    ) == ("Added #1: Write notes\n")
    assert ok(db, "add", "Fix login", "--project", "web", "--create-project", "-q") == "2\n"
    added = as_json(db, "add", "Deploy", "--depends-on", "1", "--depends-on", "2", "--due", "+1w")
    assert (added["id"], added["due_date"]) == (3, (today + timedelta(weeks=1)).isoformat())
    listed, tagged, in_project, suggested = ok_at_once(
        db,
        ("ls",),
        ("ls", "--tag", "docs", "-q"),
        ("ls", "--project", "web", "--sort", "priority", "-q"),
        ("next", "-q"),
    )
    assert listed == (
        "ID  PRI     STATUS   DUE         PROJECT  TITLE\n"
        f"1   high    pending  {today}           Write notes  +docs\n"
        "2   medium  pending              web      Fix login\n"
        f"3   medium  pending  {added['due_date']}           Deploy\n"
    )
    assert (tagged, in_project, suggested) == ("1\n", "2\n", "1\n2\n")  # Deploy waits
    assert ok(db, "start", "2") == "Started #2: Fix login\n"
    assert ok(db, "note", "2", "cookie was stale") == "Noted on #2: Fix login\n"
    left = ok(db, "note", "2", "login works; tests left", "--handoff")
    assert left == "Handoff left on #2: Fix login\n"
    assert ok(db, "note", "2", "one more try") == "Noted on #2: Fix login\n"
    shown, found = ok_at_once(db, ("show", "2"), ("search", "stale"))
    handoff_line = shown.split("notes (the latest handoff, then newest first):\n")[1]
    assert handoff_line.split("\n")[0].endswith(" (handoff): login works; tests left")
    assert handoff_line.split("\n")[1].endswith(": one more try")
    told = ok(db, "brief")
    waiting = told.split("Handoffs waiting on free tasks:\n")[1].split("\n\n")[0]
    assert waiting.startswith("  #2 Fix login\n    handoff by ")
    assert waiting.endswith(": login works; tests left")
    assert shown.startswith("#2 Fix login\n  status    in_progress\n  priority  medium\n")
    assert (
        "notes (the latest handoff, then newest first):\n" in shown
        and ": cookie was stale\n" in shown
    )
    assert "\nblocks:\n  #3 Deploy [pending]\n" in shown
    assert found == (
        "ID  PRI     STATUS       DUE  PROJECT  TITLE\n"
        "2   medium  in_progress       web      Fix login\n"
        "      note: cookie was stale\n"
    )
    assert ok(db, "done", "1", "2") == "Completed #1: Write notes\nCompleted #2: Fix login\n"
    assert ok(db, "edit", "3", "--priority", "high", "--no-due") == "Changed #3: Deploy (v2)\n"
    suggested, projects, history_text = ok_at_once(
        db, ("next", "-q"), ("projects",), ("history", "3")
    )
    assert suggested == "3\n"
    assert projects == (
        "PROJECT  OPEN  COMPLETE  CANCELLED  DESCRIPTION\nweb      0     1         0\n"
    )
    history = history_text.splitlines()
    assert history[0].startswith("v2 ") and history[0].endswith(
        f" alice update: priority 'medium' → 'high'; due_date '{added['due_date']}' → (none)"
    )
    assert history[-1].endswith(
        " alice create: title 'Deploy'; status 'pending'; "
        f"priority 'medium'; due_date '{added['due_date']}'"
    )


def test_claim_rm_restore_and_the_trash(db: Path) -> None:
    ok(db, "add", "one")
    ok(db, "add", "two")
    claimed = ok(db, "claim", "1", "--minutes", "5")
    assert claimed.startswith("Claimed #1: one until ") and claimed.endswith(" UTC\n")
    refused = run(db, "claim", "1", env={"USER": "bob"})
    assert refused.returncode == 1
    assert refused.stderr.startswith("task-tracker: error: Task #1 is claimed by 'alice' until ")
    assert ok(db, "ls", "--claimed-by", "alice", "-q") == "1\n"
    assert ok(db, "claim", "1", "--release") == "Released #1: one\n"
    # No terminal to ask: the trash is undoable, so rm goes ahead; for good needs -y.
    assert ok(db, "rm", "1", "2") == (
        "Moved #1 to the trash: one (task-tracker restore 1)\n"
        "Moved #2 to the trash: two (task-tracker restore 2)\n"
    )
    assert ok(db, "ls", "-q") == ""
    assert ok(db, "restore", "2") == "Restored #2: two\n"
    forever = run(db, "rm", "2", "--permanent")
    assert (forever.returncode, forever.stderr) == (
        1,
        "task-tracker: error: Deleting for good needs -y when there is no terminal to ask.\n",
    )
    assert ok(db, "rm", "2", "--permanent", "-y") == "Deleted #2 for good: two\n"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone() == (0,)
        assert conn.execute("SELECT task_id FROM trash").fetchall() == [(1,)]


def test_errors_are_one_line_in_commands_and_flags_with_documented_exit_codes(db: Path) -> None:
    missing = run(db, "show", "42")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        3,
        "",
        "task-tracker: error: No task #42: `task-tracker ls` or `task-tracker search WORDS` "
        "find the ids there are.\n",
    )
    too_long = run(db, "add", "x" * 201, "--tag", "a b")
    assert (too_long.returncode, too_long.stderr) == (
        2,
        "task-tracker: error: the title is 201 characters long; at most 200 are allowed; "
        "--tag[0]: 'a b' is not a valid tag; use one word without spaces, commas or control "
        "characters\n",
    )
    unknown = run(db, "add", "x", "--project", "nope")
    assert (unknown.returncode, unknown.stderr) == (
        3,
        "task-tracker: error: No project named 'nope' (existing: none yet). Add "
        "--create-project to create it.\n",
    )
    ok(db, "add", "parent")
    ok(db, "add", "child", "--parent", "1")
    open_below = run(db, "done", "1")
    assert (open_below.returncode, open_below.stderr) == (
        1,
        "task-tracker: error: Task #1 has open subtasks (#2): finish or cancel them first, or "
        "add --with-subtasks to complete them too.\n",
    )
    no_dep = run(db, "edit", "2", "--depends-on", "77")
    assert (no_dep.returncode, no_dep.stderr) == (
        3,
        "task-tracker: error: No task #77 (given to --depends-on): `task-tracker ls` or "
        "`task-tracker search WORDS` find the ids there are.\n",
    )
    stale = run(db, "edit", "2", "--title", "renamed", "--expected-version", "7")
    assert (stale.returncode, stale.stderr) == (
        1,
        "task-tracker: error: Task #2 was changed meanwhile: you expected version 7, it is "
        "version 1. See `task-tracker show 2`, then run again with --expected-version 1 if "
        "your change still applies.\n",
    )
    assert [row[0] for row in stored(db, "SELECT title FROM tasks ORDER BY id")] == [
        "parent",
        "child",
    ]
    bad_date = run(db, "add", "x", "--due", "someday")
    assert bad_date.returncode == 2
    assert bad_date.stderr.splitlines()[-1] == (
        "task-tracker add: error: argument --due: 'someday' is not a date: use YYYY-MM-DD, "
        "today, tomorrow, +3d, +2w or a weekday (mon..sun: its next occurrence, never today)"
    )
    assert run(db, "done").returncode == 2
    for command in ("add", "ls", "rm"):  # (each command's help has one: task_grammar)
        helped = run(db, command, "--help")
        assert helped.returncode == 0 and "example:\n  task-tracker " in helped.stdout


def test_the_actor_is_the_person_or_task_tracker_actor(db: Path) -> None:
    ok(db, "add", "one", env={"USER": "carol"})
    ok(db, "add", "two", env={"USER": "carol", "TASK_TRACKER_ACTOR": "release-bot"})
    with sqlite3.connect(db) as conn:
        actors = conn.execute("SELECT task_id, actor FROM task_events ORDER BY id").fetchall()
    assert actors == [(1, "carol"), (2, "release-bot")]


@pytest.mark.anyio
async def test_json_is_what_the_tools_return(db: Path) -> None:
    ok(db, "add", "alpha report", "--tag", "x", "--desc", "quarterly numbers")
    ok(db, "add", "beta", "--priority", "high", "--parent", "1")
    ok(db, "note", "2", "alpha notes too")
    listed = as_json(db, "ls", "--status", "all")
    shown = as_json(db, "show", "1")
    found = as_json(db, "search", "alpha")
    suggested = as_json(db, "next")
    prepare_database(db)
    async with Client(build_server(db, toolsets=("all",))) as client:

        async def tool(name: str, **arguments: Any) -> Any:
            return (await client.call_tool(name, arguments)).structured_content

        assert listed == await tool("list_tasks", status="all", sort="id", limit=200)
        assert shown == await tool("get_task", task_id=1)
        assert found == await tool("search_tasks", query="alpha", status="all", limit=10)
        assert suggested == await tool("next_task", limit=3)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-24", date(2026, 12, 24)),
        ("today", date(2026, 11, 27)),
        ("Tomorrow", date(2026, 11, 28)),
        ("+3d", date(2026, 11, 30)),
        ("+2w", date(2026, 12, 11)),
        ("fri", date(2026, 12, 4)),  # today is a Friday: the next one
        ("monday", date(2026, 11, 30)),
        ("sat", date(2026, 11, 28)),
    ],
)
def test_due_dates_as_people_type_them(typed: str, expected: date) -> None:
    assert parse_due(typed, date(2026, 11, 27)) == expected


@pytest.mark.parametrize("typed", ["someday", "+3m", "mo", "2026-13-01", "t"])
def test_due_dates_that_mean_nothing_say_what_to_type(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a date: use YYYY-MM-DD, today, tomorrow"):
        parse_due(typed, date(2026, 11, 27))


def test_criteria_deferral_repeats_and_links_from_the_command_line(db: Path) -> None:
    due = local_today() + timedelta(days=3)
    ship = ("Ship", "--criterion", "tests pass", "--criterion", "docs", "--repeat", "weekly")
    added = ok(db, "add", *ship, "--due", due.isoformat())
    assert added == "Added #1: Ship\n"
    assert ok(db, "add", "Leak", "--found-in", "1") == "Added #2: Leak\n"
    assert ok(db, "add", "Renew", "--defer", "2999-01-01") == "Added #3: Renew\n"
    assert ok(db, "ls", "-q") == "1\n2\n"  # deferred work stays out of the default listing
    assert ok(db, "ls", "-q", "--deferred") == "3\n"
    assert ok(db, "ls", "-q", "--all") == "1\n2\n3\n"
    refused = run(db, "done", "1")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        "task-tracker: error: Task #1 has unchecked acceptance criteria: 1. tests pass; "
        "2. docs. Once they are met: `task-tracker edit 1 --check 1 --check 2`; to complete "
        "it anyway (recorded): `task-tracker done 1 --with-unchecked`.\n"
    )
    assert ok(db, "edit", "1", "--check", "1") == "Changed #1: Ship (v2)\n"
    assert ok(db, "done", "1", "--with-unchecked") == "Completed #1: Ship\n"
    shown = ok(db, "show", "1")
    assert "\nacceptance criteria:\n  1. [x] tests pass\n  2. [ ] docs\n" in shown
    assert "  repeats   weekly\n" in shown
    assert stored(db, "SELECT id, due_date, repeat_of FROM tasks WHERE id = 4") == [
        (4, (due + timedelta(weeks=1)).isoformat(), 1)
    ]
    assert ok(db, "edit", "2", "--duplicate-of", "4") == "Changed #2: Leak (v2)\n"
    assert "  discovered from #1\n  duplicate of #4\n" in ok(db, "show", "2")
    bad = run(db, "edit", "4", "--repeat", "fortnightly")
    assert (bad.returncode, bad.stderr) == (
        2,
        "task-tracker: error: --repeat: 'fortnightly' is not a repeat; use daily, weekly, "
        "monthly, weekdays, 'every N days' (N up to 999) or 'every N weeks' (up to 99), or "
        "'' to stop\n",
    )
