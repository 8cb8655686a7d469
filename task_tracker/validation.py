"""A schema's refusal, worded for a model: one line per field, saying what to send instead
(`due_date: 'tomorrow' is not a date; use YYYY-MM-DD`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from task_tracker.schemas import TAG_MAX, TAGS_FILTER_MAX, TAGS_FILTER_PATTERN
from task_tracker.schemas.structure import REPEAT_PATTERN

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: ErrorDetails) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is required"
    if kind in (
        "date_parsing",
        "date_from_datetime_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return f"{_shown(value)} is not a date; use YYYY-MM-DD"
    if kind in (
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_type",
        "timezone_aware",
    ):
        return f"{_shown(value)} is not a UTC timestamp; use YYYY-MM-DDTHH:MM:SS+00:00"
    if kind == "literal_error":
        return f"{_shown(value)} is not allowed; use one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == TAGS_FILTER_PATTERN:
        return (
            f"{_shown(value)} is not a tag filter; use one tag, or up to "
            f"{TAGS_FILTER_MAX} joined by commas (a,b), each 1-{TAG_MAX} characters without "
            "spaces or control characters"
        )
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == REPEAT_PATTERN:
        return (
            f"{_shown(value)} is not a repeat; use daily, weekly, monthly, weekdays, "
            "'every N days' (N up to 999) or 'every N weeks' (up to 99), or '' to stop"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{_shown(value)} is not a valid tag; use one word without spaces, commas or "
            "control characters"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is {len(str(value))} characters long; at most {ctx.get('max_length')} are allowed"
    if kind == "too_long":
        return f"has too many items; at most {ctx.get('max_length')} are allowed"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{_shown(value)} is not a whole number"
    if kind == "greater_than_equal":
        return f"{_shown(value)} is too small; use {ctx.get('ge')} or more"
    if kind == "less_than_equal":
        return f"{_shown(value)} is too large; use at most {ctx.get('le')}"
    if kind in ("string_type", "string_unicode"):
        return f"{_shown(value)} is not text"
    if kind in ("list_type", "bool_type", "bool_parsing"):
        expected = "a list" if kind == "list_type" else "true or false"
        return f"{_shown(value)} is not {expected}"
    if kind == "extra_forbidden":
        return "is not a known field"
    return error["msg"][0].lower() + error["msg"][1:]


def describe_validation_error(exc: ValidationError, *, sep: str = "; ") -> str:
    """One short clause per field: what was wrong and what is allowed (no pydantic URLs).

    An optional argument is a union with null; its "should be None" branch says nothing the
    other branch does not, so it is left out.
    """
    lines: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        parts = [part for part in error["loc"] if isinstance(part, int) or part.isidentifier()]
        # Union branches appear as loc parts ("date", "list[...]"): keep the field and indexes.
        loc = [error["loc"][0], *(p for p in parts[1:] if isinstance(p, int))] if parts else []
        field = "".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc) or "value"
        if error["type"] == "none_required" or field in lines:
            continue
        lines[field] = f"{field}: {_explain(error)}"
    return sep.join(lines.values())
