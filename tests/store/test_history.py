"""History: the triggers record every change with its actor, and replaying a task's events
rebuilds its fields exactly, whatever sequence of changes made them."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from task_tracker import store
from task_tracker.db import write_transaction
from task_tracker.errors import TaskTrackerError
from tests.sql import by_hand

FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "due_date",
    "project_id",
    "parent_id",
    "claimed_by",
    "claimed_until",
    "completed_at",
)


def events(database: Any, task_id: int) -> list[tuple[Any, ...]]:
    return by_hand(
        database,
        "SELECT version, actor, kind, changes FROM task_events WHERE task_id = :t ORDER BY id",
        t=task_id,
    )


def test_each_change_is_one_event_with_its_actor(engine: Engine, database: Any) -> None:
    with write_transaction(engine) as conn:
        store.set_actor(conn, "alice")
        task = store.add_task(conn, title="write docs", tags=["docs"])
        store.update_task(conn, task_id=task.id, priority="high", title="write the docs")
        store.update_task(conn, task_id=task.id, priority="high")  # no change: no event
        store.set_actor(conn, None)
    with write_transaction(engine) as conn:
        store.set_actor(conn, "bob")
        store.claim_task(conn, task_id=task.id, actor="bob")
        store.complete_task(conn, task_id=task.id)
        store.set_actor(conn, None)
    by_hand(database, "UPDATE tasks SET description = 'by hand' WHERE id = :t", t=task.id)
    recorded = events(database, task.id)
    assert [(v, a, k) for v, a, k, _ in recorded] == [
        (1, "alice", "create"),
        (2, "alice", "update"),
        (3, "bob", "claim"),
        (4, "bob", "complete"),
        (4, None, "update"),
    ]
    assert json.loads(recorded[0][3]) == {
        "title": [None, "write docs"],
        "description": [None, ""],
        "status": [None, "pending"],
        "priority": [None, "medium"],
        "tags": [None, ["docs"]],
    }
    # A title or description an earlier event holds is stored as its new text alone
    # (revision 0020); history answers [old, new] all the same, across pages too.
    assert json.loads(recorded[1][3]) == {
        "title": ["write the docs"],
        "priority": ["medium", "high"],
    }
    assert json.loads(recorded[4][3]) == {"description": ["by hand"]}
    with write_transaction(engine) as conn:
        page = store.task_history(conn, task_id=task.id, limit=2)
        older = store.task_history(conn, task_id=task.id, before=page[-1].id, limit=10)
        store.delete_task(conn, task_id=task.id)
    assert [e.kind for e in page] == ["update", "complete"]
    assert page[0].changes == {"description": ["", "by hand"]}
    assert [e.kind for e in older] == ["claim", "update", "create"]
    assert older[1].changes == {
        "title": ["write docs", "write the docs"],
        "priority": ["medium", "high"],
    }
    assert events(database, task.id) == []  # a deleted task's history goes with it


# Text as people type it. Control characters are tests/e2e/test_hostile.py's (a title that is
# only NUL is refused by the database's CHECK: a refusal, not a change to replay).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=8)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), TEXT.filter(str.strip)),
        st.tuples(
            st.just("update"),
            st.integers(1, 6),
            st.fixed_dictionaries(
                {},
                optional={
                    "title": TEXT.filter(str.strip),
                    "description": TEXT,
                    "status": st.sampled_from(["pending", "in_progress", "complete", "cancelled"]),
                    "priority": st.sampled_from(["low", "medium", "high"]),
                    "tags": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
                    "due_date": st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 1, 1))),
                    "parent_id": st.integers(0, 6),
                },
            ),
        ),
        st.tuples(st.just("claim"), st.integers(1, 6), st.sampled_from(["x", "y"])),
        st.tuples(st.just("release"), st.integers(1, 6), st.sampled_from(["x", "y"])),
        st.tuples(st.just("delete"), st.integers(1, 6)),
    ),
    max_size=25,
)


def apply(conn: Any, operation: tuple[Any, ...]) -> None:
    kind, *args = operation
    if kind == "add":
        store.add_task(conn, title=args[0])
    elif kind == "update":
        fields = dict(args[1])
        due = fields.pop("due_date", store.KEEP)
        store.update_task(conn, task_id=args[0], due_date=due, with_subtasks=True, **fields)
    elif kind in ("claim", "release"):
        store.claim_task(conn, task_id=args[0], actor=args[1], release=kind == "release")
    else:
        store.delete_task(conn, task_id=args[0], with_subtasks=True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_replaying_the_events_rebuilds_every_task(
    engine: Engine, db_path: Path, operations: list[tuple[Any, ...]]
) -> None:
    with write_transaction(engine) as conn:
        conn.exec_driver_sql("DELETE FROM tasks")
    for operation in operations:
        try:
            with write_transaction(engine) as conn:
                apply(conn, operation)
        except TaskTrackerError:
            pass  # refused (unknown id, a loop, someone else's claim): nothing changed
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        tasks = {row["id"]: row for row in conn.execute("SELECT * FROM tasks")}
        log = conn.execute("SELECT task_id, version, changes FROM task_events ORDER BY id")
        replayed: dict[int, dict[str, Any]] = {}
        versions: dict[int, int] = {}
        for task_id, version, changes in log:
            fields = replayed.setdefault(task_id, dict.fromkeys(FIELDS))
            for field, pair in json.loads(changes).items():
                new = pair[-1]  # ([new] alone: revision 0020)
                fields[field] = json.dumps(new, separators=(",", ":")) if field == "tags" else new
            versions[task_id] = version
    assert set(replayed) == set(tasks)  # deleted tasks left no events behind
    for task_id, row in tasks.items():
        assert replayed[task_id] == {field: row[field] for field in FIELDS}
        assert versions[task_id] == row["version"]
    with write_transaction(engine) as conn:  # history's [old, new], a page of 3 at a time
        for task_id in tasks:
            pages, before = [], None
            while page := store.task_history(conn, task_id=task_id, before=before, limit=3):
                pages.extend(page)
                before = page[-1].id
            seen: dict[str, Any] = {}
            for event in reversed(pages):
                for field, pair in event.changes.items():
                    assert len(pair) == 2 and pair[0] == seen.get(field), (field, pair)
                    seen[field] = pair[1]


def stored_changes(engine: Engine, task_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT changes FROM task_events WHERE task_id = :t ORDER BY id"), {"t": task_id}
        )
        return [json.loads(changes) for (changes,) in found]


def test_a_changed_long_text_is_stored_once_and_read_as_old_and_new(engine: Engine) -> None:
    """10,000 edits of a 2,000-character description cost 49 MB when each event held both
    texts; the new text alone halves it, and nothing is lost: history and revert read the
    old text from the event before."""
    first, second, third = "a" * 2_000, "b" * 2_000, "c" * 2_000
    with write_transaction(engine) as conn:
        task = store.add_task(conn, title="long", description=first)
        store.update_task(conn, task_id=task.id, description=second, status="in_progress")
        store.update_task(conn, task_id=task.id, description=third, title="longer")
    assert stored_changes(engine, task.id)[1:] == [
        {"description": [second], "status": ["pending", "in_progress"]},
        {"description": [third], "title": ["longer"]},
    ]
    with write_transaction(engine) as conn:
        newest, middle, created = store.task_history(conn, task_id=task.id, limit=3)
        alone = store.task_history(conn, task_id=task.id, limit=1)[0]  # the old from before
        reverted = store.revert_task(conn, task_id=task.id, version=2)
    assert newest.changes == {"description": [second, third], "title": ["long", "longer"]}
    assert alone.changes == newest.changes
    assert middle.changes == {"description": [first, second], "status": ["pending", "in_progress"]}
    assert (reverted.title, reverted.description) == ("long", second)


def test_the_first_change_after_history_began_keeps_both_texts(engine: Engine) -> None:
    """A task older than history (or imported) has no event holding its text yet: its first
    change keeps [old, new], so the text it had is never lost."""
    with write_transaction(engine) as conn:
        task = store.add_task(conn, title="old task", description="as it was")
        conn.execute(text("DELETE FROM task_events"))  # as before revision 0011
        store.update_task(conn, task_id=task.id, description="as it is")
        store.update_task(conn, task_id=task.id, description="as it will be")
    assert stored_changes(engine, task.id) == [
        {"description": ["as it was", "as it is"]},
        {"description": ["as it will be"]},
    ]
    with write_transaction(engine) as conn:
        assert [e.changes for e in store.task_history(conn, task_id=task.id)] == [
            {"description": ["as it is", "as it will be"]},
            {"description": ["as it was", "as it is"]},
        ]
