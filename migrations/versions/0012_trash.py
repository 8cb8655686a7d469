"""trash: deleted tasks kept for a while, so a delete can be taken back

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 18:45:00+00:00

A deleted task (with its subtasks) leaves `tasks` as before — so no list, search, count or
next_task ever sees it, and its dependents see it gone — but its rows and dependencies are
kept as one JSON entry in `trash`, with `trash_tasks` naming every task in it, until it is
restored or purged. Its history stays meanwhile: the delete trigger now records a 'delete'
event for a trashed task, and deletes the events only of a task deleted for good.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids and versions reach 2^53 - 1: bigint on PostgreSQL, whose integer holds 32 bits.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")

SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
TRASHED = "EXISTS (SELECT 1 FROM trash_tasks WHERE trash_tasks.task_id = old.id)"
OLD_AD = """
    CREATE TRIGGER task_events_ad AFTER DELETE ON tasks BEGIN
        DELETE FROM task_events WHERE task_id = old.id;
    END"""
NEW_TRIGGERS = {
    "task_events_ad": f"""
        CREATE TRIGGER task_events_ad AFTER DELETE ON tasks WHEN NOT {TRASHED} BEGIN
            DELETE FROM task_events WHERE task_id = old.id;
        END""",
    "task_events_trashed": f"""
        CREATE TRIGGER task_events_trashed AFTER DELETE ON tasks WHEN {TRASHED} BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                old.id, old.version, {SQL_NOW},
                (SELECT actor FROM task_event_actor WHERE id = 1), 'delete', '{{}}'
            );
        END""",
}


# On PostgreSQL the delete trigger's function (revision 0011) is replaced likewise.
PG_FORGET = """
    CREATE OR REPLACE FUNCTION task_events_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {trashed} THEN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (OLD.id, OLD.version, now(),
                    nullif(current_setting('task_tracker.actor', true), ''), 'delete', '{{}}');
        ELSE
            DELETE FROM task_events WHERE task_id = OLD.id;
        END IF;
        RETURN NULL;
    END $$"""
PG_OLD_FORGET = """
    CREATE OR REPLACE FUNCTION task_events_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM task_events WHERE task_id = OLD.id;
        RETURN NULL;
    END $$"""
STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "trash",
        sa.Column("id", ID, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", STAMP, nullable=False),
        sa.Column("deleted_by", sa.String(length=100), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_trash_deleted_at", "trash", ["deleted_at"])
    op.create_table(
        "trash_tasks",
        sa.Column("task_id", ID, nullable=False),
        sa.Column("trash_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["trash_id"], ["trash.id"], name="fk_trash_tasks_trash_id_trash", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", name="pk_trash_tasks"),
    )
    op.create_index("ix_trash_tasks_trash_id", "trash_tasks", ["trash_id"])
    if postgres:
        op.execute(PG_FORGET.format(trashed=TRASHED.replace("old.id", "OLD.id")))
        return
    op.execute("DROP TRIGGER task_events_ad")
    for ddl in NEW_TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    # What is in the trash is deleted for good: the old schema has nowhere to keep it.
    op.execute("DELETE FROM task_events WHERE task_id IN (SELECT task_id FROM trash_tasks)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_OLD_FORGET)
    else:
        for name in NEW_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(OLD_AD)
    op.drop_index("ix_trash_tasks_trash_id", table_name="trash_tasks")
    op.drop_table("trash_tasks")
    op.drop_index("ix_trash_deleted_at", table_name="trash")
    op.drop_table("trash")
