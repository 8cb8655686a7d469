"""What each board page reads: columns of cards, a task's page, the trash, the activity.
Reads go through the same operations as the tools where the tools have them (list, search,
get, history), and through store.board for what only a board shows (card facts, events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from task_tracker import operations, store
from task_tracker.board.render import COLUMNS, page
from task_tracker.schemas import TaskOut, TaskRow, shaped
from task_tracker.store import board as store_board
from task_tracker.vocabulary import OPEN_STATUSES

OPEN_PAGE = 50  # cards per open column, then "more"
CLOSED_PAGE = 5  # the latest few closed, then "more"
SORTS = {"pending": "priority", "in_progress": "priority"}  # closed: newest change first


@dataclass(frozen=True, slots=True)
class BoardFilter:
    project: str | None = None
    tag: str | None = None
    holder: str | None = None
    due: str | None = None

    @classmethod
    def of(cls, query: Any) -> BoardFilter:
        def value(name: str) -> str | None:
            text = (query.get(name) or "").strip()
            return text or None

        return cls(value("project"), value("tag"), value("holder"), value("due"))

    def arguments(self) -> dict[str, Any]:
        """As list_tasks takes them."""
        chosen = {"project": self.project, "tag": self.tag, "claimed_by": self.holder}
        chosen["due"] = self.due
        return {name: v for name, v in chosen.items() if v is not None}

    def query(self) -> str:
        from urllib.parse import urlencode

        pairs = {"project": self.project, "tag": self.tag, "holder": self.holder, "due": self.due}
        return urlencode({k: v for k, v in pairs.items() if v})


def column_call(status: Any, chosen: BoardFilter, cursor: str | None) -> Any:
    sort: Any = SORTS.get(status, "updated_at")
    limit = OPEN_PAGE if status in OPEN_STATUSES else CLOSED_PAGE
    return operations.list_tasks(
        status=status,
        sort=sort,
        order="desc",
        limit=limit,
        cursor=cursor,
        **chosen.arguments(),
    )


def cards(conn: Connection, rows: list[TaskRow]) -> list[dict[str, Any]]:
    """What each card shows, for a page of rows (two queries for all of them)."""
    facts = store_board.card_facts(conn, [row.id for row in rows])
    now = datetime.now(UTC)
    shown = []
    for row in rows:
        task = shaped(TaskOut, row, preview=True)
        holder = row.claimed_by if row.claimed_until and row.claimed_until > now else None
        shown.append(
            {
                "task": task,
                "facts": facts[row.id],
                "holder": holder,
                "until": row.claimed_until if holder else None,
            }
        )
    return shown


def card_html(conn: Connection, ids: list[int], *, prefix: str, writable: bool) -> dict[int, Any]:
    """Rendered cards of these tasks with what a live board needs to place them."""
    rows = store_board.tasks_by_id(conn, ids)
    placed = {}
    for card in cards(conn, rows):
        task = card["task"]
        placed[task.id] = {
            "id": task.id,
            "status": task.status,
            "project": task.project or "",
            "tags": task.tags,
            "holder": card["holder"] or "",
            "version": task.version,
            "html": page("card.html", card=card, prefix=prefix, writable=writable),
        }
    return placed


def board_columns(
    conn: Connection, chosen: BoardFilter, cursors: dict[str, str | None]
) -> list[dict[str, Any]]:
    columns = []
    for status, name in COLUMNS:
        result = column_call(status, chosen, cursors.get(status)).body(conn)
        rows = store_board.tasks_by_id(conn, [t.id for t in result.tasks])
        by_id = {row.id: row for row in rows}
        ordered = [by_id[t.id] for t in result.tasks if t.id in by_id]
        columns.append(
            {
                "status": status,
                "name": name,
                "cards": cards(conn, ordered),
                "total": result.total,
                "capped": result.total_capped,
                "next": result.next_cursor,
            }
        )
    return columns


def task_page(conn: Connection, task_id: int) -> dict[str, Any]:
    detail = operations.get_task(task_id=task_id).body(conn)
    history = operations.task_history(task_id=task_id, limit=50).body(conn)
    notes = store.recent_notes(conn, task_id=task_id, limit=50)
    return {"task": detail, "history": history.events, "notes": notes}


def trash_page(conn: Connection) -> dict[str, Any]:
    entries, total = store.trash_entries(conn, limit=100)
    return {"entries": entries, "total": total}


def activity_page(conn: Connection) -> dict[str, Any]:
    now = datetime.now(UTC)
    held = store_board.holders(conn, now, limit=200)
    by_holder: dict[str, list[TaskRow]] = {}
    for row in held:
        by_holder.setdefault(row.claimed_by or "", []).append(row)
    return {"holders": by_holder, "events": store_board.latest_events(conn, limit=50)}
