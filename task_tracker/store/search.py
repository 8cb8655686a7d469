"""Full-text search: one interface, one implementation per database dialect.

`search_tasks` takes what a person typed and returns a ranked page; the backend for the
connection's dialect turns the text into its own query language. SQLite's backend uses the
FTS5 index `tasks_fts` (revision 0002); a second dialect adds a class with the same `search`
method and registers it in BACKENDS.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)

from task_tracker.models import TaskTag
from task_tracker.schemas import COUNT_CAP, RANK_WINDOW, Total
from task_tracker.store.listing import status_values
from task_tracker.store.tasks import TASKS, T, TaskRow

TASK_TAGS = TaskTag.__table__
TAGS = TASK_TAGS.c


@dataclass(frozen=True, slots=True)
class SearchHit:
    task: TaskRow
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: Total
    has_more: bool


EMPTY_PAGE = SearchPage(hits=[], total=Total(0), has_more=False)


class SearchBackend(Protocol):
    def search(
        self,
        conn: Connection,
        *,
        query: str,
        statuses: list[str] | None,
        priority: str | None,
        tag: str | None,
        offset: int,
        limit: int,
        known_total: Total | None,
    ) -> SearchPage:
        """Tasks matching what a person typed, best first; EMPTY_PAGE if nothing can match.
        known_total: the total an earlier page counted, not counted again."""
        ...


def search_tasks(
    conn: Connection,
    *,
    query: str,
    status: str | None = None,
    priority: str | None = None,
    tag: str | None = None,
    offset: int = 0,
    limit: int = 10,
    known_total: Total | None = None,
) -> SearchPage:
    """Words, "phrases", -exclusions and a prefix as typed; see the backend for details."""
    backend = BACKENDS[conn.dialect.name]
    return backend.search(
        conn,
        query=query,
        statuses=status_values(status),
        priority=priority,
        tag=tag.strip().lower() if tag is not None else None,
        offset=offset,
        limit=limit,
        known_total=known_total,
    )


# --- SQLite: FTS5 -------------------------------------------------------------------------------

FTS_TABLE = table("tasks_fts", column("rowid", Integer))
FTS = literal_column("tasks_fts")  # the table itself, as MATCH target and function argument
# bm25 column weights, in index column order: title, description, tags.
TITLE_WEIGHT, DESCRIPTION_WEIGHT, TAGS_WEIGHT = 10.0, 1.0, 4.0
MAX_QUERY_TERMS = 32
MAX_EXCLUDED_TERMS = 8
SNIPPET_TOKENS = 12

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


@functools.cache
def _page_statement(*, by_status: bool, by_priority: bool, by_tag: bool) -> Select[Any]:
    """search_tasks' one statement per combination of filters (values are bound parameters):
    building SQLAlchemy constructs on every call costs more than running them.

    One statement makes the whole page: the ranked ids, then each task's row and its snippet.
    The snippet is a subquery per page row that finds the row by rowid (18 us), where a
    separate query for the page's ids would run the whole match again (0.2 ms). The match
    walks the index newest first (ORDER BY rowid DESC), which also keeps SQLite from driving
    a filter join from the other side. `in_window` counts the window as it is ranked: a
    separate count would read every match (and its filter columns) again.
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
    score = func.bm25(FTS, TITLE_WEIGHT, DESCRIPTION_WEIGHT, TAGS_WEIGHT).label("score")
    window = matches.add_columns(score).order_by(newest_first).limit(RANK_WINDOW).subquery()
    ranked = (
        select(window.c.id, window.c.score, func.count().over().label("in_window"))
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
    return (
        select(TASKS, ranked.c.score, ranked.c.in_window)
        .add_columns(snippet.label("snippet"))
        .join_from(ranked, TASKS, T.id == ranked.c.id)
        .order_by(ranked.c.score, ranked.c.id.desc())
    )


class SqliteSearch:
    """BM25 over FTS5. Cost stays bounded for words found in most tasks: only the RANK_WINDOW
    newest matches are scored (all of them whenever fewer match), which also counts them up
    to COUNT_CAP; snippets are made for the returned page only.

    What stays: bm25 weighs each word by how many tasks hold it, and FTS5 finds that by
    reading the word's whole index entry once per query. At a million tasks that is ~20 ms
    for a word in 90% of them, against 0.5 ms to read the window's matches alone."""

    def search(
        self,
        conn: Connection,
        *,
        query: str,
        statuses: list[str] | None,
        priority: str | None,
        tag: str | None,
        offset: int,
        limit: int,
        known_total: Total | None,
    ) -> SearchPage:
        fts_query = to_fts_query(query)
        if fts_query is None:  # only punctuation, symbols or exclusions: nothing can match
            return EMPTY_PAGE
        statement = _page_statement(
            by_status=statuses is not None, by_priority=priority is not None, by_tag=tag is not None
        )
        params: dict[str, Any] = {"query": fts_query, "offset": offset, "limit": limit + 1}
        if statuses is not None:
            params["statuses"] = statuses
        if priority is not None:
            params["priority"] = priority
        if tag is not None:
            params["tag"] = tag
        rows = conn.execute(statement, params).all()
        if not rows:
            return EMPTY_PAGE  # (an offset past the end: 0 too)
        if known_total is not None:
            total = known_total
        elif rows[0].in_window <= COUNT_CAP:
            total = Total(rows[0].in_window)  # the window holds every match
        else:
            total = Total(COUNT_CAP, capped=True)  # the window is full
        hits = [SearchHit(task=row, snippet=row.snippet, score=-row.score) for row in rows[:limit]]
        return SearchPage(hits=hits, total=total, has_more=len(rows) > limit)


BACKENDS: dict[str, SearchBackend] = {"sqlite": SqliteSearch()}
