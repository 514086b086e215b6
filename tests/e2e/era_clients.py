"""Clients of both eras at once, with the Python SDK 2.x `Client` (`mcp.client.client`).

  --modes 2026-07-28,auto,legacy --clients N
      N clients per mode, all connected before any calls, against the calculator's /mcp: each
      lists the tools (checked as sse_clients.py checks them), checks the revision it ended
      up speaking (2026-07-28 for `2026-07-28` and `auto`, which must choose it; 2025-11-25
      for `legacy`), then makes the calculator's checked calls (sums distinct per client and
      call, a failure, structured output, a wrong argument type).

  --shop
      against the bookshop example instead (a newcomer's tools: nested structs, enums,
      options, failures, a slow tool): each client lists the three tools and checks their
      nested schemas, finds books by genre and price (structured output), quotes an order
      with nested lines and address distinct per client (the totals worked out here), is
      refused an unknown book and a wrong argument type (`isError`, with the reason), and
      waits for the slow stock report, all while the clients of the other modes do the same.

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


# The bookshop's shelves as the example documents them: SKU -> (genre, price in cents, stock).
SHELVES = {
    "F-001": ("fiction", 1299, 4),
    "F-002": ("fiction", 899, 0),
    "S-001": ("science", 2450, 2),
    "S-002": ("science", 1999, 7),
    "H-001": ("history", 3100, 1),
    "P-001": ("poetry", 750, 12),
}
SHOP_TOOLS = {"find_books", "quote_order", "stock_report"}


def structured(result: dict[str, Any], what: str) -> dict[str, Any]:
    check(result.get("isError") is not True, f"{what} failed: {result!r}")
    content = result.get("structuredContent")
    check(isinstance(content, dict), f"{what} has no structuredContent: {result!r}")
    return content


async def shop_calls(client: Client, index: int) -> int:
    """The checked calls of one bookshop client; returns how many it made."""
    # Enums and options: science books at most 20.00, in stock by default.
    found = structured(wire(await client.call_tool("find_books", {"genre": "science", "max_price_cents": 2000})), "find_books")
    check([b["sku"] for b in found["books"]] == ["S-002"], f"find_books(science, <=2000) gave {found!r}")
    check(found["books"][0]["genre"] == "science", f"the genre travels as its name: {found!r}")
    # Sold-out books only when asked for.
    found = structured(wire(await client.call_tool("find_books", {"genre": "fiction", "in_stock_only": False})), "find_books")
    check(sorted(b["sku"] for b in found["books"]) == ["F-001", "F-002"], f"find_books(fiction, all) gave {found!r}")

    # A nested order, distinct per client: 1 to 3 copies of S-002 and one of P-001, abroad or
    # not, express or not, gift-wrapped or not.
    copies = 1 + index % 3
    domestic = index % 2 == 0
    express = index % 4 < 2
    gift = index % 5 == 0
    order: dict[str, Any] = {
        "lines": [{"sku": "S-002", "quantity": copies}, {"sku": "P-001", "quantity": 1}],
        "ship_to": {"street": f"{index} Main St", "city": "Berlin" if domestic else "Lyon", "country": "DE" if domestic else "FR"},
    }
    if index % 3 == 0:
        order["ship_to"]["postcode"] = f"{10000 + index}"
    if express:
        order["shipping"] = "express"
    if gift:
        order["gift_note"] = f"for client {index}"
    quote = structured(wire(await client.call_tool("quote_order", {"order": order})), "quote_order")
    books = SHELVES["S-002"][1] * copies + SHELVES["P-001"][1]
    shipping, days = {(False, True): (399, 3), (False, False): (1299, 8), (True, True): (999, 1), (True, False): (2999, 3)}[(express, domestic)]
    shipping += 250 if gift else 0
    expected = {
        "books_cents": books,
        "shipping_cents": shipping,
        "total_cents": books + shipping,
        "arrives_in_days": days,
        "gift_wrapped": gift,
    }
    check({k: quote.get(k) for k in expected} == expected, f"quote_order({order!r}) gave {quote!r}, expected {expected!r}")
    check(quote.get("ship_to", "").startswith(f"{index} Main St"), f"the label names the street: {quote!r}")

    # Failures: the tool's own, with its reason; an argument of the wrong type.
    refused = wire(await client.call_tool("quote_order", {"order": {**order, "lines": [{"sku": "X-404", "quantity": 1}]}}))
    check(refused.get("isError") is True, f"an unknown SKU must fail: {refused!r}")
    check(any("X-404" in t for t in texts(refused)), f"the failure names the SKU: {texts(refused)!r}")
    too_many = wire(await client.call_tool("quote_order", {"order": {**order, "lines": [{"sku": "H-001", "quantity": 2}]}}))
    check(too_many.get("isError") is True and any("in stock" in t for t in texts(too_many)), f"more than in stock: {too_many!r}")
    wrong = wire(await client.call_tool("find_books", {"genre": "cookery"}))
    check(wrong.get("isError") is True, f"an unknown genre must fail: {wrong!r}")
    check(any("genre" in t for t in texts(wrong)), f"the failure names the argument: {texts(wrong)!r}")

    # The slow tool: a third of a second, while everybody else calls too.
    report = wire(await client.call_tool("stock_report", {"seconds": 0.3}))
    check(report.get("isError") is not True, f"stock_report failed: {report!r}")
    check(texts(report) == ["6 titles, 26 copies in stock"], f"stock_report gave {texts(report)!r}")
    return 7


def check_shop_tools(tools: dict[str, dict[str, Any]]) -> None:
    check(set(tools) == SHOP_TOOLS, f"tools/list gave {sorted(tools)}, expected {sorted(SHOP_TOOLS)}")
    order = tools["quote_order"]["inputSchema"]["properties"]["order"]
    check(order.get("type") == "object", f"order is an object: {order!r}")
    check(set(order.get("required", [])) == {"lines", "ship_to"}, f"order requires lines and ship_to: {order!r}")
    ship_to = order["properties"]["ship_to"]
    check("postcode" in ship_to["properties"] and "postcode" not in ship_to.get("required", []), f"postcode is optional: {ship_to!r}")
    genre = tools["find_books"]["inputSchema"]["properties"]["genre"]
    check(genre.get("enum") == ["fiction", "science", "history", "poetry"], f"genre is an enum: {genre!r}")
    check("outputSchema" in tools["quote_order"], "quote_order declares its output")


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
                tools = {t["name"]: t for t in listed.get("tools", [])}
                if self.args.shop:
                    check_shop_tools(tools)
                else:
                    check_tool_list(tools, "calculator")
                step = "waiting for the other clients"
                arrived = True
                self._arrive()
                await self.all_ready.wait()
                step = "tools/call"
                # Awaited first: `self.calls += await ..` would read the count before waiting.
                if self.args.shop:
                    made = await shop_calls(client, index)
                else:
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
    parser.add_argument("--shop", action="store_true", help="the bookshop's tools (bookshop example)")
    parser.add_argument("--elicit", action="store_true", help="the elicitation check (everything example)")
    parser.add_argument("--timeout", type=float, default=10.0, help="read timeout per request (s)")
    parser.add_argument("--deadline", type=float, default=40.0, help="give up after this long (s)")
    args = parser.parse_args()
    return anyio.run(main_async, args)


if __name__ == "__main__":
    sys.exit(main())
