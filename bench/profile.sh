#!/usr/bin/env bash
# Profiles mcp-runtime against the limit with valgrind's callgrind (perf's hardware counters are
# not available on this virtual machine): each server runs under callgrind, takes WARM calls,
# has its counters zeroed, takes CALLS calls at 16 in flight, and is dumped. Instructions per call
# (the dump's total divided by CALLS) compare the two exactly and without noise; the annotated
# dumps say where mcp-runtime's extra instructions go.
#
#   bench/profile.sh                  # all three transports
#   TRANSPORTS=streamable CALLS=5000 bench/profile.sh
#
# Output: bench/results/profile-DATE/SERVER-TRANSPORT.{out,summary.txt} (the dump, and per call: grouped,
# self and inclusive costs and allocations, by callgrind_summary.py), and instructions per call on
# stdout.
set -euo pipefail
cd "$(dirname "$0")"
TRANSPORTS=${TRANSPORTS:-"sse streamable stateless"}
CALLS=${CALLS:-10000}
WARM=${WARM:-1000}
command -v valgrind >/dev/null || { echo "profile.sh needs valgrind (apt-get install valgrind)" >&2; exit 1; }
# The same packages as run.sh builds, so that features unify alike and nothing is rebuilt.
cargo build --release --locked -p mcp-bench -p bench-limit -p bench-ours -p bench-rmcp
BIN=target/release
OUT=results/profile-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

port=18600
for transport in $TRANSPORTS; do
    for server in limit ours; do
        port=$((port + 1))
        path=/mcp; [ "$transport" = sse ] && path=/sse
        name=$server-$transport
        valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.%p.out" \
            "$BIN/bench-$server" --transport "$transport" --bind "127.0.0.1:$port" --workers 1 \
            >"$OUT/$name.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 1 300); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            sleep 0.1
        done
        url=http://127.0.0.1:$port$path
        "$BIN/mcp-bench" load --url "$url" --transport "$transport" --concurrency 16 \
            --calls "$WARM" --timeout 60 >/dev/null
        callgrind_control -z "$pid" >/dev/null
        "$BIN/mcp-bench" load --url "$url" --transport "$transport" --concurrency 16 \
            --calls "$CALLS" --timeout 60 >"$OUT/$name.load.txt"
        callgrind_control -d "$pid" >/dev/null
        sleep 1
        kill -9 "$pid"
        wait "$pid" 2>/dev/null || true
        # The dump made by -d is the one with a numeric suffix; the final one (at exit) holds
        # only the shutdown.
        dump=$(ls "$OUT/$name.$pid.out".* 2>/dev/null | head -1)
        mv "$dump" "$OUT/$name.out"
        rm -f "$OUT/$name.$pid.out"
        python3 callgrind_summary.py "$OUT/$name.out" "$CALLS" >"$OUT/$name.summary.txt"
        total=$(awk '/^summary:/ {print $2}' "$OUT/$name.out")
        printf '%-22s %14s instructions for %s calls: %8.0f per call\n' "$name" "$total" "$CALLS" \
            "$(echo "$total / $CALLS" | bc -l)"
    done
done | tee "$OUT/summary.txt"
echo "dumps and annotations: bench/$OUT"
