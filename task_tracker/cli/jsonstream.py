"""Reading an export document from a stream, one task at a time (memory stays bounded at any
size): the top-level object's keys in any order, the "tasks" array element by element."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from task_tracker.errors import InvalidInput

CHUNK_CHARS = 1 << 16
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NUMBER_CHARS = frozenset("0123456789.eE+-")


class ExportReader:
    """`tasks()` yields each element of "tasks" as parsed JSON; `header` holds the other keys
    seen so far (all of them once `tasks()` is exhausted)."""

    def __init__(self, stream: TextIO, *, chunk_chars: int = CHUNK_CHARS) -> None:
        self._stream = stream
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._chunk_chars = chunk_chars
        self._chunk = chunk_chars
        self.header: dict[str, Any] = {}
        self.saw_tasks = False

    # -- reading ---------------------------------------------------------------------------

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(self._chunk)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _peek(self) -> str:
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            raise self._error(f"expected {what}")
        self._pos += 1

    def _value(self) -> Any:
        if not self._peek():
            raise self._error("the document ends too early")
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if not self._more():
                    if exc.pos >= len(self._buf):
                        raise self._error("the document ends too early") from None
                    raise self._error(f"invalid JSON ({exc.msg})") from None
                continue
            except RecursionError:
                raise self._error("JSON nested too deeply") from None
            # A number that ends with the buffer, or before what could still be part of it
            # ("0" of "0.5"), may go on in the next chunk.
            if isinstance(value, int | float) and not self._eof:
                if end == len(self._buf) or self._buf[end] in _NUMBER_CHARS:
                    if self._more():
                        continue
            self._pos = end
            self._chunk = self._chunk_chars
            return value

    def _more(self) -> bool:
        # Read a bigger chunk each time one value needs more, so a huge value costs
        # O(n log n) re-parsing, not O(n^2).
        grown = self._fill()
        self._chunk *= 2
        return grown

    def _error(self, problem: str) -> InvalidInput:
        return InvalidInput(f"not a task-tracker export: {problem}")

    # -- the document ----------------------------------------------------------------------

    def tasks(self) -> Iterator[Any]:
        self._expect("{", "a JSON object")
        first = True
        while self._peek() != "}":
            if not first:
                self._expect(",", "',' between keys")
            first = False
            key = self._value()
            if not isinstance(key, str):
                raise self._error("expected a key")
            self._expect(":", "':' after a key")
            if key == "tasks" and self._peek() == "[":
                self.saw_tasks = True
                yield from self._items()
            else:
                self.header[key] = self._value()
        self._pos += 1
        if self._peek():
            raise self._error("unexpected data after the document")

    def _items(self) -> Iterator[Any]:
        self._pos += 1  # the "["
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._peek() == "]":
                self._pos += 1
                return
            self._expect(",", "',' or ']' in the tasks list")
