"""The only place that builds queries. Callers pass a Connection in a transaction they own.

The MCP layer, the CLI and the transfer commands all use these names; each lives in the module
of its concept (tasks, listing, search, transfer).
"""

from task_tracker.store.claims import claim_task, claimed_paths, holder, refuse_others_claim
from task_tracker.store.copy import copy_database
from task_tracker.store.filters import Filters, status_values
from task_tracker.store.history import Event, revert_task, set_actor, task_history
from task_tracker.store.listing import (
    TaskPage,
    count_by_status,
    due_window,
    list_tasks,
)
from task_tracker.store.notes import add_note, left_handoff, recent_notes
from task_tracker.store.overview import Standup, overview, standup
from task_tracker.store.plans import add_plan, close_tasks
from task_tracker.store.projects import ProjectCounts, list_projects, names_by_id, save_project
from task_tracker.store.review import review_task
from task_tracker.store.search import SearchHit, SearchPage, search_tasks
from task_tracker.store.structure import Related, related, subtree_rows
from task_tracker.store.suggest import held_ready, next_tasks, top_blockers
from task_tracker.store.tasks import (
    KEEP,
    TaskRow,
    add_task,
    complete_task,
    get_task,
    schema_revision,
    tasks_by_id,
    update_task,
)
from task_tracker.store.transfer import check_header, export_lines, import_records, iter_tasks
from task_tracker.store.trash import (
    delete_for_good,
    delete_task,
    restore_task,
    trash_days,
    trash_entries,
    trash_task,
)
from task_tracker.store.workflow import next_occurrence

__all__ = [
    "copy_database",
    "add_note",
    "recent_notes",
    "left_handoff",
    "delete_for_good",
    "restore_task",
    "trash_days",
    "trash_entries",
    "trash_task",
    "Event",
    "revert_task",
    "set_actor",
    "task_history",
    "claim_task",
    "claimed_paths",
    "holder",
    "refuse_others_claim",
    "subtree_rows",
    "add_plan",
    "ProjectCounts",
    "Related",
    "close_tasks",
    "list_projects",
    "names_by_id",
    "related",
    "save_project",
    "top_blockers",
    "KEEP",
    "SearchHit",
    "SearchPage",
    "Standup",
    "TaskPage",
    "TaskRow",
    "add_task",
    "complete_task",
    "check_header",
    "count_by_status",
    "delete_task",
    "due_window",
    "export_lines",
    "get_task",
    "tasks_by_id",
    "import_records",
    "iter_tasks",
    "list_tasks",
    "next_tasks",
    "held_ready",
    "overview",
    "schema_revision",
    "search_tasks",
    "standup",
    "status_values",
    "Filters",
    "update_task",
    "next_occurrence",
    "review_task",
]
