"""SQLAlchemy 2 models. The schema itself is created and changed only by Alembic revisions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

# The column types of days and moments live in their own module; re-exported from here.
from task_tracker.models.types import SQL_NOW, ISODate, UTCDateTime, iso_utc_check
from task_tracker.schemas import (
    DESCRIPTION_MAX,
    ID_MAX,
    PROJECT_NAME_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    VERSION_MAX,
    Priority,
    Status,
)

# Stable constraint names, so Alembic autogenerate and batch migrations produce clean diffs.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _sql_in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


# Ids and versions go up to ID_MAX (2^53 - 1): SQLite's INTEGER holds 64 bits, PostgreSQL's
# integer only 32, so there they are bigint.
BigId: TypeEngine[int] = Integer().with_variant(BigInteger(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {int: BigId}  # foreign keys to ids, typed by their annotation


def table_of(model: type[Base]) -> Table:
    """A model's table, as the Table it is (SQLAlchemy types `__table__` as any FromClause)."""
    return cast(Table, model.__table__)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(
            f"length(title) BETWEEN 1 AND {TITLE_MAX} AND title = trim(title)", name="title"
        ),
        CheckConstraint(f"length(description) <= {DESCRIPTION_MAX}", name="description"),
        CheckConstraint(_sql_in("status", Status), name="status"),
        CheckConstraint(_sql_in("priority", Priority), name="priority"),
        # Each tag's own rules (lower-case, no spaces) need json_each, which SQLite does not
        # allow in a CHECK: triggers from revision 0004 enforce them (TAG_CHECK_TRIGGERS).
        CheckConstraint(
            f"json_valid(tags) AND json_type(tags) = 'array' "
            f"AND json_array_length(tags) <= {TAGS_MAX}",
            name="tags",
        ),
        # The '+0 days' modifier normalises the date, so impossible days (Feb 30) fail too.
        CheckConstraint(
            "due_date IS NULL OR date(due_date, '+0 days') IS due_date", name="due_date"
        ),
        CheckConstraint(f"version BETWEEN 1 AND {VERSION_MAX}", name="version"),
        CheckConstraint(f"id BETWEEN 1 AND {ID_MAX}", name="id"),
        CheckConstraint(iso_utc_check("created_at"), name="created_at"),
        CheckConstraint(iso_utc_check("updated_at"), name="updated_at"),
        CheckConstraint(
            f"(status = 'complete') = (completed_at IS NOT NULL) "
            f"AND (completed_at IS NULL OR {iso_utc_check('completed_at')})",
            name="completed_at",
        ),
        Index("ix_tasks_status_id", "status", "id"),
        # tasks://all reads each (status, priority) in id order from here (revision 0005).
        Index("ix_tasks_status_priority_id", "status", "priority", "id"),
        # Due ranges and staleness per status, completions by time (revision 0006).
        Index("ix_tasks_status_due_date", "status", "due_date"),
        Index("ix_tasks_status_updated_at", "status", "updated_at"),
        Index("ix_tasks_completed_at", "completed_at"),
        # next_task: each (status, priority) by due date, then the undated by id (0007).
        Index("ix_tasks_status_priority_due_date", "status", "priority", "due_date"),
        # Sorts by due date or last update over any statuses (revision 0009).
        Index("ix_tasks_due_date", "due_date"),
        Index("ix_tasks_updated_at", "updated_at"),
        # A task's subtasks, a project's tasks, each in id order (revision 0008).
        Index("ix_tasks_parent_id", "parent_id"),
        Index("ix_tasks_project_id", "project_id"),
        # The tasks a name holds (claimed tasks only: most never are; revision 0015).
        Index("ix_tasks_claimed_by", "claimed_by", sqlite_where=text("claimed_by IS NOT NULL")),
        CheckConstraint("parent_id != id", name="parent_id"),
        # What links to a task (a deleted one's links are cleared), what comes back when
        # (revision 0023): few tasks have them, so only those are indexed.
        *(
            Index(
                f"ix_tasks_{name}",
                name,
                sqlite_where=text(f"{name} IS NOT NULL"),
                postgresql_where=text(f"{name} IS NOT NULL"),
            )
            for name in ("repeat_of", "discovered_from", "duplicate_of", "defer_until")
        ),
        Index(
            "ix_tasks_discovered",
            "id",
            sqlite_where=text("discovered_from IS NOT NULL"),
            postgresql_where=text("discovered_from IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},  # ids are never reused, also after deletes
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(String(16), server_default=Status.PENDING.value)
    priority: Mapped[str] = mapped_column(String(16), server_default=Priority.MEDIUM.value)
    # JSON array text, e.g. ["work","urgent"]; mirrored into task_tags by triggers.
    tags: Mapped[str] = mapped_column(Text, server_default="[]")
    due_date: Mapped[str | None] = mapped_column(ISODate())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=text(SQL_NOW))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=text(SQL_NOW))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(BigId, server_default="1")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    # Deleting a task deletes its subtasks (the tools refuse unless asked to).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    # Who holds it until when (0010; a lease past holds nothing), for which files (0022).
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_paths: Mapped[str | None] = mapped_column(Text())
    # Revision 0023: the definition of done (a JSON array of {"text", "checked"}), when the
    # task comes back to next_task, how it repeats, and the tasks it links to (a link to a
    # deleted task is cleared).
    criteria: Mapped[str | None] = mapped_column(Text())
    defer_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    repeat: Mapped[str | None] = mapped_column(String(32))
    repeat_of: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    discovered_from: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    # Revision 0024: whether completing it needs another agent's review (NULL: as its
    # project says), and who completed it into review.
    review: Mapped[bool | None] = mapped_column(Boolean)
    submitted_by: Mapped[str | None] = mapped_column(String(100))


