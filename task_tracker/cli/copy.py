"""`task-tracker db copy --from SRC --to DST`: a whole database into an empty one, a SQLite
file or PostgreSQL either side, in one transaction on each (a snapshot of the source; all of
it or nothing on the target). store/copy.py does the copying."""

from __future__ import annotations

import argparse
import sys

from task_tracker.backends import Backend, backend_for
from task_tracker.cli.output import fail
from task_tracker.config import resolve_db
from task_tracker.errors import InvalidInput, StartupError


def _check_source(source: Backend) -> None:
    from task_tracker.revisions import HEAD_REVISION

    source.require_existing("--from names an existing one")
    revision = source.revision()
    if revision != HEAD_REVISION:
        raise StartupError(
            f"{source.shown} is at schema revision {revision or 'none'}, and db copy reads "
            f"databases at {HEAD_REVISION}: run `task-tracker db upgrade --db "
            f"{source.shown}` first (a newer one needs a newer task-tracker)"
        )


def copy_command(args: argparse.Namespace) -> int:
    locations = resolve_db(args.source), resolve_db(args.target)
    if locations[0] == locations[1]:
        return fail("--from and --to name the same database", code=2)
    source, target = (backend_for(where) for where in locations)
    _check_source(source)
    target.refuse_foreign()  # (a SQLite file of something else: refused by prepare)
    created = not target.exists()
    try:
        copied = _copy(source, target)
    except InvalidInput as exc:
        if created:  # a failed copy leaves no new file behind
            target.discard()
        return fail(f"{target.shown}: {exc}", code=1)
    except BaseException:
        if created:
            target.discard()
        raise
    from task_tracker.store.copy import described

    sys.stderr.write(f"copied {described(copied)} from {source.shown} to {target.shown}\n")
    return 0


def _copy(source: Backend, target: Backend) -> dict[str, int]:
    from task_tracker import store
    from task_tracker.cli.progress import Progress

    target.prepare()
    engines = source.create_engine(), target.create_engine()
    try:
        with source.reading(engines[0]) as reader, target.writing(engines[1]) as writer:
            total = store.count_by_status(reader, status=None)
            progress = Progress("copied", total=total)
            try:
                copied = store.copy_database(reader, writer, progress=progress)
            finally:
                progress.finish()
        target.after_bulk(engines[1])
        return copied
    finally:
        for engine in engines:
            engine.dispose()
