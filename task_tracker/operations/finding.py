"""Operations that find tasks: list (filters, sorts, pages), search (words), next (what to do,
and claiming it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from task_tracker.errors import InvalidInput
from task_tracker.operations.calls import Call, operation, reading, writing
from task_tracker.operations.cursors import decode_cursor, decode_list_cursor
from task_tracker.operations.shaping import (
    all_held,
    nothing_ready,
    search_page,
    shaped,
    task_page,
    why_next,
)
from task_tracker.operations.teamwork import PathPatterns
from task_tracker.paths import check_patterns
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas import (
    LIST_LIMIT_DEFAULT,
    NEXT_LIMIT_DEFAULT,
    SEARCH_LIMIT_DEFAULT,
    Cursor,
    DueWhen,
    ListLimit,
    NextLimit,
    NextTasksOut,
    PriorityName,
    SearchLimit,
    SearchPageOut,
    SearchQuery,
    Status,
    StatusFilter,
    SuggestedTaskOut,
    TagsFilter,
    TaskPageOut,
    local_today,
)
from task_tracker.schemas.structure import (
    DEFAULT_ORDER,
    ClaimedBy,
    OrderName,
    ProjectName,
    SortName,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker import store
else:
    store = lazy_module("task_tracker.store")  # SQLAlchemy loads after `initialize` is answered


HELD_NAMED = 3  # how many held tasks next_task's message names


def _tags(tag: str | None) -> list[str] | None:
    """A tag filter's tags (TagsFilter: one, or several joined by commas)."""
    return tag.split(",") if tag is not None else None


@operation
def list_tasks(
    *,
    status: StatusFilter = "all",
    priority: PriorityName | None = None,
    tag: TagsFilter | None = None,
    due: DueWhen | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    project: ProjectName | None = None,
    claimed_by: ClaimedBy | None = None,
    deferred: bool | None = None,
    sort: SortName = "id",
    order: OrderName | None = None,
    limit: ListLimit = LIST_LIMIT_DEFAULT,
    cursor: Cursor | None = None,
) -> Call[TaskPageOut]:
    chosen_order = order or DEFAULT_ORDER[sort]
    after_key, after_id, known_total = (
        decode_list_cursor(cursor, sort, chosen_order) if cursor is not None else (None, None, None)
    )
    if due is not None:
        after, before = store.due_window(due, local_today())
        due_after = max(filter(None, (due_after, after)), default=None)
        due_before = min(filter(None, (due_before, before)), default=None)
        if due == "overdue" and status == "all":
            status = "open"

    def run(conn: Connection) -> TaskPageOut:
        page = store.list_tasks(
            conn,
            status=status,
            priority=priority,
            tag=_tags(tag),
            due_before=due_before,
            due_after=due_after,
            project=project,
            claimed_by=claimed_by,
            deferred=deferred,
            sort=sort,
            order=chosen_order,
            after_key=after_key,
            after_id=after_id,
            limit=limit,
            known_total=known_total,
        )
        return task_page(
            page.items, total=page.total, has_more=page.has_more, sort=sort, order=chosen_order
        )

    return reading(run)


@operation
def search_tasks(
    *,
    query: SearchQuery,
    status: StatusFilter = "all",
    priority: PriorityName | None = None,
    tag: TagsFilter | None = None,
    project: ProjectName | None = None,
    limit: SearchLimit = SEARCH_LIMIT_DEFAULT,
    cursor: Cursor | None = None,
) -> Call[SearchPageOut]:
    if not query.strip():
        raise InvalidInput(
            "query is empty: give one or more words to search for, or use list_tasks."
        )
    offset, known_total = decode_cursor(cursor, "offset") if cursor is not None else (0, None)

    def run(conn: Connection) -> SearchPageOut:
        page = store.search_tasks(
            conn,
            query=query,
            status=status,
            priority=priority,
            tag=_tags(tag),
            project=project,
            offset=offset,
            limit=limit,
            known_total=known_total,
        )
        return search_page(page, offset=offset)

    return reading(run)


@operation
def next_task(
    *,
    actor: str,
    limit: NextLimit = NEXT_LIMIT_DEFAULT,
    tag: TagsFilter | None = None,
    project: ProjectName | None = None,
    claimed_by: ClaimedBy | None = None,
    claim: bool = False,
    paths: PathPatterns | None = None,
) -> Call[NextTasksOut]:
    """The best ready tasks for `actor`; claim: take the best free one for them (paths: for
    those files, as claim_task's)."""
    today = local_today()
    if paths and not claim:
        raise InvalidInput(
            "paths name the files a claim covers: pass claim=true with them, or leave them "
            "out to only see what is next."
        )
    patterns = check_patterns(paths) if paths else None
    if claim and claimed_by:
        raise InvalidInput(
            "claim=true takes a task no one holds: leave out claimed_by, or call "
            "next_task(claimed_by=...) without claim to see what that name holds."
        )

    # Whose claims count: a claimed_by name's only (held), or the caller's beside free tasks,
    # or nobody's (None): claiming takes new work, not a task the caller already holds.
    holder = None if claim or claimed_by == "" else (claimed_by or actor)

    def run(conn: Connection) -> NextTasksOut:
        rows = store.next_tasks(
            conn,
            tag=_tags(tag),
            project=project,
            limit=1 if claim else limit,
            actor=holder,
            held=bool(claimed_by),
            lock=claim,
        )
        if claim and rows:
            rows = [store.claim_task(conn, task_id=rows[0].id, actor=actor, paths=patterns)]
        tasks = [
            shaped(SuggestedTaskOut, row, preview=True, reason=why_next(row, today, actor=actor))
            for row in rows
        ]
        message = None
        if not tasks and claimed_by:
            message = f"No ready task is held by {claimed_by!r}."
        elif not tasks:
            held = store.held_ready(conn, tag=_tags(tag), project=project, limit=HELD_NAMED)
            others = [row for row in held if row.claimed_by != actor]
            message = (
                all_held(others, tag=tag, project=project)
                if others
                else nothing_ready(store.top_blockers(conn), tag=tag, project=project)
            )
        return NextTasksOut(tasks=tasks, message=message)

    return writing(run, actor=actor, queue=True) if claim else reading(run)


@operation
def count_tasks() -> Call[dict[str, int]]:
    """How many tasks have each status (from the counts the database keeps)."""
    return reading(
        lambda conn: {s.value: store.count_by_status(conn, status=s.value) for s in Status}
    )
