"""A task command's session: the database opened once, the person's name, and each operation
run in this thread (no event loop, no MCP: the command calls task_tracker.operations as the
server's tools do)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import TYPE_CHECKING, Any, TypeVar

from task_tracker.cli.output import fail
from task_tracker.cli.wording import REFUSED, USAGE, invalid_values, worded
from task_tracker.config import ACTOR_ENV_VAR, resolve_db
from task_tracker.runtime.startup import pause_collection, resume_collection
from task_tracker.schemas import ACTOR_MAX

if TYPE_CHECKING:
    from pydantic import BaseModel

    from task_tracker.database import Database
    from task_tracker.operations import Call

T = TypeVar("T")


class Refusal(Exception):
    """A command's own refusal: the message is the one line the person sees."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def actor_name() -> str:
    """Who history names for a person's changes: TASK_TRACKER_ACTOR, else the login name."""
    name = os.environ.get(ACTOR_ENV_VAR, "").strip()
    if not name:
        try:
            name = os.environ.get("USER") or os.environ.get("LOGNAME") or getpass.getuser()
        except (KeyError, OSError):  # no user name at all (a bare container)
            name = "cli"
    return " ".join(name.split())[:ACTOR_MAX] or "cli"


class Session:
    def __init__(self, database: Database, actor: str) -> None:
        self.database = database
        self.actor = actor

    def run(self, call: Call[T]) -> T:
        return self.database.call(call.body, write=call.write, queue=call.queue)

    def content(self, call: Call[BaseModel]) -> dict[str, Any]:
        """The operation's result as the tools' structured content (what --json prints)."""
        return self.run(call).model_dump(mode="json")


def run_task_command(args: argparse.Namespace) -> int:
    # runtime.startup: no cyclic collection while the query layer loads; the Database
    # freezes what is loaded and resumes it once open (and the finally below, if it never is).
    pause_collection()
    try:
        return _run(args)
    finally:
        resume_collection()


def _run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from task_tracker.backends import domain_error, prepare_database
    from task_tracker.cli.tasks import COMMANDS
    from task_tracker.database import Database
    from task_tracker.errors import TaskTrackerError

    db_path = resolve_db(getattr(args, "db", None))
    prepare_database(db_path)
    database = Database(db_path, prepared=True)
    database.start()
    try:
        return COMMANDS[args.command or "summary"](Session(database, actor_name()), args)
    except Refusal as exc:
        return fail(str(exc), code=exc.code)
    except TaskTrackerError as exc:
        message, code = worded(exc)
        return fail(message, code=code)
    except ValidationError as exc:
        return fail(invalid_values(exc), code=USAGE)
    except Exception as exc:
        meaning = domain_error(exc)  # busy, disk full, the file gone: said in one line
        if meaning is None:
            raise
        return fail(str(meaning), code=REFUSED)
    finally:
        database.close()
