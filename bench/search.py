"""Benchmark search_tasks over real stdio at 1k, 10k and 100k tasks, next to add_task.

    python bench/search.py            # full run (1k, 10k, 100k)
    python bench/search.py --quick    # 1k and 10k only

Prints p50/p95 in milliseconds per query kind, the ratio of each p50 to add_task's p50 in the
same run, and a naive scan (the tutorial's Python substring filter over all rows) for scale.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from common import Corpus, build_database, percentiles, print_table, started_server, time_calls


def pick_word(frequency: dict[str, int], target: float, n_tasks: int) -> str:
    """The word whose task count is closest to target * n_tasks."""
    return min(frequency, key=lambda w: (abs(frequency[w] - target * n_tasks), w))


def naive_scan(db_path: Path, needle: str) -> int:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT id, title, description FROM tasks").fetchall()
    needle = needle.lower()
    return sum(1 for _, t, d in rows if needle in t.lower() or needle in d.lower())


def run_size(n_tasks: int, repeats: int, workdir: Path) -> list[list[object]]:
    corpus = Corpus()
    db_path = workdir / f"search-{n_tasks}.db"
    started = time.perf_counter()
    frequency = build_database(db_path, n_tasks, corpus)
    print(f"built {n_tasks} tasks in {time.perf_counter() - started:.1f}s")
    rare = pick_word(frequency, 2 / n_tasks, n_tasks)
    medium = pick_word(frequency, 0.01, n_tasks)
    common = max(frequency, key=frequency.get)
    with sqlite3.connect(db_path) as conn:
        title = conn.execute("SELECT title FROM tasks WHERE id = 7").fetchone()[0].lower()
    phrase = '"' + " ".join(title.split()[:2]) + '"'
    # A finished word ends with a space; without it the last word also matches as a prefix
    # (the "prefix as typed" row), which for a short word can mean many more matches.
    queries = {
        f"rare word ({frequency[rare]} tasks)": {"query": rare + " "},
        f"medium word ({frequency[medium]} tasks)": {"query": medium + " "},
        "prefix as typed": {"query": medium[: max(3, len(medium) - 2)]},
        "quoted phrase": {"query": phrase},
        "medium word + status=open": {"query": medium + " ", "status": "open"},
        f"common word ({frequency[common] * 100 // n_tasks}% of tasks)": {"query": common + " "},
    }
    rows: list[list[object]] = []
    server = started_server(db_path)
    try:
        add = time_calls(lambda: server.call_ok("add_task", {"title": "benchmark task"}), repeats)
        add_p50, add_p95 = percentiles(add)
        rows.append([n_tasks, "add_task", add_p50, add_p95, 1.0, ""])
        for label, arguments in queries.items():
            samples = time_calls(lambda a=arguments: server.call_ok("search_tasks", a), repeats)
            p50, p95 = percentiles(samples)
            rows.append([n_tasks, f"search: {label}", p50, p95, p50 / add_p50, ""])
        server.close()
    finally:
        server.__exit__()
    scan = time_calls(lambda: naive_scan(db_path, medium), max(3, repeats // 20), warmup=1)
    p50, p95 = percentiles(scan)
    rows.append([n_tasks, "naive scan (in-process)", p50, p95, p50 / add_p50, ""])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k tasks only")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as workdir:
        for size in sizes:
            rows += run_size(size, args.repeats, Path(workdir))
    headers = ["tasks", "call", "p50 ms", "p95 ms", "p50 / add_task p50", ""]
    print_table(headers[:-1], [r[:-1] for r in rows])
    if args.json:
        args.json.write_text(json.dumps([dict(zip(headers[:-1], r, strict=False)) for r in rows]))


if __name__ == "__main__":
    main()
