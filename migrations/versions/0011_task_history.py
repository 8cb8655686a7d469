"""history: task_events, written by triggers in the same transaction as every change

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 18:30:00+00:00

Each insert, update and delete of a task writes one event (its version, the time, who did
it, what kind of change, and each changed field as [old, new]), by database triggers: the
tools, the CLI and a person in the sqlite3 shell are recorded alike, and an event can never
exist without its change or the other way round. Who did it comes from the one-row table
task_event_actor, which the server sets inside each write transaction and clears before it
commits (with the kind, when the server names it: a revert); a change made by hand finds it
empty (actor NULL: unknown).

History starts at this revision: tasks that exist already get no event. Copying every
task's full text into the events at upgrade would double a large database and say nothing
the task row does not.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids and versions reach 2^53 - 1: bigint on PostgreSQL, whose integer holds 32 bits.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")

SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
# The fields an event records; tags are JSON text, stored as JSON in the event.
FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "due_date",
    "project_id",
    "parent_id",
    "claimed_by",
    "claimed_until",
    "completed_at",
)


def _value(row: str, field: str) -> str:
    return f"json({row}.{field})" if field == "tags" else f"{row}.{field}"


def _changes(changed: str) -> str:
    """The JSON object of every field for which `changed` (a format with {f}) holds."""
    parts = " UNION ALL ".join(
        f"SELECT '{f}' AS field, json_array({_value('old', f)}, {_value('new', f)}) AS change"
        f" WHERE {changed.format(f=f)}"
        for f in FIELDS
    )
    return f"(SELECT json_group_object(field, json(change)) FROM ({parts}))"


def _created() -> str:
    parts = " UNION ALL ".join(
        f"SELECT '{f}' AS field, json_array(NULL, {_value('new', f)}) AS change"
        f" WHERE new.{f} IS NOT NULL"
        for f in FIELDS
    )
    return f"(SELECT json_group_object(field, json(change)) FROM ({parts}))"


ACTOR = "(SELECT actor FROM task_event_actor WHERE id = 1)"
# The kind the server names for what it does (a revert), else the kind of change it is.
NAMED_KIND = "(SELECT kind FROM task_event_actor WHERE id = 1)"
ANY_CHANGE = " OR ".join(f"old.{f} IS NOT new.{f}" for f in FIELDS)
KIND = """CASE
    WHEN old.status IS NOT new.status AND new.status = 'complete' THEN 'complete'
    WHEN old.status IS NOT new.status AND new.status = 'cancelled' THEN 'cancel'
    WHEN old.claimed_by IS NOT new.claimed_by AND new.claimed_by IS NULL THEN 'release'
    WHEN old.claimed_by IS NOT new.claimed_by THEN 'claim'
    ELSE 'update' END"""

TRIGGERS = {
    "task_events_ai": f"""
        CREATE TRIGGER task_events_ai AFTER INSERT ON tasks BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id, new.version, new.created_at, {ACTOR}, coalesce({NAMED_KIND}, 'create'),
                {_created()}
            );
        END""",
    "task_events_au": f"""
        CREATE TRIGGER task_events_au AFTER UPDATE ON tasks WHEN {ANY_CHANGE} BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id,
                new.version,
                CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                     ELSE {SQL_NOW} END,
                {ACTOR},
                coalesce({NAMED_KIND}, {KIND}),
                {_changes("old.{f} IS NOT new.{f}")}
            );
        END""",
    # Deleting a task deletes its history: storage stays bounded by the tasks that exist.
    "task_events_ad": """
        CREATE TRIGGER task_events_ad AFTER DELETE ON tasks BEGIN
            DELETE FROM task_events WHERE task_id = old.id;
        END""",
}


# On PostgreSQL the same events come from plpgsql triggers. Who acts, and the kind the server
# names, are transaction-local settings (task_tracker.actor, task_tracker.kind) rather than
# the one-row table: many writers there would queue for that row's lock. The table is made
# there too, so both databases have the same tables.
_PG_FIELDS = ", ".join(f"'{f}'" for f in FIELDS)
PG_FUNCTIONS = f"""
    CREATE FUNCTION task_event_value(field text, value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN field = 'tags' AND value != 'null' THEN (value #>> '{{}}')::jsonb
                    ELSE value END
    $$;
    CREATE FUNCTION task_events_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        who text := nullif(current_setting('task_tracker.actor', true), '');
        named text := nullif(current_setting('task_tracker.kind', true), '');
        changed jsonb;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT coalesce(jsonb_object_agg(
                       key, jsonb_build_array(NULL, task_event_value(key, value))), '{{}}')
            INTO changed FROM jsonb_each(to_jsonb(NEW))
            WHERE key IN ({_PG_FIELDS}) AND value != 'null';
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (NEW.id, NEW.version, NEW.created_at, who, coalesce(named, 'create'),
                    changed::text);
            RETURN NULL;
        END IF;
        SELECT jsonb_object_agg(n.key, jsonb_build_array(
                   task_event_value(n.key, o.value), task_event_value(n.key, n.value)))
        INTO changed
        FROM jsonb_each(to_jsonb(NEW)) AS n JOIN jsonb_each(to_jsonb(OLD)) AS o USING (key)
        WHERE n.key IN ({_PG_FIELDS}) AND n.value IS DISTINCT FROM o.value;
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        VALUES (
            NEW.id, NEW.version,
            CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at
                 ELSE now() END,
            who,
            coalesce(named, CASE
                WHEN OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'complete'
                    THEN 'complete'
                WHEN OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'cancelled'
                    THEN 'cancel'
                WHEN OLD.claimed_by IS DISTINCT FROM NEW.claimed_by AND NEW.claimed_by IS NULL
                    THEN 'release'
                WHEN OLD.claimed_by IS DISTINCT FROM NEW.claimed_by THEN 'claim'
                ELSE 'update' END),
            changed::text
        );
        RETURN NULL;
    END $$;
    CREATE FUNCTION task_events_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM task_events WHERE task_id = OLD.id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER task_events_ai AFTER INSERT ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_events_write();
    CREATE TRIGGER task_events_au AFTER UPDATE ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_events_write();
    CREATE TRIGGER task_events_ad AFTER DELETE ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_events_forget();"""
PG_DROP = (
    "DROP FUNCTION IF EXISTS task_events_write() CASCADE",
    "DROP FUNCTION IF EXISTS task_events_forget() CASCADE",
    "DROP FUNCTION IF EXISTS task_event_value(text, jsonb)",
)
STAMP = sa.String(length=32).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "task_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.Column("version", ID, nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_task_events"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_task_events_task_id_id", "task_events", ["task_id", "id"])
    op.create_table(
        "task_event_actor",
        sa.Column("id", ID, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_task_event_actor_one_row"),
        sa.PrimaryKeyConstraint("id", name="pk_task_event_actor"),
    )
    op.execute("INSERT INTO task_event_actor (id, actor) VALUES (1, NULL)")
    for ddl in [PG_FUNCTIONS] if postgres else TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for ddl in PG_DROP if postgres else [f"DROP TRIGGER IF EXISTS {n}" for n in TRIGGERS]:
        op.execute(ddl)
    op.drop_table("task_event_actor")
    op.drop_index("ix_task_events_task_id_id", table_name="task_events")
    op.drop_table("task_events")
