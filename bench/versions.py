"""Two versions of task-tracker, interleaved on the same data: what a change costs per call.

    python bench/versions.py --before c741b76             # that commit against the checkout
    python bench/versions.py --before c741b76 --size 100000 --rounds 6

The older version is checked out into a temporary git worktree and run from its own source
(the same Python and packages); each version gets its own copy of one generated database,
brought to its own head. Rounds alternate which version goes first, and their samples are
pooled, so a slow patch of the machine lands on both. Prints p50 per call and after/before.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client import BenchClient
from common import (
    REPO,
    Corpus,
    build_database,
    copy_database,
    print_table,
    side_by_side,
    started_server,
)


def serve_from(source: Path, db_path: Path) -> list[str]:
    """The command that serves db_path with the task_tracker package found in `source`."""
    boot = f"import sys; sys.path.insert(0, {str(source)!r}); from task_tracker.cli import main; "
    return [sys.executable, "-c", boot + "sys.exit(main())", "serve", "--db", str(db_path)]


def at_head(source: Path, db_path: Path) -> None:
    """db_path at the head revision of the task_tracker in `source`: downgraded with this
    checkout's migrations when that is older (the data was built at this checkout's head)."""
    ask = f"import sys; sys.path.insert(0, {str(source)!r}); import task_tracker.migrate as m; "
    head = subprocess.run(
        [sys.executable, "-c", ask + "print(m.HEAD_REVISION)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "alembic", "downgrade", head],
        cwd=REPO,
        env={**os.environ, "TASK_TRACKER_DB": str(db_path)},
        check=True,
        capture_output=True,
    )


def add_notes(db_path: Path) -> None:
    """A note on one task in ten: the first 200 characters of its description."""
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO task_notes (task_id, text) SELECT id, substr(description, 1, 200)"
            " FROM tasks WHERE id % 10 = 0 AND description != ''"
        )


def word_in(frequency: Counter[str], size: int, share: float) -> str:
    """The word whose task count is nearest share * size."""
    return min(frequency, key=lambda word: (abs(frequency[word] - share * size), word))


def calls(server: BenchClient, size: int, words: dict[str, str]) -> dict[str, Callable[[], Any]]:
    ids = iter(range(1, 10**9, 7))
    searches = {
        f"search_tasks: {name}": (lambda q: lambda: server.call_ok("search_tasks", {"query": q}))(
            query
        )
        for name, query in words.items()
    }
    return {
        **searches,
        "add_task": lambda: server.call_ok("add_task", {"title": "bench task", "tags": ["work"]}),
        "update_task": lambda: server.call_ok(
            "update_task", {"task_id": next(ids) % size + 1, "title": f"renamed {next(ids)}"}
        ),
        "get_task": lambda: server.call_ok("get_task", {"task_id": next(ids) % size + 1}),
        "list_tasks": lambda: server.call_ok("list_tasks", {"status": "open"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git revision to compare against")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=200, help="calls per kind per version")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        old = work / "before"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(old), args.before],
            check=True,
            capture_output=True,
        )
        try:
            source = work / "source.db"
            frequency = build_database(source, args.size, Corpus())
            add_notes(source)
            rare, one, ten = (word_in(frequency, args.size, s) for s in (0.001, 0.01, 0.1))
            words = {
                "word in 0.1%": f"{rare} ",
                "word in 1%": f"{one} ",
                "two words": f"{ten} {one} ",
            }
            versions = {"before": (old, work / "before.db"), "after": (REPO, work / "after.db")}
            servers = {}
            for name, (tree, db) in versions.items():
                copy_database(source, db)
                at_head(tree, db)
                servers[name] = started_server(db, serve_from(tree, db))
            rows = side_by_side(
                servers,
                lambda server: calls(server, args.size, words),
                rounds=args.rounds,
                repeats=args.repeats,
            )
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)],
                check=False,
                capture_output=True,
            )
    print(f"\n{args.before} (before) against this checkout (after), {args.size} tasks, p50 ms")
    print_table(["call", "before", "after", "after / before"], rows)


if __name__ == "__main__":
    main()
