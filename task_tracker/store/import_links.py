"""An import's parents and dependencies: set once every task is in, as they may point
forward in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from task_tracker.errors import InvalidInput, TaskTrackerError
from task_tracker.schemas.export import TaskRecord
from task_tracker.store import structure
from task_tracker.store.structure import TASKS, T


@dataclass(slots=True)
class Links:
    """Parents and dependencies, set once every task is in (they may point forward in the
    file). With new ids, the file's ids are mapped to the new ones in a temporary table, so
    memory holds only the records that have links."""

    new_ids: bool
    pending: list[tuple[int, int, TaskRecord]] = field(default_factory=list)

    def start(self, conn: Connection) -> None:
        if self.new_ids:
            conn.execute(text("CREATE TEMP TABLE import_ids (old INTEGER PRIMARY KEY, new INT)"))

    def add(self, conn: Connection, batch: list[tuple[int, TaskRecord]], ids: list[int]) -> None:
        if self.new_ids:
            mapped = [{"old": r.id, "new": i} for (_, r), i in zip(batch, ids, strict=True) if r.id]
            if mapped:
                conn.execute(text("INSERT OR IGNORE INTO import_ids VALUES (:old, :new)"), mapped)
        for (index, record), task_id in zip(batch, ids, strict=True):
            if record.parent_id is not None or record.depends_on or record.links:
                self.pending.append((index, task_id, record))

    def _id(self, conn: Connection, index: int, old: int) -> int:
        if not self.new_ids:
            return old
        new = conn.scalar(text("SELECT new FROM import_ids WHERE old = :old"), {"old": old})
        if new is None:
            raise InvalidInput(f"record {index}: task {old} is not in the file")
        return new

    def finish(self, conn: Connection) -> None:
        for index, task_id, record in self.pending:
            parent, depends_on = record.parent_id, record.depends_on
            try:
                if record.links:
                    links = {kind: self._id(conn, index, old) for kind, old in record.links.items()}
                    if task_id in links.values():
                        raise InvalidInput("a task cannot link to itself.")
                    structure.require_tasks(conn, list(links.values()), role="links")
                    conn.execute(TASKS.update().where(T.id == task_id).values(links))
                if parent is not None:
                    parent_id = self._id(conn, index, parent)
                    structure.check_parent(conn, task_id=task_id, parent_id=parent_id)
                    conn.execute(TASKS.update().where(T.id == task_id).values(parent_id=parent_id))
                deps = [self._id(conn, index, old) for old in depends_on]
                structure.set_dependencies(conn, task_id=task_id, depends_on=deps, replace=False)
            except TaskTrackerError as exc:
                raise InvalidInput(f"record {index}: {exc} Nothing was imported.") from None
        if self.new_ids:
            conn.execute(text("DROP TABLE import_ids"))
