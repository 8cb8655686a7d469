"""Live boards: every change any writer makes (an agent's tool call, the CLI, another
browser, a hand edit in sqlite3, another replica on PostgreSQL) is a row in task_events,
which the database's triggers write. One watcher per process reads the newest event id every
POLL_S while at least one board is open (an indexed read of one row; nothing at all while
none is), and when it moves reads the new events and the changed tasks once and sends each
open board the same rendered cards as Server-Sent Events keyed by event id. A board that
reconnects sends the last id it saw (Last-Event-ID) and is sent what it missed first.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import Connection

from task_tracker.database import Database
from task_tracker.store import board as store_board

log = logging.getLogger(__name__)

POLL_S = 0.25
# Events re-read below the newest seen, for ids that commit out of order (PostgreSQL).
MARGIN = 100
SEEN_KEPT = 4 * MARGIN
BATCH = 500  # events read at a time; a larger gap is sent as "reload"
QUEUE_MAX = 64  # messages a slow board may fall behind before it is told to reload
KEEPALIVE_S = 15.0

Render = Callable[[Connection, list[int]], dict[int, dict[str, Any]]]


def message(event_id: int, kind: str, data: dict[str, Any]) -> str:
    return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(data)}\n\n"


class ChangeFeed:
    """The process's one watcher; `subscribe` yields SSE messages for one open board."""

    def __init__(self, database: Database, render: Render) -> None:
        self.database = database
        self.render = render
        self._queues: set[asyncio.Queue[str]] = set()
        self._task: asyncio.Task[None] | None = None
        self._last = 0
        self._behind: set[asyncio.Queue[str]] = set()
        self._seen: dict[int, None] = {}  # event ids already sent, the newest SEEN_KEPT
        self.reads = 0  # change checks made (benchmarks and tests read it)

    def changes(
        self, after: int, *, note: bool = False
    ) -> Callable[[Connection], tuple[int, list[str]]]:
        """The messages for events after `after`, and the last id they cover. note: the
        watcher's own read, which also sends those a little below `after` that committed
        late, and whose events count as sent."""

        def run(conn: Connection) -> tuple[int, list[str]]:
            floor = max(0, after - MARGIN) if note else after
            read = store_board.events_after(conn, floor, limit=BATCH + 1)
            if len(read) > BATCH:
                last = store_board.last_event_id(conn)
                return last, [message(last, "reload", {})]
            events = [e for e in read if e.id > after or e.id not in self._seen]
            if not events:
                return max(after, read[-1].id if read else 0), []
            if note:
                self._note_sent([e.id for e in events])
            changed = list(dict.fromkeys(event.task_id for event in events))
            cards = self.render(conn, changed)
            last = max(after, events[-1].id)
            sent = []
            for task_id in changed:
                data = cards.get(task_id, {"id": task_id, "gone": True})
                sent.append(message(last, "card", data))
            actors = sorted({e.actor for e in events if e.actor})
            sent.append(message(last, "activity", {"actors": actors, "count": len(events)}))
            return last, sent

        return run

    def _note_sent(self, ids: list[int]) -> None:
        self._seen.update(dict.fromkeys(ids))
        while len(self._seen) > SEEN_KEPT:
            del self._seen[next(iter(self._seen))]

    def _fingerprint(self, conn: Connection) -> tuple[int, int]:
        return store_board.fingerprint(conn, max(0, self._last - MARGIN))

    def _start(self, conn: Connection) -> int:
        """The newest event id, with the events just below it counted as sent already."""
        last = store_board.last_event_id(conn)
        recent = store_board.events_after(conn, max(0, last - MARGIN), limit=MARGIN + 1)
        self._note_sent([event.id for event in recent])
        return last

    async def _watch(self) -> None:
        self._last = await self.database.run(self._start, write=False)
        known: tuple[int, int] | None = None
        while self._queues:
            await asyncio.sleep(POLL_S)
            try:
                self.reads += 1
                run = self.database.run
                now = await run(self._fingerprint, write=False)
                if now == known:
                    continue
                known = now
                before = self._last
                self._last, sent = await run(self.changes(before, note=True), write=False)
            except Exception as exc:  # the database away for a moment: the boards wait
                log.warning("board live updates paused: %s", exc)
                continue
            for queue in list(self._queues):
                for text in sent:
                    if queue.full():  # that board is told to reload rather than kept waiting
                        self._behind.add(queue)
                        break
                    queue.put_nowait(text)

    async def subscribe(self, last_seen: int | None) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_MAX)
        self._queues.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._watch())
        try:
            if last_seen is not None:  # a reconnect: what it missed, then live
                _, missed = await self.database.run(self.changes(last_seen), write=False)
                for text in missed:
                    yield text
            else:
                current = await self.database.run(store_board.last_event_id, write=False)
                yield f"id: {current}\nevent: hello\ndata: {{}}\n\n"
            while True:
                try:
                    text = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield text
                if queue in self._behind and queue.empty():
                    yield message(self._last, "reload", {})
                    return
        finally:
            self._queues.discard(queue)
            self._behind.discard(queue)
