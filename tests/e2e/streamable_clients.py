#!/usr/bin/env python3
"""Drive an MCP Streamable HTTP server with the official Python SDK (`mcp` 1.x or 2.x).

Opens N sessions concurrently with the SDK's `streamable_http_client` + `ClientSession`, holds
them all open at once, and in each one initializes, lists the tools and calls them with numbers
distinct per session and per call, checking every reply exactly (the checks are sse_clients.py's).
It also records every HTTP exchange the SDK makes and checks the transport itself:

  --mode stateful   the initialize response mints an `Mcp-Session-Id`, distinct per session;
                    every later request carries it; the SDK's GET stream opens (200,
                    text/event-stream); closing the client sends DELETE, answered 200/204 (not
                    405); afterwards a POST with that id gets 404.
  --mode stateless  no response carries `Mcp-Session-Id`; requests get 200 application/json,
                    notifications 202; the SDK therefore never sends GET or DELETE.

Any mismatch makes it exit non-zero with a message naming the session, the step and what was
expected; on success it prints one summary line starting with `OK`.

    python streamable_clients.py --url http://127.0.0.1:8000/mcp --mode stateful --sessions 50

Run by tests/tests/e2e_python.rs with the venvs that scripts/setup-e2e.sh creates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import anyio
from mcp import ClientSession

# `streamable_http_client` exists in both majors (1.x also keeps the deprecated wrapper
# `streamablehttp_client`); 1.x yields (read, write, get_session_id), 2.x yields (read, write).
from mcp.client.streamable_http import streamable_http_client

from sse_clients import (
    call_and_check,
    check,
    check_tool_list,
    failure_text,
    wire,
)

try:  # mcp 2.x is built on httpx2, 1.x on httpx; the client API is the same.
    import httpx2 as httpx
except ImportError:
    import httpx  # type: ignore[no-redef]

SESSION_HEADER = "mcp-session-id"


@dataclass
class Exchange:
    """One HTTP request the SDK made and the head of its response."""

    method: str
    rpc: str  # the JSON-RPC method (or "response"/"?"), for POSTs
    status: int
    content_type: str
    sent_session: str | None
    got_session: str | None

    def __str__(self) -> str:
        return (
            f"{self.method} {self.rpc} -> {self.status} {self.content_type!r} "
            f"(sent session {self.sent_session!r}, got {self.got_session!r})"
        )


def rpc_method(request: Any) -> str:
    if request.method != "POST":
        return ""
    try:
        body = json.loads(request.content)
    except (ValueError, TypeError, httpx.RequestNotRead):
        return "?"
    return body.get("method", "response") if isinstance(body, dict) else "?"


class Recorder:
    """An httpx response hook recording every exchange of one session's client."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.get_answered = anyio.Event()

    async def __call__(self, response: Any) -> None:
        request = response.request
        self.exchanges.append(
            Exchange(
                method=request.method,
                rpc=rpc_method(request),
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                sent_session=request.headers.get(SESSION_HEADER),
                got_session=response.headers.get(SESSION_HEADER),
            )
        )
        if request.method == "GET":
            self.get_answered.set()

    def describe(self) -> str:
        return "; ".join(str(e) for e in self.exchanges)


def check_stateful(recorder: Recorder) -> str:
    """Checks the recorded exchanges of a closed stateful session; returns its session id."""
    exchanges = recorder.exchanges
    check(bool(exchanges), "no HTTP exchange was recorded")
    first = exchanges[0]
    check(
        first.method == "POST" and first.rpc == "initialize" and first.status == 200,
        f"the first exchange is not a successful initialize POST: {first}",
    )
    session_id = first.got_session
    check(bool(session_id), f"the initialize response carries no Mcp-Session-Id: {first}")
    for exchange in exchanges[1:]:
        check(
            exchange.sent_session == session_id,
            f"a request did not carry the session id {session_id!r}: {exchange}",
        )
    for exchange in exchanges:
        if exchange.method == "POST":
            expected = 202 if exchange.rpc in ("notifications/initialized", "response") else 200
            check(exchange.status == expected, f"expected {expected}: {exchange}")
    deletes = [i for i, e in enumerate(exchanges) if e.method == "DELETE"]
    check(len(deletes) == 1, f"closing the client should send one DELETE: {recorder.describe()}")
    delete = exchanges[deletes[0]]
    check(
        delete.status in (200, 204),
        f"the DELETE that ends the session was not answered 200/204: {delete}",
    )
    before, after = exchanges[: deletes[0]], exchanges[deletes[0] + 1 :]
    check(not any(e.method == "POST" for e in after), f"a POST followed the DELETE: {recorder.describe()}")
    # Ending the session ends its GET stream; the SDK may try to reopen it before it is cancelled,
    # and that attempt must find the session gone.
    for exchange in after:
        check(exchange.method == "GET" and exchange.status == 404, f"after DELETE, expected only a GET answered 404: {exchange}")
    gets = [e for e in before if e.method == "GET"]
    check(len(gets) == 1, f"expected the SDK to open one GET stream: {recorder.describe()}")
    check(
        gets[0].status == 200 and gets[0].content_type.startswith("text/event-stream"),
        f"the GET stream was not opened: {gets[0]}",
    )
    return session_id


