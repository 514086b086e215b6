"""Times sequential `add` calls made by the official Python SDK (PyPI `mcp` 1.x) over
Streamable HTTP, one session, after a warm-up: `python sdk_calls.py URL CALLS`; prints the
seconds the calls took. Used by bench/proxy.sh to time what a real client sees."""

import asyncio
import sys
import time

from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client


async def main(url: str, calls: int) -> None:
    async with streamablehttp_client(url) as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for n in range(20):
                await session.call_tool("add", {"a": n, "b": 1})
            start = time.perf_counter()
            for n in range(calls):
                result = await session.call_tool("add", {"a": n, "b": 1})
                if result.isError or result.content[0].text != str(n + 1):
                    raise SystemExit(f"add({n}, 1) answered {result}")
            print(time.perf_counter() - start)


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
