"""indexes for a million tasks: due dates and staleness per status, completion time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 14:45:00+00:00

(status, due_date) replaces (due_date): a due range with a status filter reads only its own
status's entries (the stand-up's overdue tasks; list_tasks' due_before), where walking the
whole due range passed over every completed task with an old due date. (status, updated_at)
finds stale open tasks oldest first; (completed_at) the tasks completed since a time.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tasks_status_due_date", "tasks", ["status", "due_date"])
    op.drop_index("ix_tasks_due_date", table_name="tasks")
    op.create_index("ix_tasks_status_updated_at", "tasks", ["status", "updated_at"])
    op.create_index("ix_tasks_completed_at", "tasks", ["completed_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_completed_at", table_name="tasks")
    op.drop_index("ix_tasks_status_updated_at", table_name="tasks")
    op.create_index("ix_tasks_due_date", "tasks", ["due_date"])
    op.drop_index("ix_tasks_status_due_date", table_name="tasks")
