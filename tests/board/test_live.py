"""Live updates: the messages the change feed sends for what happened after an event id,
whoever made the change (an operation, a hand edit in SQL), on both databases."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from task_tracker import operations
from task_tracker.board.live import ChangeFeed
from task_tracker.store import board as store_board
from tests.board.conftest import Board


def _feed(board: Board) -> ChangeFeed:
    def render(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
        from task_tracker.board.views import card_html

        return card_html(conn, ids, prefix="", writable=True)

    return ChangeFeed(board.database, render)


def _messages(texts: list[str]) -> list[tuple[int, str, dict[str, Any]]]:
    parsed = []
    for message in texts:
        fields = dict(line.split(": ", 1) for line in message.strip().splitlines())
        parsed.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return parsed


def test_changes_after_an_id_are_the_changed_tasks_cards(board: Board) -> None:
    feed = _feed(board)
    seen = board.database.call(store_board.last_event_id, write=False)
    first = board.add("One")
    second = board.add("Two", tags=["ui"])
    board.run(operations.update_task(actor="agent-2", task_id=first.id, status="in_progress"))
    last, texts = board.database.call(feed.changes(seen), write=False)
    assert last == board.database.call(store_board.last_event_id, write=False)
    sent = _messages(texts)
    assert [(kind, data.get("id"), data.get("status")) for _, kind, data in sent] == [
        ("card", first.id, "in_progress"),
        ("card", second.id, "pending"),
        ("activity", None, None),
    ]
    assert {event_id for event_id, _, _ in sent} == {last}
    assert sent[1][2]["tags"] == ["ui"] and sent[1][2]["version"] == 1
    assert f'id="card-{second.id}"' in sent[1][2]["html"]
    assert sent[2][2] == {"actors": ["agent-1", "agent-2"], "count": 3}
    # Nothing after the last: nothing to send.
    assert board.database.call(feed.changes(last), write=False) == (last, [])


def test_a_deleted_task_is_sent_as_gone(board: Board) -> None:
    feed = _feed(board)
    task = board.add("Short-lived")
    seen = board.database.call(store_board.last_event_id, write=False)
    board.run(operations.delete_task(actor="agent-1", task_id=task.id))
    _, texts = board.database.call(feed.changes(seen), write=False)
    assert _messages(texts)[0][1:] == ("card", {"id": task.id, "gone": True})


def test_a_hand_edit_in_sql_reaches_the_board(board: Board) -> None:
    feed = _feed(board)
    task = board.add("Edited by hand")
    seen = board.database.call(store_board.last_event_id, write=False)

    def hand_edit(conn: Any) -> None:
        conn.execute(
            text("UPDATE tasks SET title = 'Fixed in SQL' WHERE id = :id"), {"id": task.id}
        )

    board.database.call(hand_edit, write=True)
    _, texts = board.database.call(feed.changes(seen), write=False)
    (_, kind, data), activity = _messages(texts)[0], _messages(texts)[1]
    assert (kind, data["id"]) == ("card", task.id)
    assert "Fixed in SQL" in data["html"]
    assert activity[2] == {"actors": [], "count": 1}
