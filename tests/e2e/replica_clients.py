#!/usr/bin/env python3
"""Drive the everything example with the official Python SDK (`mcp` 1.x) over HTTP+SSE, many
sessions at once, where every POST may land on another replica (behind a round-robin balancer).

Each session initializes declaring sampling, lists the tools, calls `test_tool_with_progress`
(its progress must arrive, tagged with the session's own token) and `test_sampling` (the
server's sampling request is answered by this session's callback, with a text naming the
session, which the tool's result must carry back). Any mismatch makes it exit non-zero naming
the session and the step; on success it prints one `OK` line.

    python replica_clients.py --url http://127.0.0.1:8080/sse --sessions 20
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.metadata import version
from typing import Any

import anyio
from mcp import ClientSession, types
from mcp.client.sse import sse_client


class Mismatch(Exception):
    """A reply that is not what the server should have sent."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


def text_of(result: types.CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, types.TextContent))


async def one_session(url: str, index: int, rounds: int, timeout: float) -> int:
    """Runs one session's checks; returns how many calls were checked."""
    asked: list[str] = []

    async def sample(_context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        prompt = " ".join(
            m.content.text for m in params.messages if isinstance(m.content, types.TextContent)
        )
        asked.append(prompt)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"answer of session {index} to {prompt}"),
            model="replica-clients",
        )

    calls = 0
    async with sse_client(url, timeout=timeout) as (read, write):
        async with ClientSession(read, write, sampling_callback=sample) as session:
            await session.initialize()
            tools = {tool.name for tool in (await session.list_tools()).tools}
            for needed in ("test_tool_with_progress", "test_sampling"):
                check(needed in tools, f"tools/list lacks {needed}: {sorted(tools)}")
            for round_ in range(rounds):
                progress: list[float] = []

                async def on_progress(value: float, total: float | None, message: str | None) -> None:
                    progress.append(value)

                result = await session.call_tool(
                    "test_tool_with_progress", {}, progress_callback=on_progress
                )
                check(not result.isError, f"test_tool_with_progress failed: {text_of(result)}")
                check(len(progress) >= 1, f"round {round_}: no progress arrived")
                prompt = f"question {round_} of session {index}"
                result = await session.call_tool("test_sampling", {"prompt": prompt})
                expected = f"answer of session {index} to {prompt}"
                check(expected in text_of(result), f"test_sampling answered {text_of(result)!r}, not {expected!r}")
                calls += 2
            check(len(asked) == rounds, f"{len(asked)} sampling requests for {rounds} rounds")
    return calls


async def main_async(args: argparse.Namespace) -> int:
    failures: list[str] = []
    total = 0
    started = time.monotonic()

    async def run(index: int) -> None:
        nonlocal total
        try:
            # Awaited first: `total += await ..` would read the count before waiting.
            made = await one_session(args.url, index, args.rounds, args.timeout)
            total += made
        except Exception as err:  # noqa: BLE001 - every failure is reported, with its session
            detail = err
            while isinstance(detail, BaseExceptionGroup) and len(detail.exceptions) == 1:
                detail = detail.exceptions[0]
            failures.append(f"session {index}: {type(detail).__name__}: {detail}")

    try:
        with anyio.fail_after(args.deadline):
            async with anyio.create_task_group() as group:
                for index in range(args.sessions):
                    group.start_soon(run, index)
    except TimeoutError:
        failures.append(f"not done after {args.deadline}s")
    label = f"mcp {version('mcp')} everything {args.url}"
    if failures:
        print(f"FAIL {label}: {len(failures)} failure(s) in {args.sessions} sessions", file=sys.stderr)
        for failure in failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"OK {label}: {args.sessions} sessions, {total} calls with progress and sampling checked in {time.monotonic() - started:.2f}s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the SSE endpoint, e.g. http://127.0.0.1:8080/sse")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="progress + sampling rounds per session")
    parser.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=60.0, help="give up after this long (s)")
    return anyio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
