"""search_tasks with tag filters at scale, against add_task in the same run, over stdio.

    python bench/search_tags.py --size 1000000 --db big.db   # builds once into big.db (~5 min)
    python bench/search_tags.py --size 100000

Words in 1%, 10% and 90% of tasks, each with the most used tag (`work`, on ~25% of tasks)
and the least used (`car`, ~1%), alone and with status=open; two tags at once. The tag is
matched inside the full-text index too (store.search_sqlite.with_tags), so FTS5 skips to the
tasks holding both instead of checking every task that holds the word. Target: <= 5x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import (
    TAGS,
    Corpus,
    build_database,
    percentiles,
    print_table,
    started_server,
    time_calls,
)
from scale import word_near

TARGET = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="build once into this file, then reuse it")
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        db = args.db or Path(workdir) / "tags.db"
        if not db.exists():
            frequency = build_database(db, args.size, Corpus())
            (db.with_suffix(".words")).write_text(
                "\n".join(f"{w} {n}" for w, n in frequency.items())
            )
        frequency = dict(
            (w, int(n))
            for w, n in (line.split() for line in db.with_suffix(".words").read_text().split("\n"))
        )
        words = {share: word_near(frequency, share, args.size) for share in (0.01, 0.10, 0.90)}
        server = started_server(db)
        try:
            rows = []
            plain = percentiles(
                time_calls(lambda: server.call_ok("add_task", {"title": "bench"}), args.repeats)
            )
            rows.append(["add_task", "-", plain[0], plain[1], "1.00x"])
            worst = 0.0
            for share, word in words.items():
                for tag in (TAGS[0], TAGS[-1], f"{TAGS[0]},{TAGS[-1]}"):
                    for extra in ({}, {"status": "open"}):
                        arguments = {"query": word + " ", "tag": tag, **extra}
                        p50, p95 = percentiles(
                            time_calls(
                                lambda a=arguments: server.call_ok("search_tasks", a),
                                args.repeats,
                            )
                        )
                        label = f"word in {share:.0%}, tag={tag}" + (
                            " status=open" if extra else ""
                        )
                        rows.append([label, word, p50, p95, f"{p50 / plain[0]:.2f}x"])
                        worst = max(worst, p50 / plain[0])
        finally:
            server.__exit__()
    print_table(["call", "word", "p50 ms", "p95 ms", "/ add_task p50"], rows)
    print(f"target: <= {TARGET:.0f}x; worst {worst:.2f}x")
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
