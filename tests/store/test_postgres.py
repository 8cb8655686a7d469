"""The store on PostgreSQL: the same functions, on a database the same revisions made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from task_tracker import store
from task_tracker.db import read_transaction, write_transaction
from task_tracker.errors import Refused, VersionConflict
from task_tracker.store.sorting import sort_key
from tests.test_migrations_pg import config


@pytest.fixture
def pg(pg_url: str) -> Iterator[sa.Engine]:
    command.upgrade(config(pg_url), "head")
    engine = sa.create_engine(pg_url)
    yield engine
    engine.dispose()


def add(engine: sa.Engine, **fields: object) -> store.TaskRow:
    with write_transaction(engine) as conn:
        store.set_actor(conn, "alice")
        return store.add_task(conn, **{"title": "t", **fields})  # type: ignore[arg-type]


def test_tasks_round_trip_with_history(pg: sa.Engine) -> None:
    task = add(pg, title="  Write notes ", tags=["Docs", "docs"], due_date=date(2026, 12, 24))
    assert (task.id, task.title, task.due_date, task.version) == (1, "Write notes", "2026-12-24", 1)
    assert task.created_at.tzinfo is not None
    with write_transaction(pg) as conn:
        store.set_actor(conn, "bob")
        changed = store.update_task(conn, task_id=1, priority="high", expected_version=1)
    assert (changed.priority, changed.version) == ("high", 2)
    with pytest.raises(VersionConflict), write_transaction(pg) as conn:
        store.update_task(conn, task_id=1, title="x", expected_version=1)
    with read_transaction(pg) as conn:
        events = store.task_history(conn, task_id=1, limit=10)
        page = store.list_tasks(conn, status="open", tag="docs")
    assert [(e.version, e.actor, e.kind) for e in events] == [
        (2, "bob", "update"),
        (1, "alice", "create"),
    ]
    assert events[0].changes == {"priority": ["medium", "high"]}
    assert [t.id for t in page.items] == [1] and page.total.count == 1


def test_structure_claims_and_next(pg: sa.Engine) -> None:
    first = add(pg, title="first")
    second = add(pg, title="second", depends_on=[first.id])
    with pytest.raises(Refused, match="would make a loop"), write_transaction(pg) as conn:
        store.update_task(conn, task_id=first.id, depends_on=[second.id])
    with write_transaction(pg) as conn:
        claimed = store.claim_task(conn, task_id=first.id, actor="alice")
    assert (claimed.claimed_by, claimed.status) == ("alice", "in_progress")
    with read_transaction(pg) as conn:
        assert [t.id for t in store.next_tasks(conn, tag=None, limit=5, actor="bob")] == []
        assert [t.id for t in store.next_tasks(conn, tag=None, limit=5, actor="alice")] == [1]


@pytest.mark.parametrize("sort", ["id", "priority", "due_date", "updated_at"])
def test_every_sort_and_filter_pages_through(pg: sa.Engine, sort: str) -> None:
    for n in range(12):
        due = date(2026, 12, 1 + n % 5) if n % 3 else None
        add(
            pg,
            title=f"task {n}",
            priority=("low", "medium", "high")[n % 3],
            due_date=due,
            tags=["even"] if n % 2 == 0 else [],
            project="Web" if n < 4 else None,
            create_project=n < 4,
        )
    for filters in (
        {},
        {"tag": "even"},
        {"project": "Web"},
        {"due_before": date(2026, 12, 3)},
        {"due_after": date(2026, 12, 1), "status": "open"},
        {"claimed_by": ""},
    ):
        seen: list[int] = []
        after_key, after_id, total = None, None, None
        with read_transaction(pg) as conn:
            while True:
                page = store.list_tasks(
                    conn,
                    sort=sort,
                    **filters,
                    limit=5,
                    after_key=after_key,
                    after_id=after_id,
                    known_total=total,
                )
                seen += [t.id for t in page.items]
                if not page.has_more:
                    break
                last = page.items[-1]
                after_key, after_id, total = sort_key(sort, last), last.id, page.total
            every = store.list_tasks(conn, sort=sort, **filters, limit=100)
        assert seen == [t.id for t in every.items], filters
        assert len(seen) == every.total.count


def test_overview_standup_projects_and_plans(pg: sa.Engine) -> None:
    add(pg, title="old", due_date=date(2020, 1, 1))
    with write_transaction(pg) as conn:
        plan, _refs = store.add_plan(
            conn,
            items=[{"ref": "a", "title": "A"}, {"title": "B", "depends_on": ["a"]}],
            project="Plan",
            create_project=True,
        )
        store.close_tasks(conn, task_ids=[plan[0].id], status="complete")
    with read_transaction(pg) as conn:
        assert [t.title for t in store.overview(conn, limit=10).items] == ["old", "B", "A"]
        day = store.standup(
            conn,
            since=datetime(2000, 1, 1, tzinfo=UTC),
            today=date(2026, 11, 27),
            stale_before=datetime(2000, 1, 1, tzinfo=UTC),
        )
        assert [t.title for t in day.completed] == ["A"] and [t.title for t in day.overdue] == [
            "old"
        ]
        assert [(p.name, p.open, p.complete) for p in store.list_projects(conn)] == [("Plan", 1, 1)]


def test_trash_restore_and_notes(pg: sa.Engine) -> None:
    parent = add(pg, title="parent")
    add(pg, title="child", parent_id=parent.id)
    with write_transaction(pg) as conn:
        store.add_note(conn, task_id=parent.id, text="a note", actor="alice")
        store.trash_task(conn, task_id=parent.id, actor="alice", with_subtasks=True)
    with read_transaction(pg) as conn:
        assert store.list_tasks(conn).total.count == 0
        assert [e.task_id for e in store.trash_entries(conn, limit=5)[0]] == [parent.id]
    with write_transaction(pg) as conn:
        restored, dropped = store.restore_task(conn, task_id=parent.id)
    with read_transaction(pg) as conn:
        assert [t.title for t in store.list_tasks(conn).items] == ["parent", "child"]
        assert [n.text for n in store.recent_notes(conn, task_id=parent.id, limit=5)] == ["a note"]
    assert (restored.id, dropped) == (parent.id, [])


SEARCH_TASKS = [
    {"title": "Deploy the API", "description": "canary first", "tags": ["ops"]},
    {"title": "Deploying web", "description": "after the café opens", "tags": ["web"]},
    {"title": "Write docs", "description": "deploy guide", "tags": ["docs"]},
    {"title": "Quarterly report", "description": "invoice the customer", "tags": ["deploy"]},
    {"title": "Fix login", "description": "flaky", "tags": []},
]
NOTES = {5: "tried a canary retry loop", 3: "the deploy guide needs screenshots"}
QUERIES = [
    "deploy",
    "deploying ",
    "deplo",
    "cafe",
    '"the API"',
    "deploy -docs",
    "deploy canary",
    "canary",
    "retry",
    "invoice customer",
    "-deploy",
    "nothing-here",
    "guide screenshots",
]


def fill(engine: sa.Engine) -> None:
    with write_transaction(engine) as conn:
        for fields in SEARCH_TASKS:
            store.add_task(conn, **fields)  # type: ignore[arg-type]
        for task_id, note in NOTES.items():
            store.add_note(conn, task_id=task_id, text=note, actor=None)


def test_search_finds_the_same_tasks_on_both(pg: sa.Engine, engine: sa.Engine) -> None:
    fill(pg)
    fill(engine)
    for query in QUERIES:
        found = {}
        for name, db in (("sqlite", engine), ("postgresql", pg)):
            with read_transaction(db) as conn:
                page = store.search_tasks(conn, query=query, limit=50)
            found[name] = sorted(hit.task.id for hit in page.hits)
        assert found["postgresql"] == found["sqlite"], query
    with read_transaction(pg) as conn:
        page = store.search_tasks(conn, query="deploy", limit=50)
        assert [hit.task.id for hit in page.hits][:2] == [2, 1]  # titles first, newest first
        assert page.hits[0].snippet == "**Deploying** web"
        retry = store.search_tasks(conn, query="retry", limit=5).hits[0]
    assert retry.snippet == "note: tried a canary **retry** loop"


def test_concurrent_writers_count_in_their_own_slots(pg: sa.Engine) -> None:
    """Two open write transactions each add a task: neither waits for the other (each
    connection counts in its own slot of task_counts, revision 0018), both commit under
    SERIALIZABLE, and the totals are the sums."""
    connections: list[sa.Connection] = []
    slots: set[int] = set()
    while len(connections) < 2:  # two backends whose pids fall in different slots
        conn = pg.connect().execution_options(isolation_level="SERIALIZABLE")
        slot = conn.exec_driver_sql("SELECT mod(pg_backend_pid(), 32)").scalar()
        conn.commit()
        if slot in slots:
            conn.close()
            continue
        slots.add(slot)
        connections.append(conn)
    first, second = connections
    try:
        with first.begin():
            store.add_task(first, title="one")
            with second.begin():
                second.exec_driver_sql("SET LOCAL lock_timeout = '5s'")  # fail, never hang
                store.add_task(second, title="two")
                store.update_task(second, task_id=2, status="complete")
    finally:
        for conn in connections:
            conn.close()
    with read_transaction(pg) as conn:
        assert store.count_by_status(conn, status=None) == 2
        assert store.count_by_status(conn, status="complete") == 1
        rows = conn.exec_driver_sql("SELECT count(*) FROM task_counts WHERE n <> 0").scalar()
    assert rows == 2  # pending +1 in one slot; complete +1 in the other (its pending: +1 -1)


def test_claimers_at_once_each_lock_their_own_task(pg: sa.Engine) -> None:
    """next_tasks(lock=True) as next_task(claim=true) runs it: with the best task locked by
    one open transaction, a second one is handed the next task at once (SKIP LOCKED)."""
    for n in range(3):
        add(pg, title=f"job {n}")
    first = pg.connect().execution_options(isolation_level="READ COMMITTED")
    second = pg.connect().execution_options(isolation_level="READ COMMITTED")
    try:
        with first.begin():
            taken = store.next_tasks(first, tag=None, limit=1, lock=True)
            with second.begin():
                second.exec_driver_sql("SET LOCAL lock_timeout = '5s'")  # fail, never hang
                other = store.next_tasks(second, tag=None, limit=1, lock=True)
                store.claim_task(second, task_id=other[0].id, actor="bob")
            store.claim_task(first, task_id=taken[0].id, actor="alice")
    finally:
        first.close()
        second.close()
    assert ([t.id for t in taken], [t.id for t in other]) == ([1], [2])
    with read_transaction(pg) as conn:
        holders = {t.id: t.claimed_by for t in store.list_tasks(conn, status=None).items}
    assert holders == {1: "alice", 2: "bob", 3: None}
