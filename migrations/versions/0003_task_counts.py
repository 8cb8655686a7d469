"""task_counts: per-status task counts kept by triggers, for O(1) list totals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# list_tasks reports a total; counting 100,000 rows on every call costs more than the call.
# These triggers keep the per-status counts exact for every write, hand edits included.
TRIGGERS = {
    "task_counts_ai": """
        CREATE TRIGGER task_counts_ai AFTER INSERT ON tasks BEGIN
            UPDATE task_counts SET n = n + 1 WHERE status = new.status;
        END""",
    "task_counts_ad": """
        CREATE TRIGGER task_counts_ad AFTER DELETE ON tasks BEGIN
            UPDATE task_counts SET n = n - 1 WHERE status = old.status;
        END""",
    "task_counts_au": """
        CREATE TRIGGER task_counts_au AFTER UPDATE OF status ON tasks
        WHEN old.status IS NOT new.status BEGIN
            UPDATE task_counts SET n = n - 1 WHERE status = old.status;
            UPDATE task_counts SET n = n + 1 WHERE status = new.status;
        END""",
}


PG_TRIGGERS = """
    CREATE FUNCTION task_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE task_counts SET n = n - 1 WHERE status = OLD.status;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE task_counts SET n = n + 1 WHERE status = NEW.status;
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER task_counts_ai AFTER INSERT ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_counts_sync();
    CREATE TRIGGER task_counts_ad AFTER DELETE ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_counts_sync();
    CREATE TRIGGER task_counts_au AFTER UPDATE OF status ON tasks
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION task_counts_sync();"""


def upgrade() -> None:
    op.create_table(
        "task_counts",
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("status", name=op.f("pk_task_counts")),
    )
    op.execute(
        "INSERT INTO task_counts (status, n) "
        "SELECT s.status, (SELECT count(*) FROM tasks WHERE tasks.status = s.status) "
        "FROM (SELECT 'pending' AS status UNION ALL SELECT 'in_progress' "
        "UNION ALL SELECT 'complete') AS s"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for ddl in [PG_TRIGGERS] if postgres else TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS task_counts_sync() CASCADE")  # and its triggers
    else:
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("task_counts")
