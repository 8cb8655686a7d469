from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from task_tracker import stdio
from task_tracker.stdio import repair_surrogates


def test_lines_without_surrogate_escapes_pass_untouched() -> None:
    line = '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"caf\\u00e9 \\ud83d\\ude80"}}\n'
    assert repair_surrogates(line) == line or json.loads(repair_surrogates(line)) == json.loads(
        line
    )
    plain = '{"jsonrpc":"2.0","id":1,"method":"ping"}\n'
    assert repair_surrogates(plain) is plain


def test_lone_surrogates_become_replacement_characters() -> None:
    line = json.dumps({"id": 1, "params": {"a": "x\ud800y", "\udfff": ["\ud83d\ude80", "\ud83d"]}})
    assert "\\ud800" in line  # json.dumps escapes them, as clients do
    repaired = json.loads(repair_surrogates(line))
    assert repaired == {"id": 1, "params": {"a": "x\ufffdy", "\ufffd": ["🚀", "\ufffd"]}}


def test_not_json_is_left_for_the_sdk_to_report() -> None:
    assert repair_surrogates('{"broken \\ud800') == '{"broken \\ud800'


# --- the event-loop pipe transport ------------------------------------------------------------


def _read_all(data: bytes) -> list[str]:
    async def collect() -> list[str]:
        read_fd, write_fd = os.pipe()
        os.write(write_fd, data)
        os.close(write_fd)
        try:
            return [line async for line in stdio._pipe_lines(read_fd)]
        finally:
            os.close(read_fd)

    return asyncio.run(collect())


def test_pipe_lines_are_utf8_with_invalid_bytes_replaced() -> None:
    lines = _read_all(b'{"a":"caf\xc3\xa9"}\n{"b":"\xff"}\nno newline at end')
    assert lines == ['{"a":"café"}\n', '{"b":"\ufffd"}\n', "no newline at end"]


def test_a_line_over_the_limit_is_cut_and_the_next_line_still_read(monkeypatch) -> None:
    monkeypatch.setattr(stdio, "MAX_LINE_BYTES", 100)
    lines = _read_all(b'{"id":1}\n' + b"x" * 500 + b'\n{"id":2}\n')
    assert lines == ['{"id":1}\n', "<line too long>\n", '{"id":2}\n']


def test_pipe_writer_writes_utf8_lines() -> None:
    async def write() -> bytes:
        read_fd, write_fd = os.pipe()
        try:
            writer = await stdio._pipe_writer(write_fd)
            await writer.write('{"t":"café 🚀"}\n')
            await writer.flush()
            return os.read(read_fd, 1000)
        finally:
            os.close(read_fd)
            os.close(write_fd)

    assert asyncio.run(write()) == '{"t":"café 🚀"}\n'.encode()


CLAIM_SCRIPT = """
import os, sys
from task_tracker.stdio import _claimed_stdio
with _claimed_stdio() as (wire_in, wire_out):
    print("stray print")            # sys.stdout: fd 1, now stderr
    os.write(1, b"stray fd write\\n")
    assert sys.stdin.read() == ""   # fd 0 reads /dev/null
    os.write(wire_out, os.read(wire_in, 100))
print("after")                      # fd 1 is stdout again
"""


def test_claimed_stdio_keeps_stray_output_off_the_wire() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLAIM_SCRIPT], input=b"wire line\n", capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b"wire line\nafter\n"
    assert done.stderr == b"stray print\nstray fd write\n"
