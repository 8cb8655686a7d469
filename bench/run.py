"""Startup, per-call latency and memory of task-tracker against the in-memory baseline.

Both servers run as subprocesses over real stdio, in the same run, on the same machine:

    python bench/run.py --quick          # < 1 minute: 0 and 1k tasks
    python bench/run.py                  # full: 0, 1k and 100k tasks (a few minutes)
    python bench/run.py --json out.json  # also write the results as JSON
    python bench/run.py --tricks         # what each runtime/ trick buys: on vs off
    python bench/run.py --size 1000000   # every call at 1M tasks against add_task (scale.py)
    python bench/run.py --db postgresql://user@host/db   # SQLite and PostgreSQL side by side

Prints a table of medians and p95s with each ratio to the baseline's equivalent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from client import BenchClient
from common import (
    REPO,
    Corpus,
    build_database,
    ours,
    percentiles,
    print_table,
    started_server,
    time_calls,
)
from scale import run_scale

from task_tracker.migrate import upgrade_to_head
from task_tracker.postgres import is_url

BASELINE = [sys.executable, str(REPO / "bench" / "baseline_server.py")]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cold_starts(
    command: list[str], db_path: Path, starts: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Median ms from spawn to the initialize reply, and to the first add_task result."""
    to_init, to_first = [], []
    for _ in range(starts):
        began = time.perf_counter()
        server = BenchClient(command, env=env)
        try:
            server.initialize()
            to_init.append((time.perf_counter() - began) * 1000)
            server.call_ok("add_task", {"title": "first"})
            to_first.append((time.perf_counter() - began) * 1000)
            server.close()
        finally:
            server.__exit__()
    return statistics.median(to_init), statistics.median(to_first)


def call_latencies(server: BenchClient, repeats: int, list_repeats: int) -> dict[str, list[float]]:
    ids = iter(range(1, 10**9))
    first_new = server.call_ok("add_task", {"title": "probe"})["id"]
    fresh = iter(range(first_new + 1, 10**9))
    results = {
        "add_task": time_calls(lambda: server.call_ok("add_task", {"title": "bench"}), repeats),
        "get_task": time_calls(lambda: server.call_ok("get_task", {"task_id": next(ids)}), repeats),
        # complete a task that is not complete yet, each time
        "complete_task": time_calls(
            lambda: server.call_ok("complete_task", {"task_id": next(fresh)}), repeats, warmup=0
        ),
        "list_tasks": time_calls(lambda: server.call_ok("list_tasks", {}), list_repeats, 2),
    }
    return results


def add_latency_with_fsync(db_path: Path, repeats: int) -> tuple[float, float]:
    """add_task with synchronous=FULL: what an fsync before every answer would cost."""
    server = started_server(db_path, ours(db_path), env={"TASK_TRACKER_SYNCHRONOUS": "FULL"})
    try:
        return percentiles(
            time_calls(lambda: server.call_ok("add_task", {"title": "bench"}), repeats)
        )
    finally:
        server.__exit__()


def tools_list_bytes(server: BenchClient) -> int:
    server.request("tools/list")
    return server.last_reply_bytes


TRICKS = ("stdio", "startup", "walsync", "wire", "inline")


