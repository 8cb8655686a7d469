"""Every call at one database size, against add_task in the same run.

    python bench/run.py --size 1000000                 # builds 1M tasks in a temp dir (~5 min)
    python bench/run.py --size 1000000 --db big.db     # builds once into big.db, then reuses it

Over real stdio, one server: each tool with default arguments and each single filter, a
cursor's second page, the resources and prompts, and every search kind (a rare word, words in
1%, 10% and 90% of tasks, a prefix as typed, a phrase), each alone and with status=open; every
sort with its second page, a project, a task with its subtasks. Prints
p50/p95 and each p50 as a multiple of add_task's p50; the target is <= 5x, none over 10x.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client import BenchClient
from common import (
    TAGS,
    Corpus,
    build_database,
    percentiles,
    print_table,
    started_server,
    time_calls,
)

TARGET, LIMIT = 5.0, 10.0


def database_of_size(path: Path, size: int) -> dict[str, int]:
    """path holding `size` generated tasks (built unless it already does); each word's task
    count, kept beside it."""
    counts = path.with_name(path.name + ".words.json")
    if path.exists() and counts.exists():
        with sqlite3.connect(path) as conn:
            # (Tasks the benchmarks added after the generated ones do not count.)
            built = conn.execute("SELECT count(*) FROM tasks WHERE id <= ?", (size,)).fetchone()
            structured = (
                conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'task_dependencies'"
                ).fetchone()[0]
                and conn.execute("SELECT count(*) FROM task_dependencies").fetchone()
            )
            if built[0] == size and structured and structured[0]:
                return json.loads(counts.read_text())
    began = time.perf_counter()
    frequency = build_database(path, size, Corpus())
    print(f"built {size} tasks in {time.perf_counter() - began:.0f} s")
    counts.write_text(json.dumps(frequency))
    return dict(frequency)


def word_near(frequency: dict[str, int], share: float, size: int) -> str:
    return min(frequency, key=lambda w: (abs(frequency[w] - share * size), w))


def search_queries(frequency: dict[str, int], db_path: Path, size: int) -> dict[str, str]:
    rare = word_near(frequency, 2 / size, size)
    one, ten, ninety = (word_near(frequency, s, size) for s in (0.01, 0.10, 0.90))
    with sqlite3.connect(db_path) as conn:
        title = conn.execute("SELECT title FROM tasks WHERE id = 7").fetchone()[0].lower()
    # A finished word ends with a space; without one the last word is also a prefix.
    return {
        f"rare word ({frequency[rare]})": rare + " ",
        f"1% word ({frequency[one]})": one + " ",
        f"10% word ({frequency[ten]})": ten + " ",
        f"90% word ({frequency[ninety]})": ninety + " ",
        "prefix as typed (3 letters)": one[:3],
        "phrase": '"' + " ".join(title.split()[:2]) + '"',
    }


def calls(
    server: BenchClient, queries: dict[str, str], size: int, db_path: Path
) -> dict[str, Callable[[], Any]]:
    """Label -> one call, each a fresh request with the same arguments."""
    ids = iter(range(1, 10**9, 7))
    rare_tag = TAGS[-1]
    filters: list[dict[str, Any]] = [
        {},
        {"status": "open"},
        {"status": "complete"},
        {"priority": "high"},
        {"tag": "work"},  # the most used tag
        {"tag": rare_tag},  # the least used
        {"due_before": "2026-03-01"},
        {"due": "overdue"},
        {"tag": f"work,{rare_tag}"},  # several tags: all of them
    ]
    table: dict[str, Callable[[], Any]] = {
        "get_task": lambda: server.call_ok("get_task", {"task_id": next(ids) % size + 1}),
        "update_task": lambda: server.call_ok(
            "update_task", {"task_id": next(ids) % size + 1, "priority": "high"}
        ),
        "complete_task": lambda: server.call_ok(
            "complete_task", {"task_id": next(ids) % size + 1, "with_subtasks": True}
        ),
    }
    for arguments in filters:
        both = [arguments]
        if arguments and "status" not in arguments:
            both.append({**arguments, "status": "open"})
        for args in both:
            name = "list_tasks " + (" ".join(f"{k}={v}" for k, v in args.items()) or "(defaults)")
            table[name] = lambda a=args: server.call_ok("list_tasks", a)
            first = server.call_ok("list_tasks", args)
            if first["next_cursor"]:
                table[name + " page 2"] = lambda a=args, c=first["next_cursor"]: server.call_ok(
                    "list_tasks", {**a, "cursor": c}
                )
    for label, query in queries.items():
        for extra in ({}, {"status": "open"}):
            name = f"search {label}" + (" status=open" if extra else "")
            table[name] = lambda q=query, e=extra: server.call_ok("search_tasks", {"query": q, **e})
        first = server.call_ok("search_tasks", {"query": query})
        if first["next_cursor"]:
            table[f"search {label} page 2"] = lambda q=query, c=first["next_cursor"]: (
                server.call_ok("search_tasks", {"query": q, "cursor": c})
            )
    for sort, order in [
        ("priority", None),
        ("due_date", None),
        ("due_date", "desc"),
        ("updated_at", None),
        ("id", "desc"),
    ]:
        for extra in ({}, {"status": "open"}, {"project": "project-3"}):
            args = {"sort": sort, **({"order": order} if order else {}), **extra}
            name = "list_tasks " + " ".join(f"{k}={v}" for k, v in args.items())
            table[name] = lambda a=args: server.call_ok("list_tasks", a)
            first = server.call_ok("list_tasks", args)
            if first["next_cursor"] and not extra:
                table[name + " page 2"] = lambda a=args, c=first["next_cursor"]: server.call_ok(
                    "list_tasks", {**a, "cursor": c}
                )
    table["list_tasks project=project-3"] = lambda: server.call_ok(
        "list_tasks", {"project": "project-3"}
    )
    parents = [row[0] for row in _parents(db_path)]
    table["get_task with subtasks"] = lambda: server.call_ok(
        "get_task", {"task_id": parents[next(ids) % len(parents)]}
    )
    table["read tasks://{id} with subtasks"] = lambda: server.request(
        "resources/read", {"uri": f"tasks://{parents[next(ids) % len(parents)]}"}
    )
    table["next_task"] = lambda: server.call_ok("next_task", {})
    table["next_task tag=work"] = lambda: server.call_ok("next_task", {"tag": "work"})
    table["next_task project=project-3"] = lambda: server.call_ok(
        "next_task", {"project": "project-3"}
    )
    table["read tasks://all"] = lambda: server.request("resources/read", {"uri": "tasks://all"})
    table["read tasks://{id}"] = lambda: server.request(
        "resources/read", {"uri": f"tasks://{next(ids) % size + 1}"}
    )
    table["read tasks://brief"] = lambda: server.request("resources/read", {"uri": "tasks://brief"})
    for prompt in ("review_tasks", "daily_standup"):
        table[f"prompt {prompt}"] = lambda p=prompt: server.request(
            "prompts/get", {"name": p, "arguments": {}}
        )
    return table


def _parents(db_path: Path) -> list[tuple[int]]:
    """Up to 1,000 tasks that have subtasks, spread over the ids."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT DISTINCT parent_id FROM tasks WHERE parent_id IS NOT NULL"
            " ORDER BY parent_id % 997, parent_id LIMIT 1000"
        ).fetchall()


