from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from task_tracker.runtime import stdio
from task_tracker.runtime.stdio import check_line, repair_surrogates


def test_lines_without_surrogate_escapes_pass_untouched() -> None:
    line = '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"caf\\u00e9 \\ud83d\\ude80"}}\n'
    assert repair_surrogates(line) == line  # a pair is an emoji, not a lone surrogate
    plain = '{"jsonrpc":"2.0","id":1,"method":"ping"}\n'
    assert repair_surrogates(plain) is plain


def test_lone_surrogates_become_replacement_characters() -> None:
    line = json.dumps({"id": 1, "params": {"a": "x\ud800y", "\udfff": ["\ud83d\ude80", "\ud83d"]}})
    assert "\\ud800" in line  # json.dumps escapes them, as clients do
    repaired = json.loads(repair_surrogates(line))
    assert repaired == {"id": 1, "params": {"a": "x\ufffdy", "\ufffd": ["🚀", "\ufffd"]}}


def test_repair_works_on_text_at_any_depth_and_keeps_escaped_backslashes() -> None:
    deep = '{"a":' + "[" * 5000 + '"\\ud800"' + "]" * 5000 + "}"
    assert repair_surrogates(deep) == deep.replace("\\ud800", "\\ufffd")
    # "\\ud800" in JSON is a backslash then the text "ud800": not an escape.
    literal = '{"a":"\\\\ud800 \\ud83d\\ude80 \\udc00"}'
    assert json.loads(repair_surrogates(literal)) == {"a": "\\ud800 🚀 \ufffd"}
    assert repair_surrogates('{"broken \\ud800') == '{"broken \\ufffd'


REQUEST = '{"jsonrpc":"2.0","id":7,"method":"ping"}'


@pytest.mark.parametrize(
    "line, expected",
    [
        (REQUEST, None),
        ("\n", ""),
        ("not json at all", (-32700, None)),
        ('{"jsonrpc":"2.0","id":3,', (-32700, None)),
        ("[" + REQUEST + "]", (-32600, None)),
        ('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]}', (-32600, 4)),
        ('{"jsonrpc":"2.0","id":"x","method":"tools/call","params":"p"}', (-32600, "x")),
        (
            '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"a":'
            + "[" * 400
            + "]" * 400
            + "}}",
            (-32600, 5),
        ),
        (
            '{"jsonrpc":"2.0","id":6,"method":"ping","params":' + "[" * 5000 + "]" * 5000 + "}",
            (-32700, None),
        ),
        ('{"id":true,"method":"ping"}', (-32600, None)),
        ("42", (-32600, None)),
    ],
)
def test_every_line_the_sdk_would_drop_gets_an_error_reply(line: str, expected: object) -> None:
    reply = check_line(line)
    if expected is None or expected == "":
        assert reply == expected
        return
    assert reply is not None and reply.endswith("\n")
    message = json.loads(reply)
    code, request_id = expected  # type: ignore[misc]
    assert (message["jsonrpc"], message["id"], message["error"]["code"]) == (
        "2.0",
        request_id,
        code,
    )


# --- the event-loop pipe transport ------------------------------------------------------------


def _read_all(data: bytes) -> list[str]:
    async def collect() -> list[str]:
        read_fd, write_fd = os.pipe()
        os.write(write_fd, data)
        os.close(write_fd)
        try:
            return [line async for line in stdio.pipe_lines(read_fd)]
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
            writer = await stdio.pipe_writer(write_fd)
            await writer.write('{"t":"café 🚀"}\n')
            await writer.flush()
            return os.read(read_fd, 1000)
        finally:
            os.close(read_fd)
            os.close(write_fd)

    assert asyncio.run(write()) == '{"t":"café 🚀"}\n'.encode()


CLAIM_SCRIPT = """
import os, sys
from task_tracker.runtime.stdio import claimed_stdio
with claimed_stdio() as (wire_in, wire_out):
    print("stray print")            # sys.stdout: fd 1, now stderr
    os.write(1, b"stray fd write\\n")
    assert sys.stdin.read() == ""   # fd 0 reads /dev/null
    os.write(wire_out, os.read(wire_in, 100))
print("after")                      # fd 1 is stdout again
"""


def test_claimed_stdio_keeps_stray_output_off_the_wire() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLAIM_SCRIPT],
        input=b"wire line\n",
        capture_output=True,
        timeout=30,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b"wire line\nafter\n"
    # Whether print() reaches fd 1 before os.write does depends on stdout buffering (and so
    # on PYTHONUNBUFFERED in the environment): only where each line goes matters.
    assert sorted(done.stderr.splitlines()) == [b"stray fd write", b"stray print"]


def test_the_fastmcp_seam_is_the_sdk_stdio_server() -> None:
    from mcp.server.stdio import stdio_server

    assert stdio.check_seam().stdio_server is stdio_server


def test_a_changed_seam_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    import fastmcp.server.mixins.transport as transport

    monkeypatch.delattr(transport, "stdio_server")
    with pytest.raises(RuntimeError, match="this FastMCP changed how it runs stdio"):
        stdio.check_seam()
