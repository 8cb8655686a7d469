from __future__ import annotations

import json

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
