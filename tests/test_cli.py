"""The command line, run as a user runs it: a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from task_tracker import __version__
from task_tracker.migrate import HEAD_REVISION, current_revision


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "TASK_TRACKER_DB"}
    return subprocess.run(
        [sys.executable, "-m", "task_tracker", *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version(tmp_path: Path) -> None:
    done = cli("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"task-tracker {__version__}\n")


def test_db_path_precedence_and_absolute(tmp_path: Path) -> None:
    env_db = tmp_path / "env.db"
    xdg = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    assert cli("db", "path", cwd=tmp_path, env=xdg).stdout == (
        f"{tmp_path / 'xdg' / 'task-tracker' / 'tasks.db'}\n"
    )
    env = {**xdg, "TASK_TRACKER_DB": str(env_db)}
    assert cli("db", "path", cwd=tmp_path, env=env).stdout == f"{env_db}\n"
    relative = cli("db", "path", "--db", "rel/x.db", cwd=tmp_path, env=env)
    assert relative.stdout == f"{tmp_path / 'rel' / 'x.db'}\n"


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    db = tmp_path / "new" / "tasks.db"
    assert cli("db", "current", "--db", str(db), cwd=tmp_path).stdout == "empty (no revision)\n"
    upgraded = cli("db", "upgrade", "--db", str(db), cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    revision = current_revision(db)
    assert revision == HEAD_REVISION
    assert upgraded.stdout == f"{db} is at revision {revision}\n"
    assert cli("db", "current", "--db", str(db), cwd=tmp_path).stdout == f"{revision}\n"


def config(client: str, tmp_path: Path, *extra: str, token: str | None = None) -> dict:
    env = {"TASK_TRACKER_AUTH_TOKEN": token} if token else {}
    done = cli("config", client, *extra, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    return __import__("json").loads(done.stdout)


def test_config_stdio_blocks_use_absolute_paths(tmp_path: Path) -> None:
    python = str(Path(sys.executable).absolute())
    args = ["-m", "task_tracker", "serve", "--db", str(tmp_path / "rel.db")]
    assert config("claude-desktop", tmp_path, "--db", "rel.db") == {
        "mcpServers": {"task-tracker": {"command": python, "args": args}}
    }
    assert config("cursor", tmp_path, "--db", "rel.db") == {
        "mcpServers": {"task-tracker": {"command": python, "args": args}}
    }
    assert config("vscode", tmp_path, "--db", "rel.db") == {
        "servers": {"task-tracker": {"type": "stdio", "command": python, "args": args}}
    }
    assert config("claude-code", tmp_path, "--db", "rel.db") == {
        "mcpServers": {
            "task-tracker": {"type": "stdio", "command": python, "args": args, "env": {}}
        }
    }


def test_config_remote_blocks_name_the_token_without_holding_it(tmp_path: Path) -> None:
    """Project files people commit (.mcp.json, .vscode/mcp.json, .cursor/mcp.json) reference
    TASK_TRACKER_AUTH_TOKEN; only Claude Desktop's own file, which expands nothing, holds it."""
    url = "https://tasks.example.com/mcp"
    assert config("vscode", tmp_path, "--url", url, token="t0ken") == {
        "inputs": [
            {
                "type": "promptString",
                "id": "task-tracker-token",
                "description": "task-tracker bearer token (TASK_TRACKER_AUTH_TOKEN)",
                "password": True,
            }
        ],
        "servers": {
            "task-tracker": {
                "type": "http",
                "url": url,
                "headers": {"Authorization": "Bearer ${input:task-tracker-token}"},
            }
        },
    }
    assert config("cursor", tmp_path, "--url", url, token="t0ken") == {
        "mcpServers": {
            "task-tracker": {
                "url": url,
                "headers": {"Authorization": "Bearer ${env:TASK_TRACKER_AUTH_TOKEN}"},
            }
        }
    }
    assert config("claude-code", tmp_path, "--url", url, token="t0ken") == {
        "mcpServers": {
            "task-tracker": {
                "type": "http",
                "url": url,
                "headers": {"Authorization": "Bearer ${TASK_TRACKER_AUTH_TOKEN}"},
            }
        }
    }
    desktop = config("claude-desktop", tmp_path, "--url", url, token="t0ken")
    entry = desktop["mcpServers"]["task-tracker"]
    assert entry["command"] == "npx" and url in entry["args"]
    assert entry["env"] == {"AUTH_HEADER": "Bearer t0ken"}


def test_config_keeps_a_postgresql_url_a_url_and_leaves_out_its_password(
    tmp_path: Path,
) -> None:
    url = "postgresql://tasks:s3cret@db.example.com:5433/tasks"
    block = config("claude-desktop", tmp_path, "--db", url)
    assert block == {
        "mcpServers": {
            "task-tracker": {
                "command": str(Path(sys.executable).absolute()),
                "args": ["-m", "task_tracker", "serve"],
                "env": {"TASK_TRACKER_DB": "postgresql+psycopg://tasks@db.example.com:5433/tasks"},
            }
        }
    }
    done = cli("config", "claude-code", "--db", url, cwd=tmp_path)
    assert "s3cret" not in done.stdout
    assert "password is left out of the file: put it in ~/.pgpass" in done.stderr


def test_log_level_is_accepted_after_the_subcommand(tmp_path: Path) -> None:
    done = cli("db", "path", "--db", str(tmp_path / "x.db"), "--log-level", "DEBUG", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"{tmp_path / 'x.db'}\n")


def test_serve_help_describes_the_transports(tmp_path: Path) -> None:
    done = cli("serve", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "Run the MCP server." in done.stdout
    assert "stdio (default): for a client that starts the server" in done.stdout


def test_db_current_prints_a_newer_revision(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "newer.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    done = cli("db", "current", "--db", str(db), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "9999\n")
    assert "newer than this task-tracker knows" in done.stderr


def test_config_url_is_checked_and_not_combined_with_db(tmp_path: Path) -> None:
    bad = cli("config", "vscode", "--url", "not-a-url", cwd=tmp_path)
    assert bad.returncode == 2
    assert "'not-a-url' is not an http(s) URL with a host" in bad.stderr
    both = cli("config", "vscode", "--url", "https://x.example/mcp", "--db", "a.db", cwd=tmp_path)
    assert both.returncode == 2
    assert "pass either --db (a local server) or --url (a remote one), not both" in both.stderr
    assert bad.stdout == both.stdout == ""
