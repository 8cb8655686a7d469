"""`task-tracker serve`: check the database, then run the MCP server over stdio or HTTP."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

from task_tracker.config import read_only, resolve_db, shown, toolsets
from task_tracker.errors import StartupError
from task_tracker.postgres import DatabaseURL

log = logging.getLogger("task_tracker")

TTY_HINT = """\
task-tracker is an MCP server and is now waiting for an MCP client on stdin/stdout.
Nothing will happen until a client talks to it; press Ctrl+C to quit.
  Try it:   npx @modelcontextprotocol/inspector {command}
  Set up a client: see README.md ("Client configuration")."""


def serve(args: argparse.Namespace) -> int:
    from task_tracker.runtime.startup import pause_collection

    pause_collection()  # until the database is open (task_tracker.database)
    db_path = resolve_db(args.db)
    if args.db and urlsplit(args.db).password:  # (a path has none)
        log.warning(
            "the password in --db is visible to every user of this machine (ps); give the URL "
            "in TASK_TRACKER_DB instead, or keep the password in ~/.pgpass or PGPASSFILE"
        )
    if args.transport == "stdio":
        return serve_stdio(args, db_path)
    return serve_http(args, db_path)


def serve_stdio(args: argparse.Namespace, db_path: Path | DatabaseURL) -> int:
    sets = toolsets(args.tools)
    from task_tracker.backends import prepare_database

    if sys.stdin.isatty():
        command = f"{sys.executable} -m task_tracker serve --db {shown(db_path)}"
        sys.stderr.write(TTY_HINT.format(command=command) + "\n")
    # Checks (and, if needed, migrates) now, so a bad database fails fast with one line;
    # at head this needs only the sqlite3 module.
    ro = read_only(args.read_only)
    prepare_database(db_path, read_only=ro)

    from task_tracker.runtime.stdio import run_stdio
    from task_tracker.runtime.upstream import plain_fastmcp_logging
    from task_tracker.server.app import build_server

    plain_fastmcp_logging()

    log.info("serving %s over stdio", shown(db_path))
    # log_level: FastMCP configures its own stderr logger; keep it at the level asked for.
    server = build_server(
        db_path,
        prepared=True,
        read_only=ro,
        toolsets=sets,
    )
    run_stdio(server, log_level=args.log_level)
    return 0


def serve_http(args: argparse.Namespace, db_path: Path | DatabaseURL) -> int:
    from task_tracker import remote
    from task_tracker.backends import prepare_database
    from task_tracker.config import auth_token, named_tokens
    from task_tracker.server.app import build_server

    sets = toolsets(args.tools)
    if args.stateless and args.transport == "sse":
        raise StartupError("--stateless works with --transport http only")
    token, named = auth_token(), named_tokens()
    remote.check_bind(
        args.host,
        token=token or next(iter(named), None),
        allow_unauthenticated=args.allow_unauthenticated,
    )
    if not token and not named:
        log.warning(
            "TASK_TRACKER_AUTH_TOKEN is not set: anyone who can reach %s:%s can read and "
            "change every task",
            args.host,
            args.port,
        )
    ro = read_only(args.read_only)
    prepare_database(db_path, read_only=ro)
    from task_tracker.runtime.upstream import plain_fastmcp_logging

    plain_fastmcp_logging()
    remote.raise_file_limit()
    remote.hide_query_values_in_access_log()
    path = "/mcp" if args.transport == "http" else "/sse"
    log.info(
        "serving %s over %s at http://%s:%s%s (auth: %s)",
        shown(db_path),
        args.transport,
        args.host,
        args.port,
        path,
        f"bearer tokens, {len(named)} named" if named else ("bearer token" if token else "none"),
    )
    verifier = remote.SharedTokenVerifier(token, named) if token or named else None
    members = dict(named)
    if token:
        members[token] = remote.CLIENT_ID
    server = build_server(
        db_path,
        auth=verifier,
        prepared=True,
        threaded=True,
        read_only=ro,
        toolsets=sets,
        board_members=members,
    )
    limits = remote.Limits(
        max_connections=args.max_connections,
        max_sessions=args.max_sessions,
        session_idle_s=args.session_idle_timeout,
        header_timeout_s=args.header_timeout,
    )
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
        uvicorn_config=remote.uvicorn_config(limits),
        middleware=remote.asgi_middleware(limits),
    )
    return 0
