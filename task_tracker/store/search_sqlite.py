"""Full-text search on SQLite: FTS5 indexes over tasks (revision 0002) and notes (0014)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    union_all,
)

from task_tracker.models import TaskNote, TaskTag, table_of
from task_tracker.schemas import RANK_WINDOW, Total
from task_tracker.store.filters import Filters, Shape
from task_tracker.store.fts_query import fts_string, has_word, parse_query
from task_tracker.store.search_results import EMPTY_PAGE, SearchPage, ranked_page
from task_tracker.store.tasks import TASKS, T

TASK_TAGS = table_of(TaskTag)
TAGS = TASK_TAGS.c
NOTES = table_of(TaskNote)


FTS_TABLE = table("tasks_fts", column("rowid", Integer))
# The table itself, as MATCH target and function argument.
FTS: ColumnElement[Any] = literal_column("tasks_fts")
NOTES_FTS_TABLE = table("task_notes_fts", column("rowid", Integer))
NOTES_FTS: ColumnElement[Any] = literal_column("task_notes_fts")
SNIPPET_TOKENS = 12


def _matching(name: str, index: Any = FTS) -> Any:
    return index.op("MATCH")(bindparam(name))


def _filtered(matches: Select[Any], task_id: Any, shape: Shape, *, join_tasks: bool) -> Select[Any]:
    """matches (with task ids in task_id) narrowed by the filters' bound parameters
    (Filters.params)."""
    if join_tasks or shape.by_status or shape.by_priority or shape.by_project:
        matches = matches.join(TASKS, T.id == task_id)
    if shape.by_project:
        matches = matches.where(T.project_id == bindparam("project_id"))
    if shape.by_status:
        matches = matches.where(T.status.in_(bindparam("statuses", expanding=True)))
    if shape.by_priority:
        matches = matches.where(T.priority == bindparam("priority"))
    for n in range(shape.tags):  # each tag by its (task_id, tag) key
        tagged = TASK_TAGS.alias(f"tag{n}")
        matches = matches.join(
            tagged, (tagged.c.task_id == task_id) & (tagged.c.tag == bindparam(f"tag{n}"))
        )
    return matches


def _hit_in(column: int) -> Any:
    """Whether a match's column holds a match, from the match's own cursor (FTS5's
    highlight() marks each matched token with char(1); a title that holds that control
    character itself would count as a hit, which moves only its rank)."""
    marked = func.highlight(FTS, column, literal_column("char(1)"), "")
    return func.instr(marked, literal_column("char(1)")) > 0


@functools.cache
def _ranking(shape: Shape, *, spread: bool, excluding: bool) -> Select[Any]:
    """The page's ids, best first, with each one's tier and how many the window holds; built
    once per combination (building SQLAlchemy constructs costs more than running them).

    The window is the RANK_WINDOW newest matches, read from the index newest first (which
    also keeps SQLite from driving a filter join from the other side). A match is in tier 2
    when its title holds a wanted word, +1 when its tags do. For one word, that is two more
    index lookups over the window's range of rowids (cheap: the word's own entries there).
    For several words or a phrase (`spread`), each lookup would match them all again over
    that range, which for a few matches of common words is most of the index (3.5 ms each
    at a million tasks); highlight() on each match's own cursor costs ~3 us a match instead.
    """
    matches = select(FTS_TABLE.c.rowid.label("id")).where(_matching("tagged_query"))
    if spread:
        matches = matches.add_columns(_hit_in(0).label("in_title"), _hit_in(2).label("in_tags"))
    matches = _filtered(matches, FTS_TABLE.c.rowid, shape, join_tasks=False)
    window = matches.order_by(FTS_TABLE.c.rowid.desc()).limit(RANK_WINDOW).cte("window")
    if spread:
        in_title, in_tags = window.c.in_title, window.c.in_tags
    else:
        oldest = select(func.min(window.c.id)).scalar_subquery()

        def hits(field: str) -> Any:
            return select(FTS_TABLE.c.rowid).where(_matching(field), FTS_TABLE.c.rowid >= oldest)

        in_title = window.c.id.in_(hits("in_title"))  # type: ignore[assignment]
        in_tags = window.c.id.in_(hits("in_tags"))  # type: ignore[assignment]
    tier = case((in_title, 2), else_=0) + case((in_tags, 1), else_=0)
    # Tasks found by their notes alone rank with description hits, unless their own text holds
    # an excluded word. Joining tasks drops the notes of a task deleted by hand with foreign
    # keys off.
    noted = _filtered(
        select(NOTES.c.task_id.label("id"))
        .distinct()
        .select_from(NOTES_FTS_TABLE.join(NOTES, NOTES.c.id == NOTES_FTS_TABLE.c.rowid))
        .where(_matching("query", NOTES_FTS)),
        NOTES.c.task_id,
        shape,
        join_tasks=True,
    )
    if excluding:  # one lookup of the excluded words per task found, not their whole entries
        noted = noted.where(
            ~select(FTS_TABLE.c.rowid)
            .where(_matching("excluded"), FTS_TABLE.c.rowid == NOTES.c.task_id)
            .exists()
        )
    newest = noted.order_by(NOTES.c.task_id.desc()).limit(RANK_WINDOW).subquery("noted")
    found = union_all(
        select(window.c.id, tier.label("tier")),
        select(newest.c.id, literal(0).label("tier")).where(
            newest.c.id.not_in(select(window.c.id))
        ),
    ).subquery("found")
    return (
        select(found.c.id, found.c.tier, func.count().over().label("in_window"))
        .order_by(found.c.tier.desc(), found.c.id.desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


# Snippets for the page only. Usually from one pass over the page's range of rowids: a lookup
# per page row (rowid = ?) opens the index again for each (7 us with one segment, 0.15 ms with
# the 18 a million inserted tasks leave), and `rowid + 0` keeps the id list from being used as
# such lookups. But when a few matches of several words are spread over the whole index, that
# pass matches the words all over again (3.5 ms for a phrase at a million tasks), and ten
# lookups cost less.
_SNIPPET = func.snippet(FTS, -1, "**", "**", "…", SNIPPET_TOKENS)
_PAGE_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_SNIPPETS_IN_RANGE = select(FTS_TABLE.c.rowid, _SNIPPET).where(
    _matching("query"),
    FTS_TABLE.c.rowid.between(bindparam("low"), bindparam("high")),
    (FTS_TABLE.c.rowid + 0).in_(_PAGE_IDS),
)
_SNIPPETS_BY_ROW = select(FTS_TABLE.c.rowid, _SNIPPET).where(
    _matching("query"), FTS_TABLE.c.rowid.in_(_PAGE_IDS)
)
_NOTE_SNIPPETS = (
    select(
        NOTES.c.task_id,
        func.snippet(NOTES_FTS, -1, "**", "**", "…", SNIPPET_TOKENS),
    )
    .select_from(NOTES_FTS_TABLE.join(NOTES, NOTES.c.id == NOTES_FTS_TABLE.c.rowid))
    .where(_matching("query", NOTES_FTS), NOTES.c.task_id.in_(_PAGE_IDS))
    .order_by(NOTES.c.id)  # the newest matching note of each task is read last, and kept
)


def with_tags(match: str, tags: Sequence[str]) -> str:
    """The query, narrowed by the tags as phrases of the index's tags column. FTS5 finds the
    tasks that hold both by skipping through the two words' entries, where the join on
    task_tags (which stays, and is exact: a tag's phrase also matches its stem, or the end of
    one tag and the start of the next) checked every task that held the words: a common word
    with a rare tag went through most of the word's entries (14x add_task at a million)."""
    worded = [tag for tag in tags if has_word(tag)]  # (a tag of symbols alone has no token)
    return " AND ".join([f"({match})", *(f"{{tags}} : {fts_string(tag)}" for tag in worded)])


