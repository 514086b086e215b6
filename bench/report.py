#!/usr/bin/env python3
"""Writes BENCHMARKS.md (and an SVG plot) from the results of bench/run.sh.

    python3 bench/report.py bench/results/DIR --out BENCHMARKS.md --svg bench/throughput.svg

Every figure is a median over runs; every ratio is computed within each run (the two servers
measured minutes apart on the same machine) and then the median of those ratios is quoted.
Standard library only.
"""

import argparse
import json
import os
import statistics
from collections import defaultdict

NAMES = {
    "limit": "limit (hand-written actix-web)",
    "ours": "**mcp-runtime**",
    "rmcp": "rmcp (official Rust SDK)",
    "python": "FastMCP (Python SDK)",
    "ts": "TypeScript SDK",
}
SHORT = {"limit": "limit", "ours": "mcp-runtime", "rmcp": "rmcp", "python": "FastMCP", "ts": "TS SDK"}
COLORS = {"limit": "#7f7f7f", "ours": "#d62728", "rmcp": "#ff7f0e", "python": "#1f77b4", "ts": "#2ca02c"}
TRANSPORTS = [
    ("sse", "HTTP+SSE (2024-11-05)"),
    ("streamable", "Streamable HTTP, stateful"),
    ("stateless", "Streamable HTTP, stateless"),
]
# The modern era (MCP 2026-07-28): its own section and targets; in the comparisons with peers
# and in the plot beside the others.
MODERN = ("modern", "MCP 2026-07-28 (no handshake, stateless)")
ALL_TRANSPORTS = TRANSPORTS + [MODERN]
ORDER = ["limit", "ours", "rmcp", "ts", "python"]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def fmt_rate(v):
    if v is None:
        return "-"
    return f"{v:,.0f}"


