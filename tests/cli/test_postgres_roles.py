"""PostgreSQL roles as people set them up wrong, through the real console script: a role or
database that does not exist, a role without rights on schema public or on the tables, a
server with no free connection. Each is one line that says what to do, and the grants it
names are enough."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine

from task_tracker.pgerrors import CREATE_RIGHTS, ROLE_HELP, USE_RIGHTS

SCRIPT = Path(sys.executable).with_name("task-tracker")


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args, "--db", url], capture_output=True, text=True, timeout=60
    )


def admin(server: str, *statements: str, database: str | None = None) -> None:
    url = server if database is None else server.rsplit("/", 1)[0] + f"/{database}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture
def weak(pg_server: str) -> Iterator[tuple[str, str, str]]:
    """A login role owning nothing and a new database: (role, database, the role's URL)."""
    role, database = f"weak_{uuid.uuid4().hex[:8]}", f"tt_{uuid.uuid4().hex[:8]}"
    admin(pg_server, f"CREATE ROLE {role} LOGIN", f"CREATE DATABASE {database}")
    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    try:
        yield role, database, f"postgresql://{role}@{host}/{database}"
    finally:
        admin(pg_server, f"DROP DATABASE {database} WITH (FORCE)", f"DROP ROLE {role}")


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_role_or_database_that_does_not_exist_is_named(pg_server: str) -> None:
    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    nobody = f"postgresql://nobody@{host}/postgres"
    assert error_line(cli(nobody, "ls")) == (
        f"task-tracker: error: PostgreSQL has no role 'nobody': create it ({ROLE_HELP}) or fix "
        f"the user in the URL (at postgresql+psycopg://nobody@{host}/postgres)"
    )
    nowhere = f"postgresql://postgres@{host}/nowhere"
    assert error_line(cli(nowhere, "db", "upgrade")) == (
        f"task-tracker: error: PostgreSQL has no database 'nowhere': create it ({ROLE_HELP}) "
        f"or fix the database in the URL (at postgresql+psycopg://postgres@{host}/nowhere)"
    )


def test_a_role_without_rights_is_told_the_grants_and_they_are_enough(
    pg_server: str, weak: tuple[str, str, str]
) -> None:
    role, database, url = weak
    shown = url.replace("postgresql://", "postgresql+psycopg://")
    for command in (["db", "upgrade"], ["add", "x"], ["ls"]):
        assert error_line(cli(url, *command)) == (
            f"task-tracker: error: role {role!r} may not create the task tables at {shown} "
            "(permission denied for schema public): make it the database's owner, or as the "
            f"owner run GRANT {CREATE_RIGHTS[0]} TO {role}; ({ROLE_HELP})"
        )
    owner = pg_server.rsplit("/", 1)[0] + f"/{database}"
    assert cli(owner, "db", "upgrade").returncode == 0  # the owner brings it to head
    grants = " ".join(f"GRANT {r} TO {role};" for r in USE_RIGHTS)
    assert error_line(cli(url, "ls")) == (
        f"task-tracker: error: role {role!r} may not read the task tables at {shown} "
        "(permission denied for table alembic_version): make it the database's owner, or as "
        f"the owner run {grants} ({ROLE_HELP})"
    )
    admin(pg_server, f"GRANT SELECT ON alembic_version TO {role}", database=database)
    done = cli(url, "add", "x")  # past the revision check, refused by the tables
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "task-tracker: error: PostgreSQL refuses the task tables to the role task-tracker "
        "connects as (permission denied for table tasks); nothing was changed. Retrying will "
        "not help: a person must make the role the database's owner or grant it the tables "
        f"({ROLE_HELP}).\n"
    )
    admin(pg_server, *(f"GRANT {r} TO {role}" for r in USE_RIGHTS), database=database)
    for command in (["add", "parent"], ["add", "child", "--parent", "1"], ["claim", "1"]):
        assert cli(url, *command).returncode == 0
    for command in (["rm", "1", "-y", "--with-subtasks"], ["restore", "1"], ["done", "2"]):
        assert cli(url, *command).returncode == 0
    assert cli(url, "ls", "--all").stdout.count("\n") == 3  # a header and both tasks


@pytest.mark.slow
def test_a_server_without_a_free_connection_is_waited_for_then_named(pg_cluster: Any) -> None:
    """max_connections 5, 3 of them for superusers: a role holding the other two leaves
    none. A connection waits for one (a few seconds at most), then says what is wrong."""
    server = pg_cluster.url
    admin(server, "ALTER SYSTEM SET max_connections = 5", "CREATE ROLE busy LOGIN SUPERUSER")
    pg_cluster.stop()
    pg_cluster.start()
    admin(server, "CREATE ROLE worker LOGIN", "CREATE DATABASE tasks OWNER worker")
    host = server.split("@", 1)[1].rsplit("/", 1)[0]
    url = f"postgresql://worker@{host}/tasks"
    assert cli(url, "add", "first").returncode == 0
    held = [psycopg.connect(f"postgresql://worker@{host}/tasks") for _ in range(2)]
    done = cli(url, "ls")
    assert (done.returncode, done.stdout) == (2, "")
    assert "PostgreSQL has no free connection (max_connections reached): retry in a" in (
        done.stderr
    )
    log = pg_cluster.base / "log"
    refusals = log.read_text().count("remaining connection slots are reserved")

    def release_once_refused() -> None:
        """Frees a slot once the server has refused the command's first try."""
        while log.read_text().count("remaining connection slots are reserved") == refusals:
            time.sleep(0.01)
        held.pop().close()

    releaser = threading.Thread(target=release_once_refused)
    releaser.start()
    done = cli(url, "ls")
    releaser.join()
    for conn in held:
        conn.close()
    assert done.returncode == 0, done.stderr
    assert "first" in done.stdout
