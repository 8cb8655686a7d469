"""Full-text search on PostgreSQL: the weighted `tasks.search` and `task_notes.search`
tsvectors of revisions 0002 and 0014 (words split at punctuation by 0019's task_words), with
the meaning of the SQLite backend.

The terms of what a person typed (fts_query.query_terms) become a tsquery built from bound
parameters only (plainto_tsquery for a word, phraseto_tsquery for a phrase, a quoted
lexeme with :* for a prefix), so no input is tsquery syntax. Ranking is SQLite's: the
RANK_WINDOW newest matches, tier 2 for a title hit (weight A) and +1 for a tags hit (B),
newest first within a tier; a task found by a note alone ranks with description hits.
"""

from __future__ import annotations

import re
import string
from typing import Any, NamedTuple

from sqlalchemy import Connection, text

from task_tracker.schemas import RANK_WINDOW, Total
from task_tracker.store.filters import Filters, Shape
from task_tracker.store.fts_query import Term, Terms, query_terms
from task_tracker.store.search_results import EMPTY_PAGE, SearchPage, ranked_page

CONFIG = "'task_search'"
# What task_words reads as a space, where Python splits a typed prefix into its parts.
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}\\s]+")


def _prefix_lexeme(word: str) -> str:
    """A word as a quoted tsquery lexeme that matches as a prefix."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "':*"


def _words(param: str) -> str:
    """A bound text read as the search vectors read theirs (revision 0019's task_words:
    punctuation is a space), as a phrase: a typed word that punctuation splits, such as
    `node.js`, means its parts in that order, as an FTS5 string does on SQLite."""
    return f"phraseto_tsquery({CONFIG}, task_words(:{param}))"


def _words_of(term: Term) -> list[str]:
    """The words task_words makes of a typed term (punctuation read as a space)."""
    return _PUNCTUATION.split(term.text.strip(string.punctuation)) or [""]


def _in_one_field(terms: Terms, parts: list[str]) -> str:
    """The condition that each term of several words matches inside one field. The vector
    is the fields' vectors concatenated, so `a <-> b` also matched a title ending in `a` and
    tags starting with `b`; in SQLite's index each field is a column of its own."""
    spread = [
        part for term, part in zip(terms.wanted, parts, strict=True) if len(_words_of(term)) > 1
    ]
    return "".join(
        " AND (" + " OR ".join(f"ts_filter(t.search, '{{{w}}}') @@ {part}" for w in "abc") + ")"
        for part in spread
    )


class _Queries(NamedTuple):
    every: str  # every wanted term
    anyone: str  # any wanted term
    excluded: str | None  # any excluded word
    in_one_field: str  # the condition that each term of several words is inside one field


def _tsqueries(terms: Terms, params: dict[str, Any]) -> _Queries:
    """The tsqueries of what a person typed (SQL), binding the terms."""
    parts = []
    for n, term in enumerate(terms.wanted):
        params[f"w{n}"] = term.text
        if term.prefix:
            # The last part as typed so far, after the others in order (FTS5's "a b"*).
            *head, last = _words_of(term)
            params[f"p{n}"] = _prefix_lexeme(last)
            prefix = f"to_tsquery({CONFIG}, :p{n})"
            if head:
                params[f"h{n}"] = " ".join(head)
                prefix = f"tsquery_phrase({_words(f'h{n}')}, {prefix})"
            parts.append(f"({prefix} || {_words(f'w{n}')})")
        else:
            parts.append(_words(f"w{n}"))
    excluded = []
    for n, word in enumerate(terms.excluded):
        params[f"x{n}"] = word
        excluded.append(_words(f"x{n}"))
    every = "(" + " && ".join(parts) + ")"
    anyone = "(" + " || ".join(parts) + ")"
    either = ("(" + " || ".join(excluded) + ")") if excluded else None
    return _Queries(every, anyone, either, _in_one_field(terms, parts))


def _filters(alias: str, shape: Shape) -> str:
    """The filters set in shape as conditions on tasks AS alias, over Filters.params."""
    where = []
    if shape.by_status:
        where.append(f"{alias}.status = ANY(:statuses)")
    if shape.by_priority:
        where.append(f"{alias}.priority = :priority")
    if shape.by_project:
        where.append(f"{alias}.project_id = :project_id")
    where.extend(
        f"EXISTS (SELECT 1 FROM task_tags WHERE task_id = {alias}.id AND tag = :tag{n})"
        for n in range(shape.tags)
    )
    return "".join(f" AND {condition}" for condition in where)


