"""Domain errors: what a model reads when a call is refused (validation errors are worded
in task_tracker.validation).

Each refusal carries its facts as attributes (which task, which ids, which argument, which
choices exist); its message is the model's wording, which the MCP layer sends as it is
(isError: true for tools). Other faces word the facts in their own vocabulary (cli.wording).
"""

from __future__ import annotations

from typing import Any


class TaskTrackerError(Exception):
    """Base class: the message is written for the model, so it says what to do next."""


class TaskNotFound(TaskTrackerError):
    def __init__(self, task_id: int, *, in_trash: bool = False) -> None:
        if in_trash:
            message = (
                f"Task {task_id} not found: it is in the trash. restore_task({task_id}) brings "
                "it back; list_tasks or search_tasks find the others."
            )
        else:
            message = (
                f"Task {task_id} not found. Use list_tasks or search_tasks to find existing ids."
            )
        super().__init__(message)
        self.task_id = task_id
        self.in_trash = in_trash


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


class Refused(TaskTrackerError):
    """Well-formed, but the tasks as they are do not allow it (a cycle, open subtasks)."""


class MissingTasks(InvalidInput):
    """Ids given as `role` (an argument: task_ids, depends_on, parent_id) that name no task."""

    def __init__(self, role: str, ids: list[int], shown: str) -> None:
        super().__init__(f"{role}: no task {shown}. Use list_tasks or search_tasks to find ids.")
        self.role = role
        self.ids = ids
        self.shown = shown  # the ids as a list to read ("#3, #4 and 2 more")


class SubtasksInTheWay(Refused):
    """`action` (complete, cancel, delete) would leave subtasks behind: with_subtasks=true
    acts on them too."""

    def __init__(self, task_id: int, ids: list[int], shown: str, *, action: str) -> None:
        kind = "subtasks" if action == "delete" else "open subtasks"
        super().__init__(
            f"Task #{task_id} has {kind} ({shown}). Finish or cancel them "
            f"first, or pass with_subtasks=true to {action} them too."
        )
        self.task_id = task_id
        self.ids = ids
        self.shown = shown
        self.action = action


class CriteriaUnchecked(Refused):
    """Completing a task whose acceptance criteria are not all checked."""

    def __init__(self, task_id: int, numbers: list[int], shown: str) -> None:
        super().__init__(
            f"Task #{task_id} has unchecked acceptance criteria: {shown}. Once they are met, "
            f"tick them with update_task(task_id={task_id}, checked={numbers}); to complete "
            "it anyway, pass with_unchecked=true (recorded)."
        )
        self.task_id = task_id
        self.numbers = numbers
        self.shown = shown


class InReview(Refused):
    """A task in review completes only by another agent's review_task."""

    def __init__(self, task_id: int, submitted_by: str | None) -> None:
        by = repr(submitted_by) if submitted_by else "someone"
        super().__init__(
            f"Task #{task_id} is in review: {by} completed it, and it completes when another "
            f"agent approves it with review_task(task_id={task_id}, approve=true) (or sends it "
            "back with approve=false and a note); nothing was changed."
        )
        self.task_id = task_id
        self.submitted_by = submitted_by


class NotInReview(Refused):
    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(
            f"Task #{task_id} is {status}, not in review: only a task its agent completed "
            "while it needs review (review=true) waits for review_task. Nothing was changed."
        )
        self.task_id = task_id
        self.status = status


class OwnReview(Refused):
    """The agent that did the work approving it."""

    def __init__(self, task_id: int, actor: str) -> None:
        super().__init__(
            f"Task #{task_id} was completed by you ({actor!r}): its review must come from "
            "another agent, so it is not approved and nothing was changed. Leave it for "
            "another agent (next_task offers it to them first), or take it back with "
            "approve=false and a note."
        )
        self.task_id = task_id
        self.actor = actor


class ClaimHeld(Refused):
    def __init__(self, task_id: int, holder: str, until: str) -> None:
        super().__init__(
            f"Task #{task_id} is claimed by {holder!r} until {until}. Pick another task "
            "(next_task with claim=true finds a free one), or wait for the lease to end."
        )
        self.task_id = task_id
        self.holder = holder
        self.until = until


class PathsHeld(Refused):
    """A claim whose path patterns overlap another running claim's."""

    def __init__(
        self, task_id: int, mine: str, theirs: str, holder: str, held_task: int, until: str
    ) -> None:
        super().__init__(
            f"Cannot claim #{task_id} for {mine!r}: {holder!r} holds {theirs!r} (task "
            f"#{held_task}) until {until}, and both can name the same files; nothing was "
            "changed. Claim without those paths, narrow them, work on something else, or wait "
            "for that lease to end."
        )
        self.holder = holder
        self.held_task = held_task


