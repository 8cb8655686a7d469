"""A throwaway PostgreSQL cluster for the tests: a temporary directory, a free port, trust
authentication on 127.0.0.1 only, stopped and deleted at the end.

TASK_TRACKER_TEST_PG=URL uses a server that is already running instead. PostgreSQL refuses
to run as root, so as root the cluster runs as the `postgres` system user (Debian's package
makes one). Without binaries or that user the PostgreSQL cases skip with one line saying
why, unless TASK_TRACKER_REQUIRE_PG is set (.ci/run sets it), where they fail instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_ENV_VAR = "TASK_TRACKER_TEST_PG"
REQUIRE_ENV_VAR = "TASK_TRACKER_REQUIRE_PG"


class Unavailable(Exception):
    """Why no PostgreSQL can be had here, in one line."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    on_path = shutil.which("initdb")
    if found:
        return Path(found[-1]).parent
    if on_path:
        return Path(on_path).parent
    raise Unavailable("no PostgreSQL server binaries (initdb) on this machine")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A running cluster's SQLAlchemy URL (database `postgres`, user `postgres`)."""
    if url := os.environ.get(URL_ENV_VAR):
        yield url
        return
    bin_dir = _binaries()
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and there is no postgres user to run as") from None
        # (runuser lives in sbin, which a bare PATH such as CI's /usr/bin:/bin leaves out)
        runuser = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin")
        if runuser is None:
            raise Unavailable("running as root and there is no runuser to run as postgres")
        as_user = [runuser, "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="task-tracker-pg-"))
    data = base / "data"
    if as_user:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*command: str) -> None:
        try:
            done = subprocess.run([*as_user, *command], capture_output=True, text=True)
        except OSError as exc:
            raise Unavailable(f"cannot run {command[0]}: {exc}") from None
        if done.returncode != 0:
            raise Unavailable(f"{Path(command[0]).name} failed: {done.stderr.strip()[-300:]}")

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off"
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        )
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
