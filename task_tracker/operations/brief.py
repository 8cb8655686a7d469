"""The brief: where a new session picks up for one agent, in one short text (tasks://brief,
the `brief` prompt, `task-tracker brief`). What it holds and the handoffs on it, the tasks
in review it may approve, handoffs waiting on free tasks, the best ready work, what blocks
the most, the newest open tasks and the work found while doing other work (add_task's
discovered_from).
Every section is bounded and every text cut, so it stays under BRIEF_MAX characters
whatever the database holds."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from task_tracker.operations.calls import Call, operation, reading
from task_tracker.operations.shaping import cut, why_next
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import local_today, stamp, utcnow

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
    from task_tracker.store import brief as brief_reads
else:
    store = lazy_module("task_tracker.store")
    brief_reads = lazy_module("task_tracker.store.brief")

BRIEF_MAX = 8_000
# What each section shows, cut so that all of them at their longest fit in BRIEF_MAX
# (tests/server/test_brief.py fills every one to the limit).
SHOWN = 5  # tasks per section
HELD_SHOWN = 7
TITLE_MAX = 72
NOTE_SHOWN = 120
ACTOR_SHOWN = 40
PATHS_SHOWN = 80
DISCOVERED_SINCE = timedelta(days=7)


def _task(row: Any) -> str:
    return f"#{row.id} [{row.priority}] {cut(row.title, TITLE_MAX)}"


def _note(note: Any) -> str:
    by = cut(note.actor, ACTOR_SHOWN) if note.actor else "a hand edit"
    return f"handoff by {by} at {stamp(note.at)}: {cut(note.text, NOTE_SHOWN)}"


def _section(title: str, lines: list[str], empty: str) -> list[str]:
    return ["", f"{title}:", *(lines or [f"  {empty}"])]


@operation
def brief(*, actor: str) -> Call[str]:
    """The brief for `actor`, as plain text."""

    def run(conn: Connection) -> str:
        now, today = utcnow(), local_today()
        held = brief_reads.held(conn, actor, now, limit=HELD_SHOWN)
        handoffs = brief_reads.latest_handoffs(conn, [row.id for row in held])
        mine = []
        for row in held:
            mine.append(f"  {_task(row)} ({row.status}; yours until {stamp(row.claimed_until)})")
            if paths := store.claimed_paths(row):
                mine.append(f"    paths: {cut(', '.join(paths), PATHS_SHOWN)}")
            if row.id in handoffs:
                mine.append(f"    {_note(handoffs[row.id])}")
        waiting = [
            f"  #{n.task_id} {cut(n.title, TITLE_MAX)}\n    {_note(n)}"
            for n in brief_reads.free_handoffs(conn, now, limit=SHOWN)
        ]
        # Free work only: what the agent holds is listed above (actor None leaves out every
        # held task, the agent's own beyond the ones shown too).
        ready = [
            f"  {_task(row)}: {why_next(row, today)}"
            for row in store.next_tasks(conn, tag=None, limit=SHOWN, actor=None)
        ]
        blocking = [
            f"  #{row.id} {cut(row.title, TITLE_MAX)} ({row.status}) blocks {n} open task(s)"
            for row, n in store.top_blockers(conn, limit=SHOWN)
        ]
        newest = [
            f"  {_task(row)} added {stamp(row.created_at)}"
            for row in brief_reads.newest(conn, limit=SHOWN)
        ]
        found, count = brief_reads.discovered(conn, now - DISCOVERED_SINCE, limit=SHOWN)
        discovered = [
            f"  {_task(row)} ({row.status}) while doing #{row.discovered_from}" for row in found
        ]
        if discovered:
            many = f"{count - 1}+" if count >= brief_reads.DISCOVERED_READ else str(count)
            discovered.insert(0, f"  {many} in the last {DISCOVERED_SINCE.days} days; newest:")
        lines = [f"Brief for {actor}, {stamp(now)}."]
        lines += _section("You hold", mine, "nothing: next_task(claim=true) takes the best")
        reviews = [
            f"  {_task(row)} done by {cut(row.submitted_by or 'someone', ACTOR_SHOWN)}"
            for row in brief_reads.to_review(conn, actor, now, limit=SHOWN)
        ]
        lines += _section("Waiting for your review (review_task)", reviews, "none")
        lines += _section("Handoffs waiting on free tasks", waiting, "none")
        lines += _section("Ready to do next", ready, "nothing ready")
        lines += _section("Blocking the most work", blocking, "nothing blocks open work")
        lines += _section("Newest open tasks", newest, "none")
        lines += _section("Found while doing other work", discovered, "none lately")
        lines += [
            "",
            "get_task(id) shows a task in full; claim_task(id) takes it; before you stop, "
            "add_note(id, text, kind='handoff') says where you stopped.",
        ]
        text = "\n".join(lines)
        return text if len(text) <= BRIEF_MAX else text[: BRIEF_MAX - 1] + "…"

    return reading(run)
