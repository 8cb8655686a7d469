"""The MCP layer: app (FastMCP, lifespan, registration), tools, resources, prompts, shaping."""
