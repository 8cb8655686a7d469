"""Alembic: empty -> head, no drift between models and revisions, one head, round trips."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from task_tracker.migrate import current_revision, migrations_dir, upgrade_to_head
from tests.revisions import alembic_revisions

REPO = Path(__file__).resolve().parents[1]


def head_revision() -> str:
    return alembic_revisions()[-1]


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


@pytest.mark.parametrize("revision", alembic_revisions()[:-1])
def test_seeded_old_revision_upgrades_with_rows_intact(db_path: Path, revision: str) -> None:
    done = alembic_cli("upgrade", revision, db_path=db_path)
    assert done.returncode == 0, done.stderr
    seed(db_path)
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        # Every row as it was; the columns later revisions add (project, parent, claim) at
        # the end, empty.
        after = conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()
        assert [row[:11] for row in after] == [row[:11] for row in before]
        assert {value for row in after for value in row[11:]} == {None}
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
    assert counts == {
        "pending": 1,
        "in_progress": 1,
        "in_review": 0,
        "complete": 1,
        "cancelled": 0,
    }


BAD_ROWS = [
    # id, status, tags, created_at, updated_at, completed_at
    (1, "pending", '["Work","two words",7,null,"work"]', "2026-01-01 10:00:00", "yesterday", None),
    (
        2,
        "complete",
        "[]",
        "2026-01-01T00:00:00.000000+00:00",
        "2026-01-03T00:00:00.000000+00:00",
        None,
    ),
    (3, "pending", '["ok"]', "garbage", "also garbage", "2026-01-01T00:00:00.000000+00:00"),
]


def test_bad_hand_edited_rows_are_repaired_by_0004_never_dropped(db_path: Path) -> None:
    assert alembic_cli("upgrade", "0003", db_path=db_path).returncode == 0
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO tasks (id, title, status, tags, created_at, updated_at, completed_at)"
            " VALUES (?, 'hand made', ?, ?, ?, ?, ?)",
            BAD_ROWS,
        )
        conn.execute("DELETE FROM tasks WHERE id = 3")  # ids are never reused, also after 0004
        conn.execute(
            "INSERT INTO tasks (id, title, status, tags, created_at, updated_at) "
            "SELECT 3, 'again', 'pending', '[]', 'x', 'y'"
        )
    upgraded = alembic_cli("upgrade", "head", db_path=db_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "task 1: tags" in upgraded.stderr
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT id, status, tags, created_at, updated_at, completed_at FROM tasks ORDER BY id"
        ).fetchall()
        conn.execute("INSERT INTO tasks (title) VALUES ('next')")
        next_id = conn.execute("SELECT max(id) FROM tasks").fetchone()[0]
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert [row[0] for row in rows] == [1, 2, 3]
    assert rows[0][1:4] == (
        "pending",
        '["work","two-words","7"]',
        "2026-01-01T10:00:00.000000+00:00",
    )
    assert rows[0][4] == rows[0][3]  # unreadable updated_at falls back to created_at
    assert rows[1][5] == "2026-01-03T00:00:00.000000+00:00"  # complete: completed_at = updated_at
    assert rows[2][5] is None and rows[2][3] == rows[2][4]
    assert next_id == 4
    assert {"tasks_fts_ai", "tasks_tags_ai", "task_counts_ai", "tasks_tags_check_bi"} <= triggers


def test_alembic_revision_is_numbered_and_ruff_clean(tmp_path: Path, db_path: Path) -> None:
    import shutil

    scripts = tmp_path / "migrations"
    shutil.copytree(REPO / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    ini = tmp_path / "alembic.ini"
    ini.write_text((REPO / "alembic.ini").read_text())
    assert alembic_cli("upgrade", "head", db_path=db_path, cwd=tmp_path).returncode == 0
    made = alembic_cli(
        "revision", "--autogenerate", "-m", "add a column", db_path=db_path, cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    number = int(alembic_revisions()[-1]) + 1
    new = scripts / "versions" / f"{number:04d}_add_a_column.py"
    assert new.is_file(), sorted(p.name for p in (scripts / "versions").iterdir())
    assert f'revision: str = "{number:04d}"' in new.read_text()
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(REPO / "pyproject.toml"), str(new)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ruff.returncode == 0, ruff.stdout
    formatted = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--check",
            "--config",
            str(REPO / "pyproject.toml"),
            str(new),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert formatted.returncode == 0, formatted.stdout


def test_0008_down_and_up_keeps_every_task(db_path: Path) -> None:
    """Projects, parents and dependencies go with 0008's downgrade; every task stays, a
    cancelled one as complete (the old schema's only closed status), and counts stay exact."""
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO projects (name) VALUES ('Home')")
        conn.executemany(
            "INSERT INTO tasks (id, title, status, project_id, parent_id, completed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (1, "parent", "pending", 1, None, None),
                (2, "child", "cancelled", 1, 1, None),
                (3, "done", "complete", None, None, "2026-01-01T00:00:00.000000+00:00"),
            ],
        )
        conn.execute("INSERT INTO task_dependencies VALUES (1, 3)")
        updated = conn.execute("SELECT updated_at FROM tasks WHERE id = 2").fetchone()[0]
    down = alembic_cli("downgrade", "0007", db_path=db_path)
    assert down.returncode == 0, down.stderr
    assert "task 2: cancelled becomes complete" in down.stderr
    assert {"projects", "task_dependencies"} & tables(db_path) == set()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, title, status, completed_at FROM tasks").fetchall() == [
            (1, "parent", "pending", None),
            (2, "child", "complete", updated),
            (3, "done", "complete", "2026-01-01T00:00:00.000000+00:00"),
        ]
        counts = dict(conn.execute("SELECT status, n FROM task_counts").fetchall())
        assert counts == {"pending": 1, "in_progress": 0, "complete": 2}
        conn.execute("INSERT INTO tasks (title) VALUES ('after')")  # the id sequence is kept
        assert conn.execute("SELECT max(id) FROM tasks").fetchone() == (4,)
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*), max(id) FROM tasks").fetchone() == (4, 4)
        counts = dict(conn.execute("SELECT status, n FROM task_counts").fetchall())
        assert counts == {
            "pending": 2,
            "in_progress": 0,
            "in_review": 0,
            "complete": 2,
            "cancelled": 0,
        }


