"""Alembic's own view of migrations/versions, for the tests that check ours against it."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from task_tracker.migrate import alembic_config


def alembic_revisions() -> list[str]:
    """Every revision, oldest first; fails unless there is exactly one head."""
    script = ScriptDirectory.from_config(alembic_config(Path("unused.db")))
    heads = script.get_heads()
    assert len(heads) == 1, f"expected one head, found {heads}"
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
