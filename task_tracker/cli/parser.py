"""The command line's grammar: every subcommand, option and help text."""

from __future__ import annotations

import argparse
from typing import Any

from task_tracker import __version__
from task_tracker.client_config import CLIENTS
from task_tracker.config import HEADER_TIMEOUT_S, MAX_CONNECTIONS, MAX_SESSIONS, SESSION_IDLE_S

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
EXIT_CODES = """\
exit status: 0 done, 1 refused (the tasks as they are do not allow it), 2 usage (a command,
option or value that is not accepted), 3 not found (no such task or project).
shell completion: task-tracker completion bash|zsh|fish (see its --help)."""
SERVE_DESCRIPTION = """\
Run the MCP server. With --transport stdio (the default) an MCP client starts this command and
talks JSON-RPC over its stdin/stdout; logs go to stderr. With http or sse it listens on
--host/--port for remote clients (bearer token from TASK_TRACKER_AUTH_TOKEN)."""


def command_named(argv: list[str]) -> str | None:
    """The subcommand argv names (its first word that is not an option or --log-level's)."""
    words = iter(argv)
    for word in words:
        if word == "--log-level":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def tag_shorthand(argv: list[str]) -> list[str]:
    """`edit ID +tag -tag`, as taskwarrior takes them: +word adds a tag, -word removes one
    (spelled out as --add-tag/--remove-tag for argparse). -h and negative numbers stay."""
    if command_named(argv) != "edit":
        return argv
    words: list[str] = []
    for word in argv:
        if len(word) > 1 and word[0] == "+":
            words += ["--add-tag", word[1:]]
        elif len(word) > 1 and word[0] == "-" and word[1] != "-" and word != "-h":
            words += ["--remove-tag", word[1:]] if not word[1:].isdigit() else [word]
        else:
            words.append(word)
    return words


