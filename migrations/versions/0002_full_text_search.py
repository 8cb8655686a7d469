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


def upgrade() -> None:
    op.execute(CREATE_FTS)
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    # Index the tasks that already exist.
    op.execute("INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS tasks_fts")
