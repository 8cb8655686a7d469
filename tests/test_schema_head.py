"""The schema's rules at head, readable in one file per database (migrations/head/): every
table, column, CHECK, index, trigger, function and generated column a fresh database gets from
the revisions, as its catalogue states it. The revisions stay frozen; this file is what they
add up to. A revision that changes a rule changes the file with it (UPDATE_SNAPSHOTS=1 writes
it; review the diff), so no drift between the two goes unnoticed, on either database."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

from task_tracker.backends import prepare_database
from task_tracker.postgres import DatabaseURL

HEAD = Path(__file__).resolve().parents[1] / "migrations" / "head"

SQLITE = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
POSTGRESQL = {
    "columns": """
        SELECT table_name || '.' || column_name, data_type
            || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END
            || coalesce(' DEFAULT ' || column_default, '')
            || coalesce(' GENERATED ALWAYS AS (' || generation_expression || ') STORED', '')
        FROM information_schema.columns WHERE table_schema = 'public'
        ORDER BY table_name, ordinal_position""",
    "constraints": """
        SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ORDER BY conrelid::regclass::text, conname""",
    "indexes": """
        SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        ORDER BY indexname""",
    "functions": """
        SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc AS p
        WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS (
            SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
        ORDER BY p.proname""",
    "triggers": """
        SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
        ORDER BY tgrelid::regclass::text, tgname""",
}


def _items(body: str) -> list[str]:
    """A CREATE TABLE's items, split at the commas outside parentheses and quotes."""
    items, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(body):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            items.append(body[start:index].strip())
            start = index + 1
    return [*items, body[start:].strip()]


def normalized(sql: str) -> str:
    """A CREATE TABLE with its constraints in name order: a table rebuilt from SQLAlchemy's
    Table (revisions 0004, 0008) lists them in an order that changes with Python's hash seed,
    and that order means nothing."""
    sql = sql.strip()
    if not sql.startswith("CREATE TABLE") or "(" not in sql:
        return sql
    head, body = sql.split("(", 1)
    body = body.rsplit(")", 1)[0]
    items = _items(body)
    keyword = ("CONSTRAINT", "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY")
    columns = [item for item in items if not item.upper().startswith(keyword)]
    rules = sorted(item for item in items if item.upper().startswith(keyword))
    return head.strip() + " (\n    " + ",\n    ".join([*columns, *rules]) + "\n)"


def rendered_sqlite(path: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(SQLITE).all()
    engine.dispose()
    header = (
        "-- A SQLite database at head, as sqlite_master states it (tests/test_schema_head.py).\n"
    )
    return header + "".join(f"\n-- {kind} {name}\n{normalized(sql)};\n" for kind, name, sql in rows)


def rendered_postgresql(url: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    parts = ["-- A PostgreSQL database at head, as its catalogue states it"
             " (tests/test_schema_head.py).\n"]  # fmt: skip
    with engine.connect() as conn:
        for section, query in POSTGRESQL.items():
            parts.append(f"\n-- {section}\n")
            for name, definition in conn.exec_driver_sql(query):
                text = definition.strip()
                parts.append(f"{name}: {text}\n" if "\n" not in text else f"-- {name}\n{text}\n")
    engine.dispose()
    return "".join(parts)


def compare(rendered: str, name: str) -> None:
    path = HEAD / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(rendered)
    assert rendered == path.read_text(), f"{name} differs from the schema the revisions make"


def test_sqlite_at_head_is_what_the_head_file_says(db_path: Path) -> None:
    prepare_database(db_path)
    compare(rendered_sqlite(db_path), "sqlite.sql")


def test_postgresql_at_head_is_what_the_head_file_says(pg_url: str) -> None:
    prepare_database(DatabaseURL(pg_url))
    compare(rendered_postgresql(pg_url), "postgresql.sql")