class Project(Base):
    """A named group of tasks. Names are unique ignoring (ASCII) case."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(
            f"length(name) BETWEEN 1 AND {PROJECT_NAME_MAX} AND name = trim(name)", name="name"
        ),
        CheckConstraint(f"length(description) <= {DESCRIPTION_MAX}", name="description"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(PROJECT_NAME_MAX))
    description: Mapped[str] = mapped_column(Text, server_default="")
    archived: Mapped[bool] = mapped_column(Boolean, server_default=text("0"))
    # The review its tasks need unless they say otherwise (revision 0024).
    review: Mapped[bool] = mapped_column(Boolean, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=text(SQL_NOW))


# Unique ignoring case: "Website" and "website" are one project.
Index("ix_projects_lower_name", func.lower(Project.name), unique=True)


class TaskDependency(Base):
    """task_id cannot start before depends_on_id is complete. Cycles are refused by the store
    (a recursive query in the writer's transaction), not by the schema."""

    __tablename__ = "task_dependencies"
    __table_args__ = (
        CheckConstraint("task_id != depends_on_id", name="not_itself"),
        # What a task blocks: the dependencies on it.
        Index("ix_task_dependencies_depends_on_id", "depends_on_id"),
    )

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )


class TaskTag(Base):
    """One row per (task, tag), kept in sync with tasks.tags by database triggers.

    It exists so that filtering by tag uses an index. The application never writes it.
    """

    __tablename__ = "task_tags"
    __table_args__ = (Index("ix_task_tags_tag_task_id", "tag", "task_id"),)

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True)


class TaskCount(Base):
    """How many tasks have each status, kept exact by database triggers (revision 0003).

    It makes list totals O(1). The application never writes it.
    """

    __tablename__ = "task_counts"

    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, server_default="0")


# The tables of shared work (history, notes, trash) live in their own module; importing it
# here puts them in Base.metadata for Alembic, and lets callers import them from here.
from task_tracker.models.teamwork import (  # noqa: E402
    TaskEvent,
    TaskEventActor,
    TaskNote,
    TrashEntry,
    TrashTask,
)

__all__ = [
    "SQL_NOW",
    "ISODate",
    "TaskEvent",
    "TaskEventActor",
    "TaskNote",
    "TrashEntry",
    "TrashTask",
    "UTCDateTime",
    "iso_utc_check",
]
