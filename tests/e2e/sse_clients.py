#!/usr/bin/env python3
"""Drive an MCP HTTP+SSE server with the official Python SDK (`mcp` 1.x or 2.x).

Opens N sessions concurrently with the SDK's `sse_client` + `ClientSession`, holds them all open
at once, and in each one initializes, lists the tools and calls them with numbers distinct per
session and per call, checking every reply exactly. Any mismatch makes it exit non-zero with a
message naming the session, the call and what was expected; on success it prints one summary line.

    python sse_clients.py --url http://127.0.0.1:8000/sse --sessions 50 --calls 4
    python sse_clients.py --url http://127.0.0.1:8000/api/mcp/sse --server mount_existing

Run by tests/tests/e2e_python.rs with the venvs that scripts/setup-e2e.sh creates.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from importlib.metadata import version
from typing import Any

import anyio
from mcp import ClientSession
from mcp.client.sse import sse_client

# The tools each example server must list, exactly.
EXPECTED_TOOLS = {
    "calculator": {"add", "subtract", "multiply", "divide", "power", "statistics"},
    "mount_existing": {"add", "greet"},
}


class Mismatch(Exception):
    """A reply that is not what the server should have sent."""


def wire(model: Any) -> dict[str, Any]:
    """A result as it travelled on the wire (camelCase keys), whatever the SDK's field names.

    mcp 1.x names fields as on the wire (`isError`); 2.x uses snake_case attributes
    (`is_error`) with camelCase aliases, so dumping by alias reads both the same way.
    """
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


def texts(result: dict[str, Any]) -> list[str]:
    return [block.get("text") for block in result.get("content", []) if block.get("type") == "text"]


def check_tool_list(tools: dict[str, dict[str, Any]], server: str) -> None:
    expected = EXPECTED_TOOLS[server]
    check(set(tools) == expected, f"tools/list gave {sorted(tools)}, expected {sorted(expected)}")
    schema = tools["add"].get("inputSchema")
    check(isinstance(schema, dict), f"add has no inputSchema object: {schema!r}")
    check(schema.get("type") == "object", f"add's inputSchema is not of type object: {schema!r}")
    props = schema.get("properties", {})
    check(
        set(props) == {"a", "b"} and all(props[p].get("type") == "integer" for p in props),
        f"add's inputSchema properties are not integer a and b: {props!r}",
    )
    check(
        sorted(schema.get("required", [])) == ["a", "b"],
        f"add's inputSchema does not require exactly a and b: {schema.get('required')!r}",
    )
    if server == "calculator":
        out = tools["statistics"].get("outputSchema")
        check(
            isinstance(out, dict)
            and out.get("type") == "object"
            and {"count", "sum", "mean", "min", "max"} <= set(out.get("properties", {})),
            f"statistics has no object outputSchema with count/sum/mean/min/max: {out!r}",
        )
    if server == "mount_existing":
        greet = tools["greet"].get("inputSchema", {})
        check(
            greet.get("required") == ["name"],
            f"greet should require only name (greeting has a default): {greet!r}",
        )


async def call(session: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return wire(await session.call_tool(name, arguments))


async def check_add(session: ClientSession, a: int, b: int) -> None:
    result = await call(session, "add", {"a": a, "b": b})
    check(result.get("isError") is not True, f"add({a}, {b}) failed: {result!r}")
    check(texts(result) == [str(a + b)], f"add({a}, {b}) answered {texts(result)!r}, expected ['{a + b}']")


async def check_divide_by_zero(session: ClientSession, dividend: int) -> None:
    result = await call(session, "divide", {"dividend": dividend, "divisor": 0})
    check(result.get("isError") is True, f"divide({dividend}, 0) is not an isError result: {result!r}")
    check(
        texts(result) == ["cannot divide by zero: pass a non-zero divisor"],
        f"divide({dividend}, 0) gave message {texts(result)!r}",
    )


async def check_statistics(session: ClientSession, base: int) -> None:
    numbers = [base, base + 1, base + 5]
    expected = {
        "count": 3,
        "sum": float(sum(numbers)),
        "mean": sum(numbers) / 3,
        "min": float(min(numbers)),
        "max": float(max(numbers)),
    }
    result = await call(session, "statistics", {"numbers": numbers})
    check(result.get("isError") is not True, f"statistics({numbers}) failed: {result!r}")
    got = result.get("structuredContent")
    check(isinstance(got, dict), f"statistics({numbers}) has no structuredContent: {result!r}")
    check(
        set(got) == set(expected) and all(math.isclose(got[k], v) for k, v in expected.items()),
        f"statistics({numbers}) structuredContent {got!r}, expected {expected!r}",
    )


async def check_wrong_type(session: ClientSession) -> None:
    result = await call(session, "add", {"a": "two", "b": 3})
    check(result.get("isError") is True, f"add(a='two') is not an isError result: {result!r}")
    check(
        any("`a`" in t or "'a'" in t or '"a"' in t for t in texts(result)),
        f"add(a='two') error does not name argument a: {texts(result)!r}",
    )


async def check_greet(session: ClientSession, index: int) -> None:
    name = f"client-{index}"
    result = await call(session, "greet", {"name": name})
    check(texts(result) == [f"Hello, {name}!"], f"greet({name}) answered {texts(result)!r}")
    result = await call(session, "greet", {"name": name, "greeting": "Hi"})
    check(texts(result) == [f"Hi, {name}!"], f"greet({name}, Hi) answered {texts(result)!r}")


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.ready = 0
        self.all_ready = anyio.Event()
        self.failures: list[str] = []
        self.calls = 0

    def _arrive(self) -> None:
        self.ready += 1
        if self.ready >= self.args.sessions:
            self.all_ready.set()

    async def session(self, index: int) -> None:
        arrived = False
        step = "connecting"
        try:
            async with sse_client(self.args.url, timeout=self.args.timeout) as (read, write):
                async with ClientSession(read, write) as session:
                    step = "initialize"
                    init = wire(await session.initialize())
                    check("tools" in init.get("capabilities", {}), f"initialize result lacks tools capability: {init!r}")
                    step = "tools/list"
                    listed = wire(await session.list_tools())
                    check_tool_list({t["name"]: t for t in listed.get("tools", [])}, self.args.server)
                    # Hold every stream open together before calling, so that all N are live at once.
                    step = "waiting for the other sessions"
                    arrived = True
                    self._arrive()
                    await self.all_ready.wait()
                    step = "tools/call"
                    # Awaited first: `self.calls += await ..` would read the count before waiting.
                    made = await call_and_check(session, index, self.args.calls, self.args.server)
                    self.calls += made
        except Exception as err:  # noqa: BLE001 - every failure is reported, with its session
            self.failures.append(failure_text(index, step, err))
            if not arrived:
                self._arrive()


async def call_and_check(session: ClientSession, index: int, calls: int, server: str) -> int:
    """Runs one session's checked calls; returns how many there were."""
    async with anyio.create_task_group() as group:
        for k in range(calls):
            # Distinct per session and call: a reply routed to the wrong session or request id
            # would carry another sum.
            group.start_soon(check_add, session, index * 1000 + k, 7 * k + 1)
    if server == "calculator":
        await check_divide_by_zero(session, index)
        await check_statistics(session, index)
        await check_wrong_type(session)
        return calls + 3
    await check_greet(session, index)
    return calls + 2


