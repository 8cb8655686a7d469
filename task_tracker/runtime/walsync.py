"""WAL sync: the write-ahead log is fsynced just after each write, off the reply path.

What it buys: durability close to synchronous=FULL at the speed of NORMAL. Under NORMAL (the
default; config.synchronous_level) a commit has reached the OS when the tool answers, so it
survives the server being killed; but SQLite fsyncs the WAL only at checkpoints, leaving it to
the kernel's writeback (~30 s) until then. This thread syncs it 2 ms after each commit, off the
reply path, which narrows what a power cut or OS crash can take to the writes of the last few
milliseconds; writes that arrive meanwhile share one fsync. bench/run.py: add_task p50 with
TASK_TRACKER_SYNCHRONOUS=FULL (an fsync before every answer) is 1.2-1.5x that of NORMAL with
this thread; `--tricks` shows no per-call cost of the thread beyond the noise (0.7-1.1x).

Turn it off: TASK_TRACKER_TRICKS_OFF=walsync (the WAL is then synced at checkpoints only), or
TASK_TRACKER_SYNCHRONOUS=FULL (fsync before every answer; this thread is then not started).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

SYNC_DELAY_S = 0.002


class WalFlusher:
    """Fsyncs `<db>-wal` soon after each `committed()`, in a thread of its own."""

    def __init__(self, db_path: Path) -> None:
        self._wal = db_path.with_name(db_path.name + "-wal")
        self._pending = threading.Event()
        self._closing = False
        self.syncs = 0  # WAL fsyncs done (for tests and diagnostics)
        self._thread = threading.Thread(target=self._run, name="wal-fsync", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        self._pending.set()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            # Let the tool's reply go out first (this thread would compete with it for the
            # GIL), and let writes arriving meanwhile share one fsync.
            time.sleep(SYNC_DELAY_S)
            self._pending.clear()
            self.sync()
            if self._closing and not self._pending.is_set():
                return  # close() sets pending after closing: one last sync has run

    def sync(self) -> None:
        try:
            fd = os.open(self._wal, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            return  # checkpointed into the database and removed: SQLite synced it then
        except OSError as exc:
            log.warning("cannot open %s to sync it: %s", self._wal, exc)
            return
        try:
            os.fsync(fd)
            self.syncs += 1
        except OSError as exc:
            log.warning("fsync of %s failed: %s", self._wal, exc)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Sync what is still pending, then stop."""
        self._closing = True
        self._pending.set()
        self._thread.join()
