"""The application layer: each operation once, for every face.

An operation takes its arguments (checked against the schema's types and rules), and hands
back a Call: the one transaction that does it, with the actor history records, and the
result shaped as the tools return it. Refusals are domain errors (task_tracker.errors)
carrying their facts. Three faces call these: server/ (the MCP tools), cli/ (people at a
terminal) and the board; each parses its own input and words answers in its own vocabulary.
"""

from task_tracker.operations.brief import brief
from task_tracker.operations.calls import Call, reading, writing
from task_tracker.operations.drawing import project_graph
from task_tracker.operations.finding import count_tasks, list_tasks, next_task, search_tasks
from task_tracker.operations.planning import (
    add_tasks,
    close_tasks,
    list_projects,
    project_names,
    save_project,
)
from task_tracker.operations.tasks import (
    add_task,
    complete_task,
    delete_task,
    get_task,
    update_task,
)
from task_tracker.operations.teamwork import (
    add_note,
    claim_task,
    restore_task,
    revert_task,
    review_task,
    task_history,
)

__all__ = [
    "Call",
    "add_note",
    "add_task",
    "add_tasks",
    "brief",
    "claim_task",
    "close_tasks",
    "complete_task",
    "count_tasks",
    "delete_task",
    "get_task",
    "list_projects",
    "list_tasks",
    "next_task",
    "project_graph",
    "project_names",
    "reading",
    "review_task",
    "restore_task",
    "revert_task",
    "save_project",
    "search_tasks",
    "task_history",
    "update_task",
    "writing",
]
