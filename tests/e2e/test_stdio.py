"""The real server in a real subprocess, spoken to in raw JSON-RPC over its stdin/stdout."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys
import time
import tty
from pathlib import Path

import pytest

from task_tracker.postgres import is_url
from tests.e2e.rpc import HANG_S, StdioServer, initialize_params, request_message
from tests.e2e.stored import rows


def test_initialize_lists_tools_and_instructions(served: str) -> None:
    with StdioServer(served) as server:  # type: ignore[arg-type]
        init = server.initialize()["result"]
        assert init["serverInfo"]["name"] == "task-tracker"
        assert "next_cursor" in init["instructions"]
        tools = server.request("tools/list")["result"]["tools"]
        assert [t["name"] for t in tools] == [
            "add_task",
            "get_task",
            "update_task",
            "complete_task",
            "delete_task",
            "list_tasks",
            "search_tasks",
            "next_task",
        ]
        assert server.close() == 0


def test_tasks_survive_kill_and_restart(served: str) -> None:
    with StdioServer(served) as server:  # type: ignore[arg-type]
        server.initialize()
        added = server.call_ok("add_task", {"title": "survive the crash", "tags": ["ops"]})
        server.call_ok("update_task", {"task_id": added["id"], "status": "in_progress"})
        server.kill()  # SIGKILL right after the acknowledged write
    with StdioServer(served) as server:  # type: ignore[arg-type]
        server.initialize()
        task = server.call_ok("get_task", {"task_id": added["id"]})
        assert (task["title"], task["status"], task["tags"], task["version"]) == (
            "survive the crash",
            "in_progress",
            ["ops"],
            2,
        )
        assert server.close() == 0
    if not is_url(served):
        assert rows(served, "PRAGMA integrity_check") == [("ok",)]


def test_stdout_carries_only_json_rpc(served: str) -> None:
    debug = {"FASTMCP_LOG_LEVEL": "DEBUG"}
    with StdioServer(served, extra_args=(), env=debug) as server:  # type: ignore[arg-type]
        server.initialize()
        server.call_ok("add_task", {"title": "a"})
        assert server.call_tool("get_task", {"task_id": 999})["isError"] is True
        assert server.call_tool("add_task", {"title": 5})["isError"] is True
        server.request("resources/read", {"uri": "tasks://all"})
        server.request("prompts/get", {"name": "daily_standup", "arguments": {}})
        server.request("no/such/method")
        assert server.close() == 0
        assert len(server.stdout_lines) >= 7
        for line in server.stdout_lines:
            assert json.loads(line)["jsonrpc"] == "2.0"


def test_errors_over_the_wire_are_flagged_and_readable(served: str) -> None:
    with StdioServer(served) as server:  # type: ignore[arg-type]
        server.initialize()
        result = server.call_tool("complete_task", {"task_id": 42})
        assert result["isError"] is True
        assert result["content"][0]["text"] == (
            "Task 42 not found. Use list_tasks or search_tasks to find existing ids."
        )
        server.close()


def test_db_path_is_created_and_absolute(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    with StdioServer(
        tmp_path,
        command=[sys.executable, "-m", "task_tracker", "serve"],
        env={"TASK_TRACKER_DB": str(nested / "tasks.db")},
    ) as server:
        server.initialize()
        server.call_ok("add_task", {"title": "x"})
        server.close()
    assert (nested / "tasks.db").is_file()


def serve_on_a_terminal(db_path: Path, *, raw: bool, stderr: int) -> tuple[int, subprocess.Popen]:
    """The server with a pseudo-terminal as stdin (stdout a pipe); returns the terminal's
    other end, to type into or hang up."""
    primary, secondary = pty.openpty()
    if raw:
        tty.setraw(secondary)  # no echo, no line editing: bytes pass as written
    proc = subprocess.Popen(
        [sys.executable, "-m", "task_tracker", "serve", "--db", str(db_path)],
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=stderr,
        # As a shell starts a foreground command: Ctrl+C delivered. (A test run started in
        # the background by a script inherits SIGINT ignored, and so would the server.)
        preexec_fn=_interruptible,
    )
    os.close(secondary)
    return primary, proc


def _interruptible() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_terminal_stdin_gets_a_hint_on_stderr(db_path: Path) -> None:
    primary, proc = serve_on_a_terminal(db_path, raw=False, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = b""
    try:
        deadline = time.monotonic() + HANG_S
        while b"Set up a client" not in err and time.monotonic() < deadline:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk
        os.close(primary)  # hang up: the server sees end of input and exits
        out, rest = proc.communicate(timeout=HANG_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert b"is an MCP server and is now waiting for an MCP client on stdin/stdout" in err
    assert b"npx @modelcontextprotocol/inspector" in err
    assert out == b""


def test_a_terminal_on_stdin_is_served_too(db_path: Path) -> None:
    """Not a pipe: the SDK's threaded reader serves a terminal (never made non-blocking)."""
    primary, proc = serve_on_a_terminal(db_path, raw=True, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    messages = [
        request_message(1, "initialize", initialize_params("terminal")),
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        request_message(
            2, "tools/call", {"name": "add_task", "arguments": {"title": "typed in a terminal"}}
        ),
    ]
    try:
        os.write(primary, "".join(json.dumps(m) + "\n" for m in messages).encode())
        out = b""
        deadline = time.monotonic() + HANG_S
        while out.count(b"\n") < 2:
            ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
            assert ready, f"no reply from the server within 20 s; got {out!r}"
            out += os.read(proc.stdout.fileno(), 65536)
        replies = [json.loads(line) for line in out.splitlines()]
    finally:
        os.close(primary)  # hang up: the server sees end of input and exits
        proc.wait(20)
    assert [reply["id"] for reply in replies] == [1, 2]
    assert replies[1]["result"]["structuredContent"]["title"] == "typed in a terminal"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, title FROM tasks").fetchall() == [
            (1, "typed in a terminal")
        ]


