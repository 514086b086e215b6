#!/usr/bin/env python3
"""Compares two callgrind dumps per call: which functions (and groups) cost more in the first.

    callgrind_diff.py DUMP_A CALLS_A DUMP_B CALLS_B [--top N] [--match REGEX]

For instance mcp-runtime's modern path against its stateless one, or against the limit's:
self costs per call by group and by function (A - B, largest first), then the inclusive costs
of the functions matching REGEX (default: mcp-runtime's), A beside B. Reads the dumps with
callgrind_summary.py's parser.
"""

import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind_summary import GROUPS, parse  # noqa: E402


def grouped(self_cost):
    groups = collections.Counter()
    for name, cost in self_cost.items():
        groups[next((g for g in GROUPS if g in (name or "")), "other")] += cost
    return groups


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("calls_a", type=int)
    parser.add_argument("b")
    parser.add_argument("calls_b", type=int)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--match", default="mcp_runtime")
    args = parser.parse_args()
    self_a, incl_a, _, _ = parse(args.a)
    self_b, incl_b, _, _ = parse(args.b)
    per_a, per_b = float(args.calls_a), float(args.calls_b)
    total_a, total_b = sum(self_a.values()) / per_a, sum(self_b.values()) / per_b
    print(f"total per call: A {total_a:,.0f}, B {total_b:,.0f}, A - B {total_a - total_b:+,.0f}\n")

    print("grouped self cost per call:        A          B      A - B")
    ga, gb = grouped(self_a), grouped(self_b)
    for group in sorted(set(ga) | set(gb), key=lambda g: -(ga[g] / per_a - gb[g] / per_b)):
        a, b = ga[group] / per_a, gb[group] / per_b
        print(f"  {group:28} {a:10,.0f} {b:10,.0f} {a - b:+10,.0f}")

    print(f"\nself cost per call, largest differences (top {args.top}):      A          B      A - B")
    names = set(self_a) | set(self_b)
    diff = sorted(names, key=lambda n: -abs(self_a[n] / per_a - self_b[n] / per_b))
    for name in diff[: args.top]:
        a, b = self_a[name] / per_a, self_b[name] / per_b
        print(f"  {(name or '?')[:100]:100} {a:10,.0f} {b:10,.0f} {a - b:+10,.0f}")

    print(f"\ninclusive cost per call of /{args.match}/ (by A):      A          B")
    pattern = re.compile(args.match)
    shown = 0
    for name, cost in incl_a.most_common():
        if name and pattern.search(name) and shown < args.top:
            shown += 1
            print(f"  {name[:100]:100} {cost / per_a:10,.0f} {incl_b[name] / per_b:10,.0f}")


if __name__ == "__main__":
    main()
