"""The one migration history on PostgreSQL: every revision up from empty, with rows written
at each, and all the way down again; the same revisions SQLite runs (tests/test_migrations.py).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from task_tracker.migrate import migrations_dir
from task_tracker.revisions import KNOWN_REVISIONS

# Every revision, oldest first.
PORTED = KNOWN_REVISIONS


def config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_every_ported_revision_up_with_rows_and_down_to_empty(pg_url: str) -> None:
    cfg = config(pg_url)
    command.upgrade(cfg, "0001")
    rows(
        pg_url,
        "INSERT INTO tasks (title, tags, created_at, updated_at, due_date) VALUES "
        "('first', '[\"a\", \"b\"]', now(), now(), '2026-12-24')",
    )
    assert rows(pg_url, "SELECT task_id, tag FROM task_tags ORDER BY tag") == [(1, "a"), (1, "b")]
    rows(pg_url, "UPDATE tasks SET tags = '[\"c\"]' WHERE id = 1")
    assert rows(pg_url, "SELECT tag FROM task_tags") == [("c",)]
    command.upgrade(cfg, "0002")
    # Stemmed, accents folded, no stop words; the title weighs most.
    rows(pg_url, "UPDATE tasks SET title = 'Deploying the café', description = 'later'")
    found = "SELECT id FROM tasks WHERE search @@ to_tsquery('task_search', '{}')"
    assert rows(pg_url, found.format("deploy & cafe & the")) == [(1,)]
    assert rows(pg_url, found.format("c:*")) == [(1,)]  # c from the tags, as a prefix
    command.upgrade(cfg, "0003")
    rows(
        pg_url,
        "INSERT INTO tasks (title, status, created_at, updated_at, completed_at) "
        "VALUES ('done', 'complete', now(), now(), now())",
    )
    rows(pg_url, "UPDATE tasks SET status = 'in_progress' WHERE id = 1")
    counts = "SELECT status, n FROM task_counts ORDER BY status"
    assert rows(pg_url, counts) == [("complete", 1), ("in_progress", 1), ("pending", 0)]
    rows(pg_url, "DELETE FROM tasks WHERE id = 2")
    assert rows(pg_url, counts) == [("complete", 0), ("in_progress", 1), ("pending", 0)]
    command.upgrade(cfg, "0004")
    with pytest.raises(sa.exc.IntegrityError, match="each tag must be 1-40 characters"):
        rows(pg_url, "UPDATE tasks SET tags = '[\"Upper\"]'")
    with pytest.raises(sa.exc.IntegrityError, match="ck_tasks_completed_at"):
        rows(pg_url, "UPDATE tasks SET completed_at = now() WHERE status = 'in_progress'")
    added = rows(pg_url, "INSERT INTO tasks (title) VALUES ('defaults') RETURNING created_at")
    assert added[0][0].tzinfo is not None
    command.upgrade(cfg, "0008")
    rows(pg_url, "INSERT INTO projects (name) VALUES ('Web')")
    rows(pg_url, "UPDATE tasks SET project_id = 1, parent_id = 1 WHERE id = 3")
    rows(pg_url, "UPDATE tasks SET status = 'cancelled' WHERE id = 3")
    rows(pg_url, "INSERT INTO task_dependencies VALUES (3, 1)")
    with pytest.raises(sa.exc.IntegrityError, match="ix_projects_lower_name"):
        rows(pg_url, "INSERT INTO projects (name) VALUES ('web')")
    assert rows(pg_url, counts) == [
        ("cancelled", 1),
        ("complete", 0),
        ("in_progress", 1),
        ("pending", 0),
    ]
    for revision in PORTED[8:]:
        command.upgrade(cfg, revision)
    rows(pg_url, "UPDATE tasks SET claimed_by = 'alice', claimed_until = now() WHERE id = 1")
    command.downgrade(cfg, "0007")  # cancelled becomes complete, structure goes
    assert rows(pg_url, "SELECT id, status FROM tasks ORDER BY id") == [
        (1, "in_progress"),
        (3, "complete"),
    ]
    command.upgrade(cfg, PORTED[-1])
    index = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tasks_claimed_by'"
    assert rows(pg_url, index)[0][0].endswith(
        "USING btree (claimed_by, id) WHERE (claimed_by IS NOT NULL)"
    )  # (0017: ties in id order, as SQLite's rowid gives them)
    acting = "SELECT set_config('task_tracker.actor', 'alice', true); "
    rows(pg_url, acting + "UPDATE tasks SET priority = 'high', tags = '[\"x\"]' WHERE id = 1")
    events = "SELECT task_id, actor, kind, changes::jsonb FROM task_events ORDER BY id"
    assert rows(pg_url, events) == [
        (1, "alice", "update", {"priority": ["medium", "high"], "tags": [["c"], ["x"]]})
    ]
    rows(pg_url, "INSERT INTO task_notes (task_id, text) VALUES (1, 'tried the flaky retry')")
    rows(pg_url, acting + "INSERT INTO task_dependencies VALUES (1, 3)")
    assert rows(pg_url, events)[1:] == [
        (1, None, "note", {"note": [None, "tried the flaky retry"]}),
        (1, "alice", "update", {"depends_on": [None, 3]}),
    ]
    noted = "SELECT task_id FROM task_notes WHERE search @@ to_tsquery('task_search', 'retrying')"
    assert rows(pg_url, noted) == [(1,)]
    # Into the trash: a 'delete' event, kept; the dependency on it is an event of #1.
    rows(
        pg_url,
        "INSERT INTO trash (task_id, title, deleted_at, content) VALUES (3, 'x', now(), '{}')",
    )
    rows(pg_url, "INSERT INTO trash_tasks (task_id, trash_id) VALUES (3, 1)")
    rows(pg_url, acting + "DELETE FROM tasks WHERE id = 3")
    # (PostgreSQL runs the foreign key's cascade after the delete's own trigger; SQLite before)
    assert [(e[0], e[2], e[3]) for e in rows(pg_url, events)[3:]] == [
        (3, "delete", {}),
        (1, "update", {"depends_on": [3, None]}),
    ]
    rows(pg_url, "DELETE FROM tasks WHERE id = 1")  # for good: its history goes
    assert [e[0] for e in rows(pg_url, events)] == [3]
    assert rows(pg_url, "SELECT version_num FROM alembic_version") == [(PORTED[-1],)]
    command.downgrade(cfg, "base")
    assert rows(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [
        (1,)
    ]  # alembic_version only


def test_alembic_from_the_repo_root_takes_a_url(pg_url: str) -> None:
    """As a maintainer runs it: `alembic -x db=URL upgrade head`, or TASK_TRACKER_DB=URL."""
    repo = migrations_dir().parent
    env = {k: v for k, v in os.environ.items() if k != "TASK_TRACKER_DB"}

    def alembic(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "alembic", *args],
            cwd=repo,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    plain = pg_url.replace("postgresql+psycopg://", "postgres://")  # as people write it
    up = alembic("-x", f"db={plain}", "upgrade", "head")
    assert up.returncode == 0, up.stderr
    assert rows(pg_url, "SELECT version_num FROM alembic_version") == [(PORTED[-1],)]
    down = alembic("downgrade", "0011", TASK_TRACKER_DB=pg_url)
    assert down.returncode == 0, down.stderr
    assert rows(pg_url, "SELECT version_num FROM alembic_version") == [("0011",)]


def test_count_slots_fold_back_into_one_row_per_status(pg_url: str) -> None:
    """0018 down: each status's slots summed into its one row, as revision 0003 keeps it."""
    cfg = config(pg_url)
    command.upgrade(cfg, "head")
    for title in ("a", "b", "c"):
        rows(pg_url, f"INSERT INTO tasks (title) VALUES ('{title}')")  # a connection each
    rows(pg_url, "UPDATE tasks SET status = 'complete', completed_at = now() WHERE title = 'c'")
    command.downgrade(cfg, "0017")
    counts = "SELECT status, n FROM task_counts ORDER BY status"
    assert rows(pg_url, counts) == [
        ("cancelled", 0),
        ("complete", 1),
        ("in_progress", 0),
        ("pending", 2),
    ]
    rows(pg_url, "INSERT INTO tasks (title) VALUES ('d')")  # 0003's function counts again
    command.upgrade(cfg, "head")
    assert rows(pg_url, "SELECT sum(n) FROM task_counts WHERE status = 'pending'") == [(3,)]


