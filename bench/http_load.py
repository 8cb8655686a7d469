"""Throughput over streamable HTTP at 16 concurrent clients, against the empty FastMCP server.

    python bench/http_load.py                       # 10,000 tasks, 5 s per measurement
    python bench/http_load.py --size 100000 --db big.db --seconds 10

1. One process each (stateless): calls per second for add_task and search_tasks (a word in 1%
   of tasks), ours against the baseline's in-memory server, whose tools do no work.
2. Two `--stateless` processes of ours on one database file, 8 clients each, add_task only:
   p50/p99 latency (the two processes take turns at SQLite's write lock), errors, and each
   process's threads before and after.

    python bench/http_load.py --postgres postgresql://postgres@127.0.0.1/postgres

3. With --postgres: one `--stateless` replica against four (--replicas) on one PostgreSQL
   database (a scratch one, filled by `db copy`, dropped after), 32 clients spread over them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
from common import REPO, print_table
from scale import database_of_size, word_near

TOKEN = "bench-token-0123456789abcdef"
CLIENTS = 16


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TASK_TRACKER_AUTH_TOKEN": TOKEN}
    proc = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def ours(db: Path | str, port: int) -> list[str]:
    return [
        *(sys.executable, "-m", "task_tracker", "serve", "--transport", "http"),
        *("--port", str(port), "--db", str(db), "--stateless"),
    ]


def baseline(port: int) -> list[str]:
    return [sys.executable, str(REPO / "bench" / "baseline_server.py"), "--port", str(port)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise RuntimeError("no Threads line")


async def call(client: httpx.AsyncClient, url: str, name: str, arguments: dict) -> bool:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    reply = await client.post(url, json=body)
    text = reply.text
    data = text[text.index("{") :] if reply.status_code == 200 else "{}"
    for line in text.splitlines():  # an SSE answer: one `data:` line
        if line.startswith("data: "):
            data = line[6:]
    result = json.loads(data).get("result")
    return result is not None and not result.get("isError")


async def load(
    targets: list[str], name: str, arguments: dict, seconds: float, clients: int = CLIENTS
) -> tuple[float, list[float], int]:
    """`clients` clients, spread over the targets, calling for `seconds` after a warm-up:
    (calls per second, latencies in ms, failed calls)."""
    latencies: list[float] = []
    failures = 0
    measuring = False
    stop = time.monotonic() + 1 + seconds

    async def client_loop(url: str) -> None:
        nonlocal failures
        headers = {
            "Authorization": f"Bearer {TOKEN}",
            "Accept": "application/json, text/event-stream",
        }
        async with httpx.AsyncClient(headers=headers, timeout=60) as client:
            while time.monotonic() < stop:
                began = time.perf_counter()
                ok = await call(client, url, name, arguments)
                if measuring:
                    latencies.append((time.perf_counter() - began) * 1000)
                    failures += not ok

    tasks = [asyncio.create_task(client_loop(targets[i % len(targets)])) for i in range(clients)]
    await asyncio.sleep(1)  # warm-up: connections open, caches warm
    measuring = True
    began = time.monotonic()
    await asyncio.gather(*tasks)
    return len(latencies) / (time.monotonic() - began), latencies, failures


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="build into (or reuse) this file")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--postgres", help="a PostgreSQL server's URL: one replica against --replicas on it"
    )
    parser.add_argument("--replicas", type=int, default=4)
    args = parser.parse_args()
    if args.postgres:
        replicas(args)
        return
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        db = (args.db or work / "http.db").resolve()
        frequency = database_of_size(db, args.size)
        word = word_near(frequency, 0.01, args.size) + " "
        calls = {"add_task": {"title": "over http"}, "search_tasks": {"query": word}}
        rows = []
        results: dict[str, dict[str, Any]] = {}
        for label, command in (("empty FastMCP", baseline), ("task-tracker", None)):
            port = free_port()
            argv = command(port) if command else ours(db, port)
            proc = start(argv, port, work / f"{label}.log")
            try:
                for name, arguments in calls.items():
                    url = f"http://127.0.0.1:{port}/mcp"
                    cpu = cpu_seconds(proc.pid)
                    rate, latencies, failed = asyncio.run(
                        load([url], name, arguments, args.seconds)
                    )
                    # (CPU of the warm-up second included: an over-estimate for both alike.)
                    cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / (len(latencies) or 1)
                    results.setdefault(name, {})[label] = (rate, latencies, failed, cpu_ms)
            finally:
                proc.terminate()
                proc.wait(30)
        for name, by_server in results.items():
            base_rate, _, _, base_cpu = by_server["empty FastMCP"]
            rate, latencies, failed, cpu_ms = by_server["task-tracker"]
            rows.append(
                [
                    name,
                    f"{base_rate:.0f}",
                    f"{rate:.0f}",
                    f"{rate / base_rate:.2f}x",
                    f"{base_cpu:.2f} / {cpu_ms:.2f}",
                    statistics.median(latencies),
                    p99(latencies),
                    failed,
                ]
            )
        print(f"\nOne process, {CLIENTS} clients, {args.size} tasks (calls/s; ours in ms)")
        headers = ["call", "empty", "ours", "ratio", "server CPU ms/call", "p50", "p99", "failed"]
        print_table(headers, rows)

        ports = [free_port(), free_port()]
        procs = [start(ours(db, p), p, work / f"pair{p}.log") for p in ports]
        try:
            before = [threads(p.pid) for p in procs]
            urls = [f"http://127.0.0.1:{p}/mcp" for p in ports]
            rate, latencies, failed = asyncio.run(
                load(urls, "add_task", calls["add_task"], args.seconds)
            )
            after = [threads(p.pid) for p in procs]
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(30)
        p50 = statistics.median(latencies)
        print(f"\nTwo stateless processes on one file, {CLIENTS} clients, add_task")
        print_table(
            ["calls/s", "p50 ms", "p99 ms", "p99 / p50", "failed", "threads before -> after"],
            [
                [
                    f"{rate:.0f}",
                    p50,
                    p99(latencies),
                    f"{p99(latencies) / p50:.1f}x",
                    failed,
                    ", ".join(f"{b} -> {a}" for b, a in zip(before, after, strict=True)),
                ]
            ],
        )


def replicas(args: argparse.Namespace) -> None:
    """One `--stateless` replica, then args.replicas, on one PostgreSQL database holding the
    generated tasks: calls per second at 32 clients spread over them."""
    from backends import copy_into, scratch_database

    clients = 32
    with tempfile.TemporaryDirectory() as workdir, scratch_database(args.postgres) as url:
        work = Path(workdir)
        db = (args.db or work / "http.db").resolve()
        frequency = database_of_size(db, args.size)
        word = word_near(frequency, 0.01, args.size) + " "
        copy_into(url, db)
        calls = {"add_task": {"title": "over http"}, "search_tasks": {"query": word}}
        rates: dict[str, dict[int, tuple[float, list[float], int]]] = {}
        busy: dict[str, dict[int, float]] = {}
        for count in (1, args.replicas):
            ports = [free_port() for _ in range(count)]
            procs = [start(ours(url, p), p, work / f"replica{p}.log") for p in ports]
            try:
                urls = [f"http://127.0.0.1:{p}/mcp" for p in ports]
                for name, arguments in calls.items():
                    before = machine_ticks()
                    rates.setdefault(name, {})[count] = asyncio.run(
                        load(urls, name, arguments, args.seconds, clients)
                    )
                    after = machine_ticks()
                    share = (after[0] - before[0]) / max(after[1] - before[1], 1)
                    busy.setdefault(name, {})[count] = share
            finally:
                for proc in procs:
                    proc.terminate()
                    proc.wait(30)
    rows = []
    for name, by_count in rates.items():
        one, many = by_count[1], by_count[args.replicas]
        rows.append(
            [
                name,
                f"{one[0]:.0f}",
                f"{many[0]:.0f}",
                f"{many[0] / one[0]:.2f}x",
                statistics.median(many[1]),
                p99(many[1]),
                one[2] + many[2],
                f"{busy[name][1]:.0%} / {busy[name][args.replicas]:.0%}",
            ]
        )
    print(
        f"\n{clients} clients over HTTP, {args.size} tasks on PostgreSQL, {os.cpu_count()} cores "
        "(server, replicas and clients on one machine)"
    )
    headers = ["call", "1 replica calls/s", f"{args.replicas} replicas calls/s", "ratio"]
    print_table([*headers, "p50 ms", "p99 ms", "failed", "machine CPU busy"], rows)


if __name__ == "__main__":
    main()
