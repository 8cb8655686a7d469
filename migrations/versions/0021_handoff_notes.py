"""handoff notes: a note's kind, 'note' or 'handoff'

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 02:15:00+00:00

An agent that stops leaves a handoff for whoever takes the task next: a note of kind
'handoff', which get_task and the brief (tasks://brief) show first. Every note written
before is a plain 'note'. SQLite adds the column in place (ALTER TABLE ... ADD COLUMN with a
constant default and a CHECK), so the notes' full-text index and its triggers stay as they
are; downgrading drops it again (SQLite 3.35+).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('note', 'handoff')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE task_notes ADD COLUMN kind VARCHAR(16) DEFAULT 'note' NOT NULL "
            f"CONSTRAINT ck_task_notes_kind CHECK ({KINDS})"
        )
    else:
        op.add_column(
            "task_notes",
            sa.Column("kind", sa.String(16), server_default="note", nullable=False),
        )
        op.create_check_constraint("ck_task_notes_kind", "task_notes", KINDS)
    # The brief reads a task's latest handoff: its few rows, by task.
    op.create_index(
        "ix_task_notes_handoff",
        "task_notes",
        ["task_id", "id"],
        sqlite_where=sa.text("kind = 'handoff'"),
        postgresql_where=sa.text("kind = 'handoff'"),
    )


def downgrade() -> None:
    op.drop_index("ix_task_notes_handoff", table_name="task_notes")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE task_notes DROP COLUMN kind")  # (drops its CHECK too)
    else:
        op.drop_constraint("ck_task_notes_kind", "task_notes", type_="check")
        op.drop_column("task_notes", "kind")
