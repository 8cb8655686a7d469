"""`task-tracker db | export | import | config`: one-shot commands on the database and setup.

No SQL here: the store builds every query, in one transaction per command.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any, TextIO

from task_tracker.cli.output import emit, fail
from task_tracker.client_config import WHERE, check_url, client_config, without_password
from task_tracker.config import resolve_db
from task_tracker.errors import InvalidInput, StartupError
from task_tracker.postgres import DatabaseURL


def db_command(args: argparse.Namespace) -> int:
    if args.db_command == "copy":
        from task_tracker.cli.copy import copy_command

        return copy_command(args)
    from task_tracker.backends import backend_for

    backend = backend_for(resolve_db(args.db))
    if args.db_command == "path":
        emit(f"{backend.shown}\n")
        return 0
    if args.db_command == "upgrade":
        backend.prepare()
        emit(f"{backend.shown} is at revision {backend.revision()}\n")
        return 0
    try:
        revision = backend.check()
    except StartupError as exc:
        try:
            revision = backend.revision() if backend.exists() else None
        except sqlite3.DatabaseError:
            revision = None  # not a database at all
        if revision is None:
            raise
        # Newer than this code knows: still say what it is.
        emit(f"{revision}\n")
        sys.stderr.write(f"task-tracker: note: {exc}\n")
        return 0
    emit(f"{revision or 'empty (no revision)'}\n")
    return 0


def _sqlite_file(raw: str | None) -> Path:
    target = resolve_db(raw)
    if isinstance(target, DatabaseURL):
        raise StartupError(
            "export and import read and write a SQLite file; for PostgreSQL use pg_dump"
        )
    return target


def _existing_database(raw: str | None) -> Path:
    """The database path for a command that only reads it: never creates an empty file."""
    from task_tracker.backends import SQLiteBackend

    db_path = _sqlite_file(raw)
    SQLiteBackend(db_path).require_existing(
        "pass --db with an existing file (`task-tracker db path` shows the default)"
    )
    return db_path


def export_command(args: argparse.Namespace) -> int:
    from task_tracker.cli.files import replace_atomically

    db_path = _existing_database(args.db)
    if args.output is None:
        _export_to(db_path, sys.stdout)
        return 0
    with replace_atomically(Path(args.output)) as out:
        _export_to(db_path, out)
    return 0


def _export_to(db_path: Path, out: TextIO) -> None:
    from task_tracker import store
    from task_tracker.cli.progress import Progress
    from task_tracker.db import read_transaction
    from task_tracker.migrate import open_database

    engine = open_database(db_path)
    try:
        with read_transaction(engine) as conn:
            revision = store.schema_revision(conn) or ""
            progress = Progress("exported", total=store.count_by_status(conn, status=None))
            for count, chunk in enumerate(store.export_lines(conn, schema_revision=revision)):
                out.write(chunk)
                if count % store.transfer.BATCH == 0:
                    progress(count)
            progress.finish()
    finally:
        engine.dispose()


def _import_stream(db_path: Path, source: TextIO, *, new_ids: bool) -> int:
    """All records in one transaction, read and inserted a batch at a time. A database file
    this command created is removed again when the import fails, so a failed import leaves
    nothing behind."""
    from task_tracker import store
    from task_tracker.backends import SQLiteBackend
    from task_tracker.cli.jsonstream import ExportReader
    from task_tracker.cli.progress import Progress
    from task_tracker.db import write_transaction
    from task_tracker.migrate import open_database

    reader = ExportReader(source)
    progress = Progress("imported")
    created = not db_path.exists()
    engine = open_database(db_path)
    try:
        with write_transaction(engine) as conn:
            count = store.import_records(
                conn, _checked_tasks(reader), new_ids=new_ids, progress=progress
            )
            store.check_header(reader.header, finished=True, tasks_seen=reader.saw_tasks)
        return count
    except BaseException:
        engine.dispose()
        if created:
            SQLiteBackend(db_path).discard()
        raise
    finally:
        progress.finish()
        engine.dispose()


def _checked_tasks(reader: Any) -> Any:
    """The reader's tasks, refused from the first one on if the header says another format."""
    from task_tracker import store

    for task in reader.tasks():
        store.check_header(reader.header, finished=False)
        yield task


def import_command(args: argparse.Namespace) -> int:
    db_path = _sqlite_file(args.db)
    try:
        if args.file == "-":
            source = sys.stdin
        else:
            source = open(args.file, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror}", code=1)
    try:
        count = _import_stream(db_path, source, new_ids=args.new_ids)
    except InvalidInput as exc:
        return fail(f"{args.file}: {exc}", code=1)
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {args.file}: {exc}", code=1)
    finally:
        if source is not sys.stdin:
            source.close()
    sys.stderr.write(f"imported {count} task(s) into {db_path}\n")
    return 0


def config_command(args: argparse.Namespace) -> int:
    from task_tracker.config import auth_token

    if args.url is not None:
        if args.db is not None:
            return fail(
                "pass either --db (a local server) or --url (a remote one), not both", code=2
            )
        error = check_url(args.url)
        if error:
            return fail(error, code=2)
    db = resolve_db(args.db)
    block = client_config(
        args.client,
        db=db if isinstance(db, Path) else str(db),
        url=args.url,
        token=auth_token() if args.client == "claude-desktop" else None,
    )
    emit(json.dumps(block, indent=2) + "\n")
    sys.stderr.write(WHERE[args.client] + "\n")
    if isinstance(db, DatabaseURL) and without_password(db) != db:
        sys.stderr.write(
            "The URL's password is left out of the file: put it in ~/.pgpass "
            "(host:port:database:user:password, mode 0600) for the user the client runs as.\n"
        )
    if args.url is not None and args.client == "vscode":
        sys.stderr.write("The file holds no token: VS Code asks for it once and keeps it.\n")
    elif args.url is not None and args.client != "claude-desktop":
        sys.stderr.write(
            "The file names the token without holding it: set TASK_TRACKER_AUTH_TOKEN in the "
            "environment the client starts from.\n"
        )
    return 0
