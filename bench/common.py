"""Shared pieces of the benchmarks: realistic data, a stdio client, and statistics."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import sqlite3
import statistics
import string
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from client import BenchClient  # noqa: E402

from task_tracker.migrate import upgrade_to_head  # noqa: E402

STAMP = "2026-01-01T00:00:00.000000+00:00"
STATUSES = ("pending", "in_progress", "complete")
PRIORITIES = ("low", "medium", "high")
# 30 tags, used Zipf-like as real tags are: a few on many tasks, most on few.
TAGS = (
    "work", "home", "ops", "bug", "docs", "urgent", "later", "idea", "backend", "frontend",
    "api", "db", "ci", "infra", "security", "perf", "ux", "design", "research", "meeting",
    "email", "finance", "hiring", "legal", "travel", "health", "errand", "reading", "garden",
    "car",
)  # fmt: skip
DUE_FROM = date(2026, 1, 1)
DUE_DAYS = 730


class Corpus:
    """Text drawn from a Zipf-like vocabulary (frequency ~ 1/rank), as real text is."""

    def __init__(self, vocabulary_size: int = 20_000, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < vocabulary_size:
            length = self.rng.choice((3, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11))
            words.add("".join(self.rng.choices(string.ascii_lowercase, k=length)))
        self.words = sorted(words, key=lambda w: (len(w), w))  # rank 1 = short, common
        weights = [1 / (rank**1.07) for rank in range(1, vocabulary_size + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.tag_cumulative = list(itertools.accumulate(1 / rank for rank in range(1, 31)))

    def text(self, n_words: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=n_words))

    def task(self) -> tuple[str, str, str, str, str, str | None]:
        title = self.text(self.rng.randint(3, 9)).capitalize()
        description = self.text(self.rng.randint(10, 60))
        drawn = self.rng.choices(TAGS, cum_weights=self.tag_cumulative, k=self.rng.randint(0, 3))
        tags = json.dumps(list(dict.fromkeys(drawn)))
        status = self.rng.choices(STATUSES, weights=(5, 2, 3))[0]
        due = None
        if self.rng.random() < 0.4:  # two tasks in five have a due date, over two years
            due = (DUE_FROM + timedelta(days=self.rng.randrange(DUE_DAYS))).isoformat()
        return title, description, tags, status, self.rng.choice(PRIORITIES), due


PROJECTS = 20


def build_database(path: Path, n_tasks: int, corpus: Corpus) -> Counter[str]:
    """A database at Alembic head holding n_tasks tasks; returns each word's task count.

    With structure as planned work has it: three tasks in five in one of PROJECTS projects
    (Zipf-used), one in five a subtask of an earlier task, and one dependency for every ten
    tasks (on an earlier task, so no loops)."""
    path.unlink(missing_ok=True)
    upgrade_to_head(path)
    document_frequency: Counter[str] = Counter()
    rng = random.Random(11)  # apart from the corpus's, so the text stays as it was
    project_weights = list(itertools.accumulate(1 / rank for rank in range(1, PROJECTS + 1)))

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(1, n_tasks + 1):
            task = corpus.task()
            document_frequency.update(set(f"{task[0].lower()} {task[1]}".split()))
            project = None
            if rng.random() < 0.6:
                project = rng.choices(range(1, PROJECTS + 1), cum_weights=project_weights)[0]
            parent = rng.randrange(1, n) if n > 1 and rng.random() < 0.2 else None
            yield (*task, project, parent)

    dependencies = [
        (task, rng.randrange(1, task))
        for task in rng.sample(range(2, n_tasks + 1), max(0, min(n_tasks // 10, n_tasks - 1)))
    ]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO projects (name) VALUES (?)",
            [(f"project-{n}",) for n in range(1, PROJECTS + 1)],
        )
        conn.executemany(
            "INSERT INTO tasks (title, description, tags, status, priority, due_date,"
            " project_id, parent_id, created_at, updated_at, completed_at)"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{STAMP}', '{STAMP}',"
            f" CASE WHEN ?4 = 'complete' THEN '{STAMP}' END)",
            rows(),
        )
        conn.executemany("INSERT OR IGNORE INTO task_dependencies VALUES (?, ?)", dependencies)
    return document_frequency


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def time_calls(call: Callable[[], Any], repeats: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def ours(db_path: Path) -> list[str]:
    return [sys.executable, "-m", "task_tracker", "serve", "--db", str(db_path)]


def started_server(
    db_path: Path, command: list[str] | None = None, env: dict[str, str] | None = None
) -> BenchClient:
    server = BenchClient(command or ours(db_path), env=env)
    server.initialize()
    return server


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [headers, *[[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def side_by_side(
    servers: dict[str, BenchClient],
    calls: Callable[[BenchClient], dict[str, Callable[[], Any]]],
    *,
    rounds: int,
    repeats: int,
) -> list[list[Any]]:
    """Two servers timed on the same calls in alternating rounds (each round the other goes
    first; samples pooled, so a slow patch of the machine lands on both), then closed.
    Rows: call, first's p50, second's p50, second / first."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in servers}
    order = list(servers)
    try:
        for round_ in range(rounds):
            for name in order if round_ % 2 == 0 else order[::-1]:
                for label, call in calls(servers[name]).items():
                    got = time_calls(call, repeats // rounds, warmup=3)
                    samples[name].setdefault(label, []).extend(got)
    finally:
        for server in servers.values():
            server.close()
            server.__exit__()
    first, second = order
    rows = []
    for label in samples[first]:
        before = statistics.median(samples[first][label])
        after = statistics.median(samples[second][label])
        rows.append([label, before, after, f"{after / before:.2f}x"])
    return rows


def copy_database(source: Path, target: Path) -> None:
    """A copy of a SQLite database in WAL mode, with what is still in its WAL file."""
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(source, target)
