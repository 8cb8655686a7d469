"""All queries. Plain functions: a Connection first, keyword-only arguments after it.

The caller owns the transaction; nothing here commits.

Queries are SQLAlchemy Core statements on the models' tables and return rows (TaskRow: the
model's column names as attributes), not ORM objects. The ORM's unit of work
measured 0.35 ms per write and loading ORM objects 5 us per task, several times SQLite's own
cost; statements used on every call are built once, at import.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Select,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    update,
)

from task_tracker.errors import InvalidInput, TaskNotFound, VersionConflict
from task_tracker.fields import Priority, Status, utcnow
from task_tracker.models import Task, TaskCount, TaskTag

OPEN_STATUSES = (Status.PENDING.value, Status.IN_PROGRESS.value)
UPDATABLE_FIELDS = frozenset({"title", "description", "status", "priority", "tags", "due_date"})

TASKS = Task.__table__
T = TASKS.c
TASK_TAGS = TaskTag.__table__
TAGS = TASK_TAGS.c
COUNTS = TaskCount.__table__.c
# One task as a row of `tasks`: task.id, task.title, ... as on the model.
TaskRow = Row[Any]

_SELECT_TASK = select(TASKS).where(T.id == bindparam("task_id"))
_INSERT_TASK = insert(TASKS).returning(*T)
# SET takes the columns named in the parameters it is executed with.
_UPDATE_TASK = update(TASKS).where(T.id == bindparam("task_id")).returning(*T)
_DELETE_TASK = delete(TASKS).where(T.id == bindparam("task_id"))


@dataclass(frozen=True, slots=True)
class TaskPage:
    items: list[TaskRow]
    total: int
    has_more: bool


def normalize_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise InvalidInput("title must contain at least one non-space character.")
    return cleaned


def normalize_tags(tags: Iterable[str]) -> str:
    """Trimmed, lower-cased, de-duplicated (first occurrence wins), as JSON array text."""
    seen: dict[str, None] = {}
    for tag in tags:
        cleaned = tag.strip().lower()
        if not cleaned:
            raise InvalidInput("tags must not be blank.")
        seen.setdefault(cleaned, None)
    return json.dumps(list(seen), ensure_ascii=False, separators=(",", ":"))


def add_task(
    conn: Connection,
    *,
    title: str,
    description: str = "",
    priority: str = Priority.MEDIUM.value,
    tags: Sequence[str] = (),
    due_date: date | None = None,
    status: str = Status.PENDING.value,
) -> TaskRow:
    now = utcnow()
    return insert_task(
        conn,
        task_id=None,
        title=title,
        description=description,
        status=status,
        priority=priority,
        tags=tags,
        due_date=due_date,
        created_at=now,
        updated_at=now,
        completed_at=now if status == Status.COMPLETE.value else None,
        version=1,
    )


def schema_revision(conn: Connection) -> str | None:
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def get_task(conn: Connection, *, task_id: int) -> TaskRow:
    task = conn.execute(_SELECT_TASK, {"task_id": task_id}).one_or_none()
    if task is None:
        raise TaskNotFound(task_id)
    return task


def update_task(
    conn: Connection,
    *,
    task_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> TaskRow:
    """Apply a partial update. A change to nothing (same values) does not bump the version."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Cannot update field(s): {', '.join(sorted(unknown))}.")
    task = get_task(conn, task_id=task_id)
    if expected_version is not None and expected_version != task.version:
        raise VersionConflict(task_id, expected_version, task.version)

    wanted: dict[str, Any] = {}
    if "title" in changes:
        wanted["title"] = normalize_title(changes["title"])
    if "description" in changes:
        wanted["description"] = changes["description"]
    if "priority" in changes:
        wanted["priority"] = changes["priority"]
    if "tags" in changes:
        wanted["tags"] = normalize_tags(changes["tags"])
    if "due_date" in changes:
        due: date | None = changes["due_date"]
        wanted["due_date"] = due.isoformat() if due else None
    if "status" in changes:
        wanted["status"] = changes["status"]
    values = {name: value for name, value in wanted.items() if getattr(task, name) != value}
    if not values:
        return task
    now = utcnow()
    if "status" in values:
        values["completed_at"] = now if values["status"] == Status.COMPLETE.value else None
    values.update(updated_at=now, version=task.version + 1)
    # The write lock is held since BEGIN IMMEDIATE, so the version read above is current.
    return conn.execute(_UPDATE_TASK, {"task_id": task_id, **values}).one()


