"""What goes over the wire for tools: results serialized once less, schemas in fewer bytes.

What it buys (`bench/run.py --tricks`, three runs):
- serialized_once: FastMCP's own conversion of a model result dumps it three times over; this
  builds the same ToolResult (text and structuredContent identical) with two dumps. Off,
  list_tasks p50 (a page of 50 tasks) is 1.0-2.0x what it is on.
- compact_schemas: {"anyOf": [{"type": T}, {"type": "null"}]} becomes {"type": [T, "null"]}
  and optional arguments lose `"default": null` (flags `"default": false`); output schemas
  lose their "required" lists, string formats and enums (they describe what comes back;
  the arguments list the values). Tools without tags are listed without FastMCP's
  `"_meta":{"fastmcp":{"tags":[]}}` (31 bytes a tool that tell a client nothing). The
  default toolset's tools/list answer, which sits in the model's context for the whole
  conversation, is 13,941 bytes instead of 17,551.
- plain descriptions: the docstring is handed to FastMCP as the description, so it does not
  load a docstring parser to look for parameter sections (our parameters are described by
  their Field annotations); off, spawn -> `initialize` takes 0.9-1.1x as long (within noise).

Turn it off: TASK_TRACKER_TRICKS_OFF=wire (FastMCP's own conversion and schemas).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

from fastmcp.tools import FunctionTool, Tool, ToolResult
from mcp.types import InputRequiredResult, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool
from pydantic import BaseModel

from task_tracker.runtime import enabled

P = ParamSpec("P")


def serialized_once(
    fn: Callable[P, Awaitable[BaseModel]],
) -> Callable[P, Awaitable[ToolResult | InputRequiredResult]]:
    """The tool's model result as the ToolResult FastMCP would make of it.

    The wrapper keeps fn's signature, so the output schema still comes from fn's annotation.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> ToolResult | InputRequiredResult:
        result = await fn(*args, **kwargs)
        if isinstance(result, InputRequiredResult):
            return result  # a question for the client (FastMCP sends it as it is)
        return ToolResult(
            content=[TextContent(type="text", text=result.model_dump_json())],
            structured_content=result.model_dump(mode="json"),
        )

    return wrapper


def _compact(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_compact(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _compact(value) for key, value in schema.items()}
    options = schema.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and options[1] == {"type": "null"}
        and isinstance(options[0].get("type"), str)
    ):
        del schema["anyOf"]
        schema = {**options[0], **schema, "type": [options[0]["type"], "null"]}
    if schema.get("default", ...) is None:
        del schema["default"]
    if schema.get("type") == "boolean" and schema.get("default") is False:
        del schema["default"]  # a flag left out is off: saying so took 16 bytes a flag
    return schema


def _described(schema: Any, *, names: bool = False) -> Any:
    """An output schema as a description of what comes back rather than a validator of it:
    without "required" lists (every field is always there), string formats (the values
    show them) or enums (the arguments list them). names: schema is a "properties" mapping,
    whose keys are field names."""
    if isinstance(schema, list):
        return [_described(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if names:
        return {key: _described(value) for key, value in schema.items()}
    return {
        key: _described(value, names=key == "properties")
        for key, value in schema.items()
        if key not in ("required", "format", "enum")
    }


def compact_schemas(tool: Tool) -> Tool:
    tool.parameters = _compact(tool.parameters)
    if tool.output_schema is not None:
        tool.output_schema = _described(_compact(tool.output_schema))
    return tool


class ListedTool(FunctionTool):
    """A FunctionTool whose listing leaves out FastMCP's own `_meta` when it would only say
    that the tool has no tags (FastMCP adds it to every tool; a release with a setting to
    leave it out would retire this)."""

    def to_mcp_tool(self, **overrides: Any) -> MCPTool:
        if not self.tags and self.version is None and not self.meta:
            overrides.setdefault("_meta", None)
        return super().to_mcp_tool(**overrides)


def tool_from_function(
    fn: Callable[..., Awaitable[BaseModel]],
    *,
    guard: Callable[[Callable[..., Any]], Callable[..., Any]],
    title: str,
    annotations: dict[str, Any],
) -> Tool:
    """A FastMCP Tool for fn, with `guard` (error translation) around the call."""
    description = inspect.getdoc(fn)
    hints = ToolAnnotations.model_validate(annotations)
    if not enabled("wire"):
        return Tool.from_function(
            guard(fn), title=title, description=description, annotations=hints
        )
    wrapped = guard(serialized_once(fn))
    wrapped.__doc__ = None  # the description is given: no docstring for FastMCP to parse
    return compact_schemas(
        ListedTool.from_function(wrapped, title=title, description=description, annotations=hints)
    )
