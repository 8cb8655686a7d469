"""acceptance criteria, deferral, repeating tasks and typed links

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 04:20:00+00:00

Six columns on tasks, each NULL for every task written before:
- criteria: a JSON array of {"text", "checked"} items, the definition of done a task must meet
  before it completes (operations refuse otherwise, unless asked);
- defer_until: a moment before which next_task does not offer the task;
- repeat: daily, weekly, monthly, weekdays, every N days or every N weeks: completing the task
  opens its next occurrence, whose repeat_of names the one before;
- discovered_from: the task being done when this one was found;
- duplicate_of: the task this one was closed as a duplicate of.
The links are foreign keys that a deleted task's id clears (ON DELETE SET NULL), each with a
partial index: deleting a task finds what points at it without reading every task; the brief
reads the newest discovered tasks by id from one more. The history triggers record the new
fields as they record the others (who changed them, when, from what to what). SQLite adds
the columns in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
STAMP = sa.String(length=32).with_variant(sa.TIMESTAMP(timezone=True), "postgresql")
LINKS = ("repeat_of", "discovered_from", "duplicate_of")
ISO_GLOB = (
    "[0-9]" * 4
    + "-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]."
    + ("[0-9]" * 6 + "+00:00")
)
SQLITE_CHECKS = {
    "criteria": "criteria IS NULL OR (json_valid(criteria) AND json_type(criteria) = 'array' "
    "AND json_array_length(criteria) BETWEEN 1 AND 20)",
    "defer_until": f"defer_until IS NULL OR (defer_until GLOB '{ISO_GLOB}' "
    "AND datetime(substr(defer_until, 1, 19)) IS replace(substr(defer_until, 1, 19), 'T', ' '))",
    "repeat": "repeat IS NULL OR repeat IN ('daily', 'weekly', 'monthly', 'weekdays') "
    "OR repeat GLOB 'every [1-9] days' OR repeat GLOB 'every [1-9][0-9] days' "
    "OR repeat GLOB 'every [1-9][0-9][0-9] days' OR repeat GLOB 'every [1-9] weeks' "
    "OR repeat GLOB 'every [1-9][0-9] weeks'",
}
POSTGRES_CHECKS = {
    "criteria": "criteria IS NULL OR (jsonb_typeof(criteria::jsonb) = 'array' "
    "AND jsonb_array_length(criteria::jsonb) BETWEEN 1 AND 20)",
    "repeat": "repeat IS NULL OR repeat IN ('daily', 'weekly', 'monthly', 'weekdays') "
    "OR repeat ~ '^every [1-9][0-9]{0,2} days$' OR repeat ~ '^every [1-9][0-9]? weeks$'",
}

SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
OLD_FIELDS = (
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
NEW_FIELDS = (
    *OLD_FIELDS,
    "criteria",
    "defer_until",
    "repeat",
    "repeat_of",
    "discovered_from",
    "duplicate_of",
)
JSON_FIELDS = ("tags", "criteria")  # JSON text, recorded as JSON
COMPACT = ("title", "description")
ACTOR = "(SELECT actor FROM task_event_actor WHERE id = 1)"
NAMED_KIND = "(SELECT kind FROM task_event_actor WHERE id = 1)"
KIND = """CASE
    WHEN old.status IS NOT new.status AND new.status = 'complete' THEN 'complete'
    WHEN old.status IS NOT new.status AND new.status = 'cancelled' THEN 'cancel'
    WHEN old.claimed_by IS NOT new.claimed_by AND new.claimed_by IS NULL THEN 'release'
    WHEN old.claimed_by IS NOT new.claimed_by THEN 'claim'
    ELSE 'update' END"""


def _value(row: str, field: str) -> str:
    return f"json({row}.{field})" if field in JSON_FIELDS else f"{row}.{field}"


def _change(field: str) -> str:
    pair = f"json_array({_value('old', field)}, {_value('new', field)})"
    if field not in COMPACT:
        return pair
    held = (
        f"EXISTS (SELECT 1 FROM task_events WHERE task_id = new.id"
        f" AND json_type(changes, '$.{field}') IS NOT NULL)"
    )
    return f"CASE WHEN {held} THEN json_array(new.{field}) ELSE {pair} END"


def _sqlite_triggers(fields: Sequence[str]) -> tuple[str, str]:
    created = " UNION ALL ".join(
        f"SELECT '{f}' AS field, json_array(NULL, {_value('new', f)}) AS change"
        f" WHERE new.{f} IS NOT NULL"
        for f in fields
    )
    changed = " UNION ALL ".join(
        f"SELECT '{f}' AS field, {_change(f)} AS change WHERE old.{f} IS NOT new.{f}"
        for f in fields
    )
    any_change = " OR ".join(f"old.{f} IS NOT new.{f}" for f in fields)
    insert = f"""
        CREATE TRIGGER task_events_ai AFTER INSERT ON tasks BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id, new.version, new.created_at, {ACTOR}, coalesce({NAMED_KIND}, 'create'),
                (SELECT json_group_object(field, json(change)) FROM ({created}))
            );
        END"""
    update = f"""
        CREATE TRIGGER task_events_au AFTER UPDATE ON tasks WHEN {any_change} BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id,
                new.version,
                CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                     ELSE {SQL_NOW} END,
                {ACTOR},
                coalesce({NAMED_KIND}, {KIND}),
                (SELECT json_group_object(field, json(change)) FROM ({changed}))
            );
        END"""
    return insert, update


def _pg_value(fields: Sequence[str]) -> str:
    json_fields = ", ".join(f"'{f}'" for f in JSON_FIELDS if f in fields)
    return f"""
    CREATE OR REPLACE FUNCTION task_event_value(field text, value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN field IN ({json_fields}) AND value != 'null'
                    THEN (value #>> '{{}}')::jsonb ELSE value END
    $$"""


def _pg_write(fields: Sequence[str]) -> str:
    listed = ", ".join(f"'{f}'" for f in fields)
    kept = ", ".join(f"'{f}'" for f in COMPACT)
    pair = "jsonb_build_array(task_event_value(n.key, o.value), task_event_value(n.key, n.value))"
    return f"""
    CREATE OR REPLACE FUNCTION task_events_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        who text := nullif(current_setting('task_tracker.actor', true), '');
        named text := nullif(current_setting('task_tracker.kind', true), '');
        changed jsonb;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT coalesce(jsonb_object_agg(
                       key, jsonb_build_array(NULL, task_event_value(key, value))), '{{}}')
            INTO changed FROM jsonb_each(to_jsonb(NEW))
            WHERE key IN ({listed}) AND value != 'null';
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (NEW.id, NEW.version, NEW.created_at, who, coalesce(named, 'create'),
                    changed::text);
            RETURN NULL;
        END IF;
        SELECT jsonb_object_agg(n.key, CASE WHEN n.key IN ({kept}) AND EXISTS (
                       SELECT 1 FROM task_events AS e
                       WHERE e.task_id = NEW.id AND e.changes::jsonb ? n.key)
                   THEN jsonb_build_array(n.value) ELSE {pair} END)
        INTO changed
        FROM jsonb_each(to_jsonb(NEW)) AS n JOIN jsonb_each(to_jsonb(OLD)) AS o USING (key)
        WHERE n.key IN ({listed}) AND n.value IS DISTINCT FROM o.value;
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
    END $$"""


def _record(fields: Sequence[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_value(fields))
        op.execute(_pg_write(fields))
        return
    op.execute("DROP TRIGGER IF EXISTS task_events_ai")
    op.execute("DROP TRIGGER IF EXISTS task_events_au")
    for sql in _sqlite_triggers(fields):
        op.execute(sql)


def _where(column: str) -> dict[str, sa.TextClause]:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its CHECK and REFERENCES in place (a NULL default).
        for name, kind in (("criteria", "TEXT"), ("defer_until", "VARCHAR(32)")):
            op.execute(
                f"ALTER TABLE tasks ADD COLUMN {name} {kind} "
                f"CONSTRAINT ck_tasks_{name} CHECK ({SQLITE_CHECKS[name]})"
            )
        op.execute(
            "ALTER TABLE tasks ADD COLUMN repeat VARCHAR(32) "
            f"CONSTRAINT ck_tasks_repeat CHECK ({SQLITE_CHECKS['repeat']})"
        )
        for link in LINKS:
            op.execute(
                f"ALTER TABLE tasks ADD COLUMN {link} INTEGER "
                f"CONSTRAINT fk_tasks_{link}_tasks REFERENCES tasks (id) ON DELETE SET NULL "
                f"CONSTRAINT ck_tasks_{link} CHECK ({link} != id)"
            )
    else:
        op.add_column("tasks", sa.Column("criteria", sa.Text(), nullable=True))
        op.add_column("tasks", sa.Column("defer_until", STAMP, nullable=True))
        op.add_column("tasks", sa.Column("repeat", sa.String(32), nullable=True))
        for name, sql in POSTGRES_CHECKS.items():
            op.create_check_constraint(f"ck_tasks_{name}", "tasks", sql)
        for link in LINKS:
            op.add_column(
                "tasks",
                sa.Column(
                    link,
                    ID,
                    sa.ForeignKey("tasks.id", name=f"fk_tasks_{link}_tasks", ondelete="SET NULL"),
                    nullable=True,
                ),
            )
            op.create_check_constraint(f"ck_tasks_{link}", "tasks", f"{link} != id")
    for link in LINKS:
        op.create_index(f"ix_tasks_{link}", "tasks", [link], **_where(link))
    # The brief reads the newest tasks found while doing another, by id.
    op.create_index("ix_tasks_discovered", "tasks", ["id"], **_where("discovered_from"))
    # next_task passes over deferred tasks: the few there are, by when they come back.
    op.create_index("ix_tasks_defer_until", "tasks", ["defer_until"], **_where("defer_until"))
    _record(NEW_FIELDS)


def downgrade() -> None:
    _record(OLD_FIELDS)
    op.drop_index("ix_tasks_defer_until", table_name="tasks")
    op.drop_index("ix_tasks_discovered", table_name="tasks")
    for link in LINKS:
        op.drop_index(f"ix_tasks_{link}", table_name="tasks")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name in ("criteria", "defer_until", "repeat", *LINKS):
        if sqlite:
            op.execute(f"ALTER TABLE tasks DROP COLUMN {name}")  # (its CHECK and key too)
        else:
            op.drop_column("tasks", name)