def fmt_ms(us):
    if us is None:
        return "-"
    return f"{us / 1000:.2f}" if us < 10_000 else f"{us / 1000:.0f}"


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def fmt_kib(kib):
    return "-" if kib is None else f"{kib / 1024:.1f} MiB"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--out", required=True)
    parser.add_argument("--svg", required=True)
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))

    machine = {}
    with open(os.path.join(args.results, "machine.txt")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            machine[key] = value

    rows = load_jsonl(os.path.join(args.results, "load.jsonl"))
    idle = load_jsonl(os.path.join(args.results, "idle.jsonl"))

    # (server, transport, in_flight) -> list of reports; (transport, c, run) -> {server: report}
    by_key = defaultdict(list)
    by_run = defaultdict(dict)
    loads = []
    for row in rows:
        report = row["report"]
        if report.get("failed"):
            report = {"calls_per_s": 0.0, "errors": 1, "failed": True}
        by_key[(row["server"], row["transport"], row["in_flight"])].append(report)
        by_run[(row["transport"], row["in_flight"], row["run"])][row["server"]] = report
        loads.append(row["loadavg"])
    concurrency = sorted({row["in_flight"] for row in rows})
    servers = [s for s in ORDER if any(row["server"] == s for row in rows)]
    runs = sorted({row["run"] for row in rows})

    def stat(server, transport, c, getter):
        return median([getter(r) for r in by_key.get((server, transport, c), []) if not r.get("failed")])

    def ratio(transport, c, a, b, getter=lambda r: r["calls_per_s"]):
        """Median over runs of getter(a) / getter(b) within each run."""
        values = []
        for run in runs:
            pair = by_run.get((transport, c, run), {})
            if a in pair and b in pair and not pair[a].get("failed") and not pair[b].get("failed"):
                denominator = getter(pair[b])
                if denominator:
                    values.append(getter(pair[a]) / denominator)
        return median(values)

    rate = lambda r: r["calls_per_s"]
    p99 = lambda r: r["latency"]["p99_us"]
    cpu = lambda r: (r.get("server") or {}).get("cpu_us_per_call")

    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w("How fast and how frugal mcp-runtime is, measured side by side with a hand-written server")
    w("that does the least MCP needs (the *limit*) and with the official SDKs of other languages,")
    w("on the same machine in the same run. Regenerate everything on this page with:")
    w("")
    w("```sh")
    w("bench/run.sh        # ~25 minutes on 2 cores; RUNS=1 DURATION=1 IDLE_SESSIONS=1000 MICRO=0 for a quick look")
    w("```")
    w("")
    w("Every server serves one tool, `add(a, b)`. The load generator, `mcp-bench` (bench/mcp-bench),")
    w("speaks MCP like a real client: it opens sessions, initializes each (`initialize`, then")
    w("`notifications/initialized`), keeps calls of `add` in flight with fresh arguments, and checks")
    w("every reply (id, no error, not `isError`, the sum in the text content). In the modern era")
    w("(MCP 2026-07-28) there is no handshake: it sends one `server/discover`, then every call")
    w("carries its `_meta` and the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers, and")
    w("every reply must also be `resultType: \"complete\"`. Figures are medians of")
    w(f"{len(runs)} run(s); ratios are taken within each run, then their median is quoted.")
    w("")

    # ---- machine ------------------------------------------------------------------------------
    w("## Machine and versions")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| date | {machine.get('date', '?')} |")
    w(f"| CPU | {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, {machine.get('memory', '?')} |")
    w(f"| kernel | {machine.get('kernel', '?')} |")
    w(f"| load average (1, 5, 15 min) | {machine.get('load_start', '?')} at the start, {machine.get('load_end', '?')} at the end; "
      f"1-min median {median(loads) or 0:.2f} (min {min(loads) if loads else 0:.2f}, max {max(loads) if loads else 0:.2f}) over the measurements |")
    w(f"| mcp-runtime | {machine.get('mcp_runtime', '?')}, actix-web {machine.get('actix_web', '?')} |")
    w(f"| rmcp | {machine.get('rmcp', '?')} (crates.io), axum 0.8 |")
    w(f"| TypeScript SDK | @modelcontextprotocol/sdk {machine.get('ts_sdk', '?')} (npm), express 5, {machine.get('node', '?')} |")
    w(f"| FastMCP | mcp {machine.get('mcp_python', '?')} (PyPI), uvicorn, {machine.get('python', '?')} |")
    w(f"| Rust | {machine.get('rustc', '?')}, release builds |")
    w(f"| settings | `{machine.get('settings', '?')}` |")
    w("")
    w("The machine is shared with other engineers' builds and tests, so absolute numbers move between")
    w("runs; ratios within a run move much less. The load average above says how busy it was.")
    w("")

    # ---- targets ------------------------------------------------------------------------------
    w("## Targets")
    w("")
    w("Throughput ratios move with the load other work puts on the machine (a measurement that")
    w("shares its core gets half of it); the ratio of server CPU time per call does not, and is")
    w("what throughput would be if the server alone were the bottleneck.")
    w("")
    w("| target | measured | |")
    w("|---|---|---|")
    for transport, title in TRANSPORTS:
        r = ratio(transport, 64, "ours", "limit")
        cost = ratio(transport, 64, "limit", "ours", lambda r: cpu(r) or 0)
        if r is not None:
            w(f"| throughput at 64 in flight >= 0.85 x limit, {title} | {r:.2f} x limit "
              f"(server CPU per call: the limit's is {cost:.2f} x mcp-runtime's) | {'met' if r >= 0.85 else '**missed**'} |")
    for transport, title in TRANSPORTS[1:]:
        peers = [s for s in servers if s not in ("ours", "limit")]
        worst = None
        for peer in peers:
            r = ratio(transport, 64, "ours", peer)
            if r is not None and (worst is None or r < worst[1]):
                worst = (peer, r)
        if worst:
            w(f"| ahead of every peer at 64 in flight, {title} | closest: {SHORT[worst[0]]}, mcp-runtime {worst[1]:.2f} x its throughput | {'met' if worst[1] > 1 else '**missed**'} |")
    for transport, title in TRANSPORTS:
        r = ratio(transport, 16, "ours", "limit", p99)
        if r is not None:
            w(f"| p99 at 16 in flight <= 1.2 x limit, {title} | {r:.2f} x limit ({fmt_ms(stat('ours', transport, 16, p99))} ms vs {fmt_ms(stat('limit', transport, 16, p99))} ms) | {'met' if r <= 1.2 else '**missed**'} |")
    modern, modern_title = MODERN
    r = ratio(modern, 64, "ours", "limit")
    if r is not None:
        cost = ratio(modern, 64, "limit", "ours", lambda r: cpu(r) or 0)
        w(f"| {modern_title}: throughput at 64 in flight >= 0.9 x the limit's modern mode | {r:.2f} x limit "
          f"(server CPU per call: the limit's is {cost:.2f} x mcp-runtime's) | {'met' if r >= 0.9 else '**missed**'} |")
    r = ratio(modern, 64, "ours", "rmcp")
    if r is not None:
        cost = ratio(modern, 64, "rmcp", "ours", lambda r: cpu(r) or 0)
        w(f"| {modern_title}: throughput at 64 in flight >= 3 x rmcp's | {r:.2f} x rmcp "
          f"(server CPU per call: rmcp's is {cost:.2f} x mcp-runtime's) | {'met' if r >= 3 else '**missed**'} |")
    idle_ours = [row["report"] for row in idle if row["server"] == "ours" and not row["report"].get("failed")]
    if idle_ours:
        per = median([r["bytes_per_session"] for r in idle_ours])
        n = median([r["sessions_open"] for r in idle_ours])
        w(f"| {int(n):,} idle SSE sessions under 16 KiB each | {per / 1024:.1f} KiB per session | {'met' if per < 16 * 1024 and n >= 10000 else ('**missed**' if per >= 16 * 1024 else 'under 10,000 sessions measured')} |")
    w("| `tools/list` with 1,000 tools recomputes no schema | `bench/micro/tests/tools_list.rs`: the schema of a counted parameter type is generated once, at build, and never again over 50 `tools/list` and a call; `list_1000` below | met |")
    w("")

    # ---- tables per transport -----------------------------------------------------------------
    w("## Throughput and latency")
    w("")
    w("calls/s: calls answered and checked per second. x limit: ratio to the hand-written limit in")
    w("the same run. p50/p99: latency of one call in ms. CPU/call: the server's CPU time (all")
    w("threads, user + system, from /proc) divided by the calls it answered, in microseconds; it is")
    w("the cost of a call independent of whether the load generator or the server saturated first.")
    w("")
    for transport, title in TRANSPORTS:
        present = [s for s in servers if by_key.get((s, transport, concurrency[0]))]
        if not present:
            continue
        w(f"### {title}")
        w("")
        w("| in flight | server | calls/s | x limit | p50 ms | p99 ms | CPU/call us | CPU/call x limit | errors | peak RSS |")
        w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in concurrency:
            for s in present:
                reports = by_key.get((s, transport, c), [])
                errors = sum(r.get("errors", 0) for r in reports)
                peak = max([((r.get("server") or {}).get("memory") or {}).get("peak_rss_kib", 0) for r in reports] or [0])
                w(f"| {c} | {NAMES[s]} | {fmt_rate(stat(s, transport, c, rate))} | "
                  f"{fmt_ratio(ratio(transport, c, s, 'limit'))} | "
                  f"{fmt_ms(stat(s, transport, c, lambda r: r['latency']['p50_us']))} | "
                  f"{fmt_ms(stat(s, transport, c, p99))} | "
                  f"{'-' if stat(s, transport, c, cpu) is None else f'{stat(s, transport, c, cpu):.1f}'} | "
                  f"{fmt_ratio(ratio(transport, c, s, 'limit', lambda r: cpu(r) or 0))} | "
                  f"{errors} | {fmt_kib(peak or None)} |")
        w("")

    # ---- the modern era ------------------------------------------------------------------------
    modern, modern_title = MODERN
    present = [s for s in servers if any(by_key.get((s, modern, c)) for c in concurrency)]
    if present:
        w(f"### {modern_title}")
        w("")
        w("Streamable HTTP as revision 2026-07-28 has it: no `initialize`, no session; every request is")
        w("an independent POST whose `params._meta` names the revision and the client's capabilities,")
        w("with its method (and tool) mirrored in headers the server must check against the body.")
        w("The limit does what the revision requires of every request and no more (bench/servers/limit,")
        w("`--transport modern`); mcp-runtime is its default `streamable_http_app()`, which serves both")
        w("eras on one endpoint; rmcp is `legacy_session_mode(false)` with `json_response(true)`. The")
        w("pinned Python and TypeScript peers are of the handshake era and are not measured here.")
        w("rmcp puts `_meta` serverInfo only on `server/discover` (on other results it is a SHOULD), so")
        w("its replies are checked for it only where present.")
        w("")
        w("Ratios are within each run, then the median: x limit and x rmcp for throughput, p99 x limit")
        w("for latency (below 1 is faster).")
        w("")
        w("| in flight | server | calls/s | x limit | x rmcp | p50 ms | p99 ms | p99 x limit | CPU/call us | CPU/call x limit | errors | peak RSS |")
        w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in concurrency:
            for s in present:
                reports = by_key.get((s, modern, c), [])
                if not reports:
                    continue
                errors = sum(r.get("errors", 0) for r in reports)
                peak = max([((r.get("server") or {}).get("memory") or {}).get("peak_rss_kib", 0) for r in reports] or [0])
                c_cpu = stat(s, modern, c, cpu)
                w(f"| {c} | {NAMES[s]} | {fmt_rate(stat(s, modern, c, rate))} | "
                  f"{fmt_ratio(ratio(modern, c, s, 'limit'))} | "
                  f"{fmt_ratio(ratio(modern, c, s, 'rmcp'))} | "
                  f"{fmt_ms(stat(s, modern, c, lambda r: r['latency']['p50_us']))} | "
                  f"{fmt_ms(stat(s, modern, c, p99))} | "
                  f"{fmt_ratio(ratio(modern, c, s, 'limit', p99))} | "
                  f"{'-' if c_cpu is None else f'{c_cpu:.1f}'} | "
                  f"{fmt_ratio(ratio(modern, c, s, 'limit', lambda r: cpu(r) or 0))} | "
                  f"{errors} | {fmt_kib(peak or None)} |")
        w("")
        if any(by_key.get((s, "stateless", c)) for s in present for c in concurrency):
            w("The same servers, modern era against handshake-era stateless Streamable HTTP (calls/s of")
            w("`modern` divided by calls/s of `stateless`, measured minutes apart in the same run):")
            w("")
            w("| in flight | " + " | ".join(SHORT[s] for s in present) + " |")
            w("|---:|" + "---:|" * len(present))
            for c in concurrency:
                cells = []
                for s in present:
                    values = []
                    for run in runs:
                        a = by_run.get((modern, c, run), {}).get(s)
                        b = by_run.get(("stateless", c, run), {}).get(s)
                        if a and b and not a.get("failed") and not b.get("failed") and b["calls_per_s"]:
                            values.append(a["calls_per_s"] / b["calls_per_s"])
                    cells.append(fmt_ratio(median(values)))
                w(f"| {c} | " + " | ".join(cells) + " |")
            w("")

    # ---- against peers ------------------------------------------------------------------------
    w("## mcp-runtime against each peer")
    w("")
    w("Throughput of mcp-runtime divided by the peer's, per run, median (above 1: mcp-runtime is faster).")
    w("")
    peers = [s for s in servers if s not in ("ours",)]
    header = "| transport | in flight | " + " | ".join(f"vs {SHORT[p]}" for p in peers) + " |"
    w(header)
    w("|---|---:|" + "---:|" * len(peers))
    for transport, title in ALL_TRANSPORTS:
        for c in concurrency:
            cells = [fmt_ratio(ratio(transport, c, "ours", p)) for p in peers]
            if all(cell == "-" for cell in cells):
                continue
            w(f"| {title} | {c} | " + " | ".join(cells) + " |")
    w("")
    w("Server CPU per call, peer divided by mcp-runtime (how many times more CPU the peer spends on one call):")
    w("")
    w(header)
    w("|---|---:|" + "---:|" * len(peers))
    for transport, title in ALL_TRANSPORTS:
        for c in concurrency:
            cells = [fmt_ratio(ratio(transport, c, p, "ours", lambda r: cpu(r) or 0)) for p in peers]
            if all(cell == "-" for cell in cells):
                continue
            w(f"| {title} | {c} | " + " | ".join(cells) + " |")
    w("")
    w("![throughput against calls in flight](bench/throughput.svg)")
    w("")

    # ---- idle ---------------------------------------------------------------------------------
    if idle:
        w("## Idle sessions")
        w("")
        w("Each server started afresh; 100 sessions opened and closed first (one-time allocations);")
        w("then N HTTP+SSE sessions opened, each initialized (`initialize` answered on its stream,")
        w("`notifications/initialized`), and left idle; RSS read 2 s later. Per session = RSS growth / N.")
        w("A sample of 20 sessions then has to answer a call, to prove they are live.")
        w("")
        w("| server | sessions open | RSS before | RSS with the sessions | per session | sampled calls answered | errors |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for s in ORDER:
            reports = [row["report"] for row in idle if row["server"] == s and not row["report"].get("failed")]
            if not reports:
                if any(row["server"] == s for row in idle):
                    w(f"| {NAMES[s]} | failed | | | | | |")
                continue
            w(f"| {NAMES[s]} | {median([r['sessions_open'] for r in reports]):,.0f} | "
              f"{fmt_kib(median([r['rss_before_kib'] for r in reports]))} | "
              f"{fmt_kib(median([r['rss_after_kib'] for r in reports]))} | "
              f"{median([r['bytes_per_session'] for r in reports]) / 1024:.1f} KiB | "
              f"{median([r['verified_sessions'] for r in reports]):.0f} / {median([r['verified_sessions'] + r['verify_errors'] for r in reports]):.0f} | "
              f"{sum(r['errors'] for r in reports)} |")
        w("")

    # ---- build and start-up ----------------------------------------------------------------------
    build = load_jsonl(os.path.join(args.results, "build.jsonl")) if os.path.exists(
        os.path.join(args.results, "build.jsonl")) else []
    if build:
        write_build(w, build)

    # ---- micro --------------------------------------------------------------------------------
    criterion = os.path.join(args.results, "criterion")
    if os.path.isdir(criterion):
        w("## Microbenchmarks")
        w("")
        w("`cargo bench -p mcp-micro` (bench/micro, criterion), each next to a baseline measured in")
        w("the same run; the ratio is what guards against regressions.")
        w("")
        w("| benchmark | what | baseline | mcp-runtime | ratio |")
        w("|---|---|---:|---:|---:|")
        what = {
            "call_add": ("one `tools/call` of `add` through the dispatcher", "parse to `Value`, add, encode the response"),
            "list_1000": ("`tools/list`, 1,002 tools", "encode the cached listings directly"),
            "schema_1000": ("build a server with 1,002 tools (all schemas)", "schemars on equivalent structs, 1,002 times"),
            "task_call": ("a 2026-07-28 `tools/call` that becomes a task, run, then `tasks/get` until completed", "the same call answered directly"),
        }
        for group, (ours_what, base_what) in what.items():
            times = {}
            for fn in ("baseline", "mcp_runtime"):
                path = os.path.join(criterion, group, fn, "new", "estimates.json")
                if os.path.exists(path):
                    with open(path) as f:
                        times[fn] = json.load(f)["median"]["point_estimate"]
            if len(times) == 2:
                w(f"| `{group}` | {ours_what} (baseline: {base_what}) | {fmt_ns(times['baseline'])} | "
                  f"{fmt_ns(times['mcp_runtime'])} | {times['mcp_runtime'] / times['baseline']:.2f} |")
        w("")

    # ---- profile and method ----------------------------------------------------------------------
    notes = os.path.join(here, "NOTES.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().rstrip("\n"))
        w("")

    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    with open(args.svg, "w") as f:
        panels = [(t, title) for t, title in ALL_TRANSPORTS if any(row["transport"] == t for row in rows)]
        f.write(svg(servers, concurrency, lambda s, t, c: stat(s, t, c, rate), panels or TRANSPORTS))


def write_build(w, build):
    """The section of bench/build.sh: build cost and start-up, mcp-runtime beside rmcp."""
    def values(server, what, key="seconds"):
        return [row[key] for row in build if row["server"] == server and row["what"] == what]

    def runs_of(what):
        return len([row for row in build if row["server"] == "ours" and row["what"] == what])

    tools = next((row["tools"] for row in build if row["what"] == "clean"), "?")
    start_tools = next((row["tools"] for row in build if row["what"] == "startup"), "?")
    w("## Build and start-up")
    w("")
    w(f"`bench/build.sh`: a crate with {tools} tools of two integer parameters each, written as each")
    w("framework's documentation writes them (mcp-runtime: `#[tool] async fn tool_k(left_k: i64,")
    w("right_k: i64)`; rmcp: a `Parameters` struct per tool and methods of one `#[tool_router]` impl;")
    w("bench/servers/many-*, generated by their build scripts), compiled in the dev profile with")
    w("their dependencies already built; then, with the same servers generated with")
    w(f"{start_tools} tools and built in release, the time from starting the process to its first")
    w("answered `initialize` (polled every millisecond), and to the `tools/list` answered after it.")
    w(f"Medians of {runs_of('clean')} runs, in the same run of the script on the same machine.")
    w("")
    w("| | mcp-runtime | rmcp | mcp-runtime / rmcp |")
    w("|---|---:|---:|---:|")
    for what, label in (("clean", f"build of the crate ({tools} tools), from its sources"),
                        ("incremental", "rebuild after editing one tool's body")):
        ours, rmcp = median(values("ours", what)), median(values("rmcp", what))
        if ours is not None and rmcp is not None:
            w(f"| {label} | {ours:.2f} s | {rmcp:.2f} s | {ours / rmcp:.2f} |")
    for key, label in (("initialize_ms", f"process start to `initialize` answered ({start_tools} tools)"),
                       ("tools_list_ms", f"process start to `tools/list` answered ({start_tools} tools)")):
        ours, rmcp = median(values("ours", "startup", key)), median(values("rmcp", "startup", key))
        if ours is not None and rmcp is not None:
            w(f"| {label} | {ours:.1f} ms | {rmcp:.1f} ms | {ours / rmcp:.2f} |")
    w("")
    w("mcp-runtime computes every tool's schema once, when the server is built at start-up, so its")
    w("first `initialize` waits for them and no `tools/list` ever computes one; rmcp computes them")
    w("for every `tools/list`.")
    w("")


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} us"
    return f"{ns:.0f} ns"


def svg(servers, concurrency, rate, panels):
    """One panel per transport: calls/s (log scale) against calls in flight."""
    import math

    pw, ph, left, top, gap = 300, 260, 70, 40, 30
    width = left + len(panels) * pw + (len(panels) - 1) * gap + 20
    height = top + ph + 90
    ymin, ymax = 100, 1_000_000
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="15">'
        f"tools/call throughput against calls in flight (median calls/s, log scale)</text>",
    ]

    def y_of(v):
        v = min(max(v, ymin), ymax)
        return top + ph - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)) * ph

    for i, (transport, title) in enumerate(panels):
        x0 = left + i * (pw + gap)
        parts.append(f'<text x="{x0 + pw / 2}" y="{top - 8}" text-anchor="middle">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
        for exp in range(2, 7):
            y = y_of(10**exp)
            parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + pw}" y2="{y:.1f}" stroke="#ddd"/>')
            if i == 0:
                parts.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{10**exp:,}</text>')
        xs = {c: x0 + 20 + j * (pw - 40) / max(1, len(concurrency) - 1) for j, c in enumerate(concurrency)}
        for c, x in xs.items():
            parts.append(f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">{c}</text>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{top + ph + 32}" text-anchor="middle">calls in flight</text>')
        for s in servers:
            points = [(xs[c], rate(s, transport, c)) for c in concurrency]
            points = [(x, v) for x, v in points if v]
            if not points:
                continue
            path = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in points)
            dash = ' stroke-dasharray="5,4"' if s == "limit" else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{COLORS[s]}" stroke-width="2"{dash}/>')
            for x, v in points:
                parts.append(f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3" fill="{COLORS[s]}"/>')
    lx = left
    for s in servers:
        y = top + ph + 60
        dash = ' stroke-dasharray="5,4"' if s == "limit" else ""
        parts.append(f'<line x1="{lx}" y1="{y}" x2="{lx + 24}" y2="{y}" stroke="{COLORS[s]}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{lx + 30}" y="{y + 4}">{SHORT[s]}</text>')
        lx += 150
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
