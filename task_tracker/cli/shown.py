"""How a task command shows its answer: the tools' structured content (--json), the ids
(-q), or lines for a person, with text others wrote made harmless for the terminal."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from task_tracker.cli import views
from task_tracker.cli.output import emit
from task_tracker.cli.render import make_visible, page_out


def show(args: argparse.Namespace, content: Any, lines: Callable[[], list[str]]) -> int:
    """--json: the structured content; -q: the ids; else the lines for a person."""
    if getattr(args, "json", False):
        emit(json.dumps(content, indent=2, ensure_ascii=False), "\n")
    elif getattr(args, "quiet", False):
        emit(*(f"{task_id}\n" for task_id in views.ids_in(content)))
    else:
        make_visible(content)  # text others wrote never drives the person's terminal
        page_out(lines(), pager=not getattr(args, "no_pager", True))
    return 0
