"""dependency history: adding or removing a dependency is an event of the dependent task

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 20:50:00+00:00

A dependency is a row of task_dependencies, not a field of the task, so the task triggers of
revision 0011 never saw one change. These triggers write one event per dependency added
(`{"depends_on": [null, id]}`) or removed (`{"depends_on": [id, null]}`) in the change's own
transaction, at the task's current version (the task row itself does not change). A row
removed with its own task (a delete, or the trash) is not an event: the task's 'delete'
event says it. A dependency removed because the task it named was deleted is one: the
dependent task sees it go.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')"
ACTOR = "(SELECT actor FROM task_event_actor WHERE id = 1)"
NAMED_KIND = "(SELECT kind FROM task_event_actor WHERE id = 1)"


def _event(row: str, change: str) -> str:
    return f"""
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            SELECT tasks.id, tasks.version, {SQL_NOW}, {ACTOR}, coalesce({NAMED_KIND}, 'update'),
                   json_object('depends_on', json_array({change}))
            FROM tasks WHERE tasks.id = {row}.task_id;"""


TRIGGERS = {
    "task_dependencies_event_ai": f"""
        CREATE TRIGGER task_dependencies_event_ai AFTER INSERT ON task_dependencies BEGIN
            {_event("new", "NULL, new.depends_on_id")}
        END""",
    "task_dependencies_event_ad": f"""
        CREATE TRIGGER task_dependencies_event_ad AFTER DELETE ON task_dependencies BEGIN
            {_event("old", "old.depends_on_id, NULL")}
        END""",
}


PG_TRIGGERS = """
    CREATE FUNCTION task_dependencies_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        dependent integer;
        change jsonb;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            dependent := NEW.task_id;
            change := jsonb_build_array(NULL, NEW.depends_on_id);
        ELSE
            dependent := OLD.task_id;
            change := jsonb_build_array(OLD.depends_on_id, NULL);
        END IF;
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        SELECT tasks.id, tasks.version, now(),
               nullif(current_setting('task_tracker.actor', true), ''),
               coalesce(nullif(current_setting('task_tracker.kind', true), ''), 'update'),
               jsonb_build_object('depends_on', change)::text
        FROM tasks WHERE tasks.id = dependent;
        RETURN NULL;
    END $$;
    CREATE TRIGGER task_dependencies_event_ai AFTER INSERT ON task_dependencies
        FOR EACH ROW EXECUTE FUNCTION task_dependencies_event();
    CREATE TRIGGER task_dependencies_event_ad AFTER DELETE ON task_dependencies
        FOR EACH ROW EXECUTE FUNCTION task_dependencies_event();"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGERS)
        return
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS task_dependencies_event() CASCADE")
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