def trick_costs(work: Path, *, starts: int, repeats: int, size: int, rounds: int = 3) -> None:
    """Each trick of task_tracker/runtime switched off alone (TASK_TRACKER_TRICKS_OFF), against
    all of them on, in the same run: cold start, per-call p50 at `size` tasks, tools/list
    bytes. The configurations take turns over several rounds, each round in another order, and
    their samples are pooled, so a slow patch of the machine does not land on one of them."""
    db_path = work / "tricks.db"
    build_database(db_path, size, Corpus())
    head_db = work / "tricks-start.db"
    upgrade_to_head(head_db)
    configs = ("", *TRICKS)
    samples: dict[str, dict[str, list[float]]] = {c: {} for c in configs}
    listing: dict[str, int] = {}
    for round_ in range(rounds):
        # Each round starts with another configuration, so none is always first.
        shift = round_ * len(configs) // rounds
        for off in configs[shift:] + configs[:shift]:
            env = {"TASK_TRACKER_TRICKS_OFF": off}
            pooled = samples[off]
            for _ in range(max(1, starts // rounds)):
                init, first = cold_starts(ours(head_db), head_db, 1, env=env)
                pooled.setdefault("spawn -> initialize ms", []).append(init)
                pooled.setdefault("spawn -> first add_task ms", []).append(first)
            server = started_server(db_path, ours(db_path), env=env)
            try:
                for name, values in call_latencies(
                    server, repeats // rounds, repeats // rounds
                ).items():
                    pooled.setdefault(f"{name} p50 ms", []).extend(values)
                listing[off] = tools_list_bytes(server)
            finally:
                server.__exit__()
    rows = []
    for metric in samples[""]:
        on = statistics.median(samples[""][metric])
        cells = []
        for trick in TRICKS:
            off_value = statistics.median(samples[trick][metric])
            cells.append(f"{off_value:.2f} ({off_value / on:.2f}x)")
        rows.append([metric, f"{on:.2f}", *cells])
    rows.append(
        ["tools/list bytes", str(listing[""])]
        + [f"{listing[t]} ({listing[t] / listing['']:.2f}x)" for t in TRICKS]
    )
    print(f"\nEach trick off alone vs all on ({size} tasks; off/on ratio in brackets)")
    print_table(["measure", "all on", *(f"{t} off" for t in TRICKS)], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--tricks", action="store_true", help="each runtime/ trick on vs off")
    parser.add_argument("--size", type=int, help="every call at this many tasks (scale.py)")
    parser.add_argument(
        "--db",
        help="with --size: build into (or reuse) this file; a PostgreSQL URL: the same calls "
        "on SQLite and PostgreSQL side by side (backends.py; --size defaults to 100000)",
    )
    parser.add_argument("--sqlite", type=Path, help="with --db URL: build into (or reuse) this")
    parser.add_argument("--repeats", type=int, default=200, help="with --size: calls per kind")
    args = parser.parse_args()
    if args.db is not None and is_url(args.db):
        from backends import run_backends

        size = args.size or 100_000
        with tempfile.TemporaryDirectory() as workdir:
            sqlite_path = (args.sqlite or Path(workdir) / "scale.db").resolve()
            sys.exit(0 if run_backends(args.db, size, sqlite_path, args.repeats) else 1)
    if args.size is not None:
        if args.db is not None:
            sys.exit(0 if run_scale(args.size, Path(args.db).resolve(), args.repeats) else 1)
        with tempfile.TemporaryDirectory() as workdir:
            ok = run_scale(args.size, Path(workdir) / "scale.db", args.repeats)
        sys.exit(0 if ok else 1)
    if args.tricks:
        with tempfile.TemporaryDirectory() as workdir:
            quick = args.quick
            trick_costs(
                Path(workdir),
                starts=5 if quick else 15,
                repeats=50 if quick else 200,
                size=1_000 if quick else 100_000,
            )
        return
    sizes = [0, 1_000] if args.quick else [0, 1_000, 100_000]
    starts = 10 if args.quick else 15
    repeats = 50 if args.quick else 200
    report: dict[str, Any] = {"sizes": sizes, "starts": starts, "repeats": repeats}
    rows: list[list[Any]] = []

    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        head_db = work / "start.db"
        upgrade_to_head(head_db)  # the common start: an existing database, already at head
        base_init, base_first = cold_starts(BASELINE, head_db, starts)
        our_init, our_first = cold_starts(ours(head_db), head_db, starts)
        rows.append(["cold start: spawn -> initialize", "-", base_init, our_init, 0.0])
        rows.append(["cold start: spawn -> first add_task", "-", base_first, our_first, 0.0])
        report["cold_start_ms"] = {
            "baseline": {"initialize": base_init, "first_add_task": base_first},
            "task_tracker": {"initialize": our_init, "first_add_task": our_first},
        }

        corpus = Corpus()
        report["calls"] = {}
        for size in sizes:
            db_path = work / f"calls-{size}.db"
            build_database(db_path, size, corpus)
            # The tutorial's list returns every task; at 100k that is megabytes per call.
            base_list_repeats = repeats if size <= 1_000 else 5
            base = started_server(db_path, [*BASELINE, "--preload", str(size)])
            mine = started_server(db_path, ours(db_path))
            try:
                base_samples = call_latencies(base, repeats, base_list_repeats)
                our_samples = call_latencies(mine, repeats, repeats)
                if size == max(sizes):
                    report["rss_mb"] = {
                        "baseline_empty": None,
                        "task_tracker": rss_mb(mine.proc.pid),
                        "tasks": size,
                    }
                if size == 0:
                    report["tools_list_bytes"] = {
                        "baseline": tools_list_bytes(base),
                        "task_tracker": tools_list_bytes(mine),
                    }
                    baseline_rss = rss_mb(base.proc.pid)
            finally:
                base.__exit__()
                mine.__exit__()
            if size == 0:
                p50, p95 = add_latency_with_fsync(db_path, repeats)
                report["add_task_synchronous_full"] = {"p50": p50, "p95": p95}
                base_add = percentiles(base_samples["add_task"])[0]
                rows.append(["add_task p50 (p95), synchronous=FULL", 0, base_add, p50, p95])
            report["calls"][size] = {}
            for name in our_samples:
                b50, b95 = percentiles(base_samples[name])
                o50, o95 = percentiles(our_samples[name])
                report["calls"][size][name] = {
                    "baseline": {"p50": b50, "p95": b95},
                    "task_tracker": {"p50": o50, "p95": o95},
                }
                rows.append([f"{name} p50 (p95)", size, b50, o50, o95])
        report["rss_mb"]["baseline_empty"] = baseline_rss

    # Table: value columns are milliseconds unless the row says otherwise.
    table = []
    for label, size, base_value, our_value, our_p95 in rows:
        ratio = our_value / base_value
        extra = f"{our_p95:.2f}" if our_p95 else ""
        table.append([label, size, f"{base_value:.2f}", f"{our_value:.2f}", extra, f"{ratio:.2f}x"])
    largest = max(sizes)
    add_p50 = report["calls"][largest]["add_task"]["task_tracker"]["p50"]
    list_p50 = report["calls"][largest]["list_tasks"]["task_tracker"]["p50"]
    rss = report["rss_mb"]
    table.append(
        [
            f"list_tasks / add_task p50 (ours, {largest} tasks)",
            largest,
            "",
            "",
            "",
            f"{list_p50 / add_p50:.2f}x",
        ]
    )
    table.append(
        [
            f"RSS MB (baseline empty; ours at {rss['tasks']} tasks)",
            rss["tasks"],
            f"{rss['baseline_empty']:.1f}",
            f"{rss['task_tracker']:.1f}",
            "",
            f"+{rss['task_tracker'] - rss['baseline_empty']:.1f} MB",
        ]
    )
    sizes_bytes = report["tools_list_bytes"]
    table.append(
        [
            "tools/list response bytes",
            "-",
            str(sizes_bytes["baseline"]),
            str(sizes_bytes["task_tracker"]),
            "",
            "8 tools vs 5",
        ]
    )
    print_table(["measure", "tasks", "baseline ms", "task-tracker ms", "ours p95", "ratio"], table)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
