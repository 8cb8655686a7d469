"""The store's view of how tasks relate, where the tools cannot reach: groups past their cap,
depth, and rows left behind by hand edits with foreign keys off."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from task_tracker import store
from task_tracker.db import write_transaction
from task_tracker.errors import Refused
from task_tracker.store.structure import RELATED_MAX, set_dependencies


def test_ready_is_exact_when_a_group_is_cut(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        task = store.add_task(conn, title="waits on many")
        done = [store.add_task(conn, title=f"d{n}", status="complete").id for n in range(60)]
        set_dependencies(conn, task_id=task.id, depends_on=done, replace=False)
        assert store.related(conn, task).ready is True
        late = store.add_task(conn, title="the last one, still open")
        set_dependencies(conn, task_id=task.id, depends_on=[late.id], replace=False)
        shown = store.related(conn, task)
    assert len(shown.depends_on) == RELATED_MAX
    assert late.id not in [row.id for row in shown.depends_on]
    assert shown.ready is False


def test_subtree_rows_nearest_first_at_any_depth(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        root = store.add_task(conn, title="root")
        a = store.add_task(conn, title="a", parent_id=root.id)
        b = store.add_task(conn, title="b", parent_id=root.id)
        a1 = store.add_task(conn, title="a1", parent_id=a.id)
        a11 = store.add_task(conn, title="a11", parent_id=a1.id)
        rows = store.subtree_rows(conn, root.id, limit=10)
        cut = store.subtree_rows(conn, root.id, limit=3)
    assert [(r.id, r.parent_id, r.depth) for r in rows] == [
        (a.id, root.id, 1),
        (b.id, root.id, 1),
        (a1.id, a.id, 2),
        (a11.id, a1.id, 3),
    ]
    assert [r.id for r in cut] == [a.id, b.id, a1.id]


def test_rows_left_pointing_at_a_task_deleted_by_hand_are_ignored(
    engine: Engine, db_path: Path
) -> None:
    with write_transaction(engine) as conn:
        parent = store.add_task(conn, title="parent")
        child = store.add_task(conn, title="child", parent_id=parent.id)
        waiting = store.add_task(conn, title="waiting", depends_on=[parent.id])
    with sqlite3.connect(db_path) as raw:  # the sqlite3 CLI's default: foreign keys off
        raw.execute("DELETE FROM tasks WHERE id = ?", (parent.id,))
    with write_transaction(engine) as conn:
        orphan = store.related(conn, store.get_task(conn, task_id=child.id))
        freed = store.related(conn, store.get_task(conn, task_id=waiting.id))
        suggested = [t.title for t in store.next_tasks(conn, tag=None, limit=5)]
        renamed = store.update_task(conn, task_id=child.id, title="child, renamed")
    assert renamed.version == 2
    assert (orphan.parent, orphan.ready) == (None, True)
    assert (freed.depends_on, freed.ready) == ([], True)
    assert suggested == ["child", "waiting"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edges=st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=30),
    parents=st.lists(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=12),
)
def test_no_sequence_of_changes_stores_a_loop(
    engine: Engine, edges: list[tuple[int, int]], parents: list[tuple[int, int]]
) -> None:
    """Whatever dependencies and parents are asked for, in any order, every refusal is a
    loop (or a task on itself) and what is stored never holds one."""
    with write_transaction(engine) as conn:
        conn.exec_driver_sql("DELETE FROM tasks")
        ids = [store.add_task(conn, title=f"t{n}").id for n in range(8)]
        for a, b in edges:
            task, dep = ids[a - 1], ids[b - 1]
            try:
                store.update_task(conn, task_id=task, depends_on=[*deps_of(conn, task), dep])
            except Refused:
                assert task == dep or reaches(conn, "deps", dep, task)
        for a, b in parents:
            task, parent = ids[a - 1], ids[b - 1]
            try:
                store.update_task(conn, task_id=task, parent_id=parent)
            except Refused:
                assert task == parent or reaches(conn, "parents", parent, task)
        for start in ids:
            assert not reaches(conn, "deps", start, start, strict=True)
            assert not reaches(conn, "parents", start, start, strict=True)


def deps_of(conn: Any, task_id: int) -> list[int]:
    rows = conn.execute(
        text("SELECT depends_on_id FROM task_dependencies WHERE task_id = :id"), {"id": task_id}
    )
    return [row[0] for row in rows]


def reaches(conn: Any, kind: str, start: int, goal: int, *, strict: bool = False) -> bool:
    """Whether `goal` can be reached from `start` by dependency (or parent) links."""
    sql = (
        "SELECT task_id, depends_on_id FROM task_dependencies"
        if kind == "deps"
        else "SELECT id, parent_id FROM tasks WHERE parent_id IS NOT NULL"
    )
    links: dict[int, list[int]] = {}
    for source, target in conn.exec_driver_sql(sql):
        links.setdefault(source, []).append(target)
    seen, todo = set(), list(links.get(start, [])) if strict else [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo += links.get(node, [])
    return False


@pytest.mark.parametrize("permanent", [False, True], ids=["to the trash", "for good"])
def test_a_subtree_deeper_than_sqlites_trigger_limit_is_deleted_whole(
    engine: Engine, permanent: bool
) -> None:
    """Deleting from the top left each level to ON DELETE CASCADE, one trigger level per task
    level: past 1,000 SQLite refused ("too many levels of trigger recursion")."""
    with write_transaction(engine) as conn:
        ids = [store.add_task(conn, title="top").id]
        for n in range(1, 1_050):
            ids.append(store.add_task(conn, title=f"level {n}", parent_id=ids[-1]).id)
        store.add_task(conn, title="bystander")
    with write_transaction(engine) as conn:
        if permanent:
            store.delete_for_good(conn, task_id=ids[0], with_subtasks=True)
        else:
            store.trash_task(conn, task_id=ids[0], actor="me", with_subtasks=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM tasks")).scalars().all() == ["bystander"]
    if permanent:
        return
    with write_transaction(engine) as conn:
        store.restore_task(conn, task_id=ids[0])
    with engine.connect() as conn:
        parents = dict(conn.execute(text("SELECT id, parent_id FROM tasks")).all())
    assert [parents[i] for i in ids] == [None, *ids[:-1]]
