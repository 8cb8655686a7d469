"""Resolves where the database lives: --db > TASK_TRACKER_DB > the platform user data dir."""

from __future__ import annotations

import os
from pathlib import Path

from task_tracker.postgres import DatabaseURL, is_url

DB_ENV_VAR = "TASK_TRACKER_DB"
AUTH_TOKEN_ENV_VAR = "TASK_TRACKER_AUTH_TOKEN"
AUTH_TOKENS_ENV_VAR = "TASK_TRACKER_AUTH_TOKENS"
BUSY_TIMEOUT_ENV_VAR = "TASK_TRACKER_BUSY_TIMEOUT_MS"
SYNCHRONOUS_ENV_VAR = "TASK_TRACKER_SYNCHRONOUS"
READ_ONLY_ENV_VAR = "TASK_TRACKER_READ_ONLY"
TOOLS_ENV_VAR = "TASK_TRACKER_TOOLS"
ACTOR_ENV_VAR = "TASK_TRACKER_ACTOR"
# The toolsets `serve --tools` chooses from (server.toolsets has their tools).
TOOLSETS = ("core", "projects", "planning", "teamwork", "all")
DEFAULT_TOOLSETS = ("core",)
DB_FILENAME = "tasks.db"
# HTTP limits under abuse (remote.py applies them; `serve` has an option for each).
MAX_CONNECTIONS = 1_000
MAX_SESSIONS = 1_000
SESSION_IDLE_S = 30 * 60
# A connection must send a whole request head this soon after it opens (slowloris), and an idle
# keep-alive connection is closed this soon after its last response.
HEADER_TIMEOUT_S = 10
DEFAULT_BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    # Imported here: platformdirs is only needed when neither --db nor the env var is set.
    from platformdirs import user_data_dir

    return Path(user_data_dir("task-tracker", appauthor=False)) / DB_FILENAME


def resolve_db(cli_value: str | os.PathLike[str] | None = None) -> Path | DatabaseURL:
    """The database to use: a PostgreSQL URL as given, else the absolute file path."""
    raw = cli_value if cli_value not in (None, "") else os.environ.get(DB_ENV_VAR) or None
    if isinstance(raw, str) and is_url(raw):
        return DatabaseURL(raw)
    return resolve_db_path(cli_value)


