"""projects, subtasks (tasks.parent_id), dependencies (task_dependencies), status cancelled

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 17:30:00+00:00

The status CHECK gains 'cancelled', which SQLite can only do by rebuilding `tasks` (rows,
triggers and the id sequence kept, as in 0004). Downgrading turns cancelled tasks into
complete ones (logged by id: the old schema has no other closed status) and drops projects,
parents and dependencies.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids and versions reach 2^53 - 1: bigint on PostgreSQL, whose integer holds 32 bits.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")

log = logging.getLogger("alembic.runtime.migration")

ID_MAX = 2**53 - 1
SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'))"
ISO_GLOB = (
    "[0-9]" * 4
    + "-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]."
    + ("[0-9]" * 6 + "+00:00")
)


def _iso(column: str) -> str:
    return (
        f"{column} GLOB '{ISO_GLOB}' "
        f"AND date(substr({column}, 1, 10), '+0 days') IS substr({column}, 1, 10) "
        f"AND time(substr({column}, 12, 8)) IS substr({column}, 12, 8)"
    )


def _statuses(*names: str) -> str:
    return f"status IN ({', '.join(repr(n) for n in names)})"


OLD_STATUSES = ("pending", "in_progress", "complete")
NEW_STATUSES = (*OLD_STATUSES, "cancelled")


def _tasks_table(statuses: Sequence[str], *, structure: bool) -> sa.Table:
    now = sa.text(SQL_NOW)
    extra: list[sa.SchemaItem] = []
    if structure:
        extra = [
            sa.Column(
                "project_id",
                ID,
                sa.ForeignKey(
                    "projects.id", name="fk_tasks_project_id_projects", ondelete="SET NULL"
                ),
                nullable=True,
            ),
            sa.Column(
                "parent_id",
                ID,
                sa.ForeignKey("tasks.id", name="fk_tasks_parent_id_tasks", ondelete="CASCADE"),
                nullable=True,
            ),
            sa.CheckConstraint("parent_id != id", name="ck_tasks_parent_id"),
            sa.Index("ix_tasks_parent_id", "parent_id"),
            sa.Index("ix_tasks_project_id", "project_id"),
        ]
    return sa.Table(
        "tasks",
        sa.MetaData(),
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("priority", sa.String(length=16), server_default="medium", nullable=False),
        sa.Column("tags", sa.Text(), server_default="[]", nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.String(length=32), server_default=now, nullable=False),
        sa.Column("updated_at", sa.String(length=32), server_default=now, nullable=False),
        sa.Column("completed_at", sa.String(length=32), nullable=True),
        sa.Column("version", ID, server_default="1", nullable=False),
        sa.CheckConstraint(
            "length(title) BETWEEN 1 AND 200 AND title = trim(title)", name="ck_tasks_title"
        ),
        sa.CheckConstraint("length(description) <= 10000", name="ck_tasks_description"),
        sa.CheckConstraint(_statuses(*statuses), name="ck_tasks_status"),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name="ck_tasks_priority"),
        sa.CheckConstraint(
            "json_valid(tags) AND json_type(tags) = 'array' AND json_array_length(tags) <= 20",
            name="ck_tasks_tags",
        ),
        sa.CheckConstraint(
            "due_date IS NULL OR date(due_date, '+0 days') IS due_date", name="ck_tasks_due_date"
        ),
        sa.CheckConstraint(f"version BETWEEN 1 AND {ID_MAX}", name="ck_tasks_version"),
        sa.CheckConstraint(f"id BETWEEN 1 AND {ID_MAX}", name="ck_tasks_id"),
        sa.CheckConstraint(_iso("created_at"), name="ck_tasks_created_at"),
        sa.CheckConstraint(_iso("updated_at"), name="ck_tasks_updated_at"),
        sa.CheckConstraint(
            "(status = 'complete') = (completed_at IS NOT NULL) "
            f"AND (completed_at IS NULL OR {_iso('completed_at')})",
            name="ck_tasks_completed_at",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.Index("ix_tasks_status_id", "status", "id"),
        sa.Index("ix_tasks_status_priority_id", "status", "priority", "id"),
        sa.Index("ix_tasks_status_due_date", "status", "due_date"),
        sa.Index("ix_tasks_status_updated_at", "status", "updated_at"),
        sa.Index("ix_tasks_completed_at", "completed_at"),
        sa.Index("ix_tasks_status_priority_due_date", "status", "priority", "due_date"),
        *extra,
        sqlite_autoincrement=True,
    )


def _rebuild(table: sa.Table) -> None:
    """Recreate tasks with `table`'s definition, keeping its rows, triggers and id sequence
    (SQLite drops a table's triggers with it, and ids must never be reused)."""
    bind = op.get_bind()
    triggers = (
        bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tasks'")
        )
        .scalars()
        .all()
    )
    sequence = bind.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'tasks'")
    ).scalar()
    with op.batch_alter_table("tasks", copy_from=table, recreate="always"):
        pass
    for sql in triggers:
        op.execute(sql)
    if sequence is not None:
        op.execute(
            sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'tasks'").bindparams(
                seq=sequence
            )
        )


STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _structure_in_place() -> None:
    """PostgreSQL changes tables in place: the new columns with their keys, the new status."""
    op.add_column(
        "tasks",
        sa.Column(
            "project_id",
            ID,
            sa.ForeignKey("projects.id", name="fk_tasks_project_id_projects", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.add_column(
        "tasks",
        sa.Column(
            "parent_id",
            ID,
            sa.ForeignKey("tasks.id", name="fk_tasks_parent_id_tasks", ondelete="CASCADE"),
            nullable=True,
        ),
    )
    op.create_check_constraint(op.f("ck_tasks_parent_id"), "tasks", "parent_id != id")
    op.create_index("ix_tasks_parent_id", "tasks", ["parent_id"])
    op.create_index("ix_tasks_project_id", "tasks", ["project_id"])
    op.drop_constraint(op.f("ck_tasks_status"), "tasks", type_="check")
    op.create_check_constraint(op.f("ck_tasks_status"), "tasks", _statuses(*NEW_STATUSES))


def upgrade() -> None:
    postgres = _postgres()
    op.create_table(
        "projects",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "archived",
            sa.Boolean(),
            server_default=sa.text("false" if postgres else "0"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            STAMP,
            server_default=sa.text("now()" if postgres else SQL_NOW),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(name) BETWEEN 1 AND 100 AND name = trim(name)", name="ck_projects_name"
        ),
        sa.CheckConstraint("length(description) <= 10000", name="ck_projects_description"),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_projects_lower_name", "projects", [sa.text("lower(name)")], unique=True)
    if postgres:
        _structure_in_place()
    else:
        op.add_column("tasks", sa.Column("project_id", ID, nullable=True))
        op.add_column("tasks", sa.Column("parent_id", ID, nullable=True))
        _rebuild(_tasks_table(NEW_STATUSES, structure=True))
    op.create_table(
        "task_dependencies",
        sa.Column("task_id", ID, nullable=False),
        sa.Column("depends_on_id", ID, nullable=False),
        sa.CheckConstraint("task_id != depends_on_id", name="ck_task_dependencies_not_itself"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name="fk_task_dependencies_task_id_tasks",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["tasks.id"],
            name="fk_task_dependencies_depends_on_id_tasks",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "depends_on_id", name="pk_task_dependencies"),
    )
    op.create_index("ix_task_dependencies_depends_on_id", "task_dependencies", ["depends_on_id"])
    op.execute("INSERT INTO task_counts (status, n) VALUES ('cancelled', 0)")


def downgrade() -> None:
    bind = op.get_bind()
    for (task_id,) in bind.execute(sa.text("SELECT id FROM tasks WHERE status = 'cancelled'")):
        log.warning("task %s: cancelled becomes complete (no such status before 0008)", task_id)
    # The count triggers move each one from the 'cancelled' count to 'complete'.
    op.execute(
        "UPDATE tasks SET status = 'complete', completed_at = updated_at WHERE status = 'cancelled'"
    )
    op.execute("DELETE FROM task_counts WHERE status = 'cancelled'")
    op.drop_index("ix_task_dependencies_depends_on_id", table_name="task_dependencies")
    op.drop_table("task_dependencies")
    if _postgres():
        op.drop_constraint(op.f("ck_tasks_status"), "tasks", type_="check")
        op.create_check_constraint(op.f("ck_tasks_status"), "tasks", _statuses(*OLD_STATUSES))
        op.drop_index("ix_tasks_project_id", table_name="tasks")
        op.drop_index("ix_tasks_parent_id", table_name="tasks")
        op.drop_column("tasks", "parent_id")  # (with its key and check)
        op.drop_column("tasks", "project_id")
    else:
        _rebuild(_tasks_table(OLD_STATUSES, structure=False))
    op.drop_index("ix_projects_lower_name", table_name="projects")
    op.drop_table("projects")
