"""Legal dependency graphs cannot stall a write: the loop check visits each task once, however
many paths a graph of diamonds makes (2 tasks a layer, each waiting on both of the layer
above: 2^layers paths from top to bottom)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from task_tracker import store
from task_tracker.backends import prepare_database
from task_tracker.db import create_db_engine, write_transaction
from task_tracker.errors import Refused
from task_tracker.store.graph import dependency_path
from tests.store.vm_steps import steps_of


def diamonds(conn: Any, layers: int) -> list[tuple[int, int]]:
    """layers pairs of tasks; each task of a pair waits on both tasks of the pair before."""
    pairs = [(store.add_task(conn, title="a0").id, store.add_task(conn, title="b0").id)]
    for layer in range(1, layers):
        above = list(pairs[-1])
        pairs.append(
            (
                store.add_task(conn, title=f"a{layer}", depends_on=above).id,
                store.add_task(conn, title=f"b{layer}", depends_on=above).id,
            )
        )
    return pairs


def test_a_task_waiting_on_a_deep_diamond_graph_is_added(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        pairs = diamonds(conn, 40)  # 2^40 paths from the top down
        top = pairs[-1][0]
        added = store.add_task(conn, title="after all", depends_on=[top])
        assert store.related(conn, added).depends_on[0].id == top


def test_a_loop_through_a_diamond_graph_is_refused_with_the_shortest_path(
    engine: Engine,
) -> None:
    with write_transaction(engine) as conn:
        pairs = diamonds(conn, 30)
        bottom, top = pairs[0][0], pairs[-1][0]
        with pytest.raises(Refused) as refused:
            store.update_task(conn, task_id=bottom, depends_on=[top])
    hops = str(refused.value).split("(")[1].split(")")[0].split(" → ")
    assert len(hops) == 30 and hops[0] == f"#{top}" and hops[-1] == f"#{bottom}", hops
    assert str(refused.value).startswith(
        f"Task #{bottom} cannot depend on #{top}: #{top} already depends on #{bottom} ("
    )


def check_steps(path: Path, layers: int) -> int:
    """SQLite VM steps of the loop check from the top of `layers` diamonds to a new task."""
    prepare_database(path)
    engine = create_db_engine(path)
    try:
        with write_transaction(engine) as conn:
            top = diamonds(conn, layers)[-1][0]
            goal = store.add_task(conn, title="new").id
            assert dependency_path(conn, start=top, goal=goal) is None
            return steps_of(conn, lambda: dependency_path(conn, start=top, goal=goal))
    finally:
        engine.dispose()


def test_the_loop_check_is_linear_in_tasks_not_in_paths(tmp_path: Path) -> None:
    """Twice the layers (2^10 -> 2^20 paths) costs about twice the steps, not 1024 times."""
    small = check_steps(tmp_path / "small.db", 10)
    large = check_steps(tmp_path / "large.db", 20)
    assert small > 0
    assert large <= 3 * small, (small, large)
