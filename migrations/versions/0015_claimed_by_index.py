"""an index on who holds a claim: list_tasks(claimed_by=NAME) reads only that name's tasks

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 20:30:00+00:00

Partial (claimed tasks only): most tasks are never claimed, and those cost the index nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_tasks_claimed_by",
        "tasks",
        ["claimed_by"],
        sqlite_where=sa.text("claimed_by IS NOT NULL"),
        postgresql_where=sa.text("claimed_by IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_claimed_by", table_name="tasks")
