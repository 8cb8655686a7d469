"""Hostile input through the real stdio server: generated arguments and malformed JSON-RPC.

Each call gets a result or a clean error, no traceback reaches the client, the server keeps
answering, and a failed call changes nothing in the database.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.rpc import StdioServer, request_message

EXAMPLES = 600

TOOLS = {
    "add_task": ["title", "description", "priority", "tags", "due_date", "status"],
    "get_task": ["task_id"],
    "update_task": [
        "task_id",
        "title",
        "description",
        "status",
        "priority",
        "tags",
        "due_date",
        "clear_due_date",
        "expected_version",
    ],
    "complete_task": ["task_id"],
    "delete_task": ["task_id", "expected_version"],
    "list_tasks": ["status", "priority", "tag", "due_before", "limit", "cursor"],
    "search_tasks": ["query", "status", "priority", "tag", "limit", "cursor"],
}

nasty_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Co", "So"]), max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "'; DROP TABLE tasks; --",
            '" OR 1=1 --',
            "\x00",
            "\ud800",
            "a\udfffb",
            "NEAR(a b)",
            "2026-02-30",
            "9999-99-99",
            "YWZ0ZXI6LTE",
            "b2Zmc2V0Ojk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
            "pending",
            "complete",
            "high",
        ]
    ),
    st.integers(min_value=1, max_value=30).map(lambda n: "x" * (1000 * n)),
)
nasty_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        nasty_text,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=25), st.dictionaries(st.text(), inner)),
    max_leaves=30,
)


@st.composite
def tool_calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(TOOLS)))
    keys = draw(st.lists(st.sampled_from(TOOLS[name]), unique=True, max_size=5))
    arguments = {key: draw(nasty_value) for key in keys}
    if draw(st.booleans()):
        arguments[draw(st.text(min_size=1, max_size=10))] = draw(nasty_value)
    if name in ("get_task", "complete_task", "delete_task", "update_task") and draw(st.booleans()):
        arguments["task_id"] = draw(st.integers(min_value=-5, max_value=8))
    return name, arguments


def fingerprint(db_path: Path) -> str:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()
        rows += conn.execute("SELECT * FROM task_tags ORDER BY 1, 2").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StdioServer]:
    db_path = tmp_path_factory.mktemp("hostile") / "tasks.db"
    with StdioServer(db_path) as running:
        running.db_path = db_path  # type: ignore[attr-defined]
        running.initialize()
        for i in range(5):
            running.call_ok("add_task", {"title": f"seed {i}", "tags": ["seed"]})
        yield running
        assert running.close() == 0


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(call=tool_calls())
def test_generated_arguments_never_break_the_server(
    server: StdioServer, call: tuple[str, dict[str, Any]]
) -> None:
    name, arguments = call
    before = fingerprint(server.db_path)  # type: ignore[attr-defined]
    reply = server.request("tools/call", {"name": name, "arguments": arguments})
    text = json.dumps(reply)
    assert "Traceback" not in text and 'File "' not in text
    if "error" in reply:
        failed = True
        assert isinstance(reply["error"]["message"], str)
    else:
        result = reply["result"]
        failed = result.get("isError") is True
        assert result["content"], result
        if failed:
            assert result["content"][0]["text"]
    if failed:
        assert fingerprint(server.db_path) == before, f"{name}{arguments} failed but wrote"  # type: ignore[attr-defined]
    assert server.request("ping")["result"] == {}


PARSE, INVALID = -32700, -32600
DEEP = b"[" * 300 + b'"\\ud800"' + b"]" * 300
# Each line, and the error the server must answer it with: (id, code).
MALFORMED_LINES = [
    (b"not json at all", (None, PARSE)),
    (b"{", (None, PARSE)),
    (b"[]", (None, INVALID)),
    (b"[1, 2, 3]", (None, INVALID)),
    (b"{}", (None, INVALID)),
    (b'{"jsonrpc": "2.0"}', (None, INVALID)),
    (b'{"jsonrpc": "2.0", "id": 101}', (101, INVALID)),
    (b'{"jsonrpc": "1.0", "id": 102, "method": "ping"}', (102, INVALID)),
    (b'{"jsonrpc": "2.0", "id": 103, "method": 5}', (103, INVALID)),
    (b'{"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"}', (None, INVALID)),
    (b'{"jsonrpc": "2.0", "id": 104, "method": "tools/call", "params": "nope"}', (104, INVALID)),
    (b'{"jsonrpc": "2.0", "id": 105, "method": "tools/call", "params": [1]}', (105, INVALID)),
    (
        b'{"jsonrpc": "2.0", "id": 106, "method": "tools/call", "params": {"name": "add_task",'
        b' "arguments": {"title": ' + DEEP + b"}}}",
        (106, INVALID),
    ),
    (b"\xff\xfe\xfd invalid utf-8", (None, PARSE)),
    (b'"just a string"', (None, INVALID)),
    (b"null", (None, INVALID)),
    (b"x" * 1_000_000, (None, PARSE)),
    (b"[" + json.dumps(request_message(107, "ping", {})).encode() + b"]", (None, INVALID)),
]


def test_every_malformed_line_gets_an_error_reply_and_serving_goes_on(db_path: Path) -> None:
    with StdioServer(db_path) as server:
        server.initialize()
        before = fingerprint(db_path)
        for line, _ in MALFORMED_LINES:
            server.send(line)
        replies = [server.read_message() for _ in MALFORMED_LINES]
        assert [(r["id"], r["error"]["code"]) for r in replies] == [
            expected for _, expected in MALFORMED_LINES
        ]
        assert fingerprint(db_path) == before
        # Still alive, still correct.
        assert server.call_ok("add_task", {"title": "still here"})["id"] == 1
        assert server.request("tools/list")["result"]["tools"]
        assert server.close() == 0
        for line in server.stdout_lines:
            assert json.loads(line)["jsonrpc"] == "2.0"


def test_lone_surrogates_are_repaired_not_dropped(db_path: Path) -> None:
    with StdioServer(db_path) as server:
        server.initialize()
        # json.dumps escapes as \ud83d — exactly what a JavaScript client sends for half an emoji
        task = server.call_ok("add_task", {"title": "half \ud83d emoji", "description": "🚀 ok"})
        assert task["title"] == "half \ufffd emoji"
        assert task["description"] == "🚀 ok"
        server.close()
