"""`task-tracker board`: the web board of the local database, on 127.0.0.1 only."""

from __future__ import annotations

import argparse
import logging
import threading
import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from task_tracker.backends import backend_for
from task_tracker.config import resolve_db

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


def board(args: argparse.Namespace) -> int:
    import uvicorn
    from starlette.applications import Starlette

    from task_tracker.board import board_app, board_routes
    from task_tracker.cli.session import actor_name
    from task_tracker.database import Database

    backend = backend_for(resolve_db(args.db))
    backend.prepare(read_only=args.read_only)
    database = Database(backend.where, prepared=True, threaded=True)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        database.start()
        try:
            yield
        finally:
            database.close()

    routes = board_routes(
        database,
        prefix="",
        read_only=args.read_only,
        local_actor=actor_name(),
        local_port=args.port,
    )
    app = board_app(routes, lifespan)
    url = f"http://{HOST}:{args.port}/"
    log.info("board of %s at %s%s", backend.shown, url, " (read-only)" if args.read_only else "")
    if args.open:
        threading.Timer(1.0, webbrowser.open, (url,)).start()
    # Open boards hold their event streams until they close: a stop waits 2 s for them.
    uvicorn.run(
        app,
        host=HOST,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    return 0
