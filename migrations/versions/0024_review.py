"""review by another agent: the in_review status, review and submitted_by columns

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 04:40:00+00:00

Adds tasks.review, tasks.submitted_by and projects.review. A task that needs review
(tasks.review, or when that is NULL its project's review) does not complete when the agent
that did it completes it: it becomes in_review, an open status, with submitted_by naming
that agent, and only another agent approves it (review_task) or sends it back. Every task
and project written before needs no review.

The status CHECK gains 'in_review', which SQLite can only do by rebuilding `tasks`: the
table is created again from its own stored SQL with the wider CHECK, its rows copied, and
every index and trigger that names it created again from their stored SQL (the triggers of
other tables too: SQLite checks them when the new table takes the old one's name), its id
sequence kept. task_counts gains the new status's row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('pending', 'in_progress', 'complete', 'cancelled')"
NEW_STATUSES = "status IN ('pending', 'in_progress', 'in_review', 'complete', 'cancelled')"
REVIEW = "review IS NULL OR review IN (0, 1)"


def _rebuild_sqlite(old: str, new: str) -> None:
    """tasks again with its status CHECK `old` replaced by `new`, rows, indexes, triggers
    and id sequence kept (foreign keys are off while migrating)."""
    bind = op.get_bind()
    master = "SELECT {} FROM sqlite_master WHERE {}"
    (table_sql,) = bind.execute(sa.text(master.format("sql", "type = 'table' AND name = 'tasks'")))
    if old not in table_sql[0]:
        raise RuntimeError(f"tasks has no CHECK ({old}): its schema was changed by hand")
    created = (
        table_sql[0].replace(old, new).replace('CREATE TABLE "tasks"', "CREATE TABLE tasks_new")
    )
    created = created.replace("CREATE TABLE tasks (", "CREATE TABLE tasks_new (", 1)
    indexes = (
        bind.execute(
            sa.text(
                master.format("sql", "type = 'index' AND tbl_name = 'tasks' AND sql IS NOT NULL")
            )
        )
        .scalars()
        .all()
    )
    triggers = bind.execute(sa.text(master.format("name, sql", "type = 'trigger'"))).all()
    sequence = bind.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'tasks'")
    ).scalar()
    for name, _ in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute(created)
    op.execute("INSERT INTO tasks_new SELECT * FROM tasks")
    op.execute("DROP TABLE tasks")
    op.execute("ALTER TABLE tasks_new RENAME TO tasks")
    for sql in [*indexes, *(sql for _, sql in triggers)]:
        op.execute(sql)
    if sequence is not None:
        op.execute(
            sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'tasks'").bindparams(
                seq=sequence
            )
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE tasks ADD COLUMN review BOOLEAN "
            f"CONSTRAINT ck_tasks_review CHECK ({REVIEW})"
        )
        op.execute("ALTER TABLE tasks ADD COLUMN submitted_by VARCHAR(100)")
        op.execute(
            "ALTER TABLE projects ADD COLUMN review BOOLEAN DEFAULT 0 NOT NULL "
            "CONSTRAINT ck_projects_review CHECK (review IN (0, 1))"
        )
        _rebuild_sqlite(OLD_STATUSES, NEW_STATUSES)
        op.execute("INSERT INTO task_counts (status, n) VALUES ('in_review', 0)")
        return
    op.add_column("tasks", sa.Column("review", sa.Boolean(), nullable=True))
    op.add_column("tasks", sa.Column("submitted_by", sa.String(100), nullable=True))
    op.add_column(
        "projects",
        sa.Column("review", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.drop_constraint(op.f("ck_tasks_status"), "tasks", type_="check")
    op.create_check_constraint(op.f("ck_tasks_status"), "tasks", NEW_STATUSES)


def downgrade() -> None:
    # No status to hold in_review before: a task in review goes back to in progress, the
    # state it was in before its agent completed it.
    op.execute("UPDATE tasks SET status = 'in_progress' WHERE status = 'in_review'")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM task_counts WHERE status = 'in_review'")
        _rebuild_sqlite(NEW_STATUSES, OLD_STATUSES)
        op.execute("ALTER TABLE projects DROP COLUMN review")
        op.execute("ALTER TABLE tasks DROP COLUMN submitted_by")
        op.execute("ALTER TABLE tasks DROP COLUMN review")
        return
    op.execute("DELETE FROM task_counts WHERE status = 'in_review'")
    op.drop_constraint(op.f("ck_tasks_status"), "tasks", type_="check")
    op.create_check_constraint(op.f("ck_tasks_status"), "tasks", OLD_STATUSES)
    op.drop_column("projects", "review")
    op.drop_column("tasks", "submitted_by")
    op.drop_column("tasks", "review")
