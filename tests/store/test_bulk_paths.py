"""The bulk paths build by hand what the triggers build row by row: an import (its triggers
dropped for the load, tags and search index written a batch at a time) and `db copy` into
PostgreSQL (its triggers off, tags and counts rebuilt at the end). For the same tasks they
leave exactly the rows the triggers leave: tags, counts, the search index, one event per
task."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from task_tracker import store
from task_tracker.backends import prepare_database
from task_tracker.db import read_transaction, write_transaction
from task_tracker.migrate import HEAD_REVISION, open_database
from task_tracker.postgres import DatabaseURL
from task_tracker.postgres import create_engine as pg_engine

WORDS = "deploy canary rollback invoice garden renew passport café crème naïve x-y c++".split()
TAGS = ["work", "home", "x-y", "🚀", "---", "c++", "Ünï", "rare"]
TASKS = 300


def fill(engine: sa.Engine) -> None:
    """TASKS tasks through the store (every row through the triggers): tags, statuses,
    projects, parents, notes, words in every field."""
    rng = random.Random(5)
    with write_transaction(engine) as conn:
        for n in range(1, TASKS + 1):
            task = store.add_task(
                conn,
                title=" ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
                description=" ".join(rng.choices(WORDS, k=rng.randint(0, 12))),
                tags=rng.sample(TAGS, k=rng.randint(0, 3)),
                priority=rng.choice(["low", "medium", "high"]),
                due_date=date(2026, 1, 1) + timedelta(days=n) if n % 3 else None,
                project=f"p{n % 4}" if n % 2 else None,
                create_project=True,
                parent_id=rng.randint(1, n - 1) if n > 1 and n % 5 == 0 else None,
            )
            if n % 4 == 0:
                store.update_task(
                    conn, task_id=task.id, status=rng.choice(["complete", "cancelled"])
                )
            if n % 7 == 0:
                store.add_note(conn, task_id=task.id, text=f"note {rng.choice(WORDS)}", actor="bob")


def derived(engine: sa.Engine) -> dict[str, Any]:
    """What the triggers keep: tags, counts (summed per status: PostgreSQL keeps slots)."""
    with engine.connect() as conn:
        return {
            "tags": conn.execute(sa.text("SELECT task_id, tag FROM task_tags ORDER BY 1, 2")).all(),
            "counts": conn.execute(
                sa.text(
                    "SELECT status, sum(n) FROM task_counts GROUP BY status HAVING sum(n) != 0"
                    " ORDER BY status"
                )
            ).all(),
        }


def found(engine: sa.Engine) -> dict[str, list[int]]:
    """Every word (and a tag filter) searched: what the search index answers."""
    with read_transaction(engine) as conn:
        return {
            f"{word} {tag}": sorted(
                hit.task.id
                for hit in store.search_tasks(conn, query=word + " ", tag=tag, limit=500).hits
            )
            for word in [*WORDS, "note"]
            for tag in (None, "x-y", "🚀")
        }


def test_an_import_leaves_what_the_triggers_leave(tmp_path: Path) -> None:
    source, target = open_database(tmp_path / "source.db"), open_database(tmp_path / "target.db")
    fill(source)
    with read_transaction(source) as conn:
        document = json.loads("".join(store.export_lines(conn, schema_revision=HEAD_REVISION)))
    with write_transaction(target) as conn:
        assert store.import_records(conn, document["tasks"], new_ids=False) == TASKS
    assert derived(target) == derived(source)
    assert found(target) == found(source)
    with target.connect() as conn:
        conn.exec_driver_sql("INSERT INTO tasks_fts (tasks_fts) VALUES ('integrity-check')")
        events = conn.execute(sa.text("SELECT task_id, version, kind FROM task_events")).all()
        versions = conn.execute(sa.text("SELECT id, version FROM tasks")).all()
    # One event per task, of kind import, at its version (its text is in the export file);
    # its parent from the file is an import event too, and each note put back a note event.
    assert {(t, v) for t, v, kind in events if kind == "import"} >= set(versions)
    assert sorted(t for t, _, kind in events if kind == "note") == [
        n for n in range(1, TASKS + 1) if n % 7 == 0
    ]
    assert {kind for _, _, kind in events} == {"import", "note"}


def test_a_copy_into_postgresql_leaves_what_the_triggers_leave(tmp_path: Path, pg_url: str) -> None:
    source = open_database(tmp_path / "source.db")
    fill(source)
    url = DatabaseURL(pg_url)
    prepare_database(url)
    target = pg_engine(url)
    try:
        reading = source.connect()
        with reading.begin(), target.begin() as writing:
            store.copy_database(reading, writing)
        reading.close()
        assert derived(target) == derived(source)
        assert found(target) == found(source)
    finally:
        target.dispose()
