"""index on (status, priority, due_date): next_task reads each (status, priority) by due date

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:15:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tasks_status_priority_due_date", "tasks", ["status", "priority", "due_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_status_priority_due_date", table_name="tasks")
