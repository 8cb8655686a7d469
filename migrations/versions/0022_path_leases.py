"""path leases: the files a claim covers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 02:50:00+00:00

claim_task(task_id, paths=["src/auth/**"]) keeps the claim's glob patterns beside its holder
and lease, as a JSON array (NULL: the claim covers no files). A claim whose patterns can name
a file another running claim's patterns name is refused (task_tracker.paths). SQLite adds
the column in place; the history triggers do not record it (the claim they do record says
who and until when).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tasks ADD COLUMN claimed_paths TEXT")
    else:
        op.add_column("tasks", sa.Column("claimed_paths", sa.Text(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tasks DROP COLUMN claimed_paths")
    else:
        op.drop_column("tasks", "claimed_paths")
