"""How long a person waits for a task command, against `task-tracker --version` in the same run.

    python bench/cli.py               # 1k tasks, 15 runs of each command
    python bench/cli.py --tasks 100000 --runs 9

Each command is the installed console script in a fresh process, as a shell runs it; the
medians are compared with `--version`'s (Python's own start, the package's import, argparse),
which no task command can beat. Target: ls, add, show and done at most 3x --version.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Corpus, build_database, print_table

SCRIPT = Path(sys.executable).parent / "task-tracker"
TARGET = 3.0


def median_ms(words: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([str(SCRIPT), *words], env=env, check=True, capture_output=True)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def cli_rows(db: Path, runs: int) -> list[tuple[str, float]]:
    """(command, median ms) for --version and each task command, on the database at db."""
    env = {**os.environ, "TASK_TRACKER_DB": str(db), "NO_COLOR": "1"}
    first = int(
        subprocess.run(
            [str(SCRIPT), "add", "bench", "-q"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    ids = iter(range(first, first + 10 * runs))
    rows = [("--version", median_ms(["--version"], runs, env))]
    rows.append(("ls", median_ms(["ls", "--limit", "20"], runs, env)))
    rows.append(("add", median_ms(["add", "a task from the shell"], runs, env)))
    rows.append(("show", median_ms(["show", str(first)], runs, env)))
    samples = []
    for _ in range(runs):  # done: a task not done yet, each time
        began = time.perf_counter()
        subprocess.run(
            [str(SCRIPT), "done", str(next(ids))], env=env, check=True, capture_output=True
        )
        samples.append((time.perf_counter() - began) * 1000)
    rows.append(("done", statistics.median(samples)))
    return rows


def report(rows: list[tuple[str, float]], tasks: int) -> bool:
    """Print the table; True when every command is within TARGET x --version."""
    version = rows[0][1]
    table = [
        [f"task-tracker {name}", tasks, f"{ms:.0f}", f"{ms / version:.2f}x"] for name, ms in rows
    ]
    print_table(["command (median)", "tasks", "ms", "/ --version"], table)
    worst = max(ms / version for _, ms in rows[1:])
    print(f"worst task command: {worst:.2f}x --version (target <= {TARGET:.0f}x)")
    return worst <= TARGET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "cli.db"
        build_database(db, args.tasks, Corpus())
        ok = report(cli_rows(db, args.runs), args.tasks)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