# What PostgreSQL's schema has beyond the models, on purpose: the generated search vectors
# (revisions 0002, 0014) and the count slots (0018).
PG_ONLY_COLUMNS = {("tasks", "search"), ("task_notes", "search"), ("task_counts", "slot")}


def test_the_models_match_what_the_revisions_make(pg_url: str) -> None:
    """No drift between models and revisions on PostgreSQL: every model table and column
    exists with the model's nullability and type, every model index
    exists on the same leading columns, and nothing else is there but PG_ONLY_COLUMNS.
    (tests/test_migrations.py runs `alembic check` for SQLite, whose DDL the models spell.)"""
    from task_tracker.models import Base

    command.upgrade(config(pg_url), "head")
    engine = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    try:
        inspector = sa.inspect(engine)
        made = set(inspector.get_table_names()) - {"alembic_version"}
        assert made == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            columns = {c["name"]: c for c in inspector.get_columns(name)}
            extra = {(name, column) for column in columns} - {(name, c.name) for c in table.columns}
            assert extra <= PG_ONLY_COLUMNS, extra
            for column in table.columns:
                found = columns[column.name]
                assert found["nullable"] == column.nullable, (name, column.name)
                made_type = found["type"].compile(engine.dialect)
                assert made_type == column.type.compile(engine.dialect), (name, column.name)
            indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(name)}
            for index in table.indexes:
                leading = [c.name for c in index.columns]
                on = indexes[index.name]
                if None not in on:  # (an expression index, lower(name), has no column names)
                    assert on[: len(leading)] == leading, (name, index.name)
    finally:
        engine.dispose()


