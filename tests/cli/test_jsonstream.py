"""The streaming export reader gives exactly what json.loads gives, at any chunk boundary,
key order or layout, and refuses what is not an export."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from task_tracker.cli import jsonstream
from task_tracker.cli.jsonstream import ExportReader
from task_tracker.errors import InvalidInput

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {"tasks": st.lists(values, max_size=8)},
    optional={"format": st.text(max_size=10), "exported_at": values, "zzz": values},
)


def read(text: str, chunk_chars: int = jsonstream.CHUNK_CHARS) -> tuple[list, dict, bool]:
    reader = ExportReader(io.StringIO(text), chunk_chars=chunk_chars)
    tasks = list(reader.tasks())
    return tasks, reader.header, reader.saw_tasks


@settings(max_examples=300, deadline=None)
@given(
    document=documents,
    tasks_first=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(min_value=1, max_value=9),
)
def test_reads_what_json_loads_reads(
    document: dict,
    tasks_first: bool,
    indent: int | None,
    chunk: int,
) -> None:
    others = {k: v for k, v in document.items() if k != "tasks"}
    ordered = (
        {"tasks": document["tasks"], **others}
        if tasks_first
        else {**others, "tasks": document["tasks"]}
    )
    text = json.dumps(ordered, indent=indent, ensure_ascii=False)
    tasks, header, saw = read(text, chunk)
    assert tasks == json.loads(text)["tasks"]
    assert header == json.loads(json.dumps(others))
    assert saw


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "expected a JSON object"),
        ('{"tasks": [1], "format": ', "the document ends too early"),
        ("[1]", "expected a JSON object"),
        ('{"tasks": [1, 2', "expected ',' or ']' in the tasks list"),
        ('{"tasks": [1] "x": 2}', "expected ',' between keys"),
        ('{"tasks": [1]} trailing', "unexpected data after the document"),
        ('{"tasks": [{"a": tru}]}', "invalid JSON"),
        ('{"tasks": [' + "[" * 100_000 + "]" * 100_000 + "]}", "JSON nested too deeply"),
        ("{7: 1}", "expected a key"),
    ],
)
def test_what_is_not_an_export_is_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=f"^not a task-tracker export: {problem}"):
        read(text)


def test_tasks_that_are_not_a_list_stay_in_the_header() -> None:
    tasks, header, saw = read('{"format": "task-tracker/1", "tasks": {"a": 1}}')
    assert (tasks, header, saw) == ([], {"format": "task-tracker/1", "tasks": {"a": 1}}, False)
