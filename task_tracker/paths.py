"""Path leases: the files a claim covers, as glob patterns relative to the repository's root
(`src/auth/**`, `docs/*.md`, `Makefile`), and whether two claims' patterns can name one file.

A segment takes `*` (any run of characters but `/`), `?` (one character) and `[...]` (one of
a set); `**` as a whole segment takes any number of segments, none included. The overlap
test never misses a conflict: two patterns overlap when some path matches both. Where a
character set meets another set it assumes they share a character (a lease refused that
could have been granted, never the reverse); tests/test_paths.py checks it against paths.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from fnmatch import fnmatchcase

from task_tracker.errors import InvalidInput

PATHS_MAX = 20
PATH_MAX = 200
STAR, ANY = "*", "?"
_CLASS = re.compile(r"\[!?\]?[^\]]*\]")


def check_patterns(patterns: Sequence[str]) -> list[str]:
    """The patterns as a lease keeps them ('./' and repeated slashes dropped, 'dir/' read as
    'dir/**'), or InvalidInput saying what to send instead."""
    if len(patterns) > PATHS_MAX:
        raise InvalidInput(f"paths takes at most {PATHS_MAX} patterns; use a directory/** one.")
    kept: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        if pattern.endswith("/"):
            pattern += "**"
        parts = [part for part in pattern.split("/") if part not in ("", ".")]
        problem = None
        if not parts:
            problem = "is empty"
        elif pattern.startswith("/") or "\\" in pattern or ".." in parts:
            problem = "must be relative to the repository root, without '..' or '\\'"
        elif len(pattern) > PATH_MAX:
            problem = f"is longer than {PATH_MAX} characters"
        if problem:
            raise InvalidInput(
                f"path {raw!r} {problem}: give patterns like 'src/auth/**' or 'docs/*.md'."
            )
        kept.append("/".join(parts))
    return list(dict.fromkeys(kept))


def _tokens(segment: str) -> tuple[str, ...]:
    """A segment as tokens: STAR, ANY, a [set] as written, or one literal character."""
    tokens: list[str] = []
    at = 0
    while at < len(segment):
        char = segment[at]
        found = _CLASS.match(segment, at) if char == "[" else None
        if found:
            tokens.append(found.group())
            at = found.end()
            continue
        if char != STAR or not tokens or tokens[-1] != STAR:
            tokens.append(char if char in (STAR, ANY) else "=" + char)
        at += 1
    return tuple(tokens)


def _one_char(a: str, b: str) -> bool:
    """Whether two one-character tokens (ANY, a [set], or '=c') can take the same character."""
    if a == ANY or b == ANY:
        return True
    if a.startswith("=") and b.startswith("="):
        return a == b
    if a.startswith("="):
        return fnmatchcase(a[1:], b)
    if b.startswith("="):
        return fnmatchcase(b[1:], a)
    return True  # two sets: assumed to share a character


@functools.cache
def _segments_meet(p: tuple[str, ...], q: tuple[str, ...]) -> bool:
    """Whether some segment (one name, no '/') matches both token lists."""

    @functools.cache
    def go(i: int, j: int) -> bool:
        if i == len(p) and j == len(q):
            return True
        if i < len(p) and p[i] == STAR and (go(i + 1, j) or (j < len(q) and go(i, j + 1))):
            return True
        if j < len(q) and q[j] == STAR and (go(i, j + 1) or (i < len(p) and go(i + 1, j))):
            return True
        if i < len(p) and j < len(q) and STAR not in (p[i], q[j]):
            return _one_char(p[i], q[j]) and go(i + 1, j + 1)
        return False

    return go(0, 0)


@functools.cache
def _paths_meet(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a and not b:
        return True
    if a and a[0] == "**":
        return _paths_meet(a[1:], b) or (bool(b) and _paths_meet(a, b[1:]))
    if b and b[0] == "**":
        return _paths_meet(a, b[1:]) or (bool(a) and _paths_meet(a[1:], b))
    if not a or not b:
        return False
    return _segments_meet(_tokens(a[0]), _tokens(b[0])) and _paths_meet(a[1:], b[1:])


def overlap(a: str, b: str) -> bool:
    """Whether some path matches both patterns."""
    return _paths_meet(tuple(a.split("/")), tuple(b.split("/")))


def first_overlap(mine: Sequence[str], theirs: Sequence[str]) -> tuple[str, str] | None:
    """A pair of patterns, one from each side, that can name one file; None if none can."""
    for a in mine:
        for b in theirs:
            if overlap(a, b):
                return a, b
    return None
