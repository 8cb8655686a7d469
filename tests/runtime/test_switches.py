"""TASK_TRACKER_TRICKS_OFF switches tricks off by name, or all of them."""

from __future__ import annotations

import pytest

from task_tracker.runtime import TRICKS, enabled


@pytest.mark.parametrize(
    "value, off",
    [
        ("", set()),
        ("stdio", {"stdio"}),
        (" wire , inline ", {"wire", "inline"}),
        ("all", set(TRICKS)),
    ],
)
def test_named_tricks_are_off(monkeypatch: pytest.MonkeyPatch, value: str, off: set) -> None:
    monkeypatch.setenv("TASK_TRACKER_TRICKS_OFF", value)
    assert {trick for trick in TRICKS if not enabled(trick)} == off


def test_an_unknown_trick_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown trick 'turbo'; known: stdio, startup"):
        enabled("turbo")
