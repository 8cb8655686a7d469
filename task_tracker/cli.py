"""Command line: `task-tracker serve | db ... | config ...`. No SQL and no MCP types here."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from task_tracker import __version__
from task_tracker.config import resolve_db_path

log = logging.getLogger("task_tracker")

TTY_HINT = """\
task-tracker is an MCP server and is now waiting for an MCP client on stdin/stdout.
Nothing will happen until a client talks to it; press Ctrl+C to quit.
  Try it:   npx @modelcontextprotocol/inspector {command}
  Set up a client: see README.md ("Client configuration")."""


def _setup_logging(level: str) -> None:
    # stderr only: in stdio mode stdout carries nothing but JSON-RPC.
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="task-tracker", description="A persistent task tracker served over MCP."
    )
    parser.add_argument("--version", action="version", version=f"task-tracker {__version__}")
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    sub = parser.add_subparsers(dest="command", required=True)

    db_help = "SQLite database file (default: $TASK_TRACKER_DB, else the user data dir)"
    serve = sub.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--transport", choices=["stdio", "http", "sse"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    for name, text in (
        ("path", "print the absolute database path that serve would use"),
        ("upgrade", "upgrade the database schema to the newest revision"),
        ("current", "print the database's schema revision"),
    ):
        cmd = db_sub.add_parser(name, help=text)
        cmd.add_argument("--db", help=db_help)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from task_tracker.db import open_database
    from task_tracker.server import build_server

    db_path = resolve_db_path(args.db)
    if args.transport == "stdio" and sys.stdin.isatty():
        command = f"{sys.executable} -m task_tracker serve --db {db_path}"
        sys.stderr.write(TTY_HINT.format(command=command) + "\n")
    engine = open_database(db_path)
    log.info("serving %s over %s", db_path, args.transport)
    server = build_server(engine=engine)
    # log_level: FastMCP configures its own stderr logger; keep it at the level asked for.
    if args.transport == "stdio":
        server.run("stdio", show_banner=False, log_level=args.log_level)
    else:
        server.run(
            args.transport,
            show_banner=False,
            log_level=args.log_level,
            host=args.host,
            port=args.port,
        )
    return 0


def _db(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    if args.db_command == "path":
        sys.stdout.write(f"{db_path}\n")
        return 0
    from task_tracker import db

    if args.db_command == "upgrade":
        db.upgrade_to_head(db_path)
        sys.stdout.write(f"{db_path} is at revision {db.current_revision(db_path)}\n")
        return 0
    sys.stdout.write(f"{db.current_revision(db_path) or 'empty (no revision)'}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.log_level)
    if args.command == "serve":
        return _serve(args)
    return _db(args)
