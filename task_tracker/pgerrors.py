"""What PostgreSQL's refusals mean: SQLSTATEs and a refused connection's words, read into
the domain errors a caller acts on and into the GRANTs a role without rights needs."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from task_tracker.errors import (
    ID_RULE,
    DatabaseBusy,
    DatabaseForbidden,
    DatabaseFull,
    DatabaseUnavailable,
    IdsUsedUp,
    InvalidInput,
    StartupError,
    TaskTrackerError,
)

INSUFFICIENT_PRIVILEGE = "42501"
ROLE_HELP = 'docs/remote.md, "Creating the role and the database"'
CREATE_RIGHTS = ("CREATE, USAGE ON SCHEMA public",)
USE_RIGHTS = (
    "SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public",
    "USAGE ON ALL SEQUENCES IN SCHEMA public",
)
# What a refused connection's message means. libpq gives no SQLSTATE for a connection the
# server refused, only its text: these are PostgreSQL's own words (src/backend/utils/init).
# The server has no free connection (max_connections): waited for, then named.
FULL = r"(too many clients already|remaining connection slots are reserved)"
_REFUSALS = (
    (
        r'role "(.*?)" does not exist',
        "PostgreSQL has no role {0!r}: create it ({help}) or fix the user in the URL",
    ),
    (
        r'database "(.*?)" does not exist',
        "PostgreSQL has no database {0!r}: create it ({help}) or fix the database in the URL",
    ),
    (
        r'password authentication failed for user "(.*?)"',
        "PostgreSQL refused the password "
        "of role {0!r}: fix it in the URL (TASK_TRACKER_DB) or in ~/.pgpass",
    ),
    (
        r'permission denied for database "(.*?)"',
        "this role may not connect to database {0!r}: grant it CONNECT ({help})",
    ),
    (
        FULL,
        "PostgreSQL has no free connection (max_connections reached): retry in a moment; if "
        "it lasts, raise max_connections or run fewer task-tracker processes (each holds up "
        "to 10)",
    ),
)


def refused_connection(reason: str) -> str | None:
    """What a failed connection's message means when the server answered and refused it
    (None: it could not be reached, or the reason is not one we know)."""
    for pattern, meaning in _REFUSALS:
        found = re.search(pattern, reason)
        if found:
            return meaning.format(found.group(1), help=ROLE_HELP)
    return None


def too_many_clients(exc: BaseException) -> bool:
    return re.search(FULL, str(exc)) is not None


def without_rights(shown: str, url: str, exc: Any, doing: str, *rights: str) -> Exception:
    """The StartupError for a role without the rights `doing` needs (else exc itself)."""
    if sqlstate(exc) != INSUFFICIENT_PRIVILEGE:
        return exc
    user = urlsplit(url).username or "(the URL's user)"
    grants = " ".join(f"GRANT {r} TO {user};" for r in rights)
    return StartupError(
        f"role {user!r} may not {doing} at {shown} ({str(exc.orig).splitlines()[0]}): "
        f"make it the database's owner, or as the owner run {grants} ({ROLE_HELP})"
    )


def error_meaning(exc: BaseException) -> TaskTrackerError | None:
    """What a PostgreSQL failure means for a caller: the server unreachable or restarting
    (class 08, 57P01-57P03: retry), a write that lost every retry or a statement over the
    timeout (retry), a full disk, or a rule of the schema (23xxx)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if not isinstance(exc, DBAPIError) or not type(exc.orig).__module__.startswith("psycopg"):
        return None
    state = getattr(exc.orig, "sqlstate", None) or ""
    reason = (str(exc.orig).strip().splitlines() or ["no reason given"])[0]
    if state.startswith("08") or state in ("57P01", "57P02", "57P03") or exc.connection_invalidated:
        return DatabaseUnavailable(f"PostgreSQL is not reachable: {reason}")
    if state in ("40001", "40P01", "55P03", "57014"):
        return DatabaseBusy()
    if state == "53100":
        return DatabaseFull()
    if getattr(getattr(exc.orig, "diag", None), "constraint_name", None) == ID_RULE:
        return IdsUsedUp()
    if state.startswith("23"):
        return InvalidInput(
            f"The change breaks a rule of the task database ({reason}); nothing was changed."
        )
    if state == INSUFFICIENT_PRIVILEGE:
        return DatabaseForbidden(reason, ROLE_HELP)
    if not state and isinstance(exc, OperationalError):
        refusal = refused_connection(str(exc.orig))
        return DatabaseUnavailable(refusal or f"PostgreSQL is not reachable: {reason}")
    return None


def sqlstate(exc: Any) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)
