"""task-tracker graph's diagrams: a project's tasks, subtasks and dependencies in Mermaid
and DOT, with titles that neither language reads as syntax. Both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from task_tracker import operations
from task_tracker.db import write_transaction
from task_tracker.errors import ProjectNotFound


def run(engine: Engine, call: Any) -> Any:
    with (
        engine.begin() if engine.dialect.name == "postgresql" else write_transaction(engine) as conn
    ):
        return call.body(conn)


def build(engine: Engine) -> None:
    add = operations.add_task
    run(engine, add(actor="a", title='Ship "v2" <b>', project="web", create_project=True))
    run(engine, add(actor="a", title="Docs", project="web", parent_id=1))
    run(engine, add(actor="a", title="Fix #7; then\\ go", project="web", depends_on=[2]))
    run(engine, add(actor="a", title="Elsewhere", project="api", create_project=True))
    run(engine, operations.complete_task(actor="a", task_id=2))


def test_mermaid_shows_open_tasks_subtasks_and_dependencies(engine: Engine) -> None:
    build(engine)
    drawn = run(engine, operations.project_graph(project="web"))
    assert drawn == (
        "flowchart TD\n"
        '  t1["#35;1 Ship #quot;v2#quot; #lt;b#gt; (pending)"]\n'
        '  t3["#35;3 Fix #35;7; then\\ go (pending)"]\n'
    )
    every = run(engine, operations.project_graph(project="web", include_closed=True))
    assert every.splitlines()[4:] == ["  t1 -.-> t2", "  t3 -->|waits on| t2"]


def test_dot_escapes_quotes_and_backslashes(engine: Engine) -> None:
    build(engine)
    drawn = run(engine, operations.project_graph(project="web", style="dot", include_closed=True))
    assert drawn.splitlines() == [
        "digraph tasks {",
        "  rankdir=TB;",
        "  node [shape=box];",
        '  t1 [label="#1 Ship \\"v2\\" <b> (pending)"];',
        '  t2 [label="#2 Docs (complete)"];',
        '  t3 [label="#3 Fix #7; then\\\\ go (pending)"];',
        "  t1 -> t2 [style=dashed];",
        '  t3 -> t2 [label="waits on"];',
        "}",
    ]


def test_an_unknown_project_is_refused(engine: Engine) -> None:
    with pytest.raises(ProjectNotFound):
        run(engine, operations.project_graph(project="nope"))
