"""The task commands' results as a person reads them: the tools' structured content in, lines
of text out (tables, a task's page, history), coloured when render.use_colour() says so."""

from __future__ import annotations

import re
import sys
from typing import Any

from task_tracker.cli.render import (
    BOLD,
    DIM,
    TASK_HEADERS,
    Cell,
    paint,
    table,
    task_rows,
    use_colour,
)
from task_tracker.schemas import local_today

_BOLD_MATCH = re.compile(r"\*\*(.+?)\*\*")


def ids_in(content: dict[str, Any]) -> list[int]:
    """The task ids a result holds, for -q: its task list, or the task itself."""
    for key in ("tasks", "results"):
        if key in content:
            return [task["id"] for task in content[key]]
    return [content["id"]] if "id" in content else []


def task_list(page: dict[str, Any]) -> list[str]:
    tasks = page["tasks"]
    if not tasks:
        return ["No tasks match."]
    lines = table(TASK_HEADERS, task_rows(tasks, local_today()), colour=use_colour())
    total = page["total"]
    if page.get("next_cursor"):
        more = f"more than {total}" if page.get("total_capped") else str(total)
        lines.append(f"{len(tasks)} of {more} tasks shown: narrow the filters or raise --limit.")
    return lines


def _ref(ref: dict[str, Any]) -> str:
    return f"#{ref['id']} {ref['title']} [{ref['status']}]"


def project_ids(events: list[dict[str, Any]]) -> list[int]:
    """The project ids events name (history records a task's project by id)."""
    pairs = [e["changes"].get("project_id") for e in events]
    return [i for pair in pairs if isinstance(pair, list) for i in pair if isinstance(i, int)]


def _change(field: str, pair: Any, projects: dict[int, str]) -> str:
    if not isinstance(pair, list) or len(pair) != 2:
        return f"{field} {pair!r}"
    old, new = pair
    if field == "project_id":
        field, old, new = "project", projects.get(old, old), projects.get(new, new)
    if field == "note":
        return repr(new)
    if field == "depends_on":
        return f"depends on #{new}" if old is None else f"no longer depends on #{old}"
    if old is None:
        return f"{field} {new!r}"
    return f"{field} {old!r} → {'(none)' if new is None else repr(new)}"


def event_line(event: dict[str, Any], projects: dict[int, str]) -> str:
    who = event["actor"] or "(by hand)"
    shown = {f: p for f, p in event["changes"].items() if p != [None, ""] and p != [None, []]}
    changes = "; ".join(_change(f, p, projects) for f, p in shown.items())
    return f"v{event['version']} {event['at'][:19]} {who} {event['kind']}" + (
        f": {changes}" if changes else ""
    )


def _review(task: dict[str, Any]) -> str:
    if task.get("status") == "in_review":
        return f"waiting: {task.get('submitted_by') or 'someone'} finished it"
    review = task.get("review")
    return "" if review is None else ("needed" if review else "not needed")


def task_detail(task: dict[str, Any], projects: dict[int, str]) -> list[str]:
    colour = use_colour()
    today = local_today()
    [row] = task_rows([task], today)
    status = paint(task["status"], row[2].style, colour)
    if task.get("claimed_by"):
        status += f" (claimed by {task['claimed_by']} until {task['claimed_until'][:19]})"
    fields = [
        ("status", status),
        ("priority", paint(task["priority"], row[1].style, colour)),
        ("due", paint(row[3].text, row[3].style, colour) if task["due_date"] else ""),
        ("project", task.get("project") or ""),
        ("tags", ", ".join(task["tags"])),
        ("parent", _ref(task["parent"]) if task.get("parent") else ""),
        ("deferred", f"until {task['defer_until'][:16]}" if task.get("defer_until") else ""),
        ("repeats", task.get("repeat") or ""),
        ("review", _review(task)),
        *((kind.replace("_", " "), f"#{target}") for kind, target in task.get("links", {}).items()),
        ("ready", "yes" if task.get("ready") else "no (waiting on dependencies or subtasks)"),
        ("created", task["created_at"][:19]),
        ("updated", f"{task['updated_at'][:19]} (version {task['version']})"),
    ]
    lines = [paint(f"#{task['id']} {task['title']}", BOLD, colour)]
    lines += [f"  {name:<9} {value}" for name, value in fields if value]
    if task["description"]:
        lines += ["", *(f"  {line}" for line in task["description"].splitlines())]
    if task.get("criteria"):
        lines += ["", "acceptance criteria:"]
        lines += [
            f"  {n}. [{'x' if item['checked'] else ' '}] {item['text']}"
            for n, item in enumerate(task["criteria"], 1)
        ]
    for key, heading in (
        ("subtasks", "subtasks"),
        ("depends_on", "depends on"),
        ("blocks", "blocks"),
    ):
        if task.get(key):
            lines += ["", f"{heading}:", *(f"  {_ref(ref)}" for ref in task[key])]
    if task.get("notes"):
        lines += ["", "notes (the latest handoff, then newest first):"]
        lines += [
            f"  {n['at'][:16]} {n['actor'] or '(by hand)'}"
            f"{' (handoff)' if n.get('kind') == 'handoff' else ''}: {n['text']}"
            for n in task["notes"]
        ]
    if task.get("history"):
        lines += ["", "last changes:", *(f"  {event_line(e, projects)}" for e in task["history"])]
    return lines


