"""export / import through the real CLI: lossless round trip, all-or-nothing refusals."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from task_tracker import store
from task_tracker.db import write_transaction
from task_tracker.migrate import open_database
from task_tracker.store.transfer import OPTIMIZE_MIN


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "task_tracker", *args], capture_output=True, text=True, timeout=60
    )


def seed(engine: Engine) -> None:
    with write_transaction(engine) as s:
        plain = store.add_task(s, title="Plain", project="Home", create_project=True)
        store.add_task(
            s,
            title="Ünïcødé ✓ 東京",
            description='line 1\nline 2 "quoted" 🚀',
            priority="high",
            tags=["a", "b-c"],
            due_date=__import__("datetime").date(2026, 2, 28),
            status="in_progress",
        )
        gone = store.add_task(s, title="deleted later")
        done = store.add_task(s, title="Done", status="complete")
        store.update_task(s, task_id=done.id, description="edited")
        store.delete_task(s, task_id=gone.id)
        # Structure: a subtask, a dependency pointing forward in the file, a cancelled task.
        store.add_task(s, title="Sub", parent_id=plain.id, status="cancelled", project="home")
        store.update_task(s, task_id=plain.id, depends_on=[done.id])
        store.add_note(s, task_id=plain.id, text="tried the obvious fix ✓", actor="alice")


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM tasks ORDER BY id").fetchall()


def structure(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT id, name FROM projects ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM task_dependencies ORDER BY 1, 2").fetchall(),
        )


def test_round_trip_loses_nothing(tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    engine = open_database(source)
    seed(engine)
    engine.dispose()
    exported = tmp_path / "tasks.json"
    done = cli("export", "--db", str(source), "--output", str(exported))
    assert done.returncode == 0, done.stderr
    document = json.loads(exported.read_text())
    assert document["format"] == "task-tracker/1"
    assert [t["id"] for t in document["tasks"]] == [1, 2, 4, 5]
    assert [(t["project"], t["parent_id"], t["depends_on"]) for t in document["tasks"]] == [
        ("Home", None, [4]),
        (None, None, []),
        (None, None, []),
        ("Home", 1, []),
    ]
    imported = cli("import", str(exported), "--db", str(target))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == f"imported 4 task(s) into {target}\n"
    assert rows(target) == rows(source)
    assert structure(target) == structure(source) == ([(1, "Home")], [(1, 4)])
    assert document["tasks"][0]["notes"] == [
        {
            "at": document["tasks"][0]["notes"][0]["at"],
            "actor": "alice",
            "text": "tried the obvious fix ✓",
        }
    ]
    with sqlite3.connect(target) as conn, sqlite3.connect(source) as old:
        query = "SELECT task_id, at, actor, text FROM task_notes ORDER BY id"
        assert conn.execute(query).fetchall() == old.execute(query).fetchall()
    with sqlite3.connect(target) as conn:  # history: one compact event per imported task
        kinds = conn.execute(
            "SELECT task_id, kind, changes FROM task_events ORDER BY id"
        ).fetchall()
    assert kinds == [
        (1, "import", "{}"),
        (2, "import", "{}"),
        (4, "import", "{}"),
        (5, "import", "{}"),
        (1, "note", '{"note":[null,"tried the obvious fix ✓"]}'),
        # links, set once every task is in, are part of the import
        (1, "import", '{"depends_on":[null,4]}'),
        (5, "import", '{"parent_id":[null,1]}'),
    ]
    again = json.loads(cli("export", "--db", str(target)).stdout)
    assert again["tasks"] == document["tasks"]


def test_new_ids_keep_parents_and_dependencies_within_the_file(tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    for db in (source, target):
        engine = open_database(db)
        seed(engine)
        engine.dispose()
    exported = tmp_path / "tasks.json"
    assert cli("export", "--db", str(source), "--output", str(exported)).returncode == 0
    imported = cli("import", str(exported), "--db", str(target), "--new-ids")
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(target) as conn:
        added = conn.execute("SELECT id, title, parent_id FROM tasks WHERE id > 5").fetchall()
        deps = conn.execute("SELECT * FROM task_dependencies WHERE task_id > 5").fetchall()
        named = conn.execute("SELECT name FROM projects").fetchall()
    assert added == [
        (6, "Plain", None),
        (7, "Ünïcødé ✓ 東京", None),
        (8, "Done", None),
        (9, "Sub", 6),
    ]
    assert deps == [(6, 8)]
    assert named == [("Home",)]  # the file's "Home" is the database's own project


def test_a_dependency_loop_in_a_file_is_refused_whole(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    document = {
        "format": "task-tracker/1",
        "tasks": [GOOD | {"id": 1, "depends_on": [2]}, GOOD | {"id": 2, "depends_on": [1]}],
    }
    done = cli("import", str(write(tmp_path, document)), "--db", str(db))
    assert done.returncode == 1
    assert done.stderr.endswith(
        "record 2: Task #2 cannot depend on #1: #1 already depends on #2 (#1 → #2), so this "
        "would make a loop (#1 → #2 → #1). Nothing was imported.\n"
    )
    assert not db.exists()  # refused before a database was created


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


GOOD = {
    "id": 1,
    "title": "ok",
    "status": "pending",
    "priority": "low",
    "tags": [],
    "due_date": None,
    "created_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-01T00:00:00+00:00",
    "completed_at": None,
    "version": 1,
}


@pytest.mark.parametrize(
    "document, message",
    [
        ("{not json", "not a task-tracker export: invalid JSON"),
        ('{"format": "task-tracker/1", "tasks": [{"title": "cut"', "the document ends"),
        ("[]", "not a task-tracker export: expected a JSON object"),
        ({"tasks": []}, 'not a task-tracker export: expected "format": "task-tracker/1"'),
        ({"format": "task-tracker/1", "tasks": {}}, '"tasks" must be a list'),
        (
            {"format": "task-tracker/1", "tasks": [GOOD, GOOD | {"id": 7, "status": "done"}]},
            "record 2 (id 7): status: 'done' is not allowed; use one of 'pending', "
            "'in_progress', 'in_review', 'complete' or 'cancelled'; nothing was imported",
        ),
        (
            {"format": "task-tracker/1", "tasks": [GOOD, GOOD | {"id": 2, "created_at": "x"}]},
            "record 2 (id 2): created_at:",
        ),
        (
            {"format": "task-tracker/1", "tasks": [GOOD, GOOD | {"id": 3, "surprise": 1}]},
            "record 2 (id 3): surprise: is not a known field; nothing was imported",
        ),
        (
            {"format": "task-tracker/1", "tasks": [GOOD, GOOD]},
            "record 2 (id 1): a task with id 1 already exists; nothing was imported",
        ),
    ],
)
def test_malformed_import_is_refused_whole(tmp_path: Path, document: object, message: str) -> None:
    db = tmp_path / "t.db"
    done = cli("import", str(write(tmp_path, document)), "--db", str(db))
    assert done.returncode == 1
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not db.exists()  # refused before a database was created


def test_new_ids_appends(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    path = write(tmp_path, {"format": "task-tracker/1", "tasks": [GOOD, GOOD]})
    done = cli("import", str(path), "--db", str(db), "--new-ids")
    assert done.returncode == 0, done.stderr
    assert [r[0] for r in rows(db)] == [1, 2]


def export_doc(tasks: list[dict]) -> str:
    return json.dumps({"format": "task-tracker/1", "tasks": tasks})


TS = "2026-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    "record, message",
    [
        ({"id": 2**63 - 2}, "record 1 (id 9223372036854775806): id: 9223372036854775806 is too"),
        ({"id": 2**53}, "record 1 (id 9007199254740992): id: 9007199254740992 is too large"),
        ({"id": 1, "version": 2**63 - 1}, "record 1 (id 1): version: 9223372036854775807 is too"),
    ],
)
def test_ids_and_versions_outside_the_one_range_are_refused(
    tmp_path: Path, record: dict, message: str
) -> None:
    source = tmp_path / "in.json"
    source.write_text(export_doc([{"title": "x", "created_at": TS, "updated_at": TS, **record}]))
    db = tmp_path / "new.db"
    done = cli("import", str(source), "--db", str(db))
    assert done.returncode == 1
    assert message in done.stderr
    assert not db.exists()  # a failed import into a new path leaves no database behind


def test_import_reads_stdin_and_new_ids_need_no_id(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    document = export_doc(
        [
            {"title": "no id", "created_at": TS, "updated_at": TS},
            {
                "title": "done, no completed_at",
                "status": "complete",
                "created_at": TS,
                "updated_at": TS,
            },
        ]
    )
    done = subprocess.run(
        [sys.executable, "-m", "task_tracker", "import", "-", "--new-ids", "--db", str(db)],
        input=document,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, title, status, completed_at FROM tasks").fetchall() == [
            (1, "no id", "pending", None),
            (2, "done, no completed_at", "complete", "2026-01-01T00:00:00.000000+00:00"),
        ]
    refused = subprocess.run(
        [sys.executable, "-m", "task_tracker", "import", "-", "--db", str(db)],
        input=document,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert "record 1 has no id; pass --new-ids" in refused.stderr


def test_export_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    done = cli("export", "--db", str(db))
    assert (done.returncode, done.stdout) == (2, "")
    assert f"no task database at {db}" in done.stderr
    assert not db.exists()


@pytest.fixture
def exported_db(tmp_path: Path) -> Path:
    db = tmp_path / "tasks.db"
    engine = open_database(db)
    seed(engine)
    engine.dispose()
    return db


def test_export_output_never_follows_a_planted_link(tmp_path: Path, exported_db: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "out.json"
    # A link where an old exporter put its fixed temporary name, and a link as the target.
    (tmp_path / "out.json.partial").symlink_to(victim)
    done = cli("export", "--db", str(exported_db), "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious"
    assert json.loads(target.read_text())["format"] == "task-tracker/1"
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    refused = cli("export", "--db", str(exported_db), "-o", str(link))
    assert refused.returncode == 2
    assert f"{link} is a symbolic link" in refused.stderr
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir() if ".partial" in p.name) == [
        "out.json.partial"
    ]


@pytest.mark.parametrize("kind", ["fifo", "directory", "missing parent", "device"])
def test_export_output_refuses_what_is_not_a_regular_file(
    tmp_path: Path, exported_db: Path, kind: str
) -> None:
    import os

    target = {
        "fifo": tmp_path / "pipe",
        "directory": tmp_path / "dir",
        "missing parent": tmp_path / "nowhere" / "out.json",
        "device": Path("/dev/null"),
    }[kind]
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    done = cli("export", "--db", str(exported_db), "-o", str(target))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    expected = {
        "fifo": f"{target} is a FIFO",
        "directory": f"{target} is a directory",
        "missing parent": f"directory {target.parent} does not exist",
        "device": "/dev/null is a device",
    }[kind]
    assert expected in done.stderr
    assert not any(".partial" in p.name for p in tmp_path.rglob("*"))


def test_export_keeps_going_past_an_odd_hand_written_row(tmp_path: Path, exported_db: Path) -> None:
    with sqlite3.connect(exported_db) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(
            "INSERT INTO tasks (title, created_at, updated_at) VALUES ('odd', 'yesterday', 'x')"
        )
    done = cli("export", "--db", str(exported_db))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    tasks = json.loads(done.stdout)["tasks"]
    assert [t["title"] for t in tasks][-1] == "odd"
    assert tasks[-1]["created_at"] == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("new_ids", [False, True])
def test_an_import_leaves_search_tags_and_triggers_exact(
    tmp_path: Path, exported_db: Path, new_ids: bool
) -> None:
    source = tmp_path / "out.json"
    assert cli("export", "--db", str(exported_db), "-o", str(source)).returncode == 0
    target = tmp_path / "target.db"
    engine = open_database(target)
    with write_transaction(engine) as s:
        store.add_task(s, title="already here", tags=["old"])
    engine.dispose()
    args = ["import", str(source), "--db", str(target)] + (["--new-ids"] if new_ids else [])
    if not new_ids:  # keep ids: make room for the seed's ids 1.. by moving the existing task
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE tasks SET id = 100 WHERE id = 1")
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(target) as conn:
        assert (
            conn.execute(
                "INSERT INTO tasks_fts (tasks_fts, rank) VALUES ('integrity-check', 1)"
            ).fetchall()
            == []
        )
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        tags = (
            conn.execute("SELECT count(*) FROM tasks, json_each(tasks.tags)").fetchone()[0]
            == conn.execute("SELECT count(*) FROM task_tags").fetchone()[0]
        )
        found = conn.execute(
            "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'plain OR done OR already'"
        ).fetchone()[0]
        conn.execute("INSERT INTO tasks (title, tags) VALUES ('after the import', ?)", ('["new"]',))
        after = conn.execute(
            "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'after'"
        ).fetchone()[0]
        after_tags = conn.execute("SELECT count(*) FROM task_tags WHERE tag = 'new'").fetchone()[0]
    assert {"tasks_fts_ai", "tasks_tags_ai"} <= triggers
    assert tags
    assert found == 3  # "Plain", "Done", and the task that was already there
    assert (after, after_tags) == (1, 1)


def schema(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_a_failed_import_leaves_the_triggers_and_the_data_as_they_were(
    tmp_path: Path, exported_db: Path
) -> None:
    before, schema_before = rows(exported_db), schema(exported_db)
    source = write(tmp_path, {"format": "task-tracker/1", "tasks": [GOOD | {"id": 999}, GOOD]})
    done = cli("import", str(source), "--db", str(exported_db))
    assert done.returncode == 1
    assert rows(exported_db) == before
    assert schema(exported_db) == schema_before  # triggers and indexes dropped, then restored
    with sqlite3.connect(exported_db) as conn:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {"tasks_fts_ai", "tasks_tags_ai"} <= triggers


def test_a_large_import_leaves_the_search_index_in_one_segment(tmp_path: Path) -> None:
    n = OPTIMIZE_MIN
    tasks = [GOOD | {"title": f"bulk {i}", "description": f"word{i % 7}"} for i in range(n)]
    source = write(tmp_path, {"format": "task-tracker/1", "tasks": tasks})
    target = tmp_path / "target.db"
    open_database(target).dispose()
    fresh = schema(target)
    done = cli("import", str(source), "--db", str(target), "--new-ids")
    assert done.returncode == 0, done.stderr
    assert schema(target) == fresh  # the indexes it dropped to load faster are all back
    with sqlite3.connect(target) as conn:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE status = 'pending' AND id > 5"
        ).fetchall()
        assert "ix_tasks_status_id" in str(plan)
        segments = conn.execute("SELECT count(DISTINCT segid) FROM tasks_fts_idx").fetchone()[0]
        found = conn.execute(
            "SELECT count(*) FROM tasks_fts WHERE tasks_fts MATCH 'word3'"
        ).fetchone()[0]
        check = conn.execute(
            "INSERT INTO tasks_fts (tasks_fts, rank) VALUES ('integrity-check', 1)"
        ).fetchall()
    assert (segments, found, check) == (1, len(range(3, n, 7)), [])


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs filled to the last byte (needs the right to mount: root here and in CI)."""
    mount = tmp_path / "full"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        with open(mount / "filler", "wb", buffering=0) as filler:
            with contextlib.suppress(OSError):  # ENOSPC: full
                while True:
                    filler.write(b"x" * 4096)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_export_onto_a_full_disk_says_so(exported_db: Path, full_disk: Path) -> None:
    target = full_disk / "out.json"
    done = cli("export", "--db", str(exported_db), "-o", str(target))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"task-tracker: error: the disk holding {full_disk} is full; {target} was not written "
        "(nothing else was changed): free some space or write elsewhere\n"
    )
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_what_work_asks_and_forward_links_survive_a_round_trip(tmp_path: Path) -> None:
    """Criteria (ticked or not), a deferral, a repeat and typed links, one pointing forward
    in the file; with --new-ids the links follow their tasks' new ids."""
    from datetime import UTC, datetime

    source, same, fresh = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    engine = open_database(source)
    with write_transaction(engine) as s:
        first = store.add_task(s, title="Refactor", criteria=["tests pass", "docs"])
        store.update_task(s, task_id=first.id, checked=[2])
        later = store.add_task(
            s,
            title="Found bug",
            discovered_from=first.id,
            repeat="weekdays",
            defer_until=datetime(2999, 5, 1, 8, 30, tzinfo=UTC),
        )
        store.update_task(s, task_id=first.id, duplicate_of=later.id)  # forward
        waiting = store.add_task(s, title="Reviewed", review=True)
        store.update_task(s, task_id=waiting.id, status="complete", actor="agent-a")
    engine.dispose()
    exported = tmp_path / "tasks.json"
    assert cli("export", "--db", str(source), "--output", str(exported)).returncode == 0
    document = json.loads(exported.read_text())
    assert [
        (t.get("criteria", []), t.get("links"), t.get("repeat"), t.get("defer_until"))
        for t in document["tasks"]
    ] == [
        (
            [{"text": "tests pass", "checked": False}, {"text": "docs", "checked": True}],
            {"duplicate_of": 2},
            None,
            None,
        ),
        ([], {"discovered_from": 1}, "weekdays", "2999-05-01T08:30:00Z"),
        ([], None, None, None),
    ]
    assert {k: document["tasks"][2][k] for k in ("status", "review", "submitted_by")} == {
        "status": "in_review",
        "review": True,
        "submitted_by": "agent-a",
    }
    assert "review" not in document["tasks"][0]
    done = cli("import", str(exported), "--db", str(same))
    assert done.returncode == 0, done.stderr
    assert rows(same) == rows(source)
    engine = open_database(fresh)  # two tasks first, so new ids differ from the file's
    with write_transaction(engine) as s:
        store.add_task(s, title="already here")
        store.add_task(s, title="and here")
    engine.dispose()
    done = cli("import", str(exported), "--db", str(fresh), "--new-ids")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(fresh) as conn:
        linked = "SELECT id, discovered_from, duplicate_of FROM tasks ORDER BY id"
        assert conn.execute(linked).fetchall() == [
            (1, None, None),
            (2, None, None),
            (3, None, 4),
            (4, 3, None),
            (5, None, None),
        ]
    broken = dict(document)
    broken["tasks"] = [{**document["tasks"][1], "links": {"duplicate_of": 77}}]
    exported.write_text(json.dumps(broken))
    refused = cli("import", str(exported), "--db", str(tmp_path / "d.db"))
    assert refused.returncode != 0
    assert "links: no task #77" in refused.stderr
