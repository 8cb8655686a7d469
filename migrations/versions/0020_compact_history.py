"""compact history: a changed title or description is stored once, as its new text

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 23:00:00+00:00

An event kept each changed field as [old, new]. For a long text that doubles what history
costs: 10,000 edits of a 2,000-character description grew the file by 49 MB. Now an update
event keeps a changed title or description as [new] whenever an earlier event of the task
holds that field: its old text is that event's new one, and the store reads it from there
(store.history). The first change after history began (a task older than revision 0011, or
imported) still keeps [old, new], so no text is ever lost. Other fields are short and keep
[old, new]. Events written before this revision stay as they are; downgrading writes every
[new] out as [old, new] again.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
# The fields an event records (revision 0011); tags are JSON text, stored as JSON.
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
COMPACT = ("title", "description")
ACTOR = "(SELECT actor FROM task_event_actor WHERE id = 1)"
NAMED_KIND = "(SELECT kind FROM task_event_actor WHERE id = 1)"
ANY_CHANGE = " OR ".join(f"old.{f} IS NOT new.{f}" for f in FIELDS)
KIND = """CASE
    WHEN old.status IS NOT new.status AND new.status = 'complete' THEN 'complete'
    WHEN old.status IS NOT new.status AND new.status = 'cancelled' THEN 'cancel'
    WHEN old.claimed_by IS NOT new.claimed_by AND new.claimed_by IS NULL THEN 'release'
    WHEN old.claimed_by IS NOT new.claimed_by THEN 'claim'
    ELSE 'update' END"""


def _value(row: str, field: str) -> str:
    return f"json({row}.{field})" if field == "tags" else f"{row}.{field}"


def _change(field: str, *, compact: bool) -> str:
    pair = f"json_array({_value('old', field)}, {_value('new', field)})"
    if not compact or field not in COMPACT:
        return pair
    held = (
        f"EXISTS (SELECT 1 FROM task_events WHERE task_id = new.id"
        f" AND json_type(changes, '$.{field}') IS NOT NULL)"
    )
    return f"CASE WHEN {held} THEN json_array(new.{field}) ELSE {pair} END"


def _au_trigger(*, compact: bool) -> str:
    parts = " UNION ALL ".join(
        f"SELECT '{f}' AS field, {_change(f, compact=compact)} AS change"
        f" WHERE old.{f} IS NOT new.{f}"
        for f in FIELDS
    )
    return f"""
        CREATE TRIGGER task_events_au AFTER UPDATE ON tasks WHEN {ANY_CHANGE} BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id,
                new.version,
                CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                     ELSE {SQL_NOW} END,
                {ACTOR},
                coalesce({NAMED_KIND}, {KIND}),
                (SELECT json_group_object(field, json(change)) FROM ({parts}))
            );
        END"""


def _pg_write(*, compact: bool) -> str:
    fields = ", ".join(f"'{f}'" for f in FIELDS)
    pair = "jsonb_build_array(task_event_value(n.key, o.value), task_event_value(n.key, n.value))"
    if compact:
        kept = ", ".join(f"'{f}'" for f in COMPACT)
        pair = f"""CASE WHEN n.key IN ({kept}) AND EXISTS (
                       SELECT 1 FROM task_events AS e
                       WHERE e.task_id = NEW.id AND e.changes::jsonb ? n.key)
                   THEN jsonb_build_array(n.value) ELSE {pair} END"""
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
            WHERE key IN ({fields}) AND value != 'null';
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (NEW.id, NEW.version, NEW.created_at, who, coalesce(named, 'create'),
                    changed::text);
            RETURN NULL;
        END IF;
        SELECT jsonb_object_agg(n.key, {pair})
        INTO changed
        FROM jsonb_each(to_jsonb(NEW)) AS n JOIN jsonb_each(to_jsonb(OLD)) AS o USING (key)
        WHERE n.key IN ({fields}) AND n.value IS DISTINCT FROM o.value;
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


def _use(*, compact: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_write(compact=compact))
        return
    op.execute("DROP TRIGGER IF EXISTS task_events_au")
    op.execute(_au_trigger(compact=compact))


def upgrade() -> None:
    _use(compact=True)


def downgrade() -> None:
    _use(compact=False)
    # Every [new] written out as [old, new], the old being the field's previous value.
    bind = op.get_bind()
    events = bind.execute(sa.text("SELECT id, task_id, changes FROM task_events ORDER BY id"))
    latest: dict[tuple[int, str], object] = {}
    rewritten = []
    for event_id, task_id, text in events:
        try:
            changes = json.loads(text)
        except ValueError:
            continue
        if not isinstance(changes, dict):
            continue
        whole = False
        for field, pair in changes.items():
            if isinstance(pair, list) and len(pair) == 1:
                changes[field] = [latest.get((task_id, field)), pair[0]]
                whole = True
            if isinstance(pair, list) and pair:
                latest[task_id, field] = changes[field][-1]
        if whole:
            rewritten.append({"id": event_id, "changes": json.dumps(changes)})
    if rewritten:
        bind.execute(sa.text("UPDATE task_events SET changes = :changes WHERE id = :id"), rewritten)
