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
from task_tracker.operations.cursors import decode_list_cursor
from task_tracker.operations.shaping import task_page as list_page
from task_tracker.schemas import TaskOut, TaskPageOut, TaskRow, Total, local_today, shaped
from task_tracker.store import board as store_board
from task_tracker.vocabulary import OPEN_STATUSES

OPEN_PAGE = 20  # cards per open column, then "more"
CLOSED_PAGE = 5  # the latest few closed, then "more"
# Open columns by urgency; closed ones newest change first.
SORTS = {"pending": "priority", "in_progress": "priority", "in_review": "priority"}
NOT_COUNTED = Total(0, capped=True)


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


def column_page(
    conn: Connection, status: str, chosen: BoardFilter, cursor: str | None
) -> TaskPageOut:
    """One column's page, read as list_tasks reads it. Unfiltered, its total comes from the
    counts the triggers keep; filtered, it is not counted (a count reads every match: 20 ms
    at 100k tasks), and the column says "25+" instead."""
    # Closed: the latest changed first; with a filter, the newest tasks first, which the
    # (status, id) index reads in order where a filtered updated_at order sorts every match.
    if chosen.holder:
        return _held_page(conn, status, chosen)
    filtered = bool(chosen.arguments())
    sort = SORTS.get(status, "id" if filtered else "updated_at")
    after_key, after_id, known = (
        decode_list_cursor(cursor, sort, "desc") if cursor else (None, None, None)
    )
    due_after, due_before = (
        store.due_window(chosen.due, local_today()) if chosen.due else (None, None)
    )
    page = store.list_tasks(
        conn,
        status=status,
        tag=chosen.tag,
        project=chosen.project,
        claimed_by=chosen.holder,
        due_before=due_before,
        due_after=due_after,
        sort=sort,
        order="desc",
        after_key=after_key,
        after_id=after_id,
        limit=OPEN_PAGE if status in OPEN_STATUSES else CLOSED_PAGE,
        known_total=known or (NOT_COUNTED if filtered else None),
    )
    return list_page(page.items, total=page.total, has_more=page.has_more, sort=sort, order="desc")


def _held_page(conn: Connection, status: str, chosen: BoardFilter) -> TaskPageOut:
    """A holder's tasks in one column: the few their claims name, the first page of them
    shown (and counted: a holder has few)."""
    rows = store_board.held_by(conn, chosen.holder or "", status, datetime.now(UTC))
    tasks = [shaped(TaskOut, row, preview=True) for row in rows]
    if chosen.project:
        tasks = [t for t in tasks if (t.project or "").lower() == chosen.project.lower()]
    if chosen.tag:
        wanted = {tag.strip().lower() for tag in chosen.tag.split(",")}
        tasks = [t for t in tasks if wanted <= set(t.tags)]
    if chosen.due:
        after, before = store.due_window(chosen.due, local_today())
        tasks = [
            t
            for t in tasks
            if t.due_date is not None
            and (after is None or t.due_date > after)
            and (before is None or t.due_date < before)
        ]
    shown = tasks[: OPEN_PAGE if status in OPEN_STATUSES else CLOSED_PAGE]
    capped = len(rows) == store_board.HELD_MAX
    return TaskPageOut(tasks=shown, total=len(tasks), total_capped=capped, next_cursor=None)


def cards(conn: Connection, tasks: list[TaskOut]) -> list[dict[str, Any]]:
    """What each card shows, for all the cards of a page at once (three queries)."""
    facts = store_board.card_facts(conn, [task.id for task in tasks])
    shown = []
    for task in tasks:
        fact = facts[task.id]
        shown.append({"task": task, "facts": fact, "holder": fact.holder, "until": fact.until})
    return shown


def card_html(conn: Connection, ids: list[int], *, prefix: str, writable: bool) -> dict[int, Any]:
    """Rendered cards of these tasks with what a live board needs to place them."""
    rows = sorted(store.tasks_by_id(conn, ids).values(), key=lambda row: row.id)
    placed = {}
    for card in cards(conn, [shaped(TaskOut, row, preview=True) for row in rows]):
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
    conn: Connection, chosen: BoardFilter, *, only: str | None = None, cursor: str | None = None
) -> list[dict[str, Any]]:
    """Every column's first page, or only one column's page after cursor ("more"), read
    as list_tasks reads them; the cards' facts for all columns in one go."""
    pages = [
        (status, name, column_page(conn, status, chosen, cursor))
        for status, name in COLUMNS
        if only is None or status == only
    ]
    every = cards(conn, [task for _, _, result in pages for task in result.tasks])
    columns, start = [], 0
    for status, name, result in pages:
        count = len(result.tasks)
        columns.append(
            {
                "status": status,
                "name": name,
                "cards": every[start : start + count],
                "total": result.total,
                "capped": result.total_capped,
                "next": result.next_cursor,
            }
        )
        start += count
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
