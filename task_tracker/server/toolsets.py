"""Toolsets: which tools a server offers (`serve --tools`), each with its title and honest
annotations. The default, core, keeps tools/list small in the model's context."""

from __future__ import annotations

from task_tracker.server.planning import add_tasks, close_tasks, list_projects, save_project
from task_tracker.server.queries import list_tasks, next_task, search_tasks
from task_tracker.server.teamwork import (
    add_note,
    claim_task,
    restore_task,
    revert_task,
    review_task,
    task_history,
)
from task_tracker.server.tools import add_task, complete_task, delete_task, get_task, update_task


def hints(*, read_only: bool = False, destructive: bool = False, idempotent: bool = False) -> dict:
    if read_only:
        return {"readOnlyHint": True, "openWorldHint": False}
    return {
        "readOnlyHint": False,
        "destructiveHint": destructive,
        "idempotentHint": idempotent,
        "openWorldHint": False,
    }


# (tool, title, annotations). delete_task is not idempotent: a second call finds no task.
CORE = (
    (add_task, "Add task", hints()),
    (get_task, "Get task", hints(read_only=True)),
    (update_task, "Update task", hints(destructive=True, idempotent=True)),
    (complete_task, "Complete task", hints(idempotent=True)),
    (delete_task, "Delete task", hints(destructive=True)),
    (list_tasks, "List tasks", hints(read_only=True)),
    (search_tasks, "Search tasks", hints(read_only=True)),
    # It writes only when asked to claim (so it is served read-only too, refusing claims).
    (next_task, "Next task", hints()),
)
READS_UNLESS_ASKED = frozenset({next_task})
PROJECTS = (
    (list_projects, "List projects", hints(read_only=True)),
    (save_project, "Save project", hints(idempotent=True)),
)
PLANNING = (
    (add_tasks, "Add tasks", hints()),
    (close_tasks, "Close tasks", hints(destructive=True, idempotent=True)),
)
TEAMWORK = (
    (claim_task, "Claim task", hints(idempotent=True)),
    (task_history, "Task history", hints(read_only=True)),
    (revert_task, "Revert task", hints(destructive=True)),
    (restore_task, "Restore task", hints()),
    (add_note, "Add note", hints()),
    (review_task, "Review task", hints()),
)
TOOLSETS = {"core": CORE, "projects": PROJECTS, "planning": PLANNING, "teamwork": TEAMWORK}
