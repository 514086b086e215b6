#!/usr/bin/env bash
# The cost of a proxy (issue 14), in one run: 500 sequential `add` calls straight to a server
# (`bench-ours`, Streamable HTTP) and the same 500 through the `gateway` example proxying it
# (MCP_UPSTREAM, tools under their own names), interleaved, RUNS times, made by two clients:
# mcp-bench (a hand-written HTTP/1.1 client, the fastest there is: the worst case for the
# ratio) and the official Python SDK (what a real client sees; tests/e2e/.venv-mcp1, made by
# scripts/setup-e2e.sh); then 64 calls in flight through the proxy (all must succeed). Prints
# a markdown section for BENCHMARKS.md.
#
#   bench/proxy.sh                 # RUNS=5 CALLS=500 CPU=0
#
# Every process runs on one CPU (CPU=, when taskset exists): on this 2-vCPU virtual machine a
# wake-up across CPUs costs ~70 µs, so a run where the scheduler happens to spread the
# processes measures the machine's wake-ups, not the proxy (a direct no-op call drifts from
# 15 µs to 85 µs within one run). On one CPU every hop is a local context switch, for both
# paths alike. Loopback only; every process started is stopped by pid.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-5}
CALLS=${CALLS:-500}
BASE=${BASE:-16581}
CPU=${CPU:-0}
PYTHON=../tests/e2e/.venv-mcp1/bin/python
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$CPU"); fi

cargo build --release -q -p bench-ours -p mcp-bench
(cd .. && cargo build --release -q -p mcp-examples --bin gateway)
OURS=target/release/bench-ours
BENCH=target/release/mcp-bench
GATEWAY=../target/release/gateway
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

UP=$BASE GW=$((BASE + 1))
"${pin[@]}" "$OURS" --transport streamable --bind "127.0.0.1:$UP" & pids+=($!)
until (exec 3<>"/dev/tcp/127.0.0.1/$UP") 2>/dev/null; do sleep 0.1; done
MCP_BIND="127.0.0.1:$GW" MCP_UPSTREAM="http://127.0.0.1:$UP/mcp" MCP_UPSTREAM_NAMESPACE="" \
    MCP_RATE_BURST=1000000 MCP_RATE_PER_SECOND=1000000 \
    "${pin[@]}" "$GATEWAY" 2>/dev/null & pids+=($!)
until (exec 3<>"/dev/tcp/127.0.0.1/$GW") 2>/dev/null; do sleep 0.1; done

measure() { # port calls concurrency -> "seconds errors"
    "${pin[@]}" "$BENCH" load --url "http://127.0.0.1:$1/mcp" --transport streamable --sessions 1 \
        --concurrency "$3" --calls "$2" --json |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["calls"] / r["calls_per_s"], r["errors"], r["latency"]["p50_us"])'
}
sdk() { # port calls -> seconds
    "${pin[@]}" "$PYTHON" sdk_calls.py "http://127.0.0.1:$1/mcp" "$2"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

sdk_direct="" sdk_proxied="" direct="" proxied="" dp50="" pp50="" errors=0
measure "$UP" 50 1 >/dev/null; measure "$GW" 50 1 >/dev/null  # warm both connections up
for _ in $(seq 1 "$RUNS"); do
    read -r s e p <<<"$(measure "$UP" "$CALLS" 1)"; direct+="$s"$'\n'; dp50+="$p"$'\n'; errors=$((errors + e))
    read -r s e p <<<"$(measure "$GW" "$CALLS" 1)"; proxied+="$s"$'\n'; pp50+="$p"$'\n'; errors=$((errors + e))
    sdk_direct+="$(sdk "$UP" "$CALLS")"$'\n'
    sdk_proxied+="$(sdk "$GW" "$CALLS")"$'\n'
done
d=$(printf '%s' "$direct" | median) p=$(printf '%s' "$proxied" | median)
sd=$(printf '%s' "$sdk_direct" | median) sp=$(printf '%s' "$sdk_proxied" | median)
read -r burst burst_errors _ <<<"$(measure "$GW" 6400 64)"

echo "## The cost of a proxy"
echo
echo "\`bench/proxy.sh\` ($(date -u +%Y-%m-%d), RUNS=$RUNS, medians, every process on one CPU): $CALLS"
echo "sequential \`add\` calls over Streamable HTTP straight to \`bench-ours\`, and through the"
echo "\`gateway\` example proxying it (one persistent upstream connection, no handshake per call),"
echo "interleaved in the same run, by two clients."
echo
echo "| client | path | $CALLS calls | per call | time vs direct | errors |"
echo "|---|---|---:|---:|---:|---:|"
printf '| Python SDK (`mcp` 1.x) | direct | %.3f s | %.0f µs | 1.00x | |\n' "$sd" "$(python3 -c "print($sd / $CALLS * 1e6)")"
printf '| Python SDK (`mcp` 1.x) | through the proxy | %.3f s | %.0f µs | %.2fx | |\n' "$sp" \
    "$(python3 -c "print($sp / $CALLS * 1e6)")" "$(python3 -c "print($sp / $sd)")"
printf '| mcp-bench | direct | %.3f s | p50 %s µs | 1.00x | |\n' "$d" "$(printf '%s' "$dp50" | median)"
printf '| mcp-bench | through the proxy | %.3f s | p50 %s µs | %.2fx | %s |\n' "$p" "$(printf '%s' "$pp50" | median)" \
    "$(python3 -c "print($p / $d)")" "$errors"
echo
printf '64 calls in flight through the proxy: 6400 calls in %.2f s, %s errors.\n' "$burst" "$burst_errors"
