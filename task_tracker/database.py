"""A process's database: the MCP server's lifespan owns one (reached through the request
context); a CLI command opens one for its few calls (`call`, in the command's own thread).

It holds two engines on the same file: `engine()` waits for other writers' locks (worker
threads), `no_wait()` never waits (the event loop must not stall; runtime.inline). With the
startup trick on, they are opened in a background thread while `initialize` is answered.

Transactions run on the event loop (runtime.inline) unless they must wait for a lock; then
in a worker thread: reads in up to READ_THREADS, writes in one, in the order they came,
retrying often while another process holds the write lock (db.write_retrying). Over HTTP
(`threaded`) many clients call at once, so reads always go to those threads: WAL lets readers
work side by side, SQLite lets go of the GIL while it works, and a slow search no longer holds
up every other client. Writes stay on the loop, which serializes them already: a hop to a
thread and back cost more than most writes (bench/http_load.py).

On PostgreSQL every transaction runs in a worker thread (the network must not stall the
loop), writes up to READ_THREADS at once: reads REPEATABLE READ, writes SERIALIZABLE and tried
again on a serialization failure, a claim from the queue READ COMMITTED under row locks. What
differs between the two is the backend's (task_tracker.backends); this module only asks it.

A failed open is not kept for the life of the process: the next call tries again, and a
failure that cannot pass by itself (the file is not a task database, its schema is newer than
this code) is logged and ends the process rather than answering every call with an error.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import anyio

from task_tracker.backends import backend_for
from task_tracker.db import sqlite_error_code
from task_tracker.errors import DatabaseUnavailable, StartupError
from task_tracker.postgres import DatabaseURL
from task_tracker.runtime import enabled
from task_tracker.runtime.inline import run_transaction
from task_tracker.runtime.startup import opens_in_background, resume_collection

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from task_tracker.runtime.walsync import WalFlusher

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite result codes that waiting will not cure: SQLITE_CORRUPT, SQLITE_NOTADB.
PERMANENT_ERRORS = (11, 26)
# Threads for reads over HTTP: more than the cores, as a read also waits on the disk, but
# few (SQLAlchemy's pool holds 5 connections; each thread keeps one while it works).
READ_THREADS = 4


def _thread_limiters(writers: int) -> tuple[anyio.CapacityLimiter, anyio.CapacityLimiter]:
    """Up to READ_THREADS readers; writers first come first served, as many at once as the
    backend runs side by side (SQLite admits one)."""
    return anyio.CapacityLimiter(READ_THREADS), anyio.CapacityLimiter(min(writers, READ_THREADS))


class Database:
    """One server's database: its engines, the WAL flusher, and the per-call transaction."""

    def __init__(
        self, db_path: Path | DatabaseURL, *, prepared: bool = False, threaded: bool = False
    ) -> None:
        """prepared: the caller has already checked the file and brought it to head.
        threaded: reads always run in worker threads (HTTP, where many clients call at once)."""
        self.backend = backend_for(db_path)
        self.shown = self.backend.shown
        self._prepared = prepared
        self._threaded = threaded
        self._limiters: tuple[anyio.CapacityLimiter, anyio.CapacityLimiter] | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._no_wait: Engine | None = None
        self._thread: threading.Thread | None = None
        self._flusher: WalFlusher | None = None

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Open now, or in the background when the startup trick is on."""
        if not opens_in_background():
            self._open_once()
            return
        self._thread = threading.Thread(target=self._open_once, name="open-database", daemon=True)
        self._thread.start()

    def _open_once(self) -> None:
        try:
            with self._lock:
                self._open()
        except Exception as exc:  # the first call that needs the database tries again
            log.warning("cannot open %s yet: %s", self.shown, exc)
        finally:
            self._ready.set()
            resume_collection()

    def _open(self) -> None:
        from task_tracker import store

        backend = self.backend
        if not self._prepared:
            backend.prepare()
            self._prepared = True
        engine = backend.create_engine()
        try:
            with backend.reading(engine) as conn:  # connect (and set SQLite's pragmas) now
                store.schema_revision(conn)
        except BaseException:
            engine.dispose()
            raise
        if not backend.threads_only:  # for writes on the loop, which must never wait
            self._no_wait = backend.create_engine(wait_for_locks=False)
        if backend.flushes_wal and enabled("walsync"):
            from task_tracker.runtime.walsync import WalFlusher

            self._flusher = WalFlusher(Path(backend.where))
        self._engine = engine

    def close(self) -> None:
        """Wait for a background open still running (never leave it behind), then close."""
        if self._thread is not None:
            self._thread.join()
        if self._flusher is not None:
            self._flusher.close()
        for engine in (self._engine, self._no_wait):
            if engine is not None:
                engine.dispose()

    # -- use -------------------------------------------------------------------------------

    def engine(self) -> Engine:
        """The engine that waits for locks; blocks until the database is open."""
        self._ready.wait()
        if self._engine is not None:
            return self._engine
        with self._lock:
            if self._engine is None:
                self._retry_open()
        assert self._engine is not None
        return self._engine

    def _retry_open(self) -> None:
        try:
            self._open()
        except Exception as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            if isinstance(exc, StartupError) or sqlite_error_code(exc) in PERMANENT_ERRORS:
                log.critical("cannot serve %s: %s; stopping the server", self.shown, reason)
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                log.warning("cannot open %s yet: %s", self.shown, reason)
            raise DatabaseUnavailable(reason) from None

    def no_wait(self) -> Engine | None:
        """The engine that never waits for locks, or None until the database is open (or
        on a backend whose transactions all run in threads)."""
        return self._no_wait if self._engine is not None else None

    async def run(self, fn: Callable[[Connection], T], *, write: bool, queue: bool = False) -> T:
        """fn in one transaction (a write transaction holds the write lock from its start).
        queue: fn takes work from a queue under row locks (Backend.write)."""
        if self.backend.threads_only or (self._threaded and not write):
            result = await self.in_thread(fn, write=write, queue=queue)
        else:
            result = await run_transaction(self, fn, write=write)
        if write and self._flusher is not None:
            self._flusher.committed()
        return result

    async def in_thread(
        self, fn: Callable[[Connection], T], *, write: bool, queue: bool = False
    ) -> T:
        """fn in one transaction in a worker thread, waiting for locks as long as allowed."""
        if self._limiters is None:  # made here: they belong to the running event loop
            self._limiters = _thread_limiters(self.backend.writers)
        readers, writer = self._limiters
        if write:
            return await anyio.to_thread.run_sync(
                functools.partial(self._write, fn, queue=queue), limiter=writer
            )
        return await anyio.to_thread.run_sync(self._read, fn, limiter=readers)

    def call(self, fn: Callable[[Connection], T], *, write: bool, queue: bool = False) -> T:
        """fn in one transaction in this thread (a command line's way: no event loop)."""
        result = self._write(fn, queue=queue) if write else self._read(fn)
        if write and self._flusher is not None:
            self._flusher.committed()
        return result

    def _read(self, fn: Callable[[Connection], T]) -> T:
        with self.backend.reading(self.engine()) as conn:
            return fn(conn)

    def _write(self, fn: Callable[[Connection], T], *, queue: bool = False) -> T:
        engine = self.engine()  # open, or raise why not
        # SQLite: the engine that fails at once on a lock, retried with short pauses
        # (db.write_retrying), so that writers queued in threads keep their order.
        return self.backend.write(self._no_wait or engine, fn, queue=queue)
