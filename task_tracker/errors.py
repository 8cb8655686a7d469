"""Domain errors. The server turns each into an MCP tool error (isError: true) in one place."""

from __future__ import annotations


class TaskTrackerError(Exception):
    """Base class: the message is written for the model, so it says what to do next."""


class TaskNotFound(TaskTrackerError):
    def __init__(self, task_id: int) -> None:
        super().__init__(
            f"Task {task_id} not found. Use list_tasks or search_tasks to find existing ids."
        )
        self.task_id = task_id


class VersionConflict(TaskTrackerError):
    def __init__(self, task_id: int, expected: int, actual: int) -> None:
        super().__init__(
            f"Task {task_id} was changed by someone else: you expected version {expected}, "
            f"it is now version {actual}. Call get_task({task_id}), then retry with "
            f"expected_version={actual} if your change still applies."
        )
        self.task_id = task_id
        self.expected = expected
        self.actual = actual


class InvalidInput(TaskTrackerError):
    """A value passed the schema but is still not acceptable (e.g. a blank title)."""


class DatabaseBusy(TaskTrackerError):
    def __init__(self) -> None:
        super().__init__(
            "The task database is busy with another writer and the wait timed out. "
            "Nothing was changed; retry the call."
        )


class StartupError(Exception):
    """The server cannot start as asked; the message is one line for a person to act on."""
