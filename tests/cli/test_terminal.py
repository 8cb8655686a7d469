"""The task commands at a real terminal (a pty): colour unless NO_COLOR, the pager for long
lists, rm asking first; a person's write while a server writes; and `serve` importing none
of it."""

from __future__ import annotations

import json
import os
import pty
import select
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli.test_commands import SCRIPT, ok, person
from tests.e2e.rpc import StdioServer, request_message

RED_BOLD = "\x1b[1;31m"


def at_terminal(
    db: Path, *args: str, answer: str = "", env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run the command with a pty as stdin, stdout and stderr; type `answer`; all it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(SCRIPT), *args, "--db", str(db)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=person({"LINES": "40", "COLUMNS": "120", **(env or {})}),
        close_fds=True,
    )
    os.close(follower)
    if answer:
        os.write(leader, answer.encode())
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower side closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode().replace("\r\n", "\n")


def test_colour_at_a_terminal_and_none_with_no_color_or_a_pipe(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    ok(db, "add", "late", "--priority", "high", "--due", "2020-01-02")
    code, shown = at_terminal(db, "ls")
    assert code == 0
    assert "\x1b[31mhigh\x1b[0m" in shown  # high priority in red
    assert f"{RED_BOLD}2020-01-02\x1b[0m" in shown  # overdue in bold red
    code, plain = at_terminal(db, "ls", env={"NO_COLOR": "1"})
    assert (code, "\x1b[" in plain) == (0, False)
    assert "\x1b[" not in ok(db, "ls")  # piped


def test_a_long_list_goes_through_the_pager(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    stamp = "2026-11-01T09:00:00+00:00"
    tasks = [
        {"id": n, "title": f"task {n}", "created_at": stamp, "updated_at": stamp}
        for n in range(1, 61)
    ]
    document = {"format": "task-tracker/1", "tasks": tasks}
    (tmp_path / "export.json").write_text(json.dumps(document))
    subprocess.run(
        [str(SCRIPT), "import", str(tmp_path / "export.json"), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    pager = {"PAGER": "sed 's/^/paged: /'"}
    code, shown = at_terminal(db, "ls", env=pager)
    lines = shown.splitlines()
    assert code == 0 and len(lines) == 61 and all(line.startswith("paged: ") for line in lines)
    code, short = at_terminal(db, "ls", "--limit", "5", env=pager)
    assert code == 0 and "paged: " not in short  # fits the terminal: no pager
    code, unpaged = at_terminal(db, "ls", "--no-pager", env=pager)
    assert code == 0 and "paged: " not in unpaged and "task 60" in unpaged


def test_rm_asks_at_a_terminal(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    ok(db, "add", "keep me")
    code, said = at_terminal(db, "rm", "1", answer="n\n", env={"NO_COLOR": "1"})
    assert code == 1
    assert 'Move task #1 "keep me" to the trash? [y/N] ' in said
    assert said.rstrip().endswith("task-tracker: error: Nothing was deleted.")
    assert ok(db, "ls", "-q") == "1\n"
    code, said = at_terminal(db, "rm", "1", answer="y\n", env={"NO_COLOR": "1"})
    assert code == 0 and "Moved #1 to the trash: keep me" in said
    assert ok(db, "ls", "-q") == ""


def test_a_person_writing_while_a_server_writes_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    ok(db, "add", "first")
    server = StdioServer(db)
    try:
        server.initialize()
        for n in range(150):  # sent at once: the server writes them back to back
            call = {"name": "add_task", "arguments": {"title": f"agent {n}"}}
            server.send(request_message(1000 + n, "tools/call", call))
        by_hand = [
            subprocess.Popen(
                [str(SCRIPT), "add", f"person {n}", "--db", str(db)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(3)
        ]
        answers: dict[int, dict] = {}
        while len(answers) < 150:
            message = server.read_message(timeout=60)
            answers[message["id"]] = message
        outputs = [p.communicate(timeout=60) for p in by_hand]
    finally:
        server.close()
    assert all(not answer["result"].get("isError") for answer in answers.values())
    assert [p.returncode for p in by_hand] == [0, 0, 0]
    assert all(err == "" and out.startswith("Added #") for out, err in outputs)
    with sqlite3.connect(db) as conn:
        titles = {row[0] for row in conn.execute("SELECT title FROM tasks")}
    assert titles == {
        "first",
        *(f"agent {n}" for n in range(150)),
        *(f"person {n}" for n in range(3)),
    }


def test_serve_imports_none_of_the_task_commands(tmp_path: Path) -> None:
    """`serve` parses without the task commands' grammar, and never loads what runs them."""
    probe = (
        "import sys, task_tracker.cli as cli, task_tracker.cli.parser as p;"
        "p.build_parser(with_tasks=p.command_named(['serve', '--db', 'x']) != 'serve');"
        "print(sorted(m for m in sys.modules if m.startswith('task_tracker.cli')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(eval(done.stdout))  # noqa: S307 (our own probe's printed list)
    assert loaded.isdisjoint(
        {
            "task_tracker.cli.task_grammar",
            "task_tracker.cli.dates",
            "task_tracker.cli.tasks",
            "task_tracker.cli.views",
            "task_tracker.cli.render",
        }
    ), loaded
