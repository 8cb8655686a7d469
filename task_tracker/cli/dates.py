"""`--due` as people type it: a date, today, tomorrow, +3d, +2w or a weekday's name."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_OFFSET = re.compile(r"\+(\d{1,4})([dw])")
DUE_HELP = (
    "YYYY-MM-DD, today, tomorrow, +3d, +2w or a weekday (mon..sun: its next occurrence, "
    "never today)"
)


def parse_due(text: str, today: date) -> date:
    """The date `text` means on `today`; ValueError with what to type instead."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if offset := _OFFSET.fullmatch(word):
        count, unit = int(offset.group(1)), offset.group(2)
        return today + timedelta(days=count * (7 if unit == "w" else 1))
    named = [i for i, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if len(named) == 1:
        ahead = (named[0] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use {DUE_HELP}") from None


def due_argument(text: str) -> date:
    """An argparse `type`: a bad date is a usage error (exit 2) with what to type."""
    from task_tracker.schemas import local_today

    try:
        return parse_due(text, local_today())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def defer_argument(text: str) -> date | datetime:
    """An argparse `type` for --defer: what --due takes, or an ISO time."""
    from task_tracker.schemas import local_today

    try:
        if "T" in text:
            return datetime.fromisoformat(text.strip())
        return parse_due(text, local_today())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a date nor an ISO time: use {DUE_HELP}, or "
            "YYYY-MM-DDTHH:MM (the server's local time unless it has an offset)"
        ) from None
