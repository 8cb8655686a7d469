"""Path leases' overlap test: it never misses a conflict (a path matching both patterns),
and says no where no path can match both."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from task_tracker.errors import InvalidInput
from task_tracker.paths import check_patterns, first_overlap, overlap


def matches(pattern: str, path: str) -> bool:
    """A reference matcher: segment by segment, '**' taking any number of segments."""

    def go(ps: list[str], xs: list[str]) -> bool:
        if not ps:
            return not xs
        if ps[0] == "**":
            return go(ps[1:], xs) or (bool(xs) and go(ps, xs[1:]))
        return bool(xs) and fnmatchcase(xs[0], ps[0]) and go(ps[1:], xs[1:])

    return go(pattern.split("/"), path.split("/"))


SEGMENTS = ["a", "b", "ab", "*", "?", "a*", "*b", "[ab]", "[!a]", "**", "a?b", "*a*"]
patterns = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map("/".join)
paths = st.lists(st.text("ab", min_size=1, max_size=3), min_size=1, max_size=5).map("/".join)


@settings(max_examples=600, deadline=None)
@given(patterns, patterns, paths)
def test_a_path_matching_both_patterns_is_always_an_overlap(a: str, b: str, path: str) -> None:
    if matches(a, path) and matches(b, path):
        assert overlap(a, b) and overlap(b, a), (a, b, path)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("src/auth/**", "src/auth/login.py", True),
        ("src/auth/**", "src/auth", True),  # '**' takes no segment too
        ("src/auth/**", "src/billing/**", False),
        ("src/*.py", "src/auth/login.py", False),  # '*' stays inside one segment
        ("**/*.md", "docs/guide/intro.md", True),
        ("docs/*.md", "docs/*.txt", False),
        ("docs/a*.md", "docs/*b.md", True),  # docs/ab.md
        ("Makefile", "makefile", False),
        ("tests/test_[ab].py", "tests/test_c.py", False),
        ("tests/test_[ab].py", "tests/test_?.py", True),
        ("**", "anything/at/all", True),
    ],
)
def test_examples(a: str, b: str, expected: bool) -> None:
    assert overlap(a, b) is expected and overlap(b, a) is expected


def test_the_first_overlapping_pair_is_named() -> None:
    assert first_overlap(["docs/**", "src/api/*.py"], ["src/api/users.py"]) == (
        "src/api/*.py",
        "src/api/users.py",
    )
    assert first_overlap(["docs/**"], ["src/**", "tests/**"]) is None


def test_patterns_are_kept_plain_and_bad_ones_refused() -> None:
    assert check_patterns(["./src//auth/", "docs/*.md", "docs/*.md"]) == [
        "src/auth/**",
        "docs/*.md",
    ]
    for bad, why in [
        ("/etc/passwd", "must be relative"),
        ("src/../secrets", "without '..'"),
        ("  ", "is empty"),
        ("a" * 201, "longer than 200"),
    ]:
        with pytest.raises(InvalidInput, match=why):
            check_patterns([bad])
    with pytest.raises(InvalidInput, match="at most 20 patterns"):
        check_patterns([f"f{n}" for n in range(21)])
