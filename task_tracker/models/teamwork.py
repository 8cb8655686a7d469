"""The tables of shared work: history (task_events, task_event_actor, revision 0011), the
trash (trash, trash_tasks, 0012) and notes (task_notes, 0013)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from task_tracker.models import SQL_NOW, Base, BigId, UTCDateTime
from task_tracker.schemas import NOTE_MAX, TITLE_MAX


class TaskEvent(Base):
    """One change to a task (revision 0011): written by triggers in the change's own
    transaction, so history and data never disagree. changes: {"field": [old, new], ...}."""

    __tablename__ = "task_events"
    __table_args__ = (
        Index("ix_task_events_task_id_id", "task_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(BigId)
    version: Mapped[int] = mapped_column(BigId)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text, server_default="{}")


class TaskEventActor(Base):
    """One row: who the current write transaction acts for, read by the history triggers.
    The server sets it inside each write and clears it before committing."""

    __tablename__ = "task_event_actor"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor: Mapped[str | None] = mapped_column(String(100))
    # The kind of change the server names (a revert); NULL: the triggers tell it.
    kind: Mapped[str | None] = mapped_column(String(16))


class TaskNote(Base):
    """A short append-only work log entry on a task (revision 0013); also a history event."""

    __tablename__ = "task_notes"
    __table_args__ = (
        CheckConstraint(f"length(text) BETWEEN 1 AND {NOTE_MAX}", name="text"),
        CheckConstraint("kind IN ('note', 'handoff')", name="kind"),
        Index("ix_task_notes_task_id_id", "task_id", "id"),
        Index(
            "ix_task_notes_handoff",
            "task_id",
            "id",
            sqlite_where=text("kind = 'handoff'"),
            postgresql_where=text("kind = 'handoff'"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=text(SQL_NOW))
    actor: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # 'handoff': left for whoever takes the task next (revision 0021).
    kind: Mapped[str] = mapped_column(String(16), server_default="note")


class TrashEntry(Base):
    """A deleted task with its subtasks and dependencies, as JSON, until it is restored or
    purged (revision 0012). The rows left `tasks`, so no read sees them."""

    __tablename__ = "trash"
    __table_args__ = (
        Index("ix_trash_deleted_at", "deleted_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(BigId)  # the task that was deleted
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_by: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)


class TrashTask(Base):
    """Every task in a trash entry (the deleted one and its subtasks)."""

    __tablename__ = "trash_tasks"
    __table_args__ = (Index("ix_trash_tasks_trash_id", "trash_id"),)

    task_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    trash_id: Mapped[int] = mapped_column(ForeignKey("trash.id", ondelete="CASCADE"))
