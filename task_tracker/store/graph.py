"""Walking the dependency graph: whether one task waits on another at any depth, and by
which path. Linear in tasks and dependencies, whatever the number of paths."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

# Every task :start waits on, at any depth, each once (UNION keeps a task reached by many
# paths once: the walk is linear in tasks and dependencies, never in paths, which a graph of
# diamonds multiplies per layer).
_REACHABLE = """
    WITH RECURSIVE reach(id) AS (
        SELECT CAST(:start AS BIGINT)
        UNION
        SELECT d.depends_on_id FROM task_dependencies AS d JOIN reach ON d.task_id = reach.id
    )
"""
_REACHES = text(_REACHABLE + "SELECT 1 FROM reach WHERE id = :goal LIMIT 1")
# The dependencies among the tasks :start reaches, to name a path when one closes a loop.
_REACHED_EDGES = text(
    _REACHABLE + "SELECT d.task_id, d.depends_on_id FROM task_dependencies AS d JOIN reach"
    " ON d.task_id = reach.id"
)


def dependency_path(conn: Connection, *, start: int, goal: int) -> str | None:
    """A path of dependencies from start to goal ("#1 → #4 → #7"), if goal is reachable:
    then goal depending on start would close a loop."""
    if conn.scalar(_REACHES, {"start": start, "goal": goal}) is None:
        return None
    waits_on: dict[int, list[int]] = {}
    for task_id, depends_on_id in conn.execute(_REACHED_EDGES, {"start": start}):
        waits_on.setdefault(task_id, []).append(depends_on_id)
    came_from: dict[int, int | None] = {start: None}
    frontier = [start]
    while goal not in came_from and frontier:  # breadth first: the shortest path
        reached = []
        for here in frontier:
            for nxt in waits_on.get(here, []):
                if nxt not in came_from:
                    came_from[nxt] = here
                    reached.append(nxt)
        frontier = reached
    steps: list[int] = []
    at: int | None = goal
    while at is not None:
        steps.append(at)
        at = came_from.get(at)
    return " → ".join(f"#{i}" for i in reversed(steps))


def project_graph(
    conn: Connection, project_id: int, *, open_only: bool, limit: int
) -> tuple[list[Any], list[tuple[int, int]]]:
    """A project's tasks (id, title, status, parent_id), oldest first, up to limit + 1, and
    the dependencies among them as (task, depends_on) pairs."""
    from task_tracker.store.structure import DEPS, T  # (structure imports this module)
    from task_tracker.vocabulary import OPEN_STATUSES

    query = select(T.id, T.title, T.status, T.parent_id).where(T.project_id == project_id)
    if open_only:
        query = query.where(T.status.in_(OPEN_STATUSES))
    rows = list(conn.execute(query.order_by(T.id).limit(limit + 1)))
    ids = [row.id for row in rows[:limit]]
    if not ids:
        return rows, []
    edges = conn.execute(
        select(DEPS.c.task_id, DEPS.c.depends_on_id)
        .where(DEPS.c.task_id.in_(ids), DEPS.c.depends_on_id.in_(ids))
        .order_by(DEPS.c.task_id, DEPS.c.depends_on_id)
    )
    return rows, [(a, b) for a, b in edges]
