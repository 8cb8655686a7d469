"""Habits people bring from git, gh and taskwarrior, through the real console script: bare
`task-tracker`, `list`, `ls --all`, `--sort due`, `edit +tag -tag`, an edit that changes
nothing, `revert`, project names in `show` and `history`, and shell completion."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_commands import SCRIPT, as_json, ok, person, run


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tasks.db"


def test_bare_command_on_an_empty_database_says_how_to_start(db: Path) -> None:
    assert ok(db) == (
        "No tasks yet. Add one: task-tracker add 'Write the release notes'\n"
        "Commands: task-tracker --help\n"
    )


def test_bare_command_shows_counts_what_you_hold_and_what_is_next(db: Path) -> None:
    ok(db, "add", "Mine", "--priority", "low")
    ok(db, "add", "Urgent", "--priority", "high")
    ok(db, "add", "Later")
    ok(db, "add", "Gone")
    ok(db, "done", "4", "--cancel")
    ok(db, "claim", "1")
    lines = ok(db, env={"NO_COLOR": "1"}).splitlines()
    assert lines[0] == "3 open (1 in progress, 2 pending); 0 complete, 1 cancelled"
    assert lines[1:4] == ["", "You (alice) hold:", "  #1 Mine"]
    assert [line.split(" — ")[0] for line in lines[5:8]] == ["Next:", "  #2 Urgent", "  #3 Later"]
    assert lines[-1] == (
        "task-tracker ls lists the open tasks; task-tracker --help lists commands."
    )


def test_list_is_ls_and_all_shows_closed_tasks(db: Path) -> None:
    ok(db, "add", "open one")
    ok(db, "add", "closed one")
    ok(db, "done", "2")
    assert ok(db, "list", "-q") == ok(db, "ls", "-q") == "1\n"
    assert ok(db, "ls", "--all", "-q") == ok(db, "ls", "--status", "all", "-q") == "1\n2\n"


def test_sort_due_means_due_date(db: Path) -> None:
    ok(db, "add", "later", "--due", "2031-02-01")
    ok(db, "add", "undated")
    ok(db, "add", "sooner", "--due", "2031-01-01")
    assert ok(db, "ls", "--sort", "due", "-q") == "3\n1\n2\n"
    assert ok(db, "ls", "--sort", "due", "-q") == ok(db, "ls", "--sort", "due_date", "-q")
    assert ok(db, "ls", "--sort", "updated", "-q") == "3\n2\n1\n"
    wrong = run(db, "ls", "--sort", "size")
    assert wrong.returncode == 2 and "invalid choice: 'size'" in wrong.stderr


def test_edit_adds_and_removes_tags_and_tag_still_replaces(db: Path) -> None:
    ok(db, "add", "tagged", "--tag", "a", "--tag", "b")
    assert as_json(db, "edit", "1", "+c", "-a")["tags"] == ["b", "c"]
    assert as_json(db, "edit", "1", "--add-tag", "D", "--remove-tag", "c")["tags"] == ["b", "d"]
    assert as_json(db, "edit", "1", "--tag", "only")["tags"] == ["only"]
    both = run(db, "edit", "1", "--tag", "x", "+y")
    assert (both.returncode, both.stderr) == (
        2,
        "task-tracker: error: Pass either tags (to replace them) or tags to add and remove.\n",
    )
    assert as_json(db, "show", "1")["tags"] == ["only"]


def test_edit_with_nothing_to_change_says_so(db: Path) -> None:
    ok(db, "add", "steady", "--priority", "high")
    nothing = run(db, "edit", "1")
    assert (nothing.returncode, nothing.stdout) == (2, "")
    assert nothing.stderr == (
        "task-tracker: error: Nothing to change on #1: pass a field to set, e.g. --title, "
        "--priority, --due, +tag or -tag (task-tracker edit --help lists them).\n"
    )
    assert ok(db, "edit", "1", "--priority", "high") == "No change: #1 is already so.\n"
    assert as_json(db, "show", "1")["version"] == 1


def test_revert_gives_back_the_fields_of_a_version(db: Path) -> None:
    ok(db, "add", "first title", "--priority", "low")
    ok(db, "edit", "1", "--title", "second title", "--priority", "high")
    assert ok(db, "revert", "1", "1") == (
        "Reverted #1 to its fields at version 1: first title (now v3)\n"
    )
    task = as_json(db, "show", "1")
    assert (task["title"], task["priority"], task["version"]) == ("first title", "low", 3)
    missing = run(db, "revert", "1", "9")
    assert (missing.returncode, missing.stderr) == (
        2,
        "task-tracker: error: Task #1 has no version 9 to go back to: `task-tracker history "
        "1` lists the versions there are.\n",
    )


def test_show_and_history_name_the_project(db: Path) -> None:
    ok(db, "add", "moved", "--project", "Web", "--create-project")
    ok(db, "edit", "1", "--project", "Mobile", "--create-project")
    shown = ok(db, "show", "1", env={"NO_COLOR": "1"})
    assert "  project   Mobile\n" in shown
    assert "update: project 'Web' → 'Mobile'\n" in shown
    history = ok(db, "history", "1").splitlines()
    assert history[0].endswith(" alice update: project 'Web' → 'Mobile'")
    assert history[1].endswith("; project 'Web'")
    assert "project_id" not in shown + "\n".join(history)


def completions(line: str, tmp_path: Path) -> list[str]:
    """What the shell offers for `line` (the cursor at its end): argcomplete's protocol, as
    the script from `task-tracker completion bash` runs it."""
    out = tmp_path / "offered"
    subprocess.run(
        [str(SCRIPT)],
        env=person(
            {
                "_ARGCOMPLETE": "1",
                "_ARGCOMPLETE_IFS": "\n",
                "COMP_LINE": line,
                "COMP_POINT": str(len(line)),
                "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
            }
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sorted(word.strip() for word in out.read_text().split("\n"))


def test_shell_completion_offers_commands_and_options(tmp_path: Path) -> None:
    assert completions("task-tracker re", tmp_path) == ["restore", "revert", "review"]
    assert completions("task-tracker ls --so", tmp_path) == ["--sort"]
    for shell, marker in (
        ("bash", "complete -o nospace -o default -o bashdefault -F _python_argcomplete"),
        ("zsh", "#compdef task-tracker"),
        ("fish", "complete --command task-tracker"),
    ):
        printed = subprocess.run(
            [str(SCRIPT), "completion", shell], capture_output=True, text=True, timeout=60
        )
        assert (printed.returncode, printed.stderr) == (0, ""), shell
        assert marker in printed.stdout, shell


HOSTILE = "Pay \x1b]52;c;cm0gLXJmIH4=\x07now\x1b[2J\rfake\u202eevil"
SHOWN = "Pay \\x1b]52;c;cm0gLXJmIH4=\\x07now\\x1b[2J\\rfake\\u202eevil"


def test_text_others_wrote_never_drives_the_terminal(db: Path) -> None:
    """Escapes (OSC: clipboard, title; CSI: clear screen), a bare CR and a bidi override in a
    title, a note, a tag-free project name: every view shows them as escapes, raw in none."""
    ok(db, "add", HOSTILE, "--project", "P\x1b[31m", "--create-project", "--desc", HOSTILE)
    ok(db, "note", "1", HOSTILE)
    ok(db, "claim", "1", env={"TASK_TRACKER_ACTOR": "mallory\x1b[2J"})
    outputs = {
        "ls": ok(db, "ls", env={"NO_COLOR": "1"}),
        "show": ok(db, "show", "1", env={"NO_COLOR": "1"}),
        "history": ok(db, "history", "1"),
        "projects": ok(db, "projects", env={"NO_COLOR": "1"}),
        "search": ok(db, "search", "now", env={"NO_COLOR": "1"}),
        "summary": ok(db, env={"NO_COLOR": "1", "USER": "mallory"}),
        "error": run(
            db, "edit", "1", "--project", "Q\x1b[2J", env={"TASK_TRACKER_ACTOR": "mallory\x1b[2J"}
        ).stderr,
        "refusal": run(db, "done", "1").stderr,  # names the holder, mallory\x1b[2J
    }
    for name, text in outputs.items():
        assert not any(c in text for c in "\x1b\x07\r\u202e"), name
    assert SHOWN in outputs["ls"] and SHOWN in outputs["show"]
    assert "P\\x1b[31m" in outputs["projects"] and "mallory\\x1b[2J" in outputs["show"]
    assert "No project named 'Q\\x1b[2J'" in outputs["error"]
    assert "claimed by 'mallory\\x1b[2J'" in outputs["refusal"]
    assert as_json(db, "show", "1")["title"] == HOSTILE  # stored and --json as written


def test_a_person_cannot_change_what_an_agent_holds_without_taking_it_over(db: Path) -> None:
    ok(db, "add", "the agent's")
    claimed = json.loads(ok(db, "claim", "1", "--json", env={"TASK_TRACKER_ACTOR": "claude-code"}))
    until = claimed["claimed_until"]
    refused = run(db, "done", "1")
    assert (refused.returncode, refused.stderr) == (
        1,
        f"task-tracker: error: Task #1 is claimed by 'claude-code' until {until}: only "
        "they change it while the lease runs, and nothing was changed. Wait, ask them to "
        "release it, or take it over: `task-tracker claim 1 --take-over`.\n",
    )
    assert as_json(db, "claim", "1", "--take-over")["claimed_by"] == "alice"
    assert ok(db, "done", "1") == "Completed #1: the agent's\n"
