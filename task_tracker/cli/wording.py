"""Refusals as a person at a terminal reads them: commands and --flags, not tool arguments.

A domain error carries its facts (task_tracker.errors); here they become one line and an exit
status: 1 refused (the tasks as they are do not allow it), 2 usage (a value that is not
accepted), 3 not found (no such task or project).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from task_tracker import errors, validation

if TYPE_CHECKING:
    from pydantic import ValidationError

REFUSED, USAGE, NOT_FOUND = 1, 2, 3

# An operation's argument as the person typed it.
FLAGS = {
    "title": "the title",
    "description": "--desc",
    "tags": "--tag",
    "add_tags": "+tag",
    "remove_tags": "-tag",
    "tag": "--tag",
    "due_date": "--due",
    "project": "--project",
    "parent_id": "--parent",
    "depends_on": "--depends-on",
    "expected_version": "--expected-version",
    "task_id": "the id",
    "task_ids": "the ids",
    "text": "the note",
    "query": "the words",
    "limit": "--limit",
    "lease_minutes": "--minutes",
    "version": "the version",
    "claimed_by": "--claimed-by",
    "actor": "your name (TASK_TRACKER_ACTOR or USER)",
}
_FIELD = re.compile(r"^(?P<name>[a-z_]+)(?P<index>\[\d+\])?: ", re.MULTILINE)


def _flag(name: str) -> str:
    return FLAGS.get(name, "--" + name.replace("_", "-"))


def worded(exc: errors.TaskTrackerError) -> tuple[str, int]:
    """The line a person reads for a refusal, and the exit status."""
    match exc:
        case errors.TaskNotFound(in_trash=True):
            return (
                f"Task #{exc.task_id} is in the trash: `task-tracker restore {exc.task_id}` "
                "brings it back.",
                NOT_FOUND,
            )
        case errors.TaskNotFound():
            return (
                f"No task #{exc.task_id}: `task-tracker ls` or `task-tracker search WORDS` "
                "find the ids there are.",
                NOT_FOUND,
            )
        case errors.MissingTasks():
            given = "" if exc.role == "task_ids" else f" (given to {_flag(exc.role)})"
            return (
                f"No task {exc.shown}{given}: `task-tracker ls` or `task-tracker search "
                "WORDS` find the ids there are.",
                NOT_FOUND,
            )
        case errors.ProjectNotFound():
            known = ", ".join(repr(n) for n in exc.existing) if exc.existing else "none yet"
            return (
                f"No project named {exc.name!r} (existing: {known}). Add --create-project to "
                "create it.",
                NOT_FOUND,
            )
        case errors.VersionConflict():
            return (
                f"Task #{exc.task_id} was changed meanwhile: you expected version "
                f"{exc.expected}, it is version {exc.actual}. See `task-tracker show "
                f"{exc.task_id}`, then run again with --expected-version {exc.actual} if your "
                "change still applies.",
                REFUSED,
            )
        case errors.SubtasksInTheWay():
            kind = "subtasks" if exc.action == "delete" else "open subtasks"
            return (
                f"Task #{exc.task_id} has {kind} ({exc.shown}): finish or cancel them "
                f"first, or add --with-subtasks to {exc.action} them too.",
                REFUSED,
            )
        case errors.CriteriaUnchecked():
            ticks = " ".join(f"--check {n}" for n in exc.numbers)
            return (
                f"Task #{exc.task_id} has unchecked acceptance criteria: {exc.shown}. Once "
                f"they are met: `task-tracker edit {exc.task_id} {ticks}`; to complete it "
                f"anyway (recorded): `task-tracker done {exc.task_id} --with-unchecked`.",
                REFUSED,
            )
        case errors.InReview():
            by = repr(exc.submitted_by) if exc.submitted_by else "someone"
            return (
                f"Task #{exc.task_id} is in review: {by} finished it, and another person or "
                f"agent approves it: `task-tracker review {exc.task_id} --approve` (or "
                "--reject --note WHAT). Nothing was changed.",
                REFUSED,
            )
        case errors.OwnReview():
            return (
                f"Task #{exc.task_id} was finished by you ({exc.actor!r}): someone else "
                "approves it. Nothing was changed; `task-tracker review "
                f"{exc.task_id} --reject --note WHY` takes it back.",
                REFUSED,
            )
        case errors.ClaimHeld():
            return (
                f"Task #{exc.task_id} is claimed by {exc.holder!r} until {exc.until}: pick "
                "another (`task-tracker next --claim` takes a free one), or wait for the "
                "lease to end.",
                REFUSED,
            )
        case errors.HeldByAnother():
            return (
                f"Task #{exc.task_id} is claimed by {exc.holder!r} until {exc.until}: only they "
                "change it while the lease runs, and nothing was changed. Wait, ask them to "
                f"release it, or take it over: `task-tracker claim {exc.task_id} --take-over`.",
                REFUSED,
            )
        case errors.NotOpen():
            return (
                f"Task #{exc.task_id} is {exc.status}: only an open task can be claimed. "
                f"Reopen it first: `task-tracker edit {exc.task_id} --status pending`.",
                REFUSED,
            )
        case errors.NoSuchVersion():
            return (
                f"Task #{exc.task_id} has no version {exc.version} to go back to: "
                f"`task-tracker history {exc.task_id}` lists the versions there are.",
                USAGE,
            )
        case errors.InvalidInput():
            return _in_flags(str(exc)), USAGE
    return str(exc), REFUSED


def _in_flags(message: str) -> str:
    """A message that opens with an argument's name ("title: ...") names the flag instead
    ("the title is ...", "--due: ...")."""

    def named(match: re.Match[str]) -> str:
        flag = _flag(match.group("name")) + (match.group("index") or "")
        return f"{flag}: " if flag[0] in "-+" else f"{flag} "

    return _FIELD.sub(named, message)


def invalid_values(exc: ValidationError) -> str:
    """Values an operation's schema refused, one clause each, named by their flags."""
    return _in_flags(validation.describe_validation_error(exc, sep="\n")).replace("\n", "; ")
