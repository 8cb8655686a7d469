"""full-text search over title, description and tags (FTS5)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An external-content FTS5 index: the text lives once, in tasks; the index holds only tokens.
# porter + unicode61 remove_diacritics 2: "deploying" finds "deploy", "cafe" finds "café".
# prefix='2 3': prefix queries of 2-3+ characters (typing "dep...") use a prefix index.
CREATE_FTS = """
CREATE VIRTUAL TABLE tasks_fts USING fts5(
    title, description, tags,
    content='tasks', content_rowid='id',
    tokenize="porter unicode61 remove_diacritics 2",
    prefix='2 3'
)"""

# Triggers keep the index exactly in sync with every write, including hand edits in sqlite3.
TRIGGERS = {
    "tasks_fts_ai": """
        CREATE TRIGGER tasks_fts_ai AFTER INSERT ON tasks BEGIN
            INSERT INTO tasks_fts (rowid, title, description, tags)
            VALUES (new.id, new.title, new.description, new.tags);
        END""",
    "tasks_fts_ad": """
        CREATE TRIGGER tasks_fts_ad AFTER DELETE ON tasks BEGIN
            INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
            VALUES ('delete', old.id, old.title, old.description, old.tags);
        END""",
    "tasks_fts_au": """
        CREATE TRIGGER tasks_fts_au AFTER UPDATE OF id, title, description, tags ON tasks BEGIN
            INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
            VALUES ('delete', old.id, old.title, old.description, old.tags);
            INSERT INTO tasks_fts (rowid, title, description, tags)
            VALUES (new.id, new.title, new.description, new.tags);
        END""",
}


# On PostgreSQL: a stored tsvector column, weighted title > tags > description, kept by the
# database itself (a generated column: hand edits too), with a GIN index. The configuration
# stems English words like porter (snowball, without a stop-word list, so every word counts
# as in FTS5) and folds accents (unaccent, a trusted extension).
PG_DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH DICTIONARY task_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION task_search (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION task_search ALTER MAPPING FOR "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, task_stem",
    """ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('task_search', title), 'A')
        || setweight(to_tsvector('task_search', tags), 'B')
        || setweight(to_tsvector('task_search', description), 'C')) STORED""",
    "CREATE INDEX ix_tasks_search ON tasks USING gin (search)",
)
PG_DROP = (
    "DROP INDEX IF EXISTS ix_tasks_search",
    "ALTER TABLE tasks DROP COLUMN IF EXISTS search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS task_search",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS task_stem",
    # (unaccent stays: other schemas of the database may use it)
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for ddl in PG_DDL:
            op.execute(ddl)
        return
    op.execute(CREATE_FTS)
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    # Index the tasks that already exist.
    op.execute("INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for ddl in PG_DROP:
            op.execute(ddl)
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS tasks_fts")
