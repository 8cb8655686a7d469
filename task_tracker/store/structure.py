"""How tasks relate: parents and subtasks, dependencies, readiness.

Cycles (a task its own ancestor, or depending on itself through others) are refused here, by
recursive queries in the writer's transaction: SQLite lets one writer in at a time, so two
writers that would close a loop together cannot both pass the check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    and_,
    delete,
    exists,
    insert,
    select,
    text,
)

from task_tracker.errors import MissingTasks, Refused, SubtasksInTheWay
from task_tracker.models import Task, TaskDependency, table_of
from task_tracker.schemas import OPEN_STATUSES, Status
from task_tracker.store.graph import dependency_path

TASKS = table_of(Task)
T = TASKS.c
DEPS = table_of(TaskDependency)
D = DEPS.c
# Rows per DELETE … IN: well below SQLite's 32,766 bound variables and PostgreSQL's 65,535.
_DELETE_BATCH = 1000
# How many related tasks get_task lists in each group, and an error names.
RELATED_MAX = 50
NAMED_MAX = 20


def _ids(ids: Iterable[int]) -> str:
    listed = [f"#{i}" for i in ids]
    if len(listed) > NAMED_MAX:
        listed = [*listed[:NAMED_MAX], f"and {len(listed) - NAMED_MAX} more"]
    return ", ".join(listed)


# --- parents and subtasks -----------------------------------------------------------------------


def _existing(conn: Connection, ids: Sequence[int]) -> set[int]:
    return set(conn.scalars(select(T.id).where(T.id.in_(ids))))


def require_tasks(conn: Connection, ids: Sequence[int], *, role: str) -> None:
    missing = sorted(set(ids) - _existing(conn, ids))
    if missing:
        raise MissingTasks(role, missing, _ids(missing))


_ANCESTORS = text(
    """
    WITH RECURSIVE up(id, depth) AS (
        SELECT CAST(:start AS BIGINT), 0
        UNION ALL
        SELECT t.parent_id, up.depth + 1 FROM tasks AS t JOIN up ON t.id = up.id
        WHERE t.parent_id IS NOT NULL AND up.depth < 10000
    )
    SELECT id FROM up ORDER BY depth
    """
)


def depth_of(conn: Connection, task_id: int) -> int:
    """How many parents are above task_id (0 for a top-level task)."""
    return len(list(conn.scalars(_ANCESTORS, {"start": task_id}))) - 1


def check_parent(conn: Connection, *, task_id: int | None, parent_id: int) -> None:
    """parent_id exists, and (for an existing task) is not the task or one of its subtasks."""
    require_tasks(conn, [parent_id], role="parent_id")
    if task_id is None:
        return
    if parent_id == task_id:
        raise Refused(f"Task #{task_id} cannot be its own parent.")
    chain = list(conn.scalars(_ANCESTORS, {"start": parent_id}))
    if task_id in chain:
        path = " → ".join(f"#{i}" for i in reversed(chain[: chain.index(task_id) + 1]))
        raise Refused(
            f"Task #{parent_id} is a subtask of #{task_id} ({path}), so it cannot become its "
            "parent: that would make a loop."
        )


_SUBTREE = text(
    """
    WITH RECURSIVE down(id, depth) AS (
        SELECT id, 1 FROM tasks WHERE parent_id = :root
        UNION ALL
        SELECT t.id, down.depth + 1 FROM tasks AS t JOIN down ON t.parent_id = down.id
    )
    SELECT tasks.id, tasks.status, down.depth
    FROM down JOIN tasks ON tasks.id = down.id ORDER BY tasks.id
    """
)


_SUBTREE_ROWS = text(
    """
    WITH RECURSIVE down(id, depth) AS (
        SELECT id, 1 FROM tasks WHERE parent_id = :root
        UNION
        SELECT t.id, down.depth + 1 FROM tasks AS t JOIN down ON t.parent_id = down.id
        WHERE down.depth < 100
    )
    SELECT tasks.id, tasks.title, tasks.status, tasks.parent_id, down.depth
    FROM down JOIN tasks ON tasks.id = down.id ORDER BY down.depth, tasks.id LIMIT :limit
    """
)


def subtree_rows(conn: Connection, task_id: int, *, limit: int) -> list[Any]:
    """Up to `limit` subtasks of task_id at any depth (id, title, status, parent_id, depth),
    nearest first."""
    return list(conn.execute(_SUBTREE_ROWS, {"root": task_id, "limit": limit}))


class Subtask(NamedTuple):
    id: int
    status: str
    depth: int  # 1 for a direct subtask


def subtree(conn: Connection, task_id: int) -> list[Subtask]:
    """Every subtask of task_id at any depth, by id."""
    return [Subtask(*row) for row in conn.execute(_SUBTREE, {"root": task_id})]


def delete_subtree(conn: Connection, task_id: int, below: list[Subtask]) -> None:
    """Delete task_id and its subtasks (`below`, as subtasks_in_the_way found them), the
    deepest first. Deleting a parent whose subtasks are still there leaves them to ON DELETE
    CASCADE, which recurses once per level: SQLite refuses past 1,000 levels ("too many
    levels of trigger recursion") and slows long before; level by level from the leaves,
    no delete cascades."""
    levels: dict[int, list[int]] = {}
    for subtask in below:
        levels.setdefault(subtask.depth, []).append(subtask.id)
    for depth in sorted(levels, reverse=True):
        ids = levels[depth]
        for start in range(0, len(ids), _DELETE_BATCH):
            conn.execute(delete(TASKS).where(T.id.in_(ids[start : start + _DELETE_BATCH])))
    conn.execute(delete(TASKS).where(T.id == task_id))


# --- dependencies -------------------------------------------------------------------------------


def dependencies_of(conn: Connection, task_id: int) -> set[int]:
    return set(conn.scalars(select(D.depends_on_id).where(D.task_id == task_id)))


def set_dependencies(
    conn: Connection, *, task_id: int, depends_on: Sequence[int], replace: bool
) -> None:
    """task_id depends on each of depends_on (replace: and on nothing else)."""
    wanted = list(dict.fromkeys(depends_on))
    if task_id in wanted:
        raise Refused(f"Task #{task_id} cannot depend on itself.")
    require_tasks(conn, wanted, role="depends_on")
    current = dependencies_of(conn, task_id)
    if replace:
        gone = current - set(wanted)
        if gone:
            conn.execute(delete(DEPS).where(D.task_id == task_id, D.depends_on_id.in_(gone)))
    new = [dep for dep in wanted if dep not in current]
    # A loop needs a path back to task_id, whose last step is a task waiting on it: a task
    # nothing waits on (every new one) closes no loop, and nothing need be walked.
    waited_on = conn.scalar(select(D.task_id).where(D.depends_on_id == task_id).limit(1))
    for dep in new:
        path = None if waited_on is None else dependency_path(conn, start=dep, goal=task_id)
        if path is not None:
            raise Refused(
                f"Task #{task_id} cannot depend on #{dep}: #{dep} already depends on "
                f"#{task_id} ({path}), so this would make a loop ({path} → #{dep})."
            )
        conn.execute(insert(DEPS).values(task_id=task_id, depends_on_id=dep))


# A dependency that still blocks: its task exists and is not complete.
def _blocking(task_id: Any) -> Any:
    blocker = TASKS.alias("blocker")
    return (
        select(D.task_id)
        .select_from(DEPS.join(blocker, blocker.c.id == D.depends_on_id))
        .where(D.task_id == task_id, blocker.c.status != Status.COMPLETE.value)
        .exists()
    )


def _open_child(task_id: Any) -> Any:
    child = TASKS.alias("child")
    return exists().where(child.c.parent_id == task_id, child.c.status.in_(OPEN_STATUSES))


def ready(task_id: Any = T.id) -> Any:
    """A condition on a task row: every dependency complete and no open subtask (callers
    check that the task itself is open)."""
    return and_(~_blocking(task_id), ~_open_child(task_id))


@dataclass(frozen=True, slots=True)
class Related:
    parent: Any | None
    subtasks: list[Any]
    depends_on: list[Any]
    blocks: list[Any]
    ready: bool


# Everything get_task shows around a task, in one statement built once: each group in id
# order, one row past RELATED_MAX so a full group is known to be cut.
_RELATED = text(
    f"""
    SELECT 'parent' AS kind, id, title, status FROM tasks WHERE id = :parent_id
    UNION ALL SELECT * FROM (
        SELECT 'subtasks', id, title, status FROM tasks WHERE parent_id = :task_id
        ORDER BY id LIMIT {RELATED_MAX + 1}) AS subtasks
    UNION ALL SELECT * FROM (
        SELECT 'depends_on', t.id, t.title, t.status
        FROM task_dependencies AS d JOIN tasks AS t ON t.id = d.depends_on_id
        WHERE d.task_id = :task_id ORDER BY t.id LIMIT {RELATED_MAX + 1}) AS depends_on
    UNION ALL SELECT * FROM (
        SELECT 'blocks', t.id, t.title, t.status
        FROM task_dependencies AS d JOIN tasks AS t ON t.id = d.task_id
        WHERE d.depends_on_id = :task_id ORDER BY t.id LIMIT {RELATED_MAX + 1}) AS blocks
    """
)


def related(conn: Connection, task: Any) -> Related:
    """A task's parent, direct subtasks, what it depends on, and what depends on it (id,
    title, status; up to RELATED_MAX of each, in id order), and whether it is ready."""
    groups: dict[str, list[Any]] = {"parent": [], "subtasks": [], "depends_on": [], "blocks": []}
    params = {"task_id": task.id, "parent_id": task.parent_id}
    for row in conn.execute(_RELATED, params):
        groups[row.kind].append(row)
    shown = {kind: rows[:RELATED_MAX] for kind, rows in groups.items()}
    is_ready = task.status in OPEN_STATUSES
    if is_ready and any(len(rows) > RELATED_MAX for rows in groups.values()):
        is_ready = bool(conn.scalar(select(ready(task.id))))  # a group was cut: ask
    elif is_ready:  # every dependency and subtask is in the groups
        is_ready = all(r.status == Status.COMPLETE.value for r in groups["depends_on"]) and not any(
            r.status in OPEN_STATUSES for r in groups["subtasks"]
        )
    return Related(
        shown["parent"][0] if shown["parent"] else None,
        shown["subtasks"],
        shown["depends_on"],
        shown["blocks"],
        is_ready,
    )


def subtasks_in_the_way(
    conn: Connection, task_id: int, *, action: str, with_subtasks: bool
) -> list[Subtask]:
    """The subtasks (any depth) that `action` (complete, cancel, delete) would also act on:
    the open ones, or all of them for delete. Refused unless with_subtasks."""
    below = subtree(conn, task_id)
    if action != "delete":
        below = [subtask for subtask in below if subtask.status in OPEN_STATUSES]
    if below and not with_subtasks:
        ids = [subtask.id for subtask in below]
        raise SubtasksInTheWay(task_id, ids, _ids(ids), action=action)
    return below
