"""The store on PostgreSQL: the same functions, on a database the same revisions made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from task_tracker import store
from task_tracker.db import read_transaction, write_transaction
from task_tracker.errors import Refused, VersionConflict
from tests.test_migrations_pg import config, pg_url  # noqa: F401 (the fixture)


@pytest.fixture
def pg(pg_url: str) -> Iterator[sa.Engine]:  # noqa: F811
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
