"""HTML for the board: Jinja2 templates with every value escaped, and Markdown turned into
HTML that nh3 cleans (no script, no event handler, no style; links open nothing but http,
https and mailto), so text one person writes cannot act in another person's browser."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

import nh3
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from task_tracker.schemas import local_today
from task_tracker.vocabulary import Status

COLUMNS = [
    (Status.PENDING.value, "Pending"),
    (Status.IN_PROGRESS.value, "In progress"),
    (Status.IN_REVIEW.value, "In review"),
    (Status.COMPLETE.value, "Complete"),
    (Status.CANCELLED.value, "Cancelled"),
]
COLUMN_NAMES = dict(COLUMNS)
_LINK_SCHEMES = {"http", "https", "mailto"}


@functools.cache
def _markdown() -> MarkdownIt:
    # CommonMark without raw HTML: a tag typed in a description is shown as text.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    """A description as sanitised HTML."""
    html = _markdown().render(text or "")
    cleaned = nh3.clean(html, url_schemes=_LINK_SCHEMES, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)  # noqa: S704 (nh3 has removed every unsafe element and attribute)


def since(moment: datetime | None, now: datetime | None = None) -> str:
    """'3 min ago', '2 h ago', '5 d ago' (or 'in 10 min' for a moment ahead)."""
    if moment is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - moment).total_seconds()
    ahead, seconds = seconds < 0, abs(seconds)
    if seconds < 60:
        text = f"{int(seconds)} s"
    elif seconds < 3600:
        text = f"{int(seconds // 60)} min"
    elif seconds < 86400:
        text = f"{int(seconds // 3600)} h"
    else:
        text = f"{int(seconds // 86400)} d"
    return f"in {text}" if ahead else f"{text} ago"


def value(shown: Any) -> str:
    """A field's value in a history line: a list as its items, nothing as a dash."""
    if shown is None or shown == "":
        return "—"
    if isinstance(shown, list):
        return ", ".join(str(item) for item in shown) or "—"
    return str(shown)


def stamp(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("task_tracker.board", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = markdown
    env.filters["since"] = since
    env.filters["stamp"] = stamp
    env.filters["value"] = value
    env.globals["COLUMNS"] = COLUMNS
    env.globals["COLUMN_NAMES"] = COLUMN_NAMES
    return env


def page(template: str, **values: Any) -> str:
    values.setdefault("today", local_today())  # due dates are the machine's local days
    values.setdefault("now", datetime.now(UTC))
    return environment().get_template(template).render(**values)
