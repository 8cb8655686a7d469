"""The startup trick: GC paused while starting, frozen and resumed once the database is open.

Run in a subprocess: the collector is process-wide state, not to be switched in pytest's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, gc, sys
from pathlib import Path
from fastmcp import Client
from task_tracker.runtime.startup import pause_collection
from task_tracker.server.app import build_server

async def main():
    frozen_before = gc.get_freeze_count()
    pause_collection()
    assert not gc.isenabled()
    async with Client(build_server(Path(sys.argv[1]))) as client:
        added = await client.call_tool("add_task", {"title": "after start"})
    print(added.structured_content["id"], gc.isenabled(), gc.get_freeze_count() > frozen_before)

asyncio.run(main())
"""


def run(db_path: Path, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_collection_resumes_and_startup_objects_are_frozen(db_path: Path) -> None:
    assert run(db_path) == "1 True True\n"


def test_the_trick_can_be_switched_off(db_path: Path) -> None:
    # TASK_TRACKER_TRICKS_OFF=startup: pause_collection leaves the collector alone.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc; from task_tracker.runtime.startup import pause_collection;"
            "pause_collection(); print(gc.isenabled())",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TASK_TRACKER_TRICKS_OFF": "startup"},
    )
    assert done.stdout == "True\n", done.stderr