def check_stateless(recorder: Recorder) -> None:
    exchanges = recorder.exchanges
    check(bool(exchanges), "no HTTP exchange was recorded")
    for exchange in exchanges:
        check(exchange.method == "POST", f"a stateless client sent {exchange}")
        check(exchange.got_session is None and exchange.sent_session is None, f"a session id travelled: {exchange}")
        if exchange.rpc in ("notifications/initialized", "response"):
            check(exchange.status == 202, f"expected 202: {exchange}")
        else:
            check(
                exchange.status == 200 and exchange.content_type.startswith("application/json"),
                f"expected a plain JSON answer (200, application/json): {exchange}",
            )


async def check_session_ended(url: str, session_id: str, protocol_version: str, timeout: float) -> None:
    """After DELETE, the server must answer the ended session 404."""
    async with httpx.AsyncClient(timeout=timeout) as client:
        response = await client.post(
            url,
            headers={
                "Accept": "application/json, text/event-stream",
                "Content-Type": "application/json",
                "Mcp-Session-Id": session_id,
                "MCP-Protocol-Version": protocol_version,
            },
            content=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
        )
    check(
        response.status_code == 404,
        f"a POST in the deleted session {session_id!r} got {response.status_code}, expected 404: {response.text!r}",
    )


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.ready = 0
        self.all_ready = anyio.Event()
        self.failures: list[str] = []
        self.calls = 0
        self.session_ids: list[str] = []

    def _arrive(self) -> None:
        self.ready += 1
        if self.ready >= self.args.sessions:
            self.all_ready.set()

    async def session(self, index: int) -> None:
        arrived = False
        step = "connecting"
        recorder = Recorder()
        try:
            client = httpx.AsyncClient(timeout=self.args.timeout, event_hooks={"response": [recorder]})
            async with client:
                async with streamable_http_client(self.args.url, http_client=client) as streams:
                    read, write = streams[0], streams[1]
                    async with ClientSession(read, write) as session:
                        step = "initialize"
                        init = wire(await session.initialize())
                        check(
                            "tools" in init.get("capabilities", {}),
                            f"initialize result lacks tools capability: {init!r}",
                        )
                        protocol_version = init.get("protocolVersion", "")
                        if self.args.mode == "stateful":
                            check(
                                any(e.rpc == "initialize" and e.got_session for e in recorder.exchanges),
                                f"the initialize response carries no Mcp-Session-Id: {recorder.describe()}",
                            )
                        step = "tools/list"
                        listed = wire(await session.list_tools())
                        check_tool_list({t["name"]: t for t in listed.get("tools", [])}, "calculator")
                        # Hold every session open together before calling, so all N are live at once.
                        step = "waiting for the other sessions"
                        arrived = True
                        self._arrive()
                        await self.all_ready.wait()
                        step = "tools/call"
                        made = await call_and_check(session, index, self.args.calls, "calculator")
                        self.calls += made
                        if self.args.mode == "stateful":
                            # The SDK opens its GET stream in the background: wait for its answer
                            # (not for a fixed time) before closing.
                            step = "waiting for the GET stream"
                            with anyio.move_on_after(self.args.timeout):
                                await recorder.get_answered.wait()
                            check(
                                recorder.get_answered.is_set(),
                                f"the SDK's GET stream got no answer within {self.args.timeout}s: {recorder.describe()}",
                            )
                        step = "closing"
            step = "checking the HTTP exchanges"
            if self.args.mode == "stateful":
                session_id = check_stateful(recorder)
                self.session_ids.append(session_id)
                step = "using the deleted session"
                await check_session_ended(self.args.url, session_id, protocol_version, self.args.timeout)
            else:
                check_stateless(recorder)
        except Exception as err:  # noqa: BLE001 - every failure is reported, with its session
            self.failures.append(failure_text(index, step, err))
            if not arrived:
                self._arrive()


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
    if args.mode == "stateful" and not run.failures:
        distinct = len(set(run.session_ids))
        if distinct != args.sessions:
            run.failures.append(f"{args.sessions} sessions got only {distinct} distinct Mcp-Session-Ids")
    elapsed = time.monotonic() - started
    label = f"mcp {version('mcp')} streamable_http_client {args.mode} {args.url}"
    if run.failures:
        print(f"FAIL {label}: {len(run.failures)} failure(s) in {args.sessions} sessions", file=sys.stderr)
        for failure in run.failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    extra = (
        f", {args.sessions} distinct session ids, each deleted (then 404)" if args.mode == "stateful" else ", no session ids"
    )
    print(
        f"OK {label}: {args.sessions} concurrent sessions, {run.calls} tool calls checked{extra} in {elapsed:.2f}s"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the Streamable HTTP endpoint, e.g. http://127.0.0.1:8000/mcp")
    parser.add_argument("--mode", choices=["stateful", "stateless"], required=True, help="how the server was started")
    parser.add_argument("--sessions", type=int, default=10, help="concurrent sessions (default 10)")
    parser.add_argument("--calls", type=int, default=3, help="add calls per session (default 3)")
    parser.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=40.0, help="give up after this long (s)")
    args = parser.parse_args()
    return anyio.run(main_async, args)


if __name__ == "__main__":
    sys.exit(main())