class SqliteSearch:
    """Ranked by where the words are (title, then tags, then description), newest first
    within each. Cost stays bounded for words found in most tasks: only the RANK_WINDOW
    newest matches are ranked (all of them whenever fewer match), which also counts them up
    to COUNT_CAP; snippets are made for the returned page only.

    Not bm25: it weighs each word by how many tasks hold it, which FTS5 finds by reading the
    word's whole index entry on every query: ~20 ms at a million tasks for a word in 90% of
    them, against ~1 ms for everything here."""

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
        parsed = parse_query(query)
        if parsed is None:  # only punctuation, symbols or exclusions: nothing can match
            return EMPTY_PAGE
        # A tag filter spreads the window's matches over a wide range of rowids, where a
        # lookup per tier or a snippet pass would read all of a common word's entries: rank
        # and snip them one by one instead, as for several words.
        tags = filters.tags
        spread = parsed.spread or bool(tags)
        statement = _ranking(filters.shape, spread=spread, excluding=parsed.excluded is not None)
        params: dict[str, Any] = {
            "query": parsed.match,
            "tagged_query": with_tags(parsed.match, tags),
            "offset": offset,
            "limit": limit + 1,
        }
        if parsed.excluded is not None:
            params["excluded"] = parsed.excluded
        if not spread:
            params["in_title"] = f"{{title}} : ({parsed.wanted})"
            params["in_tags"] = f"{{tags}} : ({parsed.wanted})"
        params.update(filters.params())
        ranked = conn.execute(statement, params).all()
        sparse = bool(ranked) and (bool(tags) or spread and ranked[0].in_window < RANK_WINDOW)

        def snippets(ids: list[int]) -> dict[int, str]:
            where = {"query": parsed.match, "low": min(ids), "high": max(ids), "ids": ids}
            found: dict[int, str] = dict(
                conn.execute(_SNIPPETS_BY_ROW if sparse else _SNIPPETS_IN_RANGE, where).all()
            )
            if unsnipped := [i for i in ids if i not in found]:
                found_in_notes = {"query": parsed.match, "ids": unsnipped}
                for task_id, snippet in conn.execute(_NOTE_SNIPPETS, found_in_notes):
                    found[task_id] = f"note: {snippet}"
            return found

        return ranked_page(conn, ranked, limit=limit, known_total=known_total, snippets=snippets)
