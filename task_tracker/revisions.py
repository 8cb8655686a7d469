"""The schema's revisions as this task-tracker knows them, and where their scripts are: what
the migration code, PostgreSQL's preparation and `/health` read, with no import of their own
beyond the errors (so none of them imports another to learn the head)."""

from __future__ import annotations

from pathlib import Path

from task_tracker.errors import StartupError

_PACKAGE_DIR = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """The Alembic script directory: inside the wheel, or at the root of a checkout."""
    for candidate in (_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError("Alembic migrations not found next to the task_tracker package")


# Every revision in migrations/versions, oldest first. Kept here so that starting on a
# database already at head needs neither Alembic nor a scan of the scripts (startup time);
# tests/test_migrations.py checks it against Alembic's own view.
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
    "0021",
    "0022",
    "0023",
    "0024",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]


def refuse_unknown_revision(where: str, revision: str | None) -> None:
    """A schema from a newer task-tracker is left alone: this one cannot know its rules."""
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StartupError(
            f"{where} has schema revision {revision}, newer than this task-tracker knows "
            f"(up to {HEAD_REVISION}); upgrade task-tracker. The database was not changed."
        )
