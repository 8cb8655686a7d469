"""tighter task checks: ISO UTC timestamps, completed_at with complete, tag rules, id range

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:30:00+00:00

Rows that break the new rules (hand edits in sqlite3) are repaired first, each one reported in
the log by id, never dropped: a timestamp SQLite can read is rewritten in the one stored format
(one it cannot read becomes the task's other timestamp, or the migration time); tags are
lower-cased, their spaces become '-', non-text ones become text or go; a complete task without
completed_at gets its updated_at, an open one loses a stray completed_at.

On PostgreSQL the timestamps are typed already (revision 0001): the same repairs of tags,
completed_at and ids, the same rules as constraints added in place, and the tag rules as a
plpgsql trigger.
"""

import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

ID_MAX = 2**53 - 1
ISO_GLOB = (
    "[0-9]" * 4
    + "-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]."
    + ("[0-9]" * 6 + "+00:00")
)
SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'))"


def _iso(column: str) -> str:
    return (
        f"{column} GLOB '{ISO_GLOB}' "
        f"AND date(substr({column}, 1, 10), '+0 days') IS substr({column}, 1, 10) "
        f"AND time(substr({column}, 12, 8)) IS substr({column}, 12, 8)"
    )


OLD_CHECKS = {
    "tags": "json_valid(tags) AND json_type(tags) = 'array'",
    "version": "version >= 1",
}
NEW_CHECKS = {
    "tags": "json_valid(tags) AND json_type(tags) = 'array' AND json_array_length(tags) <= 20",
    "version": f"version BETWEEN 1 AND {ID_MAX}",
    "id": f"id BETWEEN 1 AND {ID_MAX}",
    "created_at": _iso("created_at"),
    "updated_at": _iso("updated_at"),
    "completed_at": "(status = 'complete') = (completed_at IS NOT NULL) "
    f"AND (completed_at IS NULL OR {_iso('completed_at')})",
}

# One tag: text, 1-40 characters, lower-case, trimmed, no whitespace, comma or control
# character; no tag twice. json_each needs a subquery, which SQLite refuses in a CHECK.
# json_each cuts a value at NUL, so an escaped NUL is looked for in the JSON text itself.
BAD_TAGS = """json_valid(new.tags) AND json_type(new.tags) = 'array' AND (EXISTS (
    SELECT 1 FROM json_each(new.tags)
    WHERE type != 'text' OR value = '' OR length(value) > 40 OR value != lower(value)
       OR value GLOB '*[ ,' || char(9, 10, 11, 12, 13, 160) || ']*'
       OR value GLOB '*[' || char(1) || '-' || char(31) || char(127) || ']*'
) OR new.tags LIKE '%\\u0000%' OR (SELECT count(*) FROM json_each(new.tags))
   != (SELECT count(DISTINCT value) FROM json_each(new.tags)))"""
TAGS_MESSAGE = (
    "tags: each tag must be 1-40 characters of lower-case text without spaces, commas or "
    "control characters, and appear once"
)
TAG_CHECK_TRIGGERS = {
    name: f"""
        CREATE TRIGGER {name} BEFORE {event} ON tasks WHEN {BAD_TAGS}
        BEGIN
            SELECT RAISE(ABORT, '{TAGS_MESSAGE}');
        END"""
    for name, event in (
        ("tasks_tags_check_bi", "INSERT"),
        ("tasks_tags_check_bu", "UPDATE OF tags"),
    )
}


