"""Copy a whole database into an empty one, SQLite or PostgreSQL either way: every project,
task, dependency, note, trash entry and history event, with its id, and each id sequence
carried on past the highest id the source ever handed out (a deleted task's id is never
given to a new task on the copy either).

Rows are read through the models' tables, so each backend's types (text timestamps on
SQLite, timestamptz on PostgreSQL) become the same Python values, and are written from
those (on PostgreSQL by COPY: _insert). On SQLite the target's own
triggers keep its derived tables (tags, counts, the search index) as they keep them for
every write, and the events they write for the copied rows are then replaced by the
source's history; on PostgreSQL see _triggers_held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    update,
)

from task_tracker.errors import InvalidInput
from task_tracker.models import (
    Project,
    Task,
    TaskDependency,
    TaskEvent,
    TaskNote,
    TrashEntry,
    TrashTask,
)
from task_tracker.store import history
from task_tracker.store.workflow import LINKS

BATCH = 1_000
# After a copy of this many tasks or more, SQLite's search indexes are merged into one
# segment each (as after a large import: store/transfer.py).
OPTIMIZE_MIN = 10_000

TASKS: Table = Task.__table__  # type: ignore[assignment]
# In the order their foreign keys need; events last, after the triggers' own are gone.
TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (Project, Task, TaskDependency, TaskNote, TrashEntry, TrashTask, TaskEvent)
)
# The tables whose ids come from a sequence (AUTOINCREMENT on SQLite, serial on PostgreSQL):
# every row anyone adds lands in one of them, so a database with none in any is empty.
SEQUENCED = ("projects", "tasks", "task_notes", "trash", "task_events")


# What each table holds, for the counts a person reads: (one, more).
LABELS = {
    "projects": ("project", "projects"),
    "tasks": ("task", "tasks"),
    "task_dependencies": ("dependency", "dependencies"),
    "task_notes": ("note", "notes"),
    "trash": ("trash entry", "trash entries"),
    "trash_tasks": ("task in the trash", "tasks in the trash"),
    "task_events": ("history event", "history events"),
}


def counts(conn: Connection) -> dict[str, int]:
    """Rows per copied table."""
    count = select(func.count())
    return {table.name: conn.scalar(count.select_from(table)) or 0 for table in TABLES}


def described(counted: dict[str, int]) -> str:
    """'3 tasks, 1 note, ...' in the tables' order, leaving out what is none."""
    parts = [f"{n} {LABELS[name][n != 1]}" for name, n in counted.items() if n]
    return ", ".join(parts) or "nothing"


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows a batch at a time; tasks with every parent before its subtasks (a
    subtask may be older than its parent), the others by their key."""
    if table is TASKS:
        c = TASKS.c
        depth = (
            select(c.id, literal(0).label("depth")).where(c.parent_id.is_(None)).cte(recursive=True)
        )
        depth = depth.union_all(
            select(c.id, depth.c.depth + 1).join(depth, c.parent_id == depth.c.id)
        )
        query = select(TASKS).join(depth, depth.c.id == c.id).order_by(depth.c.depth, c.id)
    else:
        query = select(table).order_by(*table.primary_key.columns)
    result = conn.execute(query.execution_options(yield_per=BATCH))
    for partition in result.partitions():
        yield [dict(row._mapping) for row in partition]


# PostgreSQL: a row trigger per copied row in one long transaction slows as it goes (each
# update of a status's one counts row leaves a row version the rest of the transaction steps
# over: 100k tasks took 68 s, the last ones at half the first ones' speed). There the copy
# turns its tables' own triggers off inside its transaction (ALTER TABLE is transactional: no
# other connection sees them off; foreign keys stay checked) and builds what they would have
# built a table at a time. Its rows are a copy of a database the same triggers kept.
_PG_TRIGGERED = ("tasks", "task_dependencies", "task_notes")
_PG_DERIVED = (
    "INSERT INTO task_tags (task_id, tag) SELECT tasks.id, tag #>> '{}' FROM tasks,"
    " jsonb_array_elements(tasks.tags::jsonb) AS tag WHERE jsonb_typeof(tag) = 'string'"
    " ON CONFLICT DO NOTHING",
    "UPDATE task_counts SET n = 0",  # (in slots: revision 0018)
    "INSERT INTO task_counts (status, slot, n) SELECT status, 0, count(*) FROM tasks"
    " GROUP BY status ON CONFLICT (status, slot) DO UPDATE SET n = excluded.n",
)


@contextmanager
def _triggers_held(target: Connection) -> Iterator[None]:
    if target.dialect.name != "postgresql":
        yield
        return
    for table in _PG_TRIGGERED:
        target.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    yield
    for statement in _PG_DERIVED:
        target.execute(text(statement))
    for table in _PG_TRIGGERED:
        target.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def _insert(target: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """The batch into the table. PostgreSQL: COPY FROM STDIN (psycopg's copy API), the bulk
    load it is made for: 100k tasks' rows took 21 s as multi-row INSERTs, most of it in
    building and binding the statements."""
    if target.dialect.name != "postgresql":
        target.execute(insert(table), batch)
        return
    columns = list(batch[0])
    raw = target.connection.driver_connection
    assert raw is not None  # (an open transaction's connection)
    cursor = raw.cursor()  # (the same transaction)
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in batch:
            values = [row[column] for column in columns]
            for column, value in zip(columns, values, strict=True):
                if isinstance(value, str) and "\x00" in value:
                    raise _uncarried(table, row, column)
            copy.write_row(values)


def _uncarried(table: Table, row: dict[str, Any], column: str) -> InvalidInput:
    """PostgreSQL text cannot hold NUL; a row written by hand (or by an old version) into
    SQLite can: name it, so a person can mend it at the source."""
    key = ", ".join(f"{c.name} {row[c.name]}" for c in table.primary_key.columns)
    return InvalidInput(
        f"{table.name} row ({key}): {column} holds a NUL character (\\x00), which PostgreSQL "
        f"cannot store. Mend it in the source first (sqlite3: UPDATE {table.name} SET "
        f"{column} = replace({column}, char(0), '') WHERE ...). Nothing was copied."
    )


def _sequences(conn: Connection) -> dict[str, int]:
    """The highest id each sequence has handed out (0: none yet)."""
    if conn.dialect.name == "postgresql":
        return {
            name: conn.scalar(
                text(
                    "SELECT coalesce(pg_sequence_last_value("
                    "pg_get_serial_sequence(:table, 'id')::regclass), 0)"
                ),
                {"table": name},
            )
            or 0
            for name in SEQUENCED
        }
    given: dict[str, int] = {
        name: seq for name, seq in conn.execute(text("SELECT name, seq FROM sqlite_sequence"))
    }
    return {name: given.get(name, 0) for name in SEQUENCED}


def _carry_sequences(target: Connection, highest: dict[str, int]) -> None:
    for name, value in highest.items():
        if value <= 0:
            continue
        if target.dialect.name == "postgresql":
            target.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
                {"table": name, "value": value},
            )
        else:
            target.execute(text("DELETE FROM sqlite_sequence WHERE name = :table"), {"table": name})
            target.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :value)"),
                {"table": name, "value": value},
            )


# A task's typed links (revision 0023) may name a task copied after it: they are copied as
# none and set once every task is in (foreign keys stay checked).
_RELINK = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("task_id"))
    .values({name: bindparam(f"to_{name}") for name in LINKS})
)


def _unlinked(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch's rows without their links (in place); the links, as _RELINK's parameters."""
    links = []
    for row in batch:
        if any(row.get(name) is not None for name in LINKS):
            links.append({"task_id": row["id"], **{f"to_{n}": row.get(n) for n in LINKS}})
            row.update(dict.fromkeys(LINKS))
    return links


def copy_database(
    source: Connection,
    target: Connection,
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Copy everything from source (a read transaction) into target (a write transaction on
    an empty database at the same revision). Returns the rows copied per table; raises
    InvalidInput, changing nothing, when the target holds anything."""
    held = {name: n for name, n in counts(target).items() if name in SEQUENCED}
    if any(held.values()):
        raise InvalidInput(
            f"the target database is not empty (it holds {described(held)}); copy into a "
            "new database or an empty one. "
            "Nothing was copied."
        )
    history.set_actor(target, None, kind="import")
    copied_tasks = 0
    with _triggers_held(target):
        for table in TABLES:
            if table.name == "task_events":
                target.execute(delete(table))  # the triggers' events for the rows copied
            links: list[dict[str, Any]] = []
            for batch in _rows(source, table):
                if table is TASKS:
                    links += _unlinked(batch)
                _insert(target, table, batch)
                if table is TASKS:
                    copied_tasks += len(batch)
                    if progress is not None:
                        progress(copied_tasks)
            if links:
                target.execute(_RELINK, links)
    history.set_actor(target, None)
    highest = _sequences(source)
    copied = counts(target)
    _carry_sequences(
        target,
        {name: max(highest[name], _highest_id(target, name)) for name in SEQUENCED},
    )
    expected = counts(source)
    if copied != expected:  # a broken copy is rolled back, never left half made
        raise InvalidInput(f"the copy does not match its source ({copied} != {expected})")
    if target.dialect.name == "sqlite" and copied["tasks"] >= OPTIMIZE_MIN:
        for index in ("tasks_fts", "task_notes_fts"):
            target.execute(text(f"INSERT INTO {index} ({index}) VALUES ('optimize')"))
    return copied


def _highest_id(conn: Connection, name: str) -> int:
    table = next(table for table in TABLES if table.name == name)
    return conn.scalar(select(func.max(table.c.id))) or 0