def shown(db: Path | DatabaseURL) -> str:
    """A database as messages and logs show it: the path, or the URL without its password."""
    return db.shown if isinstance(db, DatabaseURL) else str(db)


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Return the absolute database path the server would use.

    The client starts the server from an arbitrary directory, so a relative value is made
    absolute against the current directory once, here, and never reinterpreted later.
    """
    raw = cli_value if cli_value not in (None, "") else os.environ.get(DB_ENV_VAR) or None
    path = Path(raw).expanduser() if raw is not None else default_db_path()
    return path.absolute()


BUSY_TIMEOUT_MAX_MS = 600_000


def busy_timeout_ms() -> int:
    """How long a writer waits for another process's write lock before failing (retryable).
    (check_settings refuses a value that is not a number of milliseconds at start.)"""
    raw = os.environ.get(BUSY_TIMEOUT_ENV_VAR, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_BUSY_TIMEOUT_MS


TRASH_DAYS_ENV_VAR = "TASK_TRACKER_TRASH_DAYS"
TRASH_DAYS_DEFAULT = 30


def trash_days() -> int:
    """How many days a deleted task stays in the trash (check_settings refuses a bad value)."""
    raw = os.environ.get(TRASH_DAYS_ENV_VAR, "").strip()
    return int(raw) if raw.isdigit() else TRASH_DAYS_DEFAULT


def check_settings() -> None:
    """Refuse, with one line, a setting from the environment that means nothing, rather than
    quietly running with the default in its place (a server and every command call it)."""
    from task_tracker.errors import StartupError

    busy = os.environ.get(BUSY_TIMEOUT_ENV_VAR, "").strip()
    if busy and not (busy.isdigit() and int(busy) <= BUSY_TIMEOUT_MAX_MS):
        raise StartupError(
            f"{BUSY_TIMEOUT_ENV_VAR}={busy!r} is not understood: use a whole number of "
            f"milliseconds from 0 to {BUSY_TIMEOUT_MAX_MS} (default {DEFAULT_BUSY_TIMEOUT_MS})"
        )
    synchronous = os.environ.get(SYNCHRONOUS_ENV_VAR, "").strip().upper()
    if synchronous not in ("", "NORMAL", "FULL"):
        raise StartupError(
            f"{SYNCHRONOUS_ENV_VAR}={synchronous.lower()!r} is not understood: use NORMAL "
            "(the default) or FULL"
        )
    days = os.environ.get(TRASH_DAYS_ENV_VAR, "").strip()
    if days and not days.isdigit():
        raise StartupError(
            f"{TRASH_DAYS_ENV_VAR}={days!r} is not understood: use a whole number of days "
            f"(default {TRASH_DAYS_DEFAULT})"
        )
    read_only(False)  # (refuses a value it does not understand)


_YES, _NO = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def read_only(flag: bool) -> bool:
    """Serve only the tools that read: --read-only, or TASK_TRACKER_READ_ONLY=1 for clients
    that cannot pass arguments. Any other value stops the server: a typo must not serve a
    database read-write that was meant to be read only."""
    raw = os.environ.get(READ_ONLY_ENV_VAR, "").strip().lower()
    if raw not in _YES + _NO:
        from task_tracker.errors import StartupError

        raise StartupError(
            f"{READ_ONLY_ENV_VAR}={raw!r} is not understood: use 1, true, yes or on (read-only), "
            "or 0, false, no or off"
        )
    return flag or raw in _YES


def toolsets(cli_value: str | None) -> tuple[str, ...]:
    """The toolsets to serve: --tools, or TASK_TRACKER_TOOLS, comma-separated; else core."""
    raw = cli_value if cli_value else os.environ.get(TOOLS_ENV_VAR, "")
    names = tuple(dict.fromkeys(n.strip().lower() for n in raw.split(",") if n.strip()))
    unknown = [n for n in names if n not in TOOLSETS]
    if unknown:
        from task_tracker.errors import StartupError

        raise StartupError(
            f"unknown toolset {', '.join(unknown)}: choose from {', '.join(TOOLSETS)} "
            "(comma-separated)"
        )
    return names or DEFAULT_TOOLSETS


def auth_token() -> str | None:
    """The bearer token HTTP clients must send, if remote access is protected."""
    return os.environ.get(AUTH_TOKEN_ENV_VAR) or None


def named_tokens() -> dict[str, str]:
    """TASK_TRACKER_AUTH_TOKENS="alice:token1,ci-bot:token2": each token -> its name (the
    actor of what its holder does). The error never shows a token."""
    named: dict[str, str] = {}
    for number, entry in enumerate(os.environ.get(AUTH_TOKENS_ENV_VAR, "").split(","), 1):
        if not entry.strip():
            continue
        name, _, token = entry.strip().partition(":")
        if not name.strip() or not token.strip() or token.strip() in named:
            from task_tracker.errors import StartupError

            raise StartupError(
                f"{AUTH_TOKENS_ENV_VAR}: entry {number} is not name:token with a non-empty "
                "name and a token of its own (entries are comma-separated)"
            )
        named[token.strip()] = name.strip()
    return named


def synchronous_level() -> str:
    """SQLite's synchronous setting: NORMAL (default) or FULL.

    In WAL mode a commit under NORMAL is written to the OS before the tool answers: it
    survives the server crashing or being killed (kill -9 included). The server then fsyncs
    the WAL in the background right away (runtime.walsync.WalFlusher), so a power cut or OS
    crash can lose only writes from the last few milliseconds. FULL fsyncs every commit before
    answering (nothing acknowledged is ever lost, even then) at ~0.3 ms or more per write.
    """
    value = os.environ.get(SYNCHRONOUS_ENV_VAR, "NORMAL").strip().upper()
    return value if value in ("FULL", "NORMAL") else "NORMAL"
