"""create tasks and task_tags

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:30:00+00:00

On PostgreSQL timestamps are `timestamptz` and due dates `date` (SQLite keeps ISO-8601 text),
and a plpgsql trigger keeps task_tags (foreign keys are always on there, so a delete needs
none).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids and versions reach 2^53 - 1: bigint on PostgreSQL, whose integer holds 32 bits.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")

# task_tags mirrors tasks.tags (a JSON array) so tag filters use an index. Triggers keep it
# exact for every write, including rows edited by hand in the sqlite3 CLI.
STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")
DAY = sa.String(length=10).with_variant(sa.Date(), "postgresql")
PG_TAG_TRIGGER = """
    CREATE FUNCTION tasks_tags_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM task_tags WHERE task_id = OLD.id;
        END IF;
        INSERT INTO task_tags (task_id, tag)
        SELECT NEW.id, tag #>> '{}' FROM jsonb_array_elements(NEW.tags::jsonb) AS tag
        WHERE jsonb_typeof(tag) = 'string'
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$;
    CREATE TRIGGER tasks_tags_ai AFTER INSERT ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_tags_sync();
    CREATE TRIGGER tasks_tags_au AFTER UPDATE OF tags ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_tags_sync();"""
TAG_TRIGGERS = {
    "tasks_tags_ai": """
        CREATE TRIGGER tasks_tags_ai AFTER INSERT ON tasks BEGIN
            INSERT OR IGNORE INTO task_tags (task_id, tag)
            SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
        END""",
    "tasks_tags_au": """
        CREATE TRIGGER tasks_tags_au AFTER UPDATE OF tags ON tasks BEGIN
            DELETE FROM task_tags WHERE task_id = old.id;
            INSERT OR IGNORE INTO task_tags (task_id, tag)
            SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
        END""",
    # Also when foreign keys are off (the sqlite3 CLI's default), so no orphan rows remain.
    "tasks_tags_ad": """
        CREATE TRIGGER tasks_tags_ad AFTER DELETE ON tasks BEGIN
            DELETE FROM task_tags WHERE task_id = old.id;
        END""",
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        checks = [
            sa.CheckConstraint("jsonb_typeof(tags::jsonb) = 'array'", name=op.f("ck_tasks_tags"))
        ]
    else:
        checks = [
            sa.CheckConstraint(
                "json_valid(tags) AND json_type(tags) = 'array'", name=op.f("ck_tasks_tags")
            ),
            sa.CheckConstraint(
                "due_date IS NULL OR date(due_date, '+0 days') IS due_date",
                name=op.f("ck_tasks_due_date"),
            ),
        ]
    op.create_table(
        "tasks",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("priority", sa.String(length=16), server_default="medium", nullable=False),
        sa.Column("tags", sa.Text(), server_default="[]", nullable=False),
        sa.Column("due_date", DAY, nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.Column("completed_at", STAMP, nullable=True),
        sa.Column("version", ID, server_default="1", nullable=False),
        sa.CheckConstraint(
            "length(title) BETWEEN 1 AND 200 AND title = trim(title)", name=op.f("ck_tasks_title")
        ),
        sa.CheckConstraint("length(description) <= 10000", name=op.f("ck_tasks_description")),
        sa.CheckConstraint(
            "status IN ('pending', 'in_progress', 'complete')", name=op.f("ck_tasks_status")
        ),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name=op.f("ck_tasks_priority")),
        *checks,
        sa.CheckConstraint("version >= 1", name=op.f("ck_tasks_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_tasks_status_id", "tasks", ["status", "id"])
    op.create_index("ix_tasks_due_date", "tasks", ["due_date"])
    op.create_table(
        "task_tags",
        sa.Column("task_id", ID, nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_task_tags_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "tag", name=op.f("pk_task_tags")),
    )
    op.create_index("ix_task_tags_tag_task_id", "task_tags", ["tag", "task_id"])
    for ddl in [PG_TAG_TRIGGER] if postgres else TAG_TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS tasks_tags_sync() CASCADE")  # and its triggers
    else:
        for name in TAG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_task_tags_tag_task_id", table_name="task_tags")
    op.drop_table("task_tags")
    op.drop_index("ix_tasks_due_date", table_name="tasks")
    op.drop_index("ix_tasks_status_id", table_name="tasks")
    op.drop_table("tasks")
