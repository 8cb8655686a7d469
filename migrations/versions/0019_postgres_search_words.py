"""PostgreSQL: search splits text into words at punctuation, as SQLite's tokenizer does

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 22:50:00+00:00

PostgreSQL's text-search parser keeps an e-mail address, a URL or a host name as one token
(`foo@bar.com`, `x.y/z`), where SQLite's unicode61 tokenizer, which search on SQLite uses,
splits at every punctuation mark: `bar` found a task holding `foo@bar.com` on SQLite only,
and `c`, typed as a prefix, found `.com` there only. The search vectors now index the text
with each run of punctuation read as a space (task_words), so a word is the same word on
both databases; search_postgres reads a typed word the same way. The vectors are generated
columns: they are dropped and made again (a rewrite of both tables, with their indexes).
SQLite: nothing changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# IMMUTABLE, so generated columns may call it; a SQL function PostgreSQL inlines.
WORDS = """
    CREATE FUNCTION task_words(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace($1, '[[:punct:]]+', ' ', 'g') $$"""


def _vectors(words: str) -> tuple[str, ...]:
    """The two search vectors with `words` (a format with {0}) applied to each text."""
    tasks = (
        f"setweight(to_tsvector('task_search', {words.format('title')}), 'A')"
        f" || setweight(to_tsvector('task_search', {words.format('tags')}), 'B')"
        f" || setweight(to_tsvector('task_search', {words.format('description')}), 'C')"
    )
    notes = f"to_tsvector('task_search', {words.format('text')})"
    return (
        "ALTER TABLE tasks DROP COLUMN search",  # (its index goes with it)
        f"ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS ({tasks}) STORED",
        "CREATE INDEX ix_tasks_search ON tasks USING gin (search)",
        "ALTER TABLE task_notes DROP COLUMN search",
        f"ALTER TABLE task_notes ADD COLUMN search tsvector GENERATED ALWAYS AS ({notes}) STORED",
        "CREATE INDEX ix_task_notes_search ON task_notes USING gin (search)",
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(WORDS)
    for statement in _vectors("task_words({0})"):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _vectors("{0}"):  # revisions 0002 and 0014's vectors
        op.execute(statement)
    op.execute("DROP FUNCTION task_words(text)")
