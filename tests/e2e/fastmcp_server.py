"""A Python FastMCP server (the official Python SDK 1.x) over HTTP+SSE, for the gateway's
proxy tests: `python fastmcp_server.py PORT`. Its tools report progress and log, so a proxy
that forwards them can be checked."""

import sys

from mcp.server.fastmcp import Context, FastMCP

port = int(sys.argv[1])
mcp = FastMCP("python-fastmcp", host="127.0.0.1", port=port)


@mcp.tool()
def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()


@mcp.tool()
async def steps(count: int, ctx: Context) -> str:
    """Report `count` progress steps and log each."""
    for step in range(1, count + 1):
        await ctx.report_progress(step, count)
        await ctx.info(f"step {step}")
    return f"{count} steps"


if __name__ == "__main__":
    mcp.run(transport="sse")
