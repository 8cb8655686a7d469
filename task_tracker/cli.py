"""Command line: `task-tracker serve | db ... | config ...`. No SQL and no MCP types here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from task_tracker import __version__
from task_tracker.client_config import CLIENTS, WHERE, client_config
from task_tracker.config import resolve_db_path
from task_tracker.errors import StartupError

log = logging.getLogger("task_tracker")

TTY_HINT = """\
task-tracker is an MCP server and is now waiting for an MCP client on stdin/stdout.
Nothing will happen until a client talks to it; press Ctrl+C to quit.
  Try it:   npx @modelcontextprotocol/inspector {command}
  Set up a client: see README.md ("Client configuration")."""


def emit(*chunks: str) -> None:
    """A command's result on stdout. Only the one-shot commands use it, never `serve`:
    in stdio mode stdout belongs to JSON-RPC alone."""
    sys.stdout.writelines(chunks)


def fail(message: str, *, code: int) -> int:
    """One line on stderr for a person to act on; the exit status to return."""
    sys.stderr.write(f"task-tracker: error: {message}\n")
    return code


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

    export = sub.add_parser("export", help="write all tasks as JSON (to stdout by default)")
    export.add_argument("--db", help=db_help)
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")

    imp = sub.add_parser("import", help="restore tasks from an export file, all or nothing")
    imp.add_argument("file", help="a file written by `task-tracker export`")
    imp.add_argument("--db", help=db_help)
    imp.add_argument(
        "--new-ids", action="store_true", help="add the tasks as new ones instead of keeping ids"
    )

    config = sub.add_parser("config", help="print MCP client configuration to paste")
    config.add_argument("client", choices=CLIENTS)
    config.add_argument("--db", help=db_help)
    config.add_argument("--url", help="a remote server, e.g. https://tasks.example.com/mcp")

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
    from task_tracker.startup import pause_collection

    pause_collection()  # until the database is open (server lifespan)
    if args.transport == "stdio":
        return _serve_stdio(args)
    return _serve_http(args)


def _serve_stdio(args: argparse.Namespace) -> int:
    from task_tracker.db import prepare_database

    db_path = resolve_db_path(args.db)
    if sys.stdin.isatty():
        command = f"{sys.executable} -m task_tracker serve --db {db_path}"
        sys.stderr.write(TTY_HINT.format(command=command) + "\n")
    # Checks (and, if needed, migrates) now, so a bad database fails fast with one line;
    # at head this needs only the sqlite3 module.
    prepare_database(db_path)

    from task_tracker.server import build_server
    from task_tracker.stdio import run_stdio

    log.info("serving %s over stdio", db_path)
    # log_level: FastMCP configures its own stderr logger; keep it at the level asked for.
    run_stdio(build_server(db_path), log_level=args.log_level)
    return 0


def _serve_http(args: argparse.Namespace) -> int:
    from task_tracker.config import auth_token
    from task_tracker.db import prepare_database
    from task_tracker.remote import SharedTokenVerifier, check_bind
    from task_tracker.server import build_server

    if args.stateless and args.transport == "sse":
        raise StartupError("--stateless works with --transport http only")
    token = auth_token()
    check_bind(args.host, token=token, allow_unauthenticated=args.allow_unauthenticated)
    if not token:
        log.warning(
            "TASK_TRACKER_AUTH_TOKEN is not set: anyone who can reach %s:%s can read and "
            "change every task",
            args.host,
            args.port,
        )
    db_path = resolve_db_path(args.db)
    prepare_database(db_path)
    path = "/mcp" if args.transport == "http" else "/sse"
    log.warning(
        "serving %s over %s at http://%s:%s%s (auth: %s)",
        db_path,
        args.transport,
        args.host,
        args.port,
        path,
        "bearer token" if token else "none",
    )
    server = build_server(db_path, auth=SharedTokenVerifier(token) if token else None)
    server.run(
        args.transport,
        show_banner=False,
        log_level=args.log_level,
        host=args.host,
        port=args.port,
        path=path,
        stateless_http=args.stateless or None,
        # Always check Host and Origin (DNS-rebinding protection), wherever we bind.
        host_origin_protection=True,
        allowed_hosts=args.allowed_host,
        allowed_origins=args.allowed_origin or None,
    )
    return 0


def _db(args: argparse.Namespace) -> int:
    db_path = resolve_db_path(args.db)
    if args.db_command == "path":
        emit(f"{db_path}\n")
        return 0
    from task_tracker import db

    if args.db_command == "upgrade":
        db.prepare_database(db_path)
        emit(f"{db_path} is at revision {db.current_revision(db_path)}\n")
        return 0
    revision = db.check_database(db_path)
    emit(f"{revision or 'empty (no revision)'}\n")
    return 0


def _export(args: argparse.Namespace) -> int:
    from task_tracker.db import open_database
    from task_tracker.transfer import export_lines

    engine = open_database(resolve_db_path(args.db))
    try:
        if args.output is None:
            emit(*export_lines(engine))
            return 0
        target = Path(args.output)
        partial = target.with_name(target.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            out.writelines(export_lines(engine))
        partial.replace(target)  # a reader never sees half a file
        return 0
    finally:
        engine.dispose()


def _import(args: argparse.Namespace) -> int:
    from task_tracker.db import open_database
    from task_tracker.errors import InvalidInput
    from task_tracker.transfer import import_document

    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return fail(f"cannot read {args.file}: {exc}", code=1)
    db_path = resolve_db_path(args.db)
    engine = open_database(db_path)
    try:
        count = import_document(engine, document, new_ids=args.new_ids)
    except InvalidInput as exc:
        return fail(f"{args.file}: {exc}", code=1)
    finally:
        engine.dispose()
    sys.stderr.write(f"imported {count} task(s) into {db_path}\n")
    return 0


def _config(args: argparse.Namespace) -> int:
    from task_tracker.config import auth_token

    block = client_config(
        args.client, db_path=resolve_db_path(args.db), url=args.url, token=auth_token()
    )
    emit(json.dumps(block, indent=2) + "\n")
    sys.stderr.write(WHERE[args.client] + "\n")
    return 0


COMMANDS = {
    "serve": _serve,
    "db": _db,
    "export": _export,
    "import": _import,
    "config": _config,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args.log_level)
    try:
        return COMMANDS[args.command](args)
    except StartupError as exc:
        return fail(str(exc), code=2)