def _tasks_table(checks: dict[str, str], *, defaults: bool) -> sa.Table:
    now = sa.text(SQL_NOW) if defaults else None
    return sa.Table(
        "tasks",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("priority", sa.String(length=16), server_default="medium", nullable=False),
        sa.Column("tags", sa.Text(), server_default="[]", nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.String(length=32), server_default=now, nullable=False),
        sa.Column("updated_at", sa.String(length=32), server_default=now, nullable=False),
        sa.Column("completed_at", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "length(title) BETWEEN 1 AND 200 AND title = trim(title)", name="ck_tasks_title"
        ),
        sa.CheckConstraint("length(description) <= 10000", name="ck_tasks_description"),
        sa.CheckConstraint(
            "status IN ('pending', 'in_progress', 'complete')", name="ck_tasks_status"
        ),
        sa.CheckConstraint("priority IN ('low', 'medium', 'high')", name="ck_tasks_priority"),
        sa.CheckConstraint(
            "due_date IS NULL OR date(due_date, '+0 days') IS due_date", name="ck_tasks_due_date"
        ),
        *(sa.CheckConstraint(sql, name=f"ck_tasks_{name}") for name, sql in checks.items()),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.Index("ix_tasks_status_id", "status", "id"),
        sa.Index("ix_tasks_due_date", "due_date"),
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


# --- repairs ------------------------------------------------------------------------------------

_TAG_JUNK = re.compile(r"[\s,\x00-\x1f\x7f]+")


def _clean_tags(text: str) -> str:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        value = []
    tags: dict[str, None] = {}
    for tag in value if isinstance(value, list) else []:
        if isinstance(tag, bool) or tag is None or isinstance(tag, dict | list):
            continue
        cleaned = _TAG_JUNK.sub("-", str(tag).strip().lower()).strip("-")[:40]
        if cleaned:
            tags.setdefault(cleaned, None)
    return json.dumps(list(tags)[:20], ensure_ascii=False, separators=(",", ":"))


def _repair_rows() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC).isoformat(timespec="microseconds")

    # Readable timestamps in the stored format; what SQLite cannot read at all falls back to
    # the task's other timestamp, or to now (both columns are NOT NULL).
    def fmt(column: str) -> str:
        return f"strftime('%Y-%m-%dT%H:%M:%f000+00:00', {column})"

    fallbacks = {
        "created_at": f"coalesce({fmt('created_at')}, {fmt('updated_at')}, :now)",
        "updated_at": f"coalesce({fmt('updated_at')}, created_at, :now)",  # created_at is fixed
        "completed_at": fmt("completed_at"),
    }
    for column, repaired in fallbacks.items() if bind.dialect.name == "sqlite" else ():
        bad = f"{column} IS NOT NULL AND NOT ({_iso(column)})"
        for task_id, value in bind.execute(sa.text(f"SELECT id, {column} FROM tasks WHERE {bad}")):
            log.warning(
                "task %s: %s %r is not an ISO UTC timestamp; repaired", task_id, column, value
            )
        bind.execute(sa.text(f"UPDATE tasks SET {column} = {repaired} WHERE {bad}"), {"now": now})
    for task_id, status in bind.execute(
        sa.text(
            "SELECT id, status FROM tasks WHERE (status = 'complete') != (completed_at IS NOT NULL)"
        )
    ):
        log.warning("task %s: completed_at did not match status %r; repaired", task_id, status)
    bind.execute(
        sa.text(
            "UPDATE tasks SET completed_at = CASE WHEN status = 'complete' THEN updated_at END "
            "WHERE (status = 'complete') != (completed_at IS NOT NULL)"
        )
    )
    for task_id, tags in bind.execute(sa.text("SELECT id, tags FROM tasks")).all():
        cleaned = _clean_tags(tags)
        if cleaned != tags:
            log.warning("task %s: tags %s repaired to %s", task_id, tags, cleaned)
            bind.execute(
                sa.text("UPDATE tasks SET tags = :tags WHERE id = :id"),
                {"tags": cleaned, "id": task_id},
            )
    for (task_id,) in bind.execute(
        sa.text(f"SELECT id FROM tasks WHERE version > {ID_MAX} OR id > {ID_MAX}")
    ):
        log.warning("task %s: id or version is above %s; version reset to 1", task_id, ID_MAX)
    bind.execute(sa.text(f"UPDATE tasks SET version = 1 WHERE version > {ID_MAX}"))
    if bind.execute(sa.text(f"SELECT 1 FROM tasks WHERE id > {ID_MAX}")).first():
        raise RuntimeError(
            f"tasks with ids above {ID_MAX} cannot be kept as they are: export the database, "
            "then import it into a new file with --new-ids"
        )


PG_TAGS = {
    "old": "jsonb_typeof(tags::jsonb) = 'array'",
    "new": "jsonb_typeof(tags::jsonb) = 'array' AND jsonb_array_length(tags::jsonb) <= 20",
}
PG_NEW_CHECKS = {name: NEW_CHECKS[name] for name in ("version", "id", "completed_at")}
PG_NEW_CHECKS["completed_at"] = "(status = 'complete') = (completed_at IS NOT NULL)"
PG_TAG_RULES = r"""
    CREATE FUNCTION tasks_tags_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        given jsonb := NEW.tags::jsonb;
    BEGIN
        IF jsonb_typeof(given) = 'array' AND (
            EXISTS (
                SELECT 1 FROM jsonb_array_elements(given) AS t(v)
                WHERE jsonb_typeof(v) != 'string' OR v #>> '{}' = ''
                   OR length(v #>> '{}') > 40 OR v #>> '{}' != lower(v #>> '{}')
                   OR v #>> '{}' ~ '[\s,\u00a0[:cntrl:]]'
            )
            OR (SELECT count(*) FROM jsonb_array_elements(given))
               != (SELECT count(DISTINCT v) FROM jsonb_array_elements(given) AS t(v))
        ) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'TAGS_MESSAGE';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER tasks_tags_check_bi BEFORE INSERT ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_tags_check();
    CREATE TRIGGER tasks_tags_check_bu BEFORE UPDATE OF tags ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_tags_check();""".replace("TAGS_MESSAGE", TAGS_MESSAGE)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    _repair_rows()
    if _postgres():
        for column in ("created_at", "updated_at"):
            op.alter_column("tasks", column, server_default=sa.text("now()"))
        for name in ("tags", "version"):
            op.drop_constraint(op.f(f"ck_tasks_{name}"), "tasks", type_="check")
        for name, sql in {"tags": PG_TAGS["new"], **PG_NEW_CHECKS}.items():
            op.create_check_constraint(op.f(f"ck_tasks_{name}"), "tasks", sql)
        op.execute(PG_TAG_RULES)
        return
    _rebuild(_tasks_table(NEW_CHECKS, defaults=True))
    for ddl in TAG_CHECK_TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    if _postgres():
        op.execute("DROP FUNCTION IF EXISTS tasks_tags_check() CASCADE")  # and its triggers
        for name in ("tags", *PG_NEW_CHECKS):
            op.drop_constraint(op.f(f"ck_tasks_{name}"), "tasks", type_="check")
        for name, sql in {"tags": PG_TAGS["old"], "version": OLD_CHECKS["version"]}.items():
            op.create_check_constraint(op.f(f"ck_tasks_{name}"), "tasks", sql)
        for column in ("created_at", "updated_at"):
            op.alter_column("tasks", column, server_default=None)
        return
    for name in TAG_CHECK_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    _rebuild(_tasks_table(OLD_CHECKS, defaults=False))