class PostgresSearch:
    def search(
        self,
        conn: Connection,
        *,
        query: str,
        filters: Filters,
        offset: int,
        limit: int,
        known_total: Total | None,
    ) -> SearchPage:
        terms = query_terms(query)
        if terms is None:
            return EMPTY_PAGE
        params: dict[str, Any] = {"window": RANK_WINDOW, "offset": offset, "limit": limit + 1}
        every, anyone, excluded, in_one_field = _tsqueries(terms, params)
        matching = f"({every} && !!{excluded})" if excluded else every
        not_excluded = f" AND NOT (t.search @@ {excluded})" if excluded else ""
        params.update(filters.params())
        narrowed = _filters("t", filters.shape)
        # The tsquery is written out where it is used, not computed once in a CTE: so the
        # planner sees what it matches (it evaluates the expression to estimate), and reads
        # the newest tasks by id for a common word (1 ms for a word in 90% of 100k tasks)
        # where a CTE's opaque value made it gather and sort every match (82 ms).
        statement = text(
            f"""
            WITH own AS (
                SELECT t.id, t.search FROM tasks AS t
                WHERE t.search @@ {matching}{in_one_field}{narrowed}
                ORDER BY t.id DESC LIMIT :window
            ),
            noted AS (
                SELECT DISTINCT t.id FROM task_notes AS n JOIN tasks AS t ON t.id = n.task_id
                WHERE n.search @@ {matching}{not_excluded}{narrowed}
                ORDER BY t.id DESC LIMIT :window
            ),
            found AS (
                SELECT own.id,
                       CASE WHEN ts_filter(own.search, '{{a}}') @@ {anyone} THEN 2 ELSE 0 END
                       + CASE WHEN ts_filter(own.search, '{{b}}') @@ {anyone} THEN 1 ELSE 0 END
                       AS tier
                FROM own
                UNION ALL
                SELECT noted.id, 0 FROM noted WHERE noted.id NOT IN (SELECT id FROM own)
            )
            SELECT id, tier, count(*) OVER () AS in_window FROM found
            ORDER BY tier DESC, id DESC OFFSET :offset LIMIT :limit
            """
        )
        ranked = conn.execute(statement, params).all()
        return ranked_page(
            conn,
            ranked,
            limit=limit,
            known_total=known_total,
            snippets=lambda ids: self._snippets(conn, ids, matching, anyone, params),
        )

    def _snippets(
        self,
        conn: Connection,
        ids: list[int],
        matching: str,
        anyone: str,
        params: dict[str, Any],
    ) -> dict[int, str]:
        """For the page only: from the title, the tags or the description, whichever holds
        any of the words first, with every word it holds marked; from the newest matching
        note for a task found by its notes."""
        options = (
            "StartSel=**, StopSel=**, MaxWords=12, MinWords=4, ShortWord=0, "
            "FragmentDelimiter=…, MaxFragments=1"
        )
        statement = text(
            f"""
            WITH q AS (SELECT {matching} AS match, {anyone} AS wanted)
            SELECT t.id, ts_headline({CONFIG},
                CASE WHEN to_tsvector({CONFIG}, task_words(t.title)) @@ q.wanted THEN t.title
                     WHEN to_tsvector({CONFIG}, task_words(t.tags)) @@ q.wanted THEN t.tags
                     ELSE t.description END, q.wanted, '{options}')
            FROM tasks AS t, q WHERE t.id = ANY(:ids) AND t.search @@ q.match
            UNION ALL
            SELECT * FROM (
                SELECT DISTINCT ON (n.task_id) n.task_id,
                    'note: ' || ts_headline({CONFIG}, n.text, q.wanted, '{options}')
                FROM task_notes AS n, q
                WHERE n.task_id = ANY(:ids) AND n.search @@ q.match
                  AND NOT EXISTS (
                      SELECT 1 FROM tasks AS t WHERE t.id = n.task_id AND t.search @@ q.match
                  )
                ORDER BY n.task_id, n.id DESC
            ) AS newest
            """
        )
        found: dict[int, str] = {}
        for task_id, snippet in conn.execute(statement, {**params, "ids": list(ids)}):
            found.setdefault(task_id, snippet)
        return found
