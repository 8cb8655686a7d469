"""Progress of a long command on stderr: a bar that redraws itself on a terminal, a line every
few seconds elsewhere (logs, CI). Nothing for short runs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_S = 0.2
LINE_EVERY_S = 5.0
QUIET_FOR_S = 1.0  # runs shorter than this print nothing
BAR_WIDTH = 30


class Progress:
    def __init__(self, verb: str, *, total: int | None = None, out: TextIO | None = None) -> None:
        self.verb = verb
        self.total = total
        self.out = out or sys.stderr
        self.terminal = self.out.isatty()
        self.started = time.monotonic()
        self._shown = self.started
        self._drawn = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.started < QUIET_FOR_S:
            return
        if now - self._shown < (REDRAW_S if self.terminal else LINE_EVERY_S):
            return
        self._shown = now
        self._show(done, now)

    def _show(self, done: int, now: float) -> None:
        rate = done / max(now - self.started, 1e-9)
        text = f"{self.verb} {done:,} tasks ({rate:,.0f}/s)"
        if self.total:
            share = min(done / self.total, 1.0)
            filled = round(share * BAR_WIDTH)
            text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} " + text
        if self.terminal:
            self.out.write("\r" + text)
            self._drawn = True
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def finish(self) -> None:
        if self._drawn:
            self.out.write("\n")
            self.out.flush()