def run_scale(size: int, db_path: Path, repeats: int) -> bool:
    """Print the table; True when every call is within LIMIT x add_task's p50."""
    frequency = database_of_size(db_path, size)
    queries = search_queries(frequency, db_path, size)
    server = started_server(db_path)
    try:
        table = calls(server, queries, size, db_path)
        add = lambda: server.call_ok("add_task", {"title": "bench task", "tags": ["work"]})  # noqa: E731
        samples: dict[str, list[float]] = {"add_task": []}
        # Rounds, each call in turn with add_task between: a slow patch of the machine lands
        # on every call alike, not on one of them.
        rounds = 4
        for call in table.values():
            call()  # warm: the first read of a cold page is not what a session sees
        brief = table["read tasks://brief"]()["result"]["contents"][0]["text"]
        for _ in range(rounds):
            samples["add_task"] += time_calls(add, repeats // rounds, warmup=0)
            for name, call in table.items():
                samples.setdefault(name, []).extend(time_calls(call, repeats // rounds, warmup=0))
        server.close()
    finally:
        server.__exit__()
    add_p50 = statistics.median(samples["add_task"])
    rows, worst = [], 0.0
    for name, values in samples.items():
        p50, p95 = percentiles(values)
        ratio = p50 / add_p50
        worst = max(worst, ratio)
        mark = "" if ratio <= TARGET else (" > 5x" if ratio <= LIMIT else " > 10x")
        rows.append([name, p50, p95, f"{ratio:.1f}x{mark}"])
    print(f"\n{size} tasks: every call against add_task p50 (target <= {TARGET:.0f}x)")
    print_table(["call", "p50 ms", "p95 ms", "p50 / add_task p50"], rows)
    print(f"worst: {worst:.1f}x")
    print(f"tasks://brief: {len(brief):,} characters (bound 8,000)")
    return worst <= LIMIT