def build_parser(*, with_tasks: bool = True) -> argparse.ArgumentParser:
    """with_tasks=False leaves out the task commands (add, ls, ...): `serve` parses without
    importing their grammar, so it starts as fast as before they existed."""
    # --log-level is accepted before or after the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS, help="stderr log level"
    )
    parser = argparse.ArgumentParser(
        prog="task-tracker",
        description="A persistent task tracker served over MCP. With no command: how many "
        "tasks are open, what you hold and what is next.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"task-tracker {__version__}")
    # Only for bare `task-tracker` (each command has its own --db); SUPPRESS keeps it from
    # hiding a command's value.
    parser.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    db_help = (
        "SQLite database file or PostgreSQL URL (default: $TASK_TRACKER_DB, else a file in "
        "the user data dir)"
    )
    serve = command(
        "serve", help="run the MCP server (stdio by default)", description=SERVE_DESCRIPTION
    )
    serve.add_argument("--db", help=db_help)
    serve.add_argument(
        "--transport",
        choices=["stdio", "http", "sse"],
        default="stdio",
        help="stdio (default): for a client that starts the server; http (streamable HTTP, "
        "at /mcp) or sse (at /sse): for remote clients",
    )
    serve.add_argument(
        "--read-only",
        action="store_true",
        help="serve only the tools that read: get_task, list_tasks, search_tasks, next_task "
        "(also TASK_TRACKER_READ_ONLY=1)",
    )
    serve.add_argument(
        "--tools",
        metavar="SETS",
        help="toolsets to serve, comma-separated: core (default: the 8 task tools), projects "
        "(list_projects, save_project), planning (add_tasks, close_tasks), teamwork "
        "(claim_task), all (also TASK_TRACKER_TOOLS)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="HTTP/SSE bind address")
    serve.add_argument("--port", type=int, default=8000, help="HTTP/SSE port")
    serve.add_argument(
        "--stateless",
        action="store_true",
        help="stateless streamable HTTP: several processes can serve one database behind a "
        "load balancer",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host header to accept besides localhost and the bind address (repeatable); "
        "needed when clients reach the server by a DNS name",
    )
    serve.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="URL",
        help="a browser Origin to accept, e.g. https://app.example.com (repeatable)",
    )
    serve.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve on a non-loopback address without TASK_TRACKER_AUTH_TOKEN (dangerous)",
    )

    # Limits that keep one abusive client from starving the others (remote.py applies them).
    for flag, kind, default, metavar, text in (
        (
            "--max-connections",
            int,
            MAX_CONNECTIONS,
            "N",
            "at most N open connections; more get 503",
        ),
        (
            "--max-sessions",
            int,
            MAX_SESSIONS,
            "N",
            "at most N MCP sessions at once; more get 503",
        ),
        (
            "--session-idle-timeout",
            int,
            SESSION_IDLE_S,
            "SECONDS",
            "a session unused this long is closed",
        ),
        (
            "--header-timeout",
            float,
            HEADER_TIMEOUT_S,
            "SECONDS",
            "close a connection that has not sent a whole request head this soon after opening",
        ),
    ):
        serve.add_argument(
            flag,
            type=kind,
            default=default,
            metavar=metavar,
            help=f"HTTP/SSE: {text} (default {default})",
        )

    board = command(
        "board",
        help="serve the live web board of the local database at http://127.0.0.1:PORT/",
        description="Serve the web board for the local database on 127.0.0.1 only (no sign-in: "
        "the person is TASK_TRACKER_ACTOR or your login name). For a team, serve "
        "--transport http also serves it at /board/ behind the members' tokens.",
    )
    board.add_argument("--db", help=db_help)
    board.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    board.add_argument("--open", action="store_true", help="open it in the web browser")
    board.add_argument(
        "--read-only", action="store_true", help="show the board without any way to change it"
    )

    export = command("export", help="write all tasks as JSON (to stdout by default)")
    export.add_argument("--db", help=db_help)
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")

    imp = command("import", help="restore tasks from an export file, all or nothing")
    imp.add_argument("file", help="a file written by `task-tracker export`, or - for stdin")
    imp.add_argument("--db", help=db_help)
    imp.add_argument(
        "--new-ids", action="store_true", help="add the tasks as new ones instead of keeping ids"
    )

    config = command("config", help="print MCP client configuration to paste")
    config.add_argument("client", choices=CLIENTS)
    config.add_argument("--db", help=db_help)
    config.add_argument("--url", help="a remote server, e.g. https://tasks.example.com/mcp")

    db = command("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    for name, text in (
        ("path", "print the absolute database path that serve would use"),
        ("upgrade", "upgrade the database schema to the newest revision"),
        ("current", "print the database's schema revision"),
    ):
        cmd = db_sub.add_parser(name, help=text, parents=[common])
        cmd.add_argument("--db", help=db_help)
    copy = db_sub.add_parser(
        "copy",
        help="copy a whole database into an empty one (SQLite <-> PostgreSQL)",
        description="Copy every project, task, dependency, note, trash entry and history "
        "event, ids kept, into an empty database (created and migrated if need be). "
        "Example: task-tracker db copy --from ~/tasks.db --to postgresql://me@db/tasks",
        parents=[common],
    )
    copy.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="PATH_OR_URL",
        help="the database to copy: a file or a PostgreSQL URL, at the newest revision",
    )
    copy.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="PATH_OR_URL",
        help="an empty database (a new file is made; a URL's database must exist)",
    )
    completion = command(
        "completion",
        help="print the shell completion script (bash, zsh or fish)",
        description="Print a script that completes task-tracker's commands and options. "
        'bash: add `eval "$(task-tracker completion bash)"` to ~/.bashrc; zsh: the same '
        "with zsh in ~/.zshrc; fish: `task-tracker completion fish > "
        "~/.config/fish/completions/task-tracker.fish`.",
    )
    completion.add_argument("shell", choices=["bash", "zsh", "fish"])
    if with_tasks:
        from task_tracker.cli.task_grammar import add_task_commands

        add_task_commands(sub, common, db_help)
    return parser