def test_0020_down_writes_each_compact_change_out_whole_and_up_compacts_again(
    db_path: Path,
) -> None:
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:  # by hand, as in the sqlite3 shell
        conn.execute("INSERT INTO tasks (title, description) VALUES ('t', 'one')")
        conn.execute("UPDATE tasks SET description = 'two', version = 2")
        conn.execute("UPDATE tasks SET description = 'three', title = 'u', version = 3")
    events = "SELECT changes FROM task_events ORDER BY id"
    with sqlite3.connect(db_path) as conn:
        assert [r[0] for r in conn.execute(events)][1:] == [
            '{"description":["two"]}',
            '{"title":["u"],"description":["three"]}',
        ]
    down = alembic_cli("downgrade", "0019", db_path=db_path)
    assert down.returncode == 0, down.stderr
    with sqlite3.connect(db_path) as conn:
        assert [json.loads(r[0]) for r in conn.execute(events)][1:] == [
            {"description": ["one", "two"]},
            {"title": ["t", "u"], "description": ["two", "three"]},
        ]
        conn.execute("UPDATE tasks SET description = 'four', version = 4")  # 0011's trigger
        assert json.loads(conn.execute(events).fetchall()[-1][0]) == {
            "description": ["three", "four"]
        }
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tasks SET description = 'five', version = 5")
        assert conn.execute(events).fetchall()[-1][0] == '{"description":["five"]}'


def test_0021_makes_every_note_a_note_and_keeps_them_through_down_and_up(db_path: Path) -> None:
    up = alembic_cli("upgrade", "0020", db_path=db_path)
    assert up.returncode == 0, up.stderr
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO tasks (title) VALUES ('t')")
        conn.execute("INSERT INTO task_notes (task_id, actor, text) VALUES (1, 'a', 'tried x')")
    upgrade_to_head(db_path)
    notes = "SELECT actor, text, kind FROM task_notes ORDER BY id"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute(notes).fetchall() == [("a", "tried x", "note")]
        conn.execute("INSERT INTO task_notes (task_id, text, kind) VALUES (1, 'stop', 'handoff')")
        with pytest.raises(sqlite3.IntegrityError, match="ck_task_notes_kind"):
            conn.execute("INSERT INTO task_notes (task_id, text, kind) VALUES (1, 'x', 'memo')")
        found = "SELECT text FROM task_notes_fts WHERE task_notes_fts MATCH 'stop'"
        assert conn.execute(found).fetchall() == [("stop",)]  # the index's triggers stay
    down = alembic_cli("downgrade", "0020", db_path=db_path)
    assert down.returncode == 0, down.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT actor, text FROM task_notes ORDER BY id").fetchall() == [
            ("a", "tried x"),
            (None, "stop"),
        ]
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        assert [r[0] for r in conn.execute("SELECT kind FROM task_notes")] == ["note", "note"]


