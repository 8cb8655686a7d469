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
from sqlalchemy import Engine

from task_tracker import store
from task_tracker.db import write_transaction
from task_tracker.errors import TaskTrackerError

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


def events(db_path: Path, task_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT version, actor, kind, changes FROM task_events WHERE task_id = ? ORDER BY id",
            (task_id,),
        ).fetchall()


def test_each_change_is_one_event_with_its_actor(engine: Engine, db_path: Path) -> None:
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
    with sqlite3.connect(db_path) as raw:  # by hand, as in the sqlite3 shell
        raw.execute("UPDATE tasks SET description = 'by hand' WHERE id = ?", (task.id,))
    recorded = events(db_path, task.id)
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
    assert json.loads(recorded[1][3]) == {
        "title": ["write docs", "write the docs"],
        "priority": ["medium", "high"],
    }
    assert json.loads(recorded[4][3]) == {"description": ["", "by hand"]}
    with write_transaction(engine) as conn:
        page = store.task_history(conn, task_id=task.id, limit=2)
        older = store.task_history(conn, task_id=task.id, before=page[-1].id, limit=10)
        store.delete_task(conn, task_id=task.id)
    assert [e.kind for e in page] == ["update", "complete"]
    assert [e.kind for e in older] == ["claim", "update", "create"]
    assert events(db_path, task.id) == []  # a deleted task's history goes with it


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
            for field, (_old, new) in json.loads(changes).items():
                fields[field] = json.dumps(new, separators=(",", ":")) if field == "tags" else new
            versions[task_id] = version
    assert set(replayed) == set(tasks)  # deleted tasks left no events behind
    for task_id, row in tasks.items():
        assert replayed[task_id] == {field: row[field] for field in FIELDS}
        assert versions[task_id] == row["version"]
