"""Store functions against a real SQLite file at Alembic head."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError, IntegrityError

from task_tracker import store
from task_tracker.db import read_transaction, write_transaction
from task_tracker.errors import InvalidInput, TaskNotFound, VersionConflict
from task_tracker.schemas import Total, parse_tags


def add(engine: Engine, **kwargs: object) -> int:
    with write_transaction(engine) as s:
        return store.add_task(s, **{"title": "t", **kwargs}).id  # type: ignore[arg-type]


def test_add_and_get_round_trip(engine: Engine) -> None:
    task_id = add(
        engine,
        title="  Write the README  ",
        description="All of it",
        priority="high",
        tags=["Docs", "docs", " release "],
        due_date=date(2026, 12, 24),
    )
    with read_transaction(engine) as s:
        task = store.get_task(s, task_id=task_id)
        assert (task.title, task.description, task.priority, task.status) == (
            "Write the README",
            "All of it",
            "high",
            "pending",
        )
        assert parse_tags(task.tags) == ["docs", "release"]
        assert task.due_date == "2026-12-24"
        assert task.version == 1
        assert task.completed_at is None
        assert task.created_at.tzinfo is not None
        assert task.created_at == task.updated_at


def test_timestamps_are_iso_text_in_the_file(engine: Engine, db_path: Path) -> None:
    add(engine, title="x")
    with sqlite3.connect(db_path) as conn:
        created, tags = conn.execute("SELECT created_at, tags FROM tasks").fetchone()
    parsed = datetime.fromisoformat(created)
    assert parsed.utcoffset() == timedelta(0)
    assert created.endswith("+00:00")
    assert abs(datetime.now(UTC) - parsed) < timedelta(minutes=1)
    assert tags == "[]"


def test_blank_title_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="title must contain"):
        add(engine, title="   ")
    with read_transaction(engine) as s:
        assert store.list_tasks(s).total.count == 0


def test_ids_are_never_reused(engine: Engine) -> None:
    first = add(engine)
    second = add(engine)
    with write_transaction(engine) as s:
        store.delete_task(s, task_id=second)
    third = add(engine)
    assert (first, second, third) == (1, 2, 3)


def test_get_unknown_raises_not_found(engine: Engine) -> None:
    with read_transaction(engine) as s, pytest.raises(TaskNotFound, match="Task 42 not found"):
        store.get_task(s, task_id=42)


def test_update_is_partial_and_bumps_version(engine: Engine) -> None:
    task_id = add(engine, title="old", description="keep me", priority="low")
    with write_transaction(engine) as s:
        task = store.update_task(s, task_id=task_id, title="new")
        assert (task.title, task.description, task.priority, task.version) == (
            "new",
            "keep me",
            "low",
            2,
        )
        assert task.updated_at > task.created_at


def test_update_with_no_real_change_keeps_version(engine: Engine) -> None:
    task_id = add(engine, title="same")
    with write_transaction(engine) as s:
        task = store.update_task(s, task_id=task_id, title="same")
        assert task.version == 1


def test_stale_expected_version_conflicts_and_changes_nothing(engine: Engine) -> None:
    task_id = add(engine, title="v1")
    with write_transaction(engine) as s:
        store.update_task(s, task_id=task_id, title="v2")
    with pytest.raises(VersionConflict, match="now version 2"):
        with write_transaction(engine) as s:
            store.update_task(s, task_id=task_id, title="v3", expected_version=1)
    with read_transaction(engine) as s:
        task = store.get_task(s, task_id=task_id)
        assert (task.title, task.version) == ("v2", 2)


def test_complete_is_idempotent(engine: Engine) -> None:
    task_id = add(engine)
    with write_transaction(engine) as s:
        first = store.complete_task(s, task_id=task_id)
        first_state = (first.status, first.completed_at, first.version)
    with write_transaction(engine) as s:
        again = store.complete_task(s, task_id=task_id)
        assert (again.status, again.completed_at, again.version) == first_state
    assert first_state[0] == "complete" and first_state[2] == 2


def test_reopening_clears_completed_at(engine: Engine) -> None:
    task_id = add(engine, status="complete")
    with write_transaction(engine) as s:
        assert store.get_task(s, task_id=task_id).completed_at is not None
        task = store.update_task(s, task_id=task_id, status="in_progress")
        assert task.completed_at is None


def test_list_filters_and_keyset_pages(engine: Engine) -> None:
    for i in range(7):
        add(
            engine,
            title=f"task {i}",
            priority="high" if i % 2 else "low",
            tags=["even"] if i % 2 == 0 else ["odd"],
            due_date=date(2026, 1, 1 + i),
        )
    with write_transaction(engine) as s:
        store.complete_task(s, task_id=1)
    with read_transaction(engine) as s:
        page = store.list_tasks(s, limit=3)
        assert [t.id for t in page.items] == [1, 2, 3]
        assert (page.total, page.has_more) == (Total(7), True)
        page2 = store.list_tasks(s, limit=3, after_id=3)
        assert [t.id for t in page2.items] == [4, 5, 6]
        last = store.list_tasks(s, limit=3, after_id=6)
        assert ([t.id for t in last.items], last.has_more) == ([7], False)
        assert [t.id for t in store.list_tasks(s, tag="EVEN").items] == [1, 3, 5, 7]
        assert [t.id for t in store.list_tasks(s, priority="high").items] == [2, 4, 6]
        assert [t.id for t in store.list_tasks(s, status="complete").items] == [1]
        assert store.list_tasks(s, status="open").total.count == 6
        assert store.list_tasks(s, status="all").total.count == 7
        due = store.list_tasks(s, due_before=date(2026, 1, 3))
        assert [t.id for t in due.items] == [1, 2]


def test_tag_index_follows_hand_edits(engine: Engine, db_path: Path) -> None:
    task_id = add(engine, tags=["a"])
    with sqlite3.connect(db_path) as conn:
        conn.execute('UPDATE tasks SET tags = \'["b","c"]\' WHERE id = ?', (task_id,))
    with read_transaction(engine) as s:
        assert store.list_tasks(s, tag="a").total.count == 0
        assert [t.id for t in store.list_tasks(s, tag="c").items] == [task_id]
    with sqlite3.connect(db_path) as conn:  # the sqlite3 CLI default: foreign keys off
        conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
        assert conn.execute("SELECT count(*) FROM task_tags").fetchone() == (0,)


# What SQLite's text columns refuse by CHECK and PostgreSQL's typed columns read as times.
TIMES_POSTGRESQL_READS = {
    ("due_date", "tomorrow"),
    ("created_at", "yesterday"),
    ("created_at", "2026-01-01 10:00:00"),
    ("updated_at", "2026-01-01T10:00:00+02:00"),
}
REFUSALS = (
    "CHECK constraint failed|tags: each tag|violates check constraint|invalid input syntax"
    "|out of range|date/time field value|invalid input value|cannot contain NUL"
    "|unsupported Unicode escape"
)


@pytest.mark.parametrize(
    "column, value",
    [
        ("status", "done"),
        ("priority", "urgent"),
        ("tags", "not json"),
        ("tags", '{"a": 1}'),
        ("due_date", "2026-02-30"),
        ("due_date", "tomorrow"),
        ("title", ""),
        ("version", 0),
        ("version", 2**62),
        ("id", 2**62),
        ("created_at", "yesterday"),
        ("created_at", "2026-01-01 10:00:00"),
        ("updated_at", "2026-01-01T10:00:00+02:00"),
        ("updated_at", "2026-02-30T10:00:00.000000+00:00"),
        ("completed_at", "2026-01-01T10:00:00.000000+00:00"),  # the task is not complete
        ("status", "complete"),  # without completed_at
        ("tags", '["Work"]'),
        ("tags", '["two words"]'),
        ("tags", "[1]"),
        ("tags", '["x","x"]'),
        ("tags", '["nul\\u0000cut"]'),
        ("tags", json.dumps([f"t{n}" for n in range(21)])),
    ],
)
def test_database_rejects_invalid_hand_written_values(
    engine: Engine, column: str, value: object
) -> None:
    task_id = add(engine)
    if engine.dialect.name == "postgresql" and (column, value) in TIMES_POSTGRESQL_READS:
        with write_transaction(engine) as s:  # a valid time to a typed column: stored as one
            update = text(f"UPDATE tasks SET {column} = :v WHERE id = :id")
            s.execute(update, {"v": value, "id": task_id})
        return
    refused = (IntegrityError, DataError)  # (PostgreSQL: also the column's type)
    with pytest.raises(refused, match=REFUSALS):
        with write_transaction(engine) as s:
            s.execute(
                text(f"UPDATE tasks SET {column} = :v WHERE id = :id"), {"v": value, "id": task_id}
            )


def test_overview_puts_open_tasks_first(engine: Engine) -> None:
    done = add(engine, title="done", status="complete")
    low = add(engine, title="low", priority="low")
    high = add(engine, title="high", priority="high")
    doing = add(engine, title="doing", status="in_progress")
    with read_transaction(engine) as s:
        page = store.overview(s, limit=3)
    assert [t.id for t in page.items] == [doing, high, low]
    assert (page.total, page.has_more) == (Total(4), True)
    assert done == 1


def test_standup_sections(engine: Engine, db_path: Path) -> None:
    now = datetime.now(UTC)
    done = add(engine, title="done", status="complete")
    doing = add(engine, title="doing", status="in_progress")
    late = add(engine, title="late", due_date=date(2000, 1, 1))
    old = add(engine, title="old")
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE tasks SET updated_at = '2001-01-01T00:00:00.000000+00:00' WHERE id = ?",
            (old,),
        )
    with read_transaction(engine) as s:
        report = store.standup(
            s,
            since=now - timedelta(hours=1),
            today=now.date(),
            stale_before=now - timedelta(days=7),
        )
        assert [t.id for t in report.completed] == [done]
        assert [t.id for t in report.in_progress] == [doing]
        assert [t.id for t in report.pending] == [late, old]
        assert [t.id for t in report.overdue] == [late]
        assert [t.id for t in report.stale] == [old]


def test_status_counts_follow_every_write_including_hand_edits(
    engine: Engine, db_path: Path
) -> None:
    for status in ("pending", "pending", "in_progress", "complete"):
        add(engine, status=status)
    with write_transaction(engine) as s:
        store.complete_task(s, task_id=1)
        store.delete_task(s, task_id=3)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tasks SET status = 'in_progress' WHERE id = 2")
        conn.execute("UPDATE tasks SET title = 'same status' WHERE id = 2")
        conn.execute("INSERT INTO tasks (title, status) VALUES ('by hand', 'pending')")
        real = dict(conn.execute("SELECT status, count(*) FROM tasks GROUP BY status"))
    with read_transaction(engine) as s:
        for status in ("pending", "in_progress", "complete"):
            assert store.count_by_status(s, status=status) == real.get(status, 0), status
        assert store.list_tasks(s).total.count == sum(real.values()) == 4
        assert store.list_tasks(s, status="open").total.count == 2


def test_overview_reads_segments_in_the_one_documented_order(engine: Engine) -> None:
    import itertools

    combos = list(
        itertools.product(("complete", "pending", "in_progress"), ("low", "high", "medium"))
    )
    for status, priority in combos * 3:
        add(engine, title=f"{status} {priority}", status=status, priority=priority)
    status_rank = {"in_progress": 0, "pending": 1, "complete": 2}
    priority_rank = {"high": 0, "medium": 1, "low": 2}
    with read_transaction(engine) as s:
        every = store.list_tasks(s, limit=200).items
        expected = sorted(
            every, key=lambda t: (status_rank[t.status], priority_rank[t.priority], t.id)
        )
        for limit in (1, 4, 10, 26, 27, 40):
            page = store.overview(s, limit=limit)
            assert [t.id for t in page.items] == [t.id for t in expected[:limit]]
            assert page.has_more == (limit < 27)
            assert page.total == Total(27)


def test_every_filter_pages_to_exactly_the_matching_tasks(engine: Engine) -> None:
    import itertools
    import random

    rng = random.Random(3)
    for n in range(60):
        add(
            engine,
            title=f"t{n}",
            status=rng.choice(["pending", "in_progress", "complete"]),
            priority=rng.choice(["low", "medium", "high"]),
            tags=rng.sample(["a", "b", "c"], rng.randint(0, 2)),
            due_date=rng.choice([None, date(2026, 1, 1), date(2026, 4, 1), date(2027, 1, 1)]),
        )
    with read_transaction(engine) as s:
        every = store.list_tasks(s, limit=200).items
    statuses = {"all": None, "open": {"pending", "in_progress"}, "complete": {"complete"}}
    for (status, allowed), priority, tag, due, due_after in itertools.product(
        statuses.items(),
        [None, "high"],
        [None, "a", "c", ["a", "b"]],
        [None, date(2026, 6, 1)],
        [None, date(2026, 3, 1)],
    ):
        wanted_tags = [tag] if isinstance(tag, str) else (tag or [])
        expected = [
            t.id
            for t in every
            if (allowed is None or t.status in allowed)
            and (priority is None or t.priority == priority)
            and all(w in parse_tags(t.tags) for w in wanted_tags)
            and (due is None or (t.due_date is not None and t.due_date < due.isoformat()))
            and (
                due_after is None or (t.due_date is not None and t.due_date > due_after.isoformat())
            )
        ]
        seen, after, total = [], None, None
        with read_transaction(engine) as s:
            while True:
                page = store.list_tasks(
                    s,
                    status=status,
                    priority=priority,
                    tag=tag,
                    due_before=due,
                    due_after=due_after,
                    after_id=after,
                    limit=3,
                    known_total=total,
                )
                seen += [t.id for t in page.items]
                total = page.total
                if not page.has_more:
                    break
                after = page.items[-1].id
        assert (seen, total) == (expected, Total(len(expected))), (status, priority, tag, due)


def test_due_shorthands_are_ranges_around_today() -> None:
    wednesday = date(2026, 11, 25)
    assert store.due_window("overdue", wednesday) == (None, wednesday)
    assert store.due_window("today", wednesday) == (date(2026, 11, 24), date(2026, 11, 26))
    # Monday 23 to Sunday 29, as exclusive bounds
    assert store.due_window("this_week", wednesday) == (date(2026, 11, 22), date(2026, 11, 30))
    sunday = date(2026, 11, 29)
    assert store.due_window("this_week", sunday) == (date(2026, 11, 22), date(2026, 11, 30))
