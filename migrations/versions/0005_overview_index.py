"""index on (status, priority, id): the overview reads open tasks without sorting the table

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tasks_status_priority_id", "tasks", ["status", "priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_status_priority_id", table_name="tasks")
