"""What history costs on disk: one task's 2,000-character description edited N times, on a
database at revision 0019 (each event kept [old, new]) and at head (revision 0020: a text
an earlier event holds is kept as [new]), through the store as the tools do.

    python bench/history_size.py                  # 10,000 edits
    python bench/history_size.py --edits 2000

Prints the file's growth per edit on both and their ratio (after a WAL checkpoint and a
VACUUM, so the figure is what the rows take, not free pages).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from alembic import command
from common import print_table

from task_tracker import store
from task_tracker.db import create_db_engine, write_transaction
from task_tracker.migrate import alembic_config

LENGTH = 2_000
WORDS = "the deploy script waits for the canary before it moves traffic to new hosts".split()


def description(edit: int) -> str:
    """About LENGTH characters of words, one of them changed by each edit (as people edit)."""
    words = [WORDS[i % len(WORDS)] for i in range(LENGTH // 6)]
    words[edit % len(words)] = f"edit{edit}"
    return " ".join(words)[:LENGTH]


def grown(path: Path, edits: int) -> float:
    """Bytes the file grows per edit of the description."""
    engine = create_db_engine(path)  # (as it is: not brought to head)
    with write_transaction(engine) as conn:
        task = store.add_task(conn, title="long", description=description(-1))
    size = _size(path)
    for n in range(edits):
        with write_transaction(engine) as conn:
            store.update_task(conn, task_id=task.id, description=description(n))
    engine.dispose()
    return (_size(path) - size) / edits


def _size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before, head = Path(tmp) / "0019.db", Path(tmp) / "head.db"
        command.upgrade(alembic_config(before), "0019")
        command.upgrade(alembic_config(head), "head")
        old, new = grown(before, args.edits), grown(head, args.edits)
    print_table(
        ["edits of a 2,000-char description", "bytes per edit", "x of 0019's"],
        [
            ["revision 0019: [old, new]", f"{old:,.0f}", "1.00x"],
            ["head (0020): [new]", f"{new:,.0f}", f"{new / old:.2f}x"],
        ],
    )


if __name__ == "__main__":
    main()
