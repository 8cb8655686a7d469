"""Fast start: `initialize` is answered before SQLAlchemy loads, with the cyclic GC paused.

What it buys: the MCP handshake needs neither SQLAlchemy nor the database, so the query layer
is imported on first use (LazyModule) and the database is opened in a background thread
(task_tracker.database). Starting imports some hundred thousand objects that live as long as the
process; collecting cycles among them while they load finds nothing to free, so the collector
is paused until the database is open, then everything loaded so far is frozen (out of the
collector's view for good, so later collections stay short) and collection resumes.
`bench/run.py --tricks` (three runs): with this trick off, spawn -> `initialize` takes
1.02-1.29x as long; spawn -> first add_task and per-call times do not move beyond the noise.
A task command of the CLI pauses the collector the same way while it loads (cli.session):
`bench/cli.py`, one run each way, ls/add/show/done take 2.2-2.7x `--version` with it on and
3.6-3.9x with it off (~420-520 ms against ~570-630).

Turn it off: TASK_TRACKER_TRICKS_OFF=startup (plain imports, the database opened before
serving, the GC left alone).
"""

from __future__ import annotations

import gc
import importlib
from types import ModuleType
from typing import Any

from task_tracker.runtime import enabled


def pause_collection() -> None:
    if enabled("startup"):
        gc.disable()


def resume_collection() -> None:
    """Idempotent; safe from any thread."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class LazyModule:
    """A module imported on first attribute access (then cached)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


def lazy_module(name: str) -> Any:
    """The module `name`, imported now or (with this trick on) on first use."""
    return LazyModule(name) if enabled("startup") else importlib.import_module(name)


def opens_in_background() -> bool:
    return enabled("startup")
