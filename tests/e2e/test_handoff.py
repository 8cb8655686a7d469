"""Two agents hand work over through real servers over stdio on one database (issue 28):
one leaves a handoff and releases its claim, the other starts from tasks://brief."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.rpc import StdioServer


def agent(db_path: Path, name: str) -> StdioServer:
    server = StdioServer(db_path, extra_args=("--tools", "all"), env={"TASK_TRACKER_ACTOR": name})
    server.initialize()
    return server


def test_a_handoff_reaches_the_next_agent_through_the_brief(db_path: Path) -> None:
    first = agent(db_path, "agent-a")
    try:
        task = first.call_ok("add_task", {"title": "Port the parser", "priority": "high"})
        first.call_ok("claim_task", {"task_id": task["id"]})
        first.call_ok(
            "add_note",
            {"task_id": task["id"], "text": "lexer done; parser tests red", "kind": "handoff"},
        )
        released = first.call_ok("claim_task", {"task_id": task["id"], "release": True})
        assert released["reminder"] is None
        other = first.call_ok("add_task", {"title": "Left without a word"})
        first.call_ok("claim_task", {"task_id": other["id"]})
        forgot = first.call_ok("claim_task", {"task_id": other["id"], "release": True})
        assert forgot["reminder"].startswith(f"You left no handoff on #{other['id']}")
    finally:
        assert first.close() == 0
    second = agent(db_path, "agent-b")
    try:
        read = second.request("resources/read", {"uri": "tasks://brief"})
        brief = read["result"]["contents"][0]["text"]
        assert brief.startswith("Brief for agent-b, ")
        waiting = brief.split("Handoffs waiting on free tasks:\n")[1].split("\n\n")[0]
        assert waiting.startswith(f"  #{task['id']} Port the parser\n    handoff by agent-a at ")
        assert waiting.endswith(": lexer done; parser tests red")
        assert "You hold:\n  nothing" in brief
        shown = second.call_ok("get_task", {"task_id": task["id"]})
        assert (shown["notes"][0]["kind"], shown["notes"][0]["actor"]) == ("handoff", "agent-a")
        prompt = second.request("prompts/get", {"name": "brief"})
        said = prompt["result"]["messages"][0]["content"]["text"]
        assert "Read the handoffs first" in said and "Port the parser" in said
    finally:
        assert second.close() == 0