def suggestions(found: dict[str, Any], *, claimed: bool) -> list[str]:
    tasks = found["tasks"]
    if not tasks:
        return [found.get("message") or "Nothing is ready."]
    colour = use_colour()
    rows = task_rows(tasks, local_today())
    lines = table(TASK_HEADERS, rows, colour=colour)
    for index, task in enumerate(tasks, start=1):
        lines.insert(index * 2, paint(f"      {task['reason']}", DIM, colour))
    if claimed:
        lines.append(f"Claimed #{tasks[0]['id']} for you.")
    return lines


def search_results(found: dict[str, Any]) -> list[str]:
    hits = found["results"]
    if not hits:
        return ["No tasks match."]
    colour = use_colour()
    lines = table(TASK_HEADERS, task_rows(hits, local_today()), colour=colour)
    for index, hit in reversed(list(enumerate(hits, start=1))):
        if _BOLD_MATCH.sub(r"\1", hit["snippet"]) != hit["title"]:  # not the title again
            snippet = _BOLD_MATCH.sub(lambda m: paint(m.group(1), BOLD, colour), hit["snippet"])
            lines.insert(index + 1, f"      {snippet}")
    if found.get("next_cursor"):
        total = found["total"]
        more = f"more than {total}" if found.get("total_capped") else str(total)
        lines.append(f"{len(hits)} of {more} matches shown: add words or raise --limit.")
    return lines


def project_table(found: dict[str, Any]) -> list[str]:
    if not found["projects"]:
        return ["No projects yet: add --project NAME --create-project to a task."]
    rows = [
        [
            Cell(
                p["name"] + (" (archived)" if p["archived"] else ""), DIM if p["archived"] else None
            ),
            Cell(str(p["open"])),
            Cell(str(p["complete"])),
            Cell(str(p["cancelled"])),
            Cell(p["description"]),
        ]
        for p in found["projects"]
    ]
    headers = ("PROJECT", "OPEN", "COMPLETE", "CANCELLED", "DESCRIPTION")
    return table(headers, rows, colour=use_colour())


def history_lines(page: dict[str, Any], projects: dict[int, str]) -> list[str]:
    lines = [event_line(e, projects) for e in page["events"]]
    if page.get("next_cursor"):
        lines.append("… older changes not shown: raise --limit.")
    return lines or ["No recorded changes."]


def claim_line(task: dict[str, Any], *, released: bool) -> str:
    if released:
        return f"Released #{task['id']}: {task['title']}"
    paths = f" (paths: {', '.join(task['paths'])})" if task.get("paths") else ""
    return f"Claimed #{task['id']}: {task['title']} until {task['claimed_until'][:19]} UTC{paths}"


def deleted_lines(deleted: list[dict[str, Any]], *, permanent: bool) -> list[str]:
    if permanent:
        return [f"Deleted #{t['id']} for good: {t['title']}" for t in deleted]
    return [
        f"Moved #{t['id']} to the trash: {t['title']} (task-tracker restore {t['id']})"
        for t in deleted
    ]


def agreed(question: str) -> bool:
    """Ask on the terminal; only y or yes agrees."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def delete_question(ids: list[int], titles: list[str], *, permanent: bool) -> str:
    """The rm prompt, as a sentence: Move task #5 "Quiet one" to the trash? [y/N]"""
    named = [f'#{task_id} "{title}"' for task_id, title in zip(ids, titles, strict=True)]
    what = ("task " if len(named) == 1 else "tasks ") + (
        named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    )
    if permanent:
        return f"Delete {what} for good? This cannot be undone. [y/N] "
    return f"Move {what} to the trash? [y/N] "


SUMMARY_HELD = 5


def summary_lines(
    counts: dict[str, int], held: dict[str, Any], found: dict[str, Any], *, actor: str
) -> list[str]:
    """Bare `task-tracker`: the counts, what the person holds, the next few ready tasks."""
    colour = use_colour()
    open_count = counts["pending"] + counts["in_progress"] + counts["in_review"]
    if not any(counts.values()):
        return [
            "No tasks yet. Add one: task-tracker add 'Write the release notes'",
            "Commands: task-tracker --help",
        ]
    kinds = [f"{counts['in_progress']} in progress"]
    kinds += [f"{counts['in_review']} in review"] if counts["in_review"] else []
    kinds += [f"{counts['pending']} pending"]
    lines = [
        paint(f"{open_count} open", BOLD, colour) + f" ({', '.join(kinds)});"
        f" {counts['complete']} complete, {counts['cancelled']} cancelled"
    ]
    if held["tasks"]:
        lines += ["", f"You ({actor}) hold:"]
        lines += [
            f"  #{t['id']} {t['title']}"
            + (f" (until {t['claimed_until'][:16]} UTC)" if t.get("claimed_until") else "")
            for t in held["tasks"]
        ]
    if found["tasks"]:
        lines += ["", "Next:"]
        lines += [f"  #{t['id']} {t['title']} — {t['reason']}" for t in found["tasks"]]
    elif open_count:
        lines += ["", found.get("message") or "Nothing is ready."]
    lines += ["", "task-tracker ls lists the open tasks; task-tracker --help lists commands."]
    return lines
