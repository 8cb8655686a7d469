"""notes: a short append-only work log per task

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 19:00:00+00:00

Each note is also an event in the task's history (kind 'note'), written by a trigger in the
note's own transaction, so get_task's last changes and task_history show it (a note put back
by restore_task keeps its first event instead).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids and versions reach 2^53 - 1: bigint on PostgreSQL, whose integer holds 32 bits.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")

SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'))"
NOTE_EVENT = """
    CREATE TRIGGER task_notes_event AFTER INSERT ON task_notes
    WHEN (SELECT kind FROM task_event_actor WHERE id = 1) IS NOT 'restore' BEGIN
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        SELECT new.task_id, tasks.version, new.at, new.actor, 'note',
               json_object('note', json_array(NULL, new.text))
        FROM tasks WHERE tasks.id = new.task_id;
    END"""


PG_NOTE_EVENT = """
    CREATE FUNCTION task_notes_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF nullif(current_setting('task_tracker.kind', true), '') IS DISTINCT FROM 'restore'
        THEN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            SELECT NEW.task_id, tasks.version, NEW.at, NEW.actor, 'note',
                   jsonb_build_object('note', jsonb_build_array(NULL, NEW.text))::text
            FROM tasks WHERE tasks.id = NEW.task_id;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER task_notes_event AFTER INSERT ON task_notes
        FOR EACH ROW EXECUTE FUNCTION task_notes_event();"""
STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "task_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.Column(
            "at", STAMP, server_default=sa.text("now()" if postgres else SQL_NOW), nullable=False
        ),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 2000", name="ck_task_notes_text"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_task_notes_task_id_tasks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_task_notes"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_task_notes_task_id_id", "task_notes", ["task_id", "id"])
    op.execute(PG_NOTE_EVENT if postgres else NOTE_EVENT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS task_notes_event() CASCADE")
    else:
        op.execute("DROP TRIGGER IF EXISTS task_notes_event")
    op.drop_index("ix_task_notes_task_id_id", table_name="task_notes")
    op.drop_table("task_notes")