def test_0023_adds_what_work_asks_records_it_and_goes_down_and_up(db_path: Path) -> None:
    up = alembic_cli("upgrade", "0022", db_path=db_path)
    assert up.returncode == 0, up.stderr
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO tasks (title) VALUES ('kept'), ('found')")
    upgrade_to_head(db_path)
    listed = "SELECT id, criteria, defer_until, repeat, discovered_from FROM tasks ORDER BY id"
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        assert conn.execute(listed).fetchall() == [
            (1, None, None, None, None),
            (2, None, None, None, None),
        ]
        conn.execute(
            'UPDATE tasks SET criteria = \'[{"text":"a","checked":false}]\', '
            "discovered_from = 1, repeat = 'weekdays' WHERE id = 2"
        )
        changes = "SELECT changes FROM task_events WHERE task_id = 2 ORDER BY id DESC LIMIT 1"
        assert json.loads(conn.execute(changes).fetchone()[0]) == {
            "criteria": [None, [{"text": "a", "checked": False}]],
            "repeat": [None, "weekdays"],
            "discovered_from": [None, 1],
        }
        for bad, check in (
            ("repeat = 'every 100 weeks'", "ck_tasks_repeat"),
            ("criteria = '{}'", "ck_tasks_criteria"),
            ("defer_until = '2026-12-01'", "ck_tasks_defer_until"),
            ("duplicate_of = 2", "ck_tasks_duplicate_of"),
        ):
            with pytest.raises(sqlite3.IntegrityError, match=check):
                conn.execute(f"UPDATE tasks SET {bad} WHERE id = 2")
        conn.execute("DELETE FROM tasks WHERE id = 1")
        assert conn.execute("SELECT discovered_from FROM tasks").fetchall() == [(None,)]
    down = alembic_cli("downgrade", "0022", db_path=db_path)
    assert down.returncode == 0, down.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, title FROM tasks").fetchall() == [(2, "found")]
    upgrade_to_head(db_path)
    assert current_revision(db_path) == head_revision()


def test_0024_rebuilds_tasks_for_in_review_keeping_rows_triggers_and_ids(db_path: Path) -> None:
    up = alembic_cli("upgrade", "0023", db_path=db_path)
    assert up.returncode == 0, up.stderr
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO tasks (title, tags) VALUES ('kept', '[\"a\"]'), ('gone', '[]')")
        conn.execute("INSERT INTO task_notes (task_id, text) VALUES (1, 'noted')")
        conn.execute("DELETE FROM tasks WHERE id = 2")  # the id sequence is at 2
        before = conn.execute("SELECT * FROM tasks").fetchall()
        schema = "SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger')"
        items = sorted(conn.execute(schema).fetchall())
    upgrade_to_head(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        assert [row[:-2] for row in conn.execute("SELECT * FROM tasks")] == before
        assert sorted(conn.execute(schema).fetchall()) == items
        conn.execute("INSERT INTO tasks (title) VALUES ('new')")
        assert conn.execute("SELECT max(id) FROM tasks").fetchone() == (3,)
        conn.execute("UPDATE tasks SET status = 'in_review', submitted_by = 'a' WHERE id = 1")
        counts = dict(conn.execute("SELECT status, n FROM task_counts").fetchall())
        assert (counts["in_review"], counts["pending"]) == (1, 1)
        assert conn.execute("SELECT task_id FROM task_tags").fetchall() == [(1,)]
        found = "SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH 'kept'"
        assert conn.execute(found).fetchall() == [(1,)]
        with pytest.raises(sqlite3.IntegrityError, match="ck_tasks_status"):
            conn.execute("UPDATE tasks SET status = 'reviewing' WHERE id = 1")
        assert conn.execute("SELECT review FROM projects").fetchall() == []
    down = alembic_cli("downgrade", "0023", db_path=db_path)
    assert down.returncode == 0, down.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT id, status FROM tasks ORDER BY id").fetchall() == [
            (1, "in_progress"),
            (3, "pending"),
        ]
        assert sorted(conn.execute(schema).fetchall()) == items
    upgrade_to_head(db_path)
    assert current_revision(db_path) == head_revision()