def stderr_has(server: StdioServer, text: str) -> bool:
    return text in server.stderr_text()


def count_rows(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM tasks").fetchone()[0]


def test_a_client_that_stops_reading_does_not_crash_the_server(db_path: Path) -> None:
    with StdioServer(db_path) as server:
        server.initialize()
        assert server.proc.stdout is not None and server.proc.stdin is not None
        server.proc.stdout.close()  # the client stops reading replies, keeps writing requests
        add = {"name": "add_task", "arguments": {"title": "unread"}}
        server.send(request_message(2, "tools/call", add))
        server.send(
            request_message(3, "tools/call", {"name": "get_task", "arguments": {"task_id": 1}})
        )
        # Wait for the effect, not for a time: the second call ran after the first reply
        # could not be written, and the server is still serving.
        while not stderr_has(server, "replies are dropped") or count_rows(db_path) < 1:
            assert server.proc.poll() is None, server.stderr_text()
            time.sleep(0.01)
        assert server.proc.poll() is None
        server.proc.stdin.close()  # end of input: now it exits, cleanly
        assert server.proc.wait(20) == 0
        stderr = server.stderr_text()
    assert "the client closed stdout; replies are dropped until stdin ends" in stderr
    assert "Traceback" not in stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT title FROM tasks").fetchall() == [("unread",)]


def test_ctrl_c_on_a_terminal_stops_at_once_without_a_traceback(db_path: Path) -> None:
    import signal

    primary, proc = serve_on_a_terminal(db_path, raw=True, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        # Serving, and blocked reading the terminal for the next line: then Ctrl+C.
        os.write(primary, (json.dumps(request_message(1, "ping", {})) + "\n").encode())
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "no reply to ping"
        assert json.loads(proc.stdout.readline()) == {"jsonrpc": "2.0", "id": 1, "result": {}}
        proc.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl+C
        _, err = proc.communicate(timeout=HANG_S)
    finally:
        os.close(primary)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert b"Traceback" not in err


def test_a_deleted_database_file_refuses_writes_instead_of_losing_them(db_path: Path) -> None:
    with StdioServer(db_path) as server:
        server.initialize()
        assert server.call_ok("add_task", {"title": "before"})["id"] == 1
        os.unlink(db_path)
        result = server.call_tool("add_task", {"title": "would be lost"})
        assert result["isError"] is True
        assert result["content"][0]["text"] == (
            f"The task database file {db_path} was deleted while the server was running, so "
            "nothing was written. Restart the server (restore the file from a backup first if "
            "it was deleted by mistake)."
        )
        assert server.call_ok("list_tasks", {})["total"] == 1  # reads go on
        server.close()
        assert f"refusing writes: the database file {db_path} was deleted" in server.stderr_text()


def chattr(flag: str, path: Path) -> None:
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot change file attributes here: {done.stderr.strip()}")


def test_an_immutable_shared_memory_file_refuses_calls_instead_of_killing_the_server(
    db_path: Path,
) -> None:
    """SQLite writes to the -shm file through a memory mapping: made immutable under the
    server (chattr +i, as root), the next call died of SIGBUS."""
    shm = db_path.with_name(db_path.name + "-shm")
    with StdioServer(db_path) as server:
        server.initialize()
        server.call_ok("add_task", {"title": "before"})
        chattr("+i", shm)
        try:
            for tool, arguments in [("add_task", {"title": "refused"}), ("list_tasks", {})]:
                result = server.call_tool(tool, arguments)
                assert result["isError"] is True
                assert result["content"][0]["text"] == (
                    f"{shm} (SQLite's shared memory for the write-ahead log) cannot be written, "
                    "so nothing was read or changed. Make it writable again (chattr -i "
                    f"{shm}, or its owner and mode), then retry."
                )
        finally:
            chattr("-i", shm)
        assert server.call_ok("add_task", {"title": "after"})["id"] == 2
        assert server.close() == 0
    assert rows(str(db_path), "SELECT title FROM tasks ORDER BY id") == [("before",), ("after",)]


@pytest.mark.parametrize(
    "extra_args, env",
    [(("--read-only",), {}), ((), {"TASK_TRACKER_READ_ONLY": "1"})],
    ids=["flag", "env"],
)
def test_read_only_serves_only_the_tools_that_read(
    served: str, extra_args: tuple[str, ...], env: dict[str, str]
) -> None:
    with StdioServer(served) as server:  # type: ignore[arg-type]
        server.initialize()
        server.call_ok("add_task", {"title": "already there"})
        assert server.close() == 0
    with StdioServer(served, extra_args=extra_args, env=env) as server:  # type: ignore[arg-type]
        init = server.initialize()["result"]
        assert "read-only" in init["instructions"]
        tools = server.request("tools/list")["result"]["tools"]
        assert [t["name"] for t in tools] == ["get_task", "list_tasks", "search_tasks", "next_task"]
        assert server.call_ok("list_tasks", {})["total"] == 1
        refused = server.request("tools/call", {"name": "add_task", "arguments": {"title": "x"}})
        assert refused.get("error") or refused["result"]["isError"]
        assert server.close() == 0
    assert rows(served, "SELECT title FROM tasks") == [("already there",)]


@pytest.mark.parametrize(
    ("level", "refusals_logged"), [((), False), (("--log-level", "INFO"), True)]
)
def test_the_log_is_one_plain_line_per_record_and_refusals_are_not_warnings(
    db_path: Path, level: tuple[str, ...], refusals_logged: bool
) -> None:
    """A refused call is the model's to fix, not a fault: no WARNING, and no Rich box."""
    with StdioServer(db_path, extra_args=level) as server:
        server.initialize()
        assert server.call_tool("get_task", {"task_id": 999})["isError"] is True
        assert server.call_tool("add_task", {"title": ""})["isError"] is True
        server.call_ok("add_task", {"title": "fine"})
        assert server.close() == 0
        lines = server.stderr_text().splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert all(re.match(rf"{stamp} (INFO|DEBUG) [\w.]+: ", line) for line in lines), lines
    assert [line.split(" ", 2)[2] for line in lines if "task_tracker:" in line] == [
        f"INFO task_tracker: serving {db_path} over stdio"
    ]
    refusals = [line.split(": ", 1)[1] for line in lines if "fastmcp.server.server" in line]
    assert refusals == (
        [
            "Error calling tool 'get_task'",
            "Invalid arguments for tool 'add_task': "
            "{'error_count': 1, 'error_types': ['string_too_short']}",
        ]
        if refusals_logged
        else []
    )