def complete_task(conn: Connection, *, task_id: int) -> TaskRow:
    """Mark a task complete. Completing a complete task returns it unchanged."""
    return update_task(conn, task_id=task_id, changes={"status": Status.COMPLETE.value})


def delete_task(conn: Connection, *, task_id: int, expected_version: int | None = None) -> TaskRow:
    task = get_task(conn, task_id=task_id)
    if expected_version is not None and expected_version != task.version:
        raise VersionConflict(task_id, expected_version, task.version)
    conn.execute(_DELETE_TASK, {"task_id": task_id})
    return task


def _status_values(status: str | None) -> list[str] | None:
    """The statuses a status filter means: "open" is two, None and "all" mean no filter."""
    if status == "open":
        return list(OPEN_STATUSES)
    if status is None or status == "all":
        return None
    return [status]


def _filtered(
    query: Select[Any],
    *,
    status: str | None,
    priority: str | None,
    tag: str | None,
    due_before: date | None,
) -> Select[Any]:
    statuses = _status_values(status)
    if statuses is not None:
        query = query.where(T.status.in_(statuses))
    if priority is not None:
        query = query.where(T.priority == priority)
    if tag is not None:
        tagged = select(TAGS.task_id).where(TAGS.tag == tag.strip().lower())
        query = query.where(T.id.in_(tagged))
    if due_before is not None:
        query = query.where(T.due_date < due_before.isoformat())
    return query


def count_by_status(conn: Connection, *, status: str | None) -> int:
    """Tasks with a status (None/"all": every task; "open"), from the trigger-kept counts."""
    query = select(func.coalesce(func.sum(COUNTS.n), 0))
    statuses = _status_values(status)
    if statuses is not None:
        query = query.where(COUNTS.status.in_(statuses))
    return conn.scalar(query) or 0


