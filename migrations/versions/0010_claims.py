"""claims with leases: tasks.claimed_by and tasks.claimed_until

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:15:00+00:00

Who holds a task and until when (an ISO UTC timestamp like the others). A lease past its time
frees the task without anyone acting: every reader compares claimed_until with now.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# (timestamptz on PostgreSQL, as every timestamp there: revision 0001)
STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild): both start empty on every existing task.
    op.add_column("tasks", sa.Column("claimed_by", sa.String(length=100), nullable=True))
    op.add_column("tasks", sa.Column("claimed_until", STAMP, nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch rebuild would drop the table's triggers.
    op.execute("ALTER TABLE tasks DROP COLUMN claimed_until")
    op.execute("ALTER TABLE tasks DROP COLUMN claimed_by")
