"""PostgreSQL: the secondary indexes on tasks end with id, as SQLite's do by themselves

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 23:00:00+00:00

Every SQLite index ends with the rowid, so a list ordered by (key, id) reads one index in
order. A PostgreSQL index on (key) alone leaves ties in no order: with many tasks sharing a
key (an import's updated_at, a due date) the planner sorted every tie to pick a page.
Measured on 100k tasks with one updated_at: list_tasks(sort=updated_at) 70 ms -> 2.4 ms,
the daily_standup prompt 120 ms -> 5 ms. On SQLite this revision changes nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name: (columns before id, partial index condition)
INDEXES: dict[str, tuple[list[str], str | None]] = {
    "ix_tasks_updated_at": (["updated_at"], None),
    "ix_tasks_status_updated_at": (["status", "updated_at"], None),
    "ix_tasks_due_date": (["due_date"], None),
    "ix_tasks_status_due_date": (["status", "due_date"], None),
    "ix_tasks_status_priority_due_date": (["status", "priority", "due_date"], None),
    "ix_tasks_completed_at": (["completed_at"], None),
    "ix_tasks_project_id": (["project_id"], None),
    "ix_tasks_parent_id": (["parent_id"], None),
    "ix_tasks_claimed_by": (["claimed_by"], "claimed_by IS NOT NULL"),
}


def _recreate(with_id: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (columns, where) in INDEXES.items():
        op.drop_index(name, table_name="tasks")
        op.create_index(
            name,
            "tasks",
            [*columns, "id"] if with_id else columns,
            postgresql_where=sa.text(where) if where else None,
        )


def upgrade() -> None:
    _recreate(with_id=True)


def downgrade() -> None:
    _recreate(with_id=False)
