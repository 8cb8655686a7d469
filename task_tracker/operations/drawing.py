"""A project's structure as a diagram: its tasks, subtasks (parent to child, dashed) and
dependencies (a task to what it waits on), in Mermaid or Graphviz DOT text, for
`task-tracker graph`. Titles are written so that neither language reads them as syntax."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from task_tracker.operations.calls import Call, operation, reading
from task_tracker.runtime.startup import lazy_module
from task_tracker.schemas.structure import ProjectName

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from task_tracker.store import graph, projects
else:
    graph = lazy_module("task_tracker.store.graph")
    projects = lazy_module("task_tracker.store.projects")

GRAPH_MAX = 500  # tasks drawn; a larger project is cut, and the diagram says so
TITLE_SHOWN = 60


def _label(row: Any) -> str:
    title = " ".join(row.title.split())
    if len(title) > TITLE_SHOWN:
        title = title[: TITLE_SHOWN - 1] + "…"
    return f"#{row.id} {title} ({row.status})"


def _mermaid(rows: list[Any], edges: list[tuple[int, int]], cut: str | None) -> str:
    def text(label: str) -> str:  # Mermaid's entity codes for what would end a label
        codes = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;"}
        return "".join(codes.get(char, char) for char in label)

    ids = {row.id for row in rows}
    lines = ["flowchart TD"]
    lines += [f'  t{row.id}["{text(_label(row))}"]' for row in rows]
    lines += [f"  t{row.parent_id} -.-> t{row.id}" for row in rows if row.parent_id in ids]
    lines += [f"  t{task} -->|waits on| t{needs}" for task, needs in edges]
    if cut:
        lines.append(f"  %% {cut}")
    return "\n".join(lines) + "\n"


def _dot(rows: list[Any], edges: list[tuple[int, int]], cut: str | None) -> str:
    def text(label: str) -> str:
        return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")

    ids = {row.id for row in rows}
    lines = ["digraph tasks {", "  rankdir=TB;", "  node [shape=box];"]
    lines += [f'  t{row.id} [label="{text(_label(row))}"];' for row in rows]
    lines += [
        f"  t{row.parent_id} -> t{row.id} [style=dashed];" for row in rows if row.parent_id in ids
    ]
    lines += [f'  t{task} -> t{needs} [label="waits on"];' for task, needs in edges]
    if cut:
        lines.append(f"  // {cut}")
    return "\n".join(lines + ["}"]) + "\n"


@operation
def project_graph(
    *,
    project: ProjectName,
    style: Literal["mermaid", "dot"] = "mermaid",
    include_closed: bool = False,
) -> Call[str]:
    """The project's open tasks (closed ones too with include_closed) as a diagram."""

    def run(conn: Connection) -> str:
        project_id = projects.project_id(conn, project)
        rows, edges = graph.project_graph(
            conn, project_id, open_only=not include_closed, limit=GRAPH_MAX
        )
        cut = None
        if len(rows) > GRAPH_MAX:
            rows = rows[:GRAPH_MAX]
            cut = f"only the oldest {GRAPH_MAX} tasks are drawn"
        return (_mermaid if style == "mermaid" else _dot)(rows, edges, cut)

    return reading(run)
