"""Speed and robustness tricks, one module each. Each module's docstring says what it buys (a
number from bench/run.py) and how to turn it off.

Every trick can be switched off at run time, for measuring it or for ruling it out when
something looks wrong: TASK_TRACKER_TRICKS_OFF=name[,name...] (or "all"), with the names in
TRICKS. Switched off, the server does the plain thing the dependency offers.
"""

from __future__ import annotations

import functools
import os

TRICKS_OFF_ENV_VAR = "TASK_TRACKER_TRICKS_OFF"
TRICKS = ("stdio", "startup", "walsync", "wire", "inline")


def enabled(trick: str) -> bool:
    """Whether a trick is on (they all are unless TASK_TRACKER_TRICKS_OFF names them)."""
    if trick not in TRICKS:
        raise ValueError(f"unknown trick {trick!r}; known: {', '.join(TRICKS)}")
    off = _switched_off(os.environ.get(TRICKS_OFF_ENV_VAR, ""))
    return trick not in off and "all" not in off


@functools.lru_cache(maxsize=8)
def _switched_off(raw: str) -> frozenset[str]:
    # Asked on every transaction: the variable is parsed once per value it takes.
    return frozenset(name.strip() for name in raw.split(","))