def list_tasks(
    conn: Connection,
    *,
    status: str | None = None,
    priority: str | None = None,
    tag: str | None = None,
    due_before: date | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> TaskPage:
    """Tasks matching the filters in id order, starting after after_id (keyset pagination)."""
    filters = {"status": status, "priority": priority, "tag": tag, "due_before": due_before}
    if priority is None and tag is None and due_before is None:
        total = count_by_status(conn, status=status)
    else:
        total = conn.scalar(_filtered(select(func.count(T.id)), **filters)) or 0
    query = _filtered(select(TASKS), **filters)
    if after_id is not None:
        query = query.where(T.id > after_id)
    rows = list(conn.execute(query.order_by(T.id).limit(limit + 1)))
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


_STATUS_RANK = case(
    (T.status == Status.IN_PROGRESS.value, 0),
    (T.status == Status.PENDING.value, 1),
    else_=2,
)
_PRIORITY_RANK = case(
    (T.priority == Priority.HIGH.value, 0),
    (T.priority == Priority.MEDIUM.value, 1),
    else_=2,
)


def overview(conn: Connection, *, limit: int) -> TaskPage:
    """Open tasks first (in progress, then pending; high priority first), then completed."""
    total = count_by_status(conn, status=None)
    rows = list(
        conn.execute(select(TASKS).order_by(_STATUS_RANK, _PRIORITY_RANK, T.id).limit(limit + 1))
    )
    return TaskPage(items=rows[:limit], total=total, has_more=len(rows) > limit)


@dataclass(frozen=True, slots=True)
class Standup:
    completed: list[TaskRow]
    in_progress: list[TaskRow]
    pending: list[TaskRow]
    overdue: list[TaskRow]
    stale: list[TaskRow]


def standup(
    conn: Connection,
    *,
    since: datetime,
    today: date,
    stale_before: datetime,
    tag: str | None = None,
    limit: int = 25,
) -> Standup:
    """What a daily stand-up needs: done since `since`, in progress, pending, overdue, stale."""

    def pick(*conditions: Any, order: Any = T.id) -> list[TaskRow]:
        query = _filtered(select(TASKS), status=None, priority=None, tag=tag, due_before=None)
        return list(conn.execute(query.where(*conditions).order_by(order).limit(limit)))

    is_open = T.status.in_(OPEN_STATUSES)
    return Standup(
        completed=pick(T.completed_at >= since, order=T.completed_at),
        in_progress=pick(T.status == Status.IN_PROGRESS.value, order=_PRIORITY_RANK),
        pending=pick(T.status == Status.PENDING.value, order=_PRIORITY_RANK),
        overdue=pick(is_open, T.due_date < today.isoformat(), order=T.due_date),
        stale=pick(is_open, T.updated_at < stale_before, order=T.updated_at),
    )


# --- full-text search (FTS5 index tasks_fts, created by migration 0002) ------------------------

FTS_TABLE = table("tasks_fts", column("rowid", Integer))
FTS = literal_column("tasks_fts")  # the table itself, as MATCH target and function argument
# bm25 column weights, in index column order: title, description, tags.
TITLE_WEIGHT, DESCRIPTION_WEIGHT, TAGS_WEIGHT = 10.0, 1.0, 4.0
MAX_QUERY_TERMS = 32
MAX_EXCLUDED_TERMS = 8
SNIPPET_TOKENS = 12
# How many of the newest matches a search scores, and how far it counts; see search_tasks.
RANK_WINDOW = 2_000
COUNT_CAP = 10_000

# A quoted phrase (an unbalanced quote runs to the end) or a run of non-space characters.
_QUERY_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')
_HAS_WORD = re.compile(r"[^\W_]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
# Typed as operators out of habit; searching for them as words would only lose matches.
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query, or None if it has no words.

    Supported: words (all must match, in any field, any form: "deploying" finds "deploy"),
    "quoted phrases", -word to exclude, and the last word matching as a prefix while typing.
    Everything else (operators, *, :, parentheses, stray quotes) is treated as plain text:
    every part is passed to FTS5 as a quoted string, so no input is FTS syntax.
    """
    text = _CONTROL_CHARS.sub(" ", text)  # FTS5 strings cannot hold NUL; none mean anything
    parts = list(_QUERY_PART.finditer(text))
    typing_last_word = bool(text) and not text[-1].isspace()
    include: list[str] = []
    exclude: list[str] = []
    for index, part in enumerate(parts):
        phrase, word = part.group(1), part.group(2)
        excluded = word is not None and word.startswith("-") and len(word) > 1
        body = word[1:] if excluded else (word if word is not None else phrase)
        if not _HAS_WORD.search(body) or (word is not None and word in _OPERATOR_WORDS):
            continue
        term = _fts_string(body)
        if excluded:
            exclude.append(term)
            continue
        if word is not None and index == len(parts) - 1 and typing_last_word:
            # The word as typed so far, or (stemmed) as a whole word.
            term = f"({term}* OR {term})"
        include.append(term)
    if not include:
        return None
    query = " AND ".join(include[:MAX_QUERY_TERMS])
    if exclude:
        query = f"({query}) NOT ({' OR '.join(exclude[:MAX_EXCLUDED_TERMS])})"
    return query


@dataclass(frozen=True, slots=True)
class SearchHit:
    task: TaskRow
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    has_more: bool


@dataclass(frozen=True, slots=True)
class _SearchStatements:
    page: Select[Any]
    count: Select[Any]
    filtered: bool


@functools.cache
def _search_statements(*, by_status: bool, by_priority: bool, by_tag: bool) -> _SearchStatements:
    """search_tasks' statements, built once per combination of filters (values are bound
    parameters): building SQLAlchemy constructs on every call costs more than running them.

    `page` is one statement for the whole page: the ranked ids, then each task's row and its
    snippet. The snippet is a subquery per page row that finds the row by rowid (18 us),
    where a separate query for the page's ids would run the whole match again (0.2 ms).
    Every statement walks the index newest first (ORDER BY rowid DESC), which also keeps
    SQLite from driving a filter join from the other side.
    """
    newest_first = FTS_TABLE.c.rowid.desc()
    matching = FTS.op("MATCH")(bindparam("query"))
    matches = select(FTS_TABLE.c.rowid.label("id")).where(matching)
    if by_status or by_priority:
        matches = matches.join(TASKS, T.id == FTS_TABLE.c.rowid)
    if by_status:
        matches = matches.where(T.status.in_(bindparam("statuses", expanding=True)))
    if by_priority:
        matches = matches.where(T.priority == bindparam("priority"))
    if by_tag:
        matches = matches.join(
            TASK_TAGS, (TAGS.task_id == FTS_TABLE.c.rowid) & (TAGS.tag == bindparam("tag"))
        )
    filtered = by_status or by_priority or by_tag
    score = func.bm25(FTS, TITLE_WEIGHT, DESCRIPTION_WEIGHT, TAGS_WEIGHT).label("score")
    window = matches.add_columns(score).order_by(newest_first).limit(RANK_WINDOW).subquery()
    counted = matches.order_by(newest_first).limit(COUNT_CAP + 1).subquery()
    # With a filter, counting the window as it is ranked is cheaper than counting apart (which
    # would read every match's filter columns again); without one, FTS5 counts in ~0.1 ms.
    in_window = [func.count().over().label("in_window")] if filtered else []
    ranked = (
        select(window.c.id, window.c.score, *in_window)
        .order_by(window.c.score, window.c.id.desc())  # bm25: lower is better
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
        .subquery()
    )
    snippet = (
        select(func.snippet(FTS, -1, "**", "**", "…", SNIPPET_TOKENS))
        .where(matching, FTS_TABLE.c.rowid == ranked.c.id)
        .scalar_subquery()
    )
    page = (
        select(TASKS, ranked.c.score, *([ranked.c.in_window] if filtered else []))
        .add_columns(snippet.label("snippet"))
        .join_from(ranked, TASKS, T.id == ranked.c.id)
        .order_by(ranked.c.score, ranked.c.id.desc())
    )
    return _SearchStatements(
        page=page, count=select(func.count()).select_from(counted), filtered=filtered
    )


def search_tasks(
    conn: Connection,
    *,
    fts_query: str,
    status: str | None = None,
    priority: str | None = None,
    tag: str | None = None,
    offset: int = 0,
    limit: int = 10,
) -> SearchPage:
    """Tasks matching an FTS5 query (see to_fts_query), best first by BM25.

    Cost stays bounded for words found in most tasks: only the RANK_WINDOW newest matches are
    scored (all of them whenever fewer match), matches are counted up to COUNT_CAP, and
    snippets are made for the returned page only.
    """
    statuses = _status_values(status)
    statements = _search_statements(
        by_status=statuses is not None, by_priority=priority is not None, by_tag=tag is not None
    )
    params: dict[str, Any] = {"query": fts_query, "offset": offset, "limit": limit + 1}
    if statuses is not None:
        params["statuses"] = statuses
    if priority is not None:
        params["priority"] = priority
    if tag is not None:
        params["tag"] = tag.strip().lower()
    rows = conn.execute(statements.page, params).all()
    if not rows:
        return SearchPage(hits=[], total=0, has_more=False)  # (an offset past the end: 0 too)
    if statements.filtered and rows[0].in_window < RANK_WINDOW:
        total = rows[0].in_window  # the window holds every match: no separate count
    else:
        total = min(conn.scalar(statements.count, params) or 0, COUNT_CAP)
    hits = [SearchHit(task=row, snippet=row.snippet, score=-row.score) for row in rows[:limit]]
    return SearchPage(hits=hits, total=total, has_more=len(rows) > limit)


# --- export / import ----------------------------------------------------------------------------


def iter_tasks(conn: Connection, *, batch: int = 1_000) -> Iterator[TaskRow]:
    """Every task in id order, loaded in batches."""
    yield from conn.execute(select(TASKS).order_by(T.id).execution_options(yield_per=batch))


def insert_task(
    conn: Connection,
    *,
    task_id: int | None,
    title: str,
    description: str,
    status: str,
    priority: str,
    tags: Sequence[str],
    due_date: date | None,
    created_at: datetime,
    updated_at: datetime,
    completed_at: datetime | None,
    version: int,
) -> TaskRow:
    """Insert a task exactly as given (a restore), keeping its id unless task_id is None."""
    if task_id is not None and conn.execute(_SELECT_TASK, {"task_id": task_id}).first():
        raise InvalidInput(f"a task with id {task_id} already exists")
    values = dict(
        title=normalize_title(title),
        description=description,
        status=status,
        priority=priority,
        tags=normalize_tags(tags),
        due_date=due_date.isoformat() if due_date else None,
        created_at=created_at,
        updated_at=updated_at,
        completed_at=completed_at,
        version=version,
    )
    if task_id is not None:
        values["id"] = task_id
    return conn.execute(_INSERT_TASK, values).one()
