"""The same calls on SQLite and on PostgreSQL, side by side in one run (bench/run.py --db URL).

    python bench/run.py --db postgresql://postgres@127.0.0.1:5432/postgres [--size 100000]

Builds the generated database (scale.py's, cached beside --sqlite), copies it into a scratch
database made on that PostgreSQL server (`task-tracker db copy`, timed), starts one stdio
server on each, and times every call of scale.py on both in alternating rounds. The scratch
database is dropped at the end.

Targets (issue 16): PostgreSQL's add_task p50 <= 2x SQLite's; a search matching ~1% of
tasks <= 3x PostgreSQL's own add_task.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from client import BenchClient
from common import print_table, side_by_side, started_server
from scale import calls, database_of_size, search_queries

from task_tracker.backends import prepare_database
from task_tracker.postgres import DatabaseURL

ADD_TARGET, SEARCH_TARGET = 2.0, 3.0


@contextmanager
def scratch_database(server_url: str) -> Iterator[DatabaseURL]:
    """A new database on the server of server_url, dropped afterwards."""
    import sqlalchemy as sa

    url = DatabaseURL(server_url)
    name = f"tt_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield DatabaseURL(sa.make_url(url).set(database=name).render_as_string(False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        admin.dispose()


def copy_into(url: str, sqlite_path: Path) -> float:
    """The SQLite database's tasks copied into the (empty) database at url by `db copy`,
    after bringing it to head as db copy asks; seconds the copy took."""
    prepare_database(sqlite_path)
    began = time.perf_counter()
    copy = [sys.executable, "-m", "task_tracker", "db", "copy", "--from", str(sqlite_path)]
    done = subprocess.run([*copy, "--to", url], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"db copy failed: {done.stderr}")
    return time.perf_counter() - began


def serve(db: str) -> list[str]:
    return [sys.executable, "-m", "task_tracker", "serve", "--db", db]


def run_backends(server_url: str, size: int, sqlite_path: Path, repeats: int) -> bool:
    frequency = database_of_size(sqlite_path, size)
    queries = search_queries(frequency, sqlite_path, size)
    with scratch_database(server_url) as url:
        seconds = copy_into(url, sqlite_path)
        print(f"db copy of {size} tasks into PostgreSQL: {seconds:.1f} s")
        servers = {
            "sqlite": started_server(sqlite_path, serve(str(sqlite_path))),
            "postgresql": started_server(sqlite_path, serve(url)),
        }

        def table(server: BenchClient) -> dict[str, Callable[[], Any]]:
            add = {"title": "bench task", "tags": ["work"]}
            return {
                "add_task": lambda: server.call_ok("add_task", add),
                **calls(server, queries, size, sqlite_path),
            }

        rows = side_by_side(servers, table, rounds=4, repeats=repeats)
    pg_add = next(row[2] for row in rows if row[0] == "add_task")
    ratio_add = next(row[2] / row[1] for row in rows if row[0] == "add_task")
    one_percent = next(row for row in rows if row[0].startswith("search 1% word ("))
    print(f"\n{size} tasks, {os.cpu_count()} cores: SQLite and PostgreSQL (same machine), p50 ms")
    print_table(
        ["call", "SQLite p50", "PostgreSQL p50", "PG / SQLite", "PG / PG add_task"],
        [[*row, f"{row[2] / pg_add:.1f}x"] for row in rows],
    )
    search_ratio = one_percent[2] / pg_add
    print(
        f"add_task: PostgreSQL {ratio_add:.2f}x SQLite (target <= {ADD_TARGET:.0f}x); "
        f"{one_percent[0]}: {search_ratio:.2f}x PostgreSQL's add_task "
        f"(target <= {SEARCH_TARGET:.0f}x)"
    )
    return ratio_add <= ADD_TARGET and search_ratio <= SEARCH_TARGET