class HeldByAnother(Refused):
    """A change to a task another actor holds under a running lease."""

    def __init__(self, task_id: int, holder: str, until: str) -> None:
        super().__init__(
            f"Task #{task_id} is claimed by {holder!r} until {until}: only {holder!r} changes "
            "it while the lease runs; nothing was changed. Wait for the lease to end, ask "
            f"{holder!r} to release it, or take it over with claim_task(task_id={task_id}, "
            "take_over=true), which its history records."
        )
        self.task_id = task_id
        self.holder = holder
        self.until = until


class NotOpen(Refused):
    """Only an open task can be claimed."""

    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(
            f"Task #{task_id} is {status}: only open tasks can be claimed. Reopen it "
            "with update_task(status='pending') first if work on it goes on."
        )
        self.task_id = task_id
        self.status = status


class NoSuchVersion(InvalidInput):
    def __init__(self, task_id: int, version: int, first: int | None) -> None:
        since = f"its history starts at version {first}" if first else "it has no recorded start"
        super().__init__(
            f"Task #{task_id} has no version {version} to go back to ({since}; see "
            "task_history for the versions there are)."
        )
        self.task_id = task_id
        self.version = version


class ProjectNotFound(TaskTrackerError):
    def __init__(self, name: str, existing: list[str]) -> None:
        known = ", ".join(repr(n) for n in existing) if existing else "none yet"
        super().__init__(
            f"No project named {name!r}. Existing projects: {known}. Use one of those, or pass "
            "create_project=true to create it."
        )
        self.name = name
        self.existing = existing


class DatabaseBusy(TaskTrackerError):
    def __init__(self) -> None:
        super().__init__(
            "The task database is busy with another writer and the wait timed out. "
            "Nothing was changed; retry the call."
        )


class DatabaseFull(TaskTrackerError):
    def __init__(self) -> None:
        super().__init__(
            "The disk holding the task database is full. Nothing was written; free some "
            "space, then retry the call."
        )


# The rule that keeps task ids within what JSON clients read exactly (models: id BETWEEN …):
# the database names it when it refuses an id past the range.
ID_RULE = "ck_tasks_id"


class IdsUsedUp(TaskTrackerError):
    """The largest task id is taken: ids are never reused, so no task can be added."""

    def __init__(self) -> None:
        super().__init__(
            "Task ids are used up: the largest one, 9007199254740991 (2^53 - 1, the largest a "
            "JSON client reads exactly), is taken, and ids are never reused, so no task can be "
            "added; nothing was changed. To go on, a person exports the tasks (task-tracker "
            "export -o tasks.json) and imports them into a new database with new ids "
            "(task-tracker import --new-ids tasks.json --db NEW)."
        )


class DatabaseGone(TaskTrackerError):
    """The file at the configured path is no longer the database this process opened."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The task database file {detail}, so nothing was written. Restart the server "
            "(restore the file from a backup first if it was deleted by mistake)."
        )


class DatabaseUnwritable(TaskTrackerError):
    """A file the database needs cannot be written; the message says which and what to do."""


class DatabaseUnavailable(TaskTrackerError):
    """The database could not be opened; the next call tries again."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The task database cannot be opened ({reason}). Retry the call.")


class DatabaseForbidden(TaskTrackerError):
    """PostgreSQL refuses the role task-tracker connects as the rights a call needs."""

    def __init__(self, reason: str, help: str) -> None:
        super().__init__(
            f"PostgreSQL refuses the task tables to the role task-tracker connects as "
            f"({reason}); nothing was changed. Retrying will not help: a person must make the "
            f"role the database's owner or grant it the tables ({help})."
        )


class StartupError(Exception):
    """The server cannot start as asked; the message is one line for a person to act on."""


def refuse_nul(name: str, value: Any) -> None:
    """No text holds a NUL character: PostgreSQL cannot store one, so neither database takes
    it (one meaning on both), whichever argument, list item or plan field it hides in."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput(
                f"{name}: contains a NUL character (\\x00), which no text may hold; remove it "
                "and call again. Nothing was changed."
            )
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_nul(f"{name}[{index}]", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(f"{name}.{key}", item)
    elif hasattr(value, "model_dump"):  # a pydantic model (a plan's item)
        refuse_nul(name, value.model_dump())