def failure_text(index: int, step: str, err: BaseException) -> str:
    """One line for a failed session: its index, the step it was at, and the innermost error."""
    detail = err
    while isinstance(detail, BaseExceptionGroup) and len(detail.exceptions) == 1:
        detail = detail.exceptions[0]
    return f"session {index} ({step}): {type(detail).__name__}: {detail}"


async def main_async(args: argparse.Namespace) -> int:
    run = Run(args)
    started = time.monotonic()
    try:
        with anyio.fail_after(args.deadline):
            async with anyio.create_task_group() as group:
                for index in range(args.sessions):
                    group.start_soon(run.session, index)
    except TimeoutError:
        run.failures.append(f"not done after {args.deadline}s (ready sessions: {run.ready}/{args.sessions})")
    elapsed = time.monotonic() - started
    label = f"mcp {version('mcp')} {args.server} {args.url}"
    if run.failures:
        print(f"FAIL {label}: {len(run.failures)} failure(s) in {args.sessions} sessions", file=sys.stderr)
        for failure in run.failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"OK {label}: {args.sessions} concurrent sessions, {run.calls} tool calls checked in {elapsed:.2f}s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the SSE endpoint, e.g. http://127.0.0.1:8000/sse")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent sessions (default 10)")
    parser.add_argument("--calls", type=int, default=3, help="add calls per session (default 3)")
    parser.add_argument("--server", choices=sorted(EXPECTED_TOOLS), default="calculator")
    parser.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=40.0, help="give up after this long (s)")
    args = parser.parse_args()
    return anyio.run(main_async, args)


if __name__ == "__main__":
    sys.exit(main())
