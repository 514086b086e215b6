"""Clients of both eras at once, with the Python SDK 2.x `Client` (`mcp.client.client`).

  --modes 2026-07-28,auto,legacy --clients N
      N clients per mode, all connected before any calls, against the calculator's /mcp: each
      lists the tools (checked as sse_clients.py checks them), checks the revision it ended
      up speaking (2026-07-28 for `2026-07-28` and `auto`, which must choose it; 2025-11-25
      for `legacy`), then makes the calculator's checked calls (sums distinct per client and
      call, a failure, structured output, a wrong argument type).

  --elicit
      against the everything example instead: `test_input_required_result_elicitation` asks
      the user's name with ctx.elicit; a client per mode answers through its elicitation
      callback, and must be greeted by that name. In 2026-07-28 the SDK gets `input_required`
      and retries; in the legacy era the server sends `elicitation/create`: one tool body.

Prints one `OK ...` line on success; otherwise `FAIL ...` with each failure, and exits 1.
Run by tests/tests/integration/e2e_python.rs with the venv that scripts/setup-e2e.sh creates.
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

from sse_clients import call_and_check, check, check_tool_list, failure_text, texts, wire

MODERN = "2026-07-28"
LEGACY = "2025-11-25"


def expected_revision(mode: str) -> str:
    return LEGACY if mode == "legacy" else MODERN


class Run:
    def __init__(self, args: argparse.Namespace, modes: list[str]) -> None:
        self.args = args
        self.total = args.clients * len(modes)
        self.ready = 0
        self.all_ready = anyio.Event()
        self.failures: list[str] = []
        self.calls = 0

    def _arrive(self) -> None:
        self.ready += 1
        if self.ready >= self.total:
            self.all_ready.set()

    async def client(self, index: int, mode: str) -> None:
        arrived = False
        step = "connecting"
        try:
            async with Client(self.args.url, mode=mode, read_timeout_seconds=self.args.timeout) as client:
                step = "checking the revision"
                check(
                    client.protocol_version == expected_revision(mode),
                    f"mode {mode} speaks {client.protocol_version}, expected {expected_revision(mode)}",
                )
                step = "tools/list"
                listed = wire(await client.list_tools())
                check_tool_list({t["name"]: t for t in listed.get("tools", [])}, "calculator")
                step = "waiting for the other clients"
                arrived = True
                self._arrive()
                await self.all_ready.wait()
                step = "tools/call"
                # Awaited first: `self.calls += await ..` would read the count before waiting.
                made = await call_and_check(client, index, self.args.calls, "calculator")
                self.calls += made
        except Exception as err:  # noqa: BLE001 - every failure is reported, with its client
            self.failures.append(f"[{mode}] " + failure_text(index, step, err))
            if not arrived:
                self._arrive()


async def elicit(url: str, mode: str, timeout: float) -> str:
    """One client of `mode` answering the elicitation with a name of its own."""
    name = f"Ada-{mode}"
    asked: list[str] = []

    async def on_elicit(_context: Any, params: Any) -> types.ElicitResult:
        asked.append(getattr(params, "message", ""))
        return types.ElicitResult(action="accept", content={"name": name})

    async with Client(url, mode=mode, read_timeout_seconds=timeout, elicitation_callback=on_elicit) as client:
        check(
            client.protocol_version == expected_revision(mode),
            f"mode {mode} speaks {client.protocol_version}, expected {expected_revision(mode)}",
        )
        result = wire(await client.call_tool("test_input_required_result_elicitation", {}))
        check(result.get("isError") is not True, f"[{mode}] the call failed: {result!r}")
        check(texts(result) == [f"Hello, {name}!"], f"[{mode}] answered {texts(result)!r}")
        check(asked == ["What is your name?"], f"[{mode}] the callback was asked {asked!r}")
    return f"{mode}: asked once, greeted {name}"


async def main_async(args: argparse.Namespace) -> int:
    modes = [mode for mode in args.modes.split(",") if mode]
    label = f"mcp {version('mcp')} Client {args.url}"
    started = time.monotonic()
    if args.elicit:
        failures, done = [], []
        for mode in modes:
            try:
                with anyio.fail_after(args.deadline):
                    done.append(await elicit(args.url, mode, args.timeout))
            except Exception as err:  # noqa: BLE001
                failures.append(failure_text(0, f"elicitation in mode {mode}", err))
        if failures:
            print(f"FAIL {label}: elicitation", file=sys.stderr)
            for failure in failures:
                print(f"  {failure}", file=sys.stderr)
            return 1
        print(f"OK {label}: elicitation with one tool body in every era ({'; '.join(done)})")
        return 0

    run = Run(args, modes)
    try:
        with anyio.fail_after(args.deadline):
            async with anyio.create_task_group() as group:
                for mode in modes:
                    for index in range(args.clients):
                        group.start_soon(run.client, index, mode)
    except TimeoutError:
        run.failures.append(f"not done after {args.deadline}s (ready clients: {run.ready}/{run.total})")
    elapsed = time.monotonic() - started
    if run.failures:
        print(f"FAIL {label}: {len(run.failures)} failure(s) in {run.total} clients", file=sys.stderr)
        for failure in run.failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(
        f"OK {label}: {args.clients} concurrent clients in each of the modes {', '.join(modes)}, "
        f"{run.calls} tool calls checked in {elapsed:.2f}s"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the Streamable HTTP endpoint")
    parser.add_argument("--modes", default=f"{MODERN},auto,legacy", help="comma-separated Client modes")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients per mode (default 10)")
    parser.add_argument("--calls", type=int, default=3, help="add calls per client (default 3)")
    parser.add_argument("--elicit", action="store_true", help="the elicitation check (everything example)")
    parser.add_argument("--timeout", type=float, default=10.0, help="read timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=40.0, help="give up after this long (s)")
    args = parser.parse_args()
    return anyio.run(main_async, args)


if __name__ == "__main__":
    sys.exit(main())
