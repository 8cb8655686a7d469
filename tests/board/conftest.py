"""The board served in-process over ASGI (Starlette's TestClient: real HTTP semantics, real
Database on each backend), and helpers that make and read tasks the way the tools do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from task_tracker import operations
from task_tracker.board import board_app, board_routes
from task_tracker.database import Database
from task_tracker.postgres import DatabaseURL

PORT = 8080
BASE = f"http://127.0.0.1:{PORT}"
MEMBERS = {"alice-token-0123456789": "alice", "bob-token-0123456789": "bob"}


class Board:
    """A test's board: its client, and the database it shows."""

    def __init__(self, client: TestClient, database: Database, prefix: str) -> None:
        self.client = client
        self.database = database
        self.prefix = prefix

    def run(self, call: Any) -> Any:
        return self.database.call(call.body, write=call.write, queue=call.queue)

    def add(self, title: str, **fields: Any) -> Any:
        return self.run(operations.add_task(actor="agent-1", title=title, **fields))

    def task(self, task_id: int) -> Any:
        return self.run(operations.get_task(task_id=task_id))

    def csrf(self, path: str = "/") -> str:
        page = self.client.get(self.prefix + path)
        assert page.status_code == 200, page.text
        found = re.search(r'data-csrf="([^"]+)"', page.text)
        assert found is not None
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        form = {"csrf": self.csrf(), **data}
        return self.client.post(self.prefix + path, data=form, follow_redirects=False, **kwargs)


def _board(
    where: Path | DatabaseURL,
    *,
    prefix: str = "",
    read_only: bool = False,
    members: dict[str, str] | None = None,
) -> Iterator[Board]:
    database = Database(where, threaded=True)
    local = None if members else "pat"
    routes = board_routes(
        database,
        prefix=prefix,
        read_only=read_only,
        local_actor=local,
        members=members,
        local_port=PORT if local else None,
    )
    app = board_app(routes)
    database.start()
    try:
        with TestClient(app, base_url=BASE) as client:
            yield Board(client, database, prefix)
    finally:
        database.close()


@pytest.fixture
def board(database: Path | DatabaseURL) -> Iterator[Board]:
    """The local board (one person, "pat", no sign-in) on each backend."""
    yield from _board(database)


@pytest.fixture
def read_only_board(database: Path | DatabaseURL) -> Iterator[Board]:
    yield from _board(database, read_only=True)


@pytest.fixture
def team_board(database: Path | DatabaseURL) -> Iterator[Board]:
    """The board as HTTP mode serves it: at /board, signed in with a member's token."""
    yield from _board(database, prefix="/board", members=MEMBERS)
