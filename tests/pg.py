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


class Cluster:
    """A cluster in a temporary directory, on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.bin_dir = _binaries()
        self.as_user: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no postgres user") from None
            # (runuser lives in sbin, which a bare PATH such as CI's /usr/bin:/bin leaves out)
            runuser = shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin")
            if runuser is None:
                raise Unavailable("running as root and there is no runuser to run as postgres")
            self.as_user = [runuser, "-u", "postgres", "--"]
        self.base = Path(tempfile.mkdtemp(prefix="task-tracker-pg-"))
        self.data = self.base / "data"
        if owner is not None:
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin_dir / tool), *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError as exc:
            raise Unavailable(f"cannot run {tool}: {exc}") from None
        if done.returncode != 0:
            raise Unavailable(f"{tool} failed: {done.stderr.strip()[-300:]}")

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except Unavailable:
            pass  # not running
        shutil.rmtree(self.base, ignore_errors=True)


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A running cluster of one's own, to stop and start again."""
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A running cluster's SQLAlchemy URL (database `postgres`, user `postgres`)."""
    if url := os.environ.get(URL_ENV_VAR):
        yield url
        return
    with own_cluster() as cluster:
        yield cluster.url
