"""task-tracker: a persistent MCP task server."""

__version__ = "0.1.0"