def test_search_words_split_at_punctuation_after_0019_and_not_before(pg_url: str) -> None:
    """0019 up: a word inside an address is found; down: 0002's vectors, which keep it whole;
    the notes' vector follows both ways."""
    cfg = config(pg_url)
    command.upgrade(cfg, "0018")
    rows(pg_url, "INSERT INTO tasks (title, description) VALUES ('mail', 'ask foo@bar.com')")
    rows(pg_url, "INSERT INTO task_notes (task_id, at, text) VALUES (1, now(), 'see x.y/z')")
    found = (
        "SELECT (SELECT count(*) FROM tasks WHERE search @@ to_tsquery('task_search', 'bar')),"
        " (SELECT count(*) FROM task_notes WHERE search @@ to_tsquery('task_search', 'y'))"
    )
    assert rows(pg_url, found) == [(0, 0)]
    command.upgrade(cfg, "0019")
    assert rows(pg_url, found) == [(1, 1)]
    command.downgrade(cfg, "0018")
    assert rows(pg_url, found) == [(0, 0)]
    assert rows(pg_url, "SELECT count(*) FROM pg_proc WHERE proname = 'task_words'") == [(0,)]


def test_0020_down_writes_each_compact_change_out_whole(pg_url: str) -> None:
    cfg = config(pg_url)
    command.upgrade(cfg, "head")
    rows(pg_url, "INSERT INTO tasks (title, description) VALUES ('t', 'one')")
    rows(pg_url, "UPDATE tasks SET description = 'two', version = 2")
    rows(pg_url, "UPDATE tasks SET description = 'three', title = 'u', version = 3")
    events = "SELECT changes::jsonb FROM task_events ORDER BY id"
    assert [r[0] for r in rows(pg_url, events)][1:] == [
        {"description": ["two"]},
        {"title": ["u"], "description": ["three"]},
    ]
    command.downgrade(cfg, "0019")
    assert [r[0] for r in rows(pg_url, events)][1:] == [
        {"description": ["one", "two"]},
        {"title": ["t", "u"], "description": ["two", "three"]},
    ]
    rows(pg_url, "UPDATE tasks SET description = 'four', version = 4")  # 0011's function
    assert rows(pg_url, events)[-1][0] == {"description": ["three", "four"]}


def test_0023_records_criteria_and_links_and_clears_a_deleted_tasks_links(pg_url: str) -> None:
    cfg = config(pg_url)
    command.upgrade(cfg, "0022")
    rows(pg_url, "INSERT INTO tasks (title) VALUES ('kept'), ('found')")
    command.upgrade(cfg, "head")
    listed = "SELECT id, criteria, defer_until, repeat, discovered_from FROM tasks ORDER BY id"
    assert rows(pg_url, listed) == [(1, None, None, None, None), (2, None, None, None, None)]
    rows(
        pg_url,
        'UPDATE tasks SET criteria = \'[{"text": "a", "checked": false}]\', '
        "discovered_from = 1, repeat = 'every 2 weeks' WHERE id = 2",
    )
    changes = "SELECT changes::jsonb FROM task_events WHERE task_id = 2 ORDER BY id"
    assert rows(pg_url, changes)[-1][0] == {
        "criteria": [None, [{"text": "a", "checked": False}]],
        "discovered_from": [None, 1],
        "repeat": [None, "every 2 weeks"],
    }
    for bad in ("repeat = 'every 100 weeks'", "criteria = '{}'", "duplicate_of = 2"):
        with pytest.raises(sa.exc.IntegrityError):
            rows(pg_url, f"UPDATE tasks SET {bad} WHERE id = 2")
    rows(pg_url, "DELETE FROM tasks WHERE id = 1")
    assert rows(pg_url, "SELECT discovered_from FROM tasks WHERE id = 2") == [(None,)]
    command.downgrade(cfg, "0022")
    assert rows(pg_url, "SELECT id, title FROM tasks") == [(2, "found")]
    command.upgrade(cfg, "head")


def test_0024_adds_in_review_and_sends_it_back_to_in_progress_going_down(pg_url: str) -> None:
    cfg = config(pg_url)
    command.upgrade(cfg, "head")
    rows(pg_url, "INSERT INTO tasks (title, status, submitted_by) VALUES ('t', 'in_review', 'a')")
    counted = "SELECT sum(n) FROM task_counts WHERE status = 'in_review'"
    assert rows(pg_url, counted) == [(1,)]
    with pytest.raises(sa.exc.IntegrityError):
        rows(pg_url, "UPDATE tasks SET status = 'reviewing'")
    command.downgrade(cfg, "0023")
    assert rows(pg_url, "SELECT status FROM tasks") == [("in_progress",)]
    command.upgrade(cfg, "head")
    assert rows(pg_url, "SELECT review FROM tasks") == [(None,)]
