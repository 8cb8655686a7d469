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
