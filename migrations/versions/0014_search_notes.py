"""search notes: a full-text index over task_notes, so search_tasks finds a task by its notes

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 20:05:00+00:00

Each note is its own document in `task_notes_fts` (external content: the text lives once, in
task_notes), with the tokenizer of tasks_fts so a word means the same in both. A note is not
folded into its task's document: notes are an append-only log of any length, and re-indexing
every note of a task on each new note or title edit would grow with the log.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE_FTS = """
CREATE VIRTUAL TABLE task_notes_fts USING fts5(
    text,
    content='task_notes', content_rowid='id',
    tokenize="porter unicode61 remove_diacritics 2",
    prefix='2 3'
)"""

# Triggers keep the index in sync with every write, hand edits in sqlite3 included.
TRIGGERS = {
    "task_notes_fts_ai": """
        CREATE TRIGGER task_notes_fts_ai AFTER INSERT ON task_notes BEGIN
            INSERT INTO task_notes_fts (rowid, text) VALUES (new.id, new.text);
        END""",
    "task_notes_fts_ad": """
        CREATE TRIGGER task_notes_fts_ad AFTER DELETE ON task_notes BEGIN
            INSERT INTO task_notes_fts (task_notes_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
        END""",
    "task_notes_fts_au": """
        CREATE TRIGGER task_notes_fts_au AFTER UPDATE OF id, text ON task_notes BEGIN
            INSERT INTO task_notes_fts (task_notes_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
            INSERT INTO task_notes_fts (rowid, text) VALUES (new.id, new.text);
        END""",
}


# On PostgreSQL: a generated tsvector per note (the configuration of revision 0002), GIN.
PG_DDL = (
    """ALTER TABLE task_notes ADD COLUMN search tsvector
        GENERATED ALWAYS AS (to_tsvector('task_search', text)) STORED""",
    "CREATE INDEX ix_task_notes_search ON task_notes USING gin (search)",
)
PG_DROP = (
    "DROP INDEX IF EXISTS ix_task_notes_search",
    "ALTER TABLE task_notes DROP COLUMN IF EXISTS search",
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgres():
        for ddl in PG_DDL:
            op.execute(ddl)
        return
    op.execute(CREATE_FTS)
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    op.execute("INSERT INTO task_notes_fts (task_notes_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if _postgres():
        for ddl in PG_DROP:
            op.execute(ddl)
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS task_notes_fts")
