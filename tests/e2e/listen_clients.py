"""`subscriptions/listen` (MCP 2026-07-28) with the Python SDK 2.x `Client.listen`, against the
everything example's /mcp.

--clients N modern clients each open a listen stream for tool-list changes and for updates of
`test://watched-resource` (and of `test://no-such-resource`, which the server must leave out
of what it honours), and one more a stream for prompt-list changes only. Once every stream is
acknowledged, another client calls `test_trigger_tool_change`, `update_watched_resource` and
then `test_trigger_prompt_change`: every tools listener must hear of the tool change and of the
resource update (and see `seasonal_greeting` come or go in its next `tools/list`), and the
prompts listener's first event must be the prompt change: never the tool change, which its
filter left out.

Prints one `OK ...` line on success; otherwise `FAIL ...` with each failure, and exits 1.
Run by tests/tests/integration/e2e_python.rs with the venv that scripts/setup-e2e.sh creates.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.metadata import version

import anyio
from mcp.client.client import Client
from mcp.client.subscriptions import PromptsListChanged, ResourceUpdated, ToolsListChanged

from sse_clients import check, failure_text, wire

MODERN = "2026-07-28"
WATCHED = "test://watched-resource"


async def tool_names(client: Client) -> set[str]:
    return {tool["name"] for tool in wire(await client.list_tools()).get("tools", [])}


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.total = args.clients + 1
        self.ready = 0
        self.all_ready = anyio.Event()
        self.failures: list[str] = []
        self.heard = 0

    def arrive(self) -> None:
        self.ready += 1
        if self.ready >= self.total:
            self.all_ready.set()

    async def tools_listener(self, index: int) -> None:
        step, arrived = "connecting", False
        try:
            async with Client(self.args.url, mode=MODERN, read_timeout_seconds=self.args.timeout) as client:
                check(client.protocol_version == MODERN, f"speaks {client.protocol_version}")
                before = "seasonal_greeting" in await tool_names(client)
                step = "listening"
                async with client.listen(
                    tools_list_changed=True, resource_subscriptions=[WATCHED, "test://no-such-resource"]
                ) as sub:
                    honored = sub.honored
                    check(honored.tools_list_changed is True, f"tools not honoured: {honored!r}")
                    check(list(honored.resource_subscriptions or []) == [WATCHED], f"honoured {honored!r}")
                    arrived = True
                    self.arrive()
                    step = "waiting for the changes"
                    wanted = {ToolsListChanged(), ResourceUpdated(uri=WATCHED)}
                    seen = set()
                    with anyio.fail_after(self.args.timeout):
                        async for event in sub:
                            check(event in wanted, f"heard {event!r}, which it did not ask for")
                            seen.add(event)
                            if seen == wanted:
                                break
                step = "tools/list after the change"
                after = "seasonal_greeting" in await tool_names(client)
                check(after != before, f"seasonal_greeting listed {before} before and {after} after the change")
                self.heard += 1
        except Exception as err:  # noqa: BLE001 - every failure is reported, with its client
            self.failures.append(failure_text(index, step, err))
            if not arrived:
                self.arrive()

    async def prompts_listener(self) -> None:
        step, arrived = "connecting", False
        try:
            async with Client(self.args.url, mode=MODERN, read_timeout_seconds=self.args.timeout) as client:
                async with client.listen(prompts_list_changed=True) as sub:
                    check(sub.honored.prompts_list_changed is True, f"prompts not honoured: {sub.honored!r}")
                    check(not sub.honored.tools_list_changed, f"tools honoured unasked: {sub.honored!r}")
                    arrived = True
                    self.arrive()
                    step = "waiting for the prompt change"
                    with anyio.fail_after(self.args.timeout):
                        first = await sub.__anext__()
                    check(first == PromptsListChanged(), f"the first event was {first!r}, not the prompt change")
                    self.heard += 1
        except Exception as err:  # noqa: BLE001
            self.failures.append(failure_text(-1, step, err))
            if not arrived:
                self.arrive()

    async def trigger(self) -> None:
        step = "waiting for the listeners"
        try:
            await self.all_ready.wait()
            async with Client(self.args.url, mode=MODERN, read_timeout_seconds=self.args.timeout) as client:
                for tool in ("test_trigger_tool_change", "update_watched_resource", "test_trigger_prompt_change"):
                    step = tool
                    result = wire(await client.call_tool(tool, {}))
                    check(result.get("isError") is not True, f"{tool} failed: {result!r}")
        except Exception as err:  # noqa: BLE001
            self.failures.append(failure_text(-2, step, err))


async def main_async(args: argparse.Namespace) -> int:
    label = f"mcp {version('mcp')} Client.listen {args.url}"
    run = Run(args)
    started = time.monotonic()
    try:
        with anyio.fail_after(args.deadline):
            async with anyio.create_task_group() as group:
                for index in range(args.clients):
                    group.start_soon(run.tools_listener, index)
                group.start_soon(run.prompts_listener)
                group.start_soon(run.trigger)
    except TimeoutError:
        run.failures.append(f"not done after {args.deadline}s (ready listeners: {run.ready}/{run.total})")
    if run.failures:
        print(f"FAIL {label}: {len(run.failures)} failure(s)", file=sys.stderr)
        for failure in run.failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(
        f"OK {label}: {args.clients} tools listeners and a prompts listener each heard exactly what "
        f"they asked for ({run.heard} streams) in {time.monotonic() - started:.2f}s"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the everything example's Streamable HTTP endpoint")
    parser.add_argument("--clients", type=int, default=10, help="tools listeners (default 10)")
    parser.add_argument("--timeout", type=float, default=10.0, help="read timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=40.0, help="give up after this long (s)")
    args = parser.parse_args()
    return anyio.run(main_async, args)


if __name__ == "__main__":
    sys.exit(main())
