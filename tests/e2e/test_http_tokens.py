"""Several named bearer tokens over real HTTP: each works, its name is the actor of the
claims its holder makes, and no token ever reaches the log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import anyio
import httpx2
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from tests.e2e.test_http import TOKEN, http_server

NAMED = {"alice": "alice-token-3f9d", "ci-bot": "bot-token-77aa"}
TOKENS = ",".join(f"{name}:{token}" for name, token in NAMED.items())


def test_named_tokens_authenticate_and_name_the_actor(db_path: Path) -> None:
    async def scenario(url: str) -> None:
        headers = {name: {"Authorization": f"Bearer {t}"} for name, t in NAMED.items()}
        async with (
            Client(StreamableHttpTransport(url, headers=headers["alice"])) as alice,
            Client(StreamableHttpTransport(url, headers=headers["ci-bot"])) as bot,
            Client(
                StreamableHttpTransport(url, headers={"Authorization": f"Bearer {TOKEN}"})
            ) as anonymous,
        ):
            for n in range(3):
                await alice.call_tool("add_task", {"title": f"job {n}"})
            claimed = {}
            for name, client in (("alice", alice), ("ci-bot", bot), ("plain", anonymous)):
                result = await client.call_tool("next_task", {"claim": True})
                claimed[name] = result.structured_content["tasks"][0]["id"]
            assert sorted(claimed.values()) == [1, 2, 3]

    extra = {"TASK_TRACKER_AUTH_TOKENS": TOKENS, "TASK_TRACKER_ACTOR": "the-server"}
    with http_server(db_path, extra_env=extra) as server:
        anyio.run(scenario, f"{server.base}/mcp")
        wrong = httpx2.post(
            f"{server.base}/mcp", headers={"Authorization": "Bearer alice-token-3f9"}, json={}
        )
        assert wrong.status_code == 401
        log = server.stderr_text()
    assert all(token not in log for token in [*NAMED.values(), TOKEN])
    with sqlite3.connect(db_path) as conn:
        holders = dict(conn.execute("SELECT id, claimed_by FROM tasks").fetchall())
    # A named token's name wins; the unnamed token falls back to TASK_TRACKER_ACTOR.
    assert sorted(holders.values()) == ["alice", "ci-bot", "the-server"]


def test_a_malformed_token_list_stops_the_server_with_one_line(db_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "task_tracker",
            "serve",
            "--transport",
            "http",
            "--db",
            str(db_path),
        ],
        env={"PATH": "/usr/bin:/bin", "TASK_TRACKER_AUTH_TOKENS": "alice:secret-1,nameonly"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "TASK_TRACKER_AUTH_TOKENS: entry 2 is not name:token with a non-empty name and a token "
            "of its own (entries are comma-separated)"
        )
    )
    assert "secret-1" not in done.stderr


def test_a_named_token_cannot_act_as_another_member(db_path: Path) -> None:
    """alice's token with agent="ci-bot" neither releases nor renews the bot's claim nor
    writes a note or history as the bot; agent may narrow alice's own name."""

    async def scenario(url: str) -> None:
        headers = {name: {"Authorization": f"Bearer {t}"} for name, t in NAMED.items()}
        async with (
            Client(StreamableHttpTransport(url, headers=headers["alice"])) as alice,
            Client(StreamableHttpTransport(url, headers=headers["ci-bot"])) as bot,
        ):
            await alice.call_tool("add_task", {"title": "the bot's job"})
            await bot.call_tool("claim_task", {"task_id": 1})
            refusal = (
                "agent 'ci-bot' is not yours: this call's token is named 'alice', so it acts as "
                "'alice' or a name under it such as 'alice/left-terminal'. Leave out agent, or "
                "use such a name; nothing was changed."
            )
            for tool, arguments in (
                ("claim_task", {"task_id": 1, "release": True, "agent": "ci-bot"}),
                ("claim_task", {"task_id": 1, "lease_minutes": 1440, "agent": "ci-bot"}),
                ("add_note", {"task_id": 1, "text": "done, says the bot", "agent": "ci-bot"}),
                ("add_note", {"task_id": 1, "text": "sneaky", "agent": "ci-bot/x"}),
            ):
                result = await alice.call_tool(tool, arguments, raise_on_error=False)
                assert result.is_error, (tool, arguments)
                assert result.content[0].text == refusal.replace(
                    "agent 'ci-bot'", f"agent {arguments['agent']!r}"
                )
            noted = await alice.call_tool(
                "add_note", {"task_id": 1, "text": "looked at it", "agent": "alice/left"}
            )
            assert noted.structured_content["notes"][0]["actor"] == "alice/left"

    extra = {"TASK_TRACKER_AUTH_TOKENS": TOKENS}
    with http_server(db_path, "--tools", "all", extra_env=extra) as server:
        anyio.run(scenario, f"{server.base}/mcp")
    with sqlite3.connect(db_path) as conn:
        claim = conn.execute("SELECT claimed_by, version FROM tasks").fetchone()
        actors = conn.execute("SELECT actor, kind FROM task_events ORDER BY id").fetchall()
    assert claim == ("ci-bot", 2)
    assert actors == [("alice", "create"), ("ci-bot", "claim"), ("alice/left", "note")]


def test_a_token_in_a_query_string_never_reaches_the_access_log(db_path: Path) -> None:
    with http_server(db_path, log_level="INFO") as server:
        for path in ("/mcp?token=qs-secret-1", "/health?token=qs-secret-2&x=1"):
            httpx2.post(f"{server.base}{path}", json={})
        log = server.stderr_text()
    assert "qs-secret" not in log
    assert '"POST /mcp?token=*** HTTP/1.1" 401' in log
    assert '"POST /health?token=***&x=*** HTTP/1.1"' in log
