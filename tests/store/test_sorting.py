"""Every sort, order and filter pages through exactly the tasks a plain sort of all of them
gives, in that order, whatever the page size (keyset cursors on (key, id))."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from task_tracker import store
from task_tracker.migrate import open_database
from task_tracker.store.sorting import sort_key

RANK = {"low": 1, "medium": 2, "high": 3}
STATUS_SETS = {
    None: None,
    "open": {"pending", "in_progress"},
    "closed": {"complete", "cancelled"},
    "complete": {"complete"},
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_database(Path(tmp_path_factory.mktemp("sorting")) / "tasks.db")
    rng = random.Random(7)
    with engine.begin() as conn:
        for n in range(400):
            store.add_task(
                conn,
                title=f"task {n}",
                priority=rng.choice(list(RANK)),
                status=rng.choice(["pending", "in_progress", "complete", "cancelled"]),
                due_date=None
                if rng.random() < 0.3
                else date(2026, 1, 1) + timedelta(days=rng.randrange(30)),
                tags=["rare"] if rng.random() < 0.1 else [],
                project="Site" if rng.random() < 0.2 else None,
                create_project=True,
            )
        # Updated in a shuffled order, so updated_at is not id order.
        ids = list(range(1, 401))
        rng.shuffle(ids)
        for task_id in ids[:150]:
            store.update_task(conn, task_id=task_id, title=f"task {task_id} (edited)")
    yield engine
    engine.dispose()


def every_page(conn: Connection, page_size: int, **filters: Any) -> list[int]:
    ids: list[int] = []
    key = after = None
    while True:
        page = store.list_tasks(conn, limit=page_size, after_key=key, after_id=after, **filters)
        ids += [task.id for task in page.items]
        if not page.has_more:
            return ids
        key, after = sort_key(filters["sort"], page.items[-1]), page.items[-1].id


def expected(rows: list[Any], sort: str, desc: bool) -> list[int]:
    if sort == "due_date":  # undated last, in either order
        dated = sorted((r for r in rows if r.due_date), key=lambda r: (r.due_date, r.id))
        undated = sorted((r for r in rows if not r.due_date), key=lambda r: r.id)
        ordered = (dated[::-1] if desc else dated) + (undated[::-1] if desc else undated)
        return [r.id for r in ordered]
    if sort == "priority":  # within a priority, oldest first in either order
        rank = (lambda r: -RANK[r.priority]) if desc else (lambda r: RANK[r.priority])
        return [r.id for r in sorted(rows, key=lambda r: (rank(r), r.id))]
    keys = {"id": lambda r: r.id, "updated_at": lambda r: (r.updated_at, r.id)}
    return [r.id for r in sorted(rows, key=keys[sort], reverse=desc)]


@pytest.mark.parametrize("sort", ["id", "priority", "due_date", "updated_at"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_sort_pages_through_exactly_the_sorted_tasks(
    seeded: Engine, sort: str, order: str
) -> None:
    with seeded.connect() as conn:
        rows = list(conn.execute(text("SELECT * FROM tasks")))
        for status, tag, project in itertools.product(STATUS_SETS, [None, "rare"], [None, "Site"]):
            wanted = [
                r
                for r in rows
                if (STATUS_SETS[status] is None or r.status in STATUS_SETS[status])
                and (tag is None or '"rare"' in r.tags)
                and (project is None or r.project_id is not None)
            ]
            filters = {"status": status, "tag": tag, "project": project}
            for page_size in (3, 50):
                got = every_page(conn, page_size, sort=sort, order=order, **filters)
                assert got == expected(wanted, sort, order == "desc"), (filters, page_size)
