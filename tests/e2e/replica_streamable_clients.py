#!/usr/bin/env python3
"""Drive the everything example with the official Python SDK (`mcp` 2.x) over stateful
Streamable HTTP (`Client(url, mode="legacy")`: `initialize`, `Mcp-Session-Id`, the SDK's GET
stream), many sessions at once, where every request may land on another replica (behind a
round-robin balancer).

Each session initializes declaring sampling, lists the tools, and per round calls
`test_tool_with_progress` (its progress must arrive) and `test_sampling` (the server's sampling
request is answered by this session's callback, with a text naming the session, which the
tool's result must carry back). Once per session it subscribes to `test://watched-resource`
and calls `update_watched_resource`: the `notifications/resources/updated` must arrive, on the
session's GET stream, wherever that stream is open. Any mismatch makes it exit non-zero naming
the session and the step; on success it prints one `OK` line.

    python replica_streamable_clients.py --url http://127.0.0.1:8080/mcp --sessions 20
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.metadata import version
from typing import Any

import anyio
import mcp.types as types
from mcp.client.client import Client

WATCHED = "test://watched-resource"


class Mismatch(Exception):
    """A reply that is not what the server should have sent."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


def wire(model: Any) -> dict[str, Any]:
    """A result as it travelled on the wire (camelCase keys)."""
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def text_of(result: Any) -> str:
    return " ".join(c.get("text", "") for c in wire(result).get("content", []) if c.get("type") == "text")


async def one_session(url: str, index: int, rounds: int, timeout: float) -> int:
    """Runs one session's checks; returns how many calls were checked."""
    asked: list[str] = []
    updated = anyio.Event()

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

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification) and str(message.params.uri) == WATCHED:
            updated.set()

    calls = 0
    async with Client(
        url,
        mode="legacy",
        read_timeout_seconds=timeout,
        sampling_callback=sample,
        message_handler=on_message,
    ) as client:
        check(
            client.protocol_version.startswith("2025-"),
            f"speaks {client.protocol_version}, not a handshake revision",
        )
        tools = {tool["name"] for tool in wire(await client.list_tools()).get("tools", [])}
        for needed in ("test_tool_with_progress", "test_sampling", "update_watched_resource"):
            check(needed in tools, f"tools/list lacks {needed}: {sorted(tools)}")
        for round_ in range(rounds):
            progress: list[float] = []

            async def on_progress(value: float, total: float | None, message: str | None) -> None:
                progress.append(value)

            result = await client.call_tool("test_tool_with_progress", {}, progress_callback=on_progress)
            check(wire(result).get("isError") is not True, f"test_tool_with_progress failed: {text_of(result)}")
            check(len(progress) >= 1, f"round {round_}: no progress arrived")
            prompt = f"question {round_} of session {index}"
            result = await client.call_tool("test_sampling", {"prompt": prompt})
            expected = f"answer of session {index} to {prompt}"
            check(expected in text_of(result), f"test_sampling answered {text_of(result)!r}, not {expected!r}")
            calls += 2
        check(len(asked) == rounds, f"{len(asked)} sampling requests for {rounds} rounds")

        await client.subscribe_resource(WATCHED)
        result = await client.call_tool("update_watched_resource", {})
        check(wire(result).get("isError") is not True, f"update_watched_resource failed: {text_of(result)}")
        calls += 1
        try:
            with anyio.fail_after(10):
                await updated.wait()
        except TimeoutError:
            raise Mismatch(f"no notifications/resources/updated for {WATCHED} within 10 s") from None
    return calls


async def main_async(args: argparse.Namespace) -> int:
    label = f"mcp {version('mcp')} Client(mode='legacy') {args.url}"
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
            failures.append(f"session {index}: {type(err).__name__}: {err}")

    try:
        with anyio.fail_after(args.deadline):
            async with anyio.create_task_group() as group:
                for index in range(args.sessions):
                    group.start_soon(run, index)
    except TimeoutError:
        failures.append(f"not done after {args.deadline}s")
    elapsed = time.monotonic() - started
    if failures:
        print(f"FAIL {label}: {len(failures)} of {args.sessions} sessions", file=sys.stderr)
        for failure in failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(
        f"OK {label}: {args.sessions} sessions, {total} calls checked (progress, sampling answered "
        f"by each session's callback, resource updates on the GET stream) in {elapsed:.1f}s"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--deadline", type=float, default=120.0)
    return anyio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
