"""How the task commands show results to a person: aligned tables, colour on a terminal
(never with NO_COLOR or when piped), and a pager for output taller than the terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from task_tracker.vocabulary import OPEN_STATUSES

RED, YELLOW, GREEN, DIM, BOLD = "31", "33", "32", "2", "1"
PRIORITY_STYLE = {"high": RED, "low": DIM}
STATUS_STYLE = {"in_progress": YELLOW, "in_review": YELLOW, "complete": GREEN, "cancelled": DIM}
OPEN = OPEN_STATUSES


def use_colour(stream: Any = sys.stdout) -> bool:
    """Colour only for a person at a terminal who has not asked for none (no-color.org)."""
    return not os.environ.get("NO_COLOR") and stream.isatty()


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    style: str | None = None


def paint(text: str, style: str | None, colour: bool) -> str:
    return f"\x1b[{style}m{text}\x1b[0m" if colour and style else text


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, colour: bool) -> list[str]:
    """Columns padded to their widest cell; the last column is not padded (titles)."""
    if not rows:
        return []
    widths = [max(len(h), *(len(r[i].text) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[Cell]) -> str:
        parts = [
            paint(c.text.ljust(w) if i < len(cells) - 1 else c.text, c.style, colour)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    head = line([Cell(h, BOLD) for h in headers])
    return [head, *(line(r) for r in rows)]


def due_cell(task: dict[str, Any], today: date) -> Cell:
    due = task.get("due_date")
    if not due:
        return Cell("")
    if task.get("status") in OPEN:
        if due < today.isoformat():
            return Cell(due, f"{BOLD};{RED}")  # overdue
        if due == today.isoformat():
            return Cell(due, YELLOW)
    return Cell(due)


def task_rows(tasks: Sequence[dict[str, Any]], today: date) -> list[list[Cell]]:
    """ID, PRI, STATUS, DUE, PROJECT, TITLE (with its tags)."""
    rows = []
    for task in tasks:
        tags = " ".join(f"+{t}" for t in task.get("tags", []))
        title = task["title"] + (f"  {tags}" if tags else "")
        rows.append(
            [
                Cell(str(task["id"])),
                Cell(task["priority"], PRIORITY_STYLE.get(task["priority"])),
                Cell(task["status"], STATUS_STYLE.get(task["status"])),
                due_cell(task, today),
                Cell(task.get("project") or ""),
                Cell(title),
            ]
        )
    return rows


TASK_HEADERS = ("ID", "PRI", "STATUS", "DUE", "PROJECT", "TITLE")


def page_out(lines: Sequence[str], *, pager: bool = True) -> None:
    """Print lines; through $PAGER (default `less -FRX`) when stdout is a terminal and they
    are taller than it, as git does."""
    text = "".join(f"{line}\n" for line in lines)
    rows = shutil.get_terminal_size().lines
    if pager and sys.stdout.isatty() and len(lines) >= rows:
        command = os.environ.get("PAGER") or "less"
        env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
        try:
            run = subprocess.run(command, shell=True, input=text, text=True, env=env)
        except OSError:
            run = None
        if run is not None and run.returncode == 0:
            return
    sys.stdout.write(text)


# Characters a terminal acts on rather than shows: C0 controls (ESC starts colour, cursor and
# OSC sequences: clipboard, hyperlinks, window title; CR rewrites the line), DEL, C1 controls
# (0x9b is CSI on some terminals), and the bidirectional overrides that reorder what is shown.
_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text written by others, safe to print: each active character shown as an escape
    (ESC as \\x1b, CR as \\r), newlines and tabs kept."""
    return _ACTIVE.sub(lambda m: repr(m.group())[1:-1], text)


def make_visible(content: Any) -> Any:
    """visible() on every string of a result, in place (views then render it as it is)."""
    if isinstance(content, dict):
        for key, value in content.items():
            content[key] = visible(value) if isinstance(value, str) else make_visible(value)
    elif isinstance(content, list):
        for index, value in enumerate(content):
            content[index] = visible(value) if isinstance(value, str) else make_visible(value)
    return content
