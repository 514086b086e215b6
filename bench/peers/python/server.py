"""Python FastMCP (PyPI `mcp` 1.x, pinned in requirements.txt) serving one `add` tool, as its
README shows, for bench/run.sh:

    python server.py --transport sse|streamable|stateless --port PORT

HTTP+SSE at /sse, Streamable HTTP at /mcp. Plain JSON replies (json_response=True) are FastMCP's
fastest option, so that is what is measured; logging at WARNING keeps uvicorn's access log (one
line per request) out of the measurement.
"""

import argparse

from mcp.server.fastmcp import FastMCP

parser = argparse.ArgumentParser()
parser.add_argument("--transport", default="streamable", choices=["sse", "streamable", "stateless"])
parser.add_argument("--port", type=int, default=8000)
args = parser.parse_args()

mcp = FastMCP(
    "bench-python",
    host="127.0.0.1",
    port=args.port,
    log_level="WARNING",
    json_response=True,
    stateless_http=args.transport == "stateless",
)


@mcp.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


mcp.run(transport="sse" if args.transport == "sse" else "streamable-http")
