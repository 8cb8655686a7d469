"""Projects: found by name ignoring case, created only when asked, counted by status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)

from task_tracker.errors import InvalidInput, ProjectNotFound, Refused
from task_tracker.models import Project, Task, table_of
from task_tracker.schemas import OPEN_STATUSES, PROJECT_NAME_MAX, Status

T = table_of(Task).c
PROJECTS = table_of(Project)
P = PROJECTS.c
# How many names an error lists.
NAMED_MAX = 20

# The project's name as a column of a task row ("project"), for every select of tasks, also in
# RETURNING, where SQLAlchemy would leave the correlated columns unqualified (and ambiguous).
PROJECT_NAME: ColumnElement[str] = literal_column(
    "(SELECT projects.name FROM projects WHERE projects.id = tasks.project_id)"
).label("project")


def normalize_project_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("project must contain at least one non-space character.")
    if len(cleaned) > PROJECT_NAME_MAX:
        raise InvalidInput(f"project is longer than {PROJECT_NAME_MAX} characters.")
    return cleaned


# By its name ignoring case, from ix_projects_lower_name; built once (every filter uses it).
_BY_NAME = select(PROJECTS).where(func.lower(P.name) == func.lower(bindparam("name")))


def find_project(conn: Connection, name: str) -> Any:
    """The project row with this name, ignoring case, or None."""
    return conn.execute(_BY_NAME, {"name": normalize_project_name(name)}).first()


def project_names(conn: Connection) -> list[str]:
    query = select(P.name).where(P.archived.is_(False)).order_by(func.lower(P.name))
    return list(conn.scalars(query.limit(NAMED_MAX)))


def project_id(conn: Connection, name: str, *, create: bool = False) -> int:
    """The id of the project called `name` (any case); created when asked, else refused with
    the names that exist, so a misspelling never starts a second project."""
    found = find_project(conn, name)
    if found is not None:
        return found.id
    if not create:
        raise ProjectNotFound(name, project_names(conn))
    new = insert(PROJECTS).values(name=normalize_project_name(name)).returning(P.id)
    return conn.execute(new).scalar_one()


@dataclass(frozen=True, slots=True)
class ProjectCounts:
    name: str
    description: str
    archived: bool
    review: bool
    open: int
    complete: int
    cancelled: int


def list_projects(
    conn: Connection, *, include_archived: bool = False, only: int | None = None
) -> list[ProjectCounts]:
    """Every project (by name; `only`: the one with that id) with how many of its tasks are
    open, complete, cancelled, counted from the (project_id, status) index."""
    counts = (
        select(T.project_id, T.status, func.count().label("n"))
        .where(T.project_id.is_not(None) if only is None else T.project_id == only)
        .group_by(T.project_id, T.status)
    )
    tally: dict[int, dict[str, int]] = {}
    for pid, status, n in conn.execute(counts):
        tally.setdefault(pid, {})[status] = n
    query = select(PROJECTS).order_by(func.lower(P.name))
    if only is not None:
        query = query.where(P.id == only)
    elif not include_archived:
        query = query.where(P.archived.is_(False))
    out = []
    for row in conn.execute(query):
        by = tally.get(row.id, {})
        out.append(
            ProjectCounts(
                name=row.name,
                description=row.description,
                archived=bool(row.archived),
                review=bool(row.review),
                open=sum(by.get(s, 0) for s in OPEN_STATUSES),
                complete=by.get(Status.COMPLETE.value, 0),
                cancelled=by.get(Status.CANCELLED.value, 0),
            )
        )
    return out


def save_project(
    conn: Connection,
    *,
    name: str,
    description: str | None = None,
    archived: bool | None = None,
    new_name: str | None = None,
    review: bool | None = None,
) -> ProjectCounts:
    """Create the project, or change the one with this name (any case)."""
    pid = project_id(conn, name, create=True)
    values: dict[str, Any] = {}
    if description is not None:
        values["description"] = description
    if archived is not None:
        values["archived"] = archived
    if review is not None:
        values["review"] = review
    if new_name is not None:
        renamed = normalize_project_name(new_name)
        other = find_project(conn, renamed)
        if other is not None and other.id != pid:
            raise Refused(f"A project named {other.name!r} already exists; choose another name.")
        values["name"] = renamed
    if values:
        conn.execute(PROJECTS.update().where(P.id == pid).values(**values))
    return list_projects(conn, only=pid)[0]


def names_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """The names of the projects with these ids (history records a task's project by id)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(conn.execute(select(P.id, P.name).where(P.id.in_(wanted))).tuples().all())
