"""Alembic: empty -> head, no drift between models and revisions, one head, round trips."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from task_tracker.migrate import alembic_config, current_revision, migrations_dir, upgrade_to_head

REPO = Path(__file__).resolve().parents[1]


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(Path("unused.db")))
    heads = script.get_heads()
    assert len(heads) == 1, f"expected one head, found {heads}"
    return heads[0]


def tables(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def alembic_cli(*args: str, db_path: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TASK_TRACKER_DB": str(db_path)}
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_single_head_and_migrations_found() -> None:
    head_revision()
    assert migrations_dir() == REPO / "migrations"


def test_empty_to_head(db_path: Path) -> None:
    upgrade_to_head(db_path)
    assert current_revision(db_path) == head_revision()
    assert {"tasks", "task_tags", "alembic_version"} <= tables(db_path)


def test_alembic_upgrade_and_check_from_repo_root(db_path: Path) -> None:
    upgraded = alembic_cli("upgrade", "head", db_path=db_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert current_revision(db_path) == head_revision()
    checked = alembic_cli("check", db_path=db_path)
    assert checked.returncode == 0, checked.stderr
    assert "No new upgrade operations detected." in checked.stdout + checked.stderr


def test_downgrade_upgrade_round_trip(db_path: Path) -> None:
    upgrade_to_head(db_path)
    down = alembic_cli("downgrade", "base", db_path=db_path)
    assert down.returncode == 0, down.stderr
    assert tables(db_path) - {"sqlite_sequence"} == {"alembic_version"}
    assert current_revision(db_path) is None
    upgrade_to_head(db_path)
    assert current_revision(db_path) == head_revision()


def test_wheel_ships_migrations_and_runs_without_a_checkout(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("task_tracker-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(unpacked)
    assert "task_tracker/_migrations/env.py" in names
    assert any(n.startswith("task_tracker/_migrations/versions/0001") for n in names)
    db = tmp_path / "wheel.db"
    code = (
        "import task_tracker, task_tracker.migrate as d, pathlib, sys;"
        "print(task_tracker.__file__); print(d.migrations_dir());"
        f"d.upgrade_to_head(pathlib.Path({str(db)!r}))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    package_file, script_dir = ran.stdout.splitlines()[:2]
    assert package_file.startswith(str(unpacked))
    assert script_dir == str(unpacked / "task_tracker" / "_migrations")
    assert current_revision(db) == head_revision()


def all_revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(Path("unused.db")))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


SEED_ROWS = [
    (1, "Deploy the service", "before the release", "in_progress", "high", '["ops"]'),
    (2, "Café menu", "", "pending", "low", "[]"),
    (5, "Old finished work", "kept forever", "complete", "medium", '["archive","x"]'),
]


def seed(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO tasks (id, title, description, status, priority, tags, created_at,"
            " updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?,"
            " '2026-01-01T00:00:00.000000+00:00', '2026-01-02T00:00:00.000000+00:00',"
            " CASE WHEN ?4 = 'complete' THEN '2026-01-02T00:00:00.000000+00:00' END)",
            SEED_ROWS,
        )


@pytest.mark.parametrize("revision", all_revisions()[:-1])
def test_seeded_old_revision_upgrades_with_rows_intact(db_path: Path, revision: str) -> None:
    done = alembic_cli("upgrade", revision, db_path=db_path)
    assert done.returncode == 0, done.stderr
    seed(db_path)
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT * FROM tasks ORDER BY id").fetchall() == before
        assert conn.execute("SELECT task_id, tag FROM task_tags ORDER BY 1, 2").fetchall() == [
            (1, "ops"),
            (5, "archive"),
            (5, "x"),
        ]
        found = conn.execute(
            "SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH 'deploying OR cafe OR forever'"
            " ORDER BY rowid"
        ).fetchall()
    assert found == [(1,), (2,), (5,)]
    with sqlite3.connect(db_path) as conn:
        counts = dict(conn.execute("SELECT status, n FROM task_counts").fetchall())
    assert counts == {"pending": 1, "in_progress": 1, "complete": 1}
