#!/usr/bin/env python3
"""Summarizes a callgrind dump per call: self and inclusive cost of each function, grouped costs,
and who calls the allocator.

    callgrind_summary.py DUMP CALLS [--top N] [--match REGEX]

`callgrind_annotate` of valgrind 3.19 attributes everything to `clone` for the dumps that
`callgrind_control -d` writes from a running multi-threaded server, so bench/profile.sh reads the
dumps with this instead. Costs are instructions divided by CALLS (the calls the dump covers).
Inclusive costs add a function's callees once per call site; recursive cycles are counted once.
"""

import argparse
import collections
import re

GROUPS = [
    "memset", "memcpy", "memchr", "memcmp", "tracing", "tokio", "actix", "hashbrown", "indexmap",
    "sip", "serde_json", "mcp_runtime", "bench_", "bytes", "httparse", "http::", "malloc",
    "free", "core::", "alloc::",
]


def parse(path):
    """Self cost, inclusive cost, callee costs and callee call counts, per function name."""
    names = {"fn": {}, "fl": {}, "ob": {}}

    def resolve(kind, text):
        match = re.match(r"\((\d+)\)(?: (.*))?", text)
        if not match:
            return text
        if match.group(2) is not None:
            names[kind][match.group(1)] = match.group(2)
        return names[kind].get(match.group(1), text)

    self_cost = collections.Counter()
    inclusive = collections.Counter()
    callees = collections.defaultdict(collections.Counter)
    call_counts = collections.defaultdict(collections.Counter)
    fn = callee = None
    after_calls = False
    with open(path) as dump:
        for line in dump:
            line = line.rstrip("\n")
            key, _, rest = line.partition("=")
            if key == "fn":
                fn = resolve("fn", rest)
            elif key == "cfn":
                callee = resolve("fn", rest)
            elif key in ("fl", "fi", "fe", "cfi", "cfl"):
                resolve("fl", rest)
            elif key in ("ob", "cob"):
                resolve("ob", rest)
            elif key == "calls":
                after_calls = True
                call_counts[fn][callee] += int(rest.split()[0])
            elif line and (line[0].isdigit() or line[0] in "+-*"):
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if after_calls:
                    after_calls = False
                    if callee != fn:
                        inclusive[fn] += cost
                        callees[fn][callee] += cost
                else:
                    self_cost[fn] += cost
                    inclusive[fn] += cost
    return self_cost, inclusive, callees, call_counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("calls", type=int)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="mcp_runtime|bench_")
    args = parser.parse_args()
    self_cost, inclusive, callees, call_counts = parse(args.dump)
    per = float(args.calls)
    total = sum(self_cost.values())
    print(f"total: {total / per:,.0f} instructions per call\n")

    print("grouped self cost per call:")
    groups = collections.Counter()
    for name, cost in self_cost.items():
        group = next((g for g in GROUPS if g in (name or "")), "other")
        groups[group] += cost
    for group, cost in groups.most_common():
        print(f"{cost / per:10,.0f}  {group}")

    print(f"\nself cost per call, top {args.top}:")
    for name, cost in self_cost.most_common(args.top):
        print(f"{cost / per:10,.0f}  {(name or '?')[:160]}")

    print(f"\ninclusive cost per call of functions matching /{args.match}/:")
    pattern = re.compile(args.match)
    shown = 0
    for name, cost in inclusive.most_common():
        if name and pattern.search(name) and shown < args.top:
            shown += 1
            print(f"{cost / per:10,.0f}  {name[:160]}")
            for callee, callee_cost in callees[name].most_common(6):
                if callee_cost / per >= 100:
                    print(f"{'':14}-> {callee_cost / per:8,.0f}  {(callee or '?')[:140]}")

    print("\nallocations per call, by caller:")
    allocs = collections.Counter()
    for caller, counts in call_counts.items():
        for callee, count in counts.items():
            if callee == "__rustc::__rust_alloc":
                allocs[caller] += count
    print(f"{sum(allocs.values()) / per:10.2f}  in all")
    for caller, count in allocs.most_common(args.top):
        if count / per >= 0.5:
            print(f"{count / per:10.2f}  {(caller or '?')[:160]}")


if __name__ == "__main__":
    main()
