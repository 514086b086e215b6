#!/usr/bin/env bash
# Profiles mcp-runtime against the limit with valgrind's callgrind (perf's hardware counters are
# not available on this virtual machine): each server runs under callgrind, takes WARM calls,
# has its counters zeroed, takes CALLS calls at 16 in flight, and is dumped. Instructions per call
# (the dump's total divided by CALLS) compare the two exactly and without noise; the annotated
# dumps say where mcp-runtime's extra instructions go.
#
#   bench/profile.sh                  # all four transports
#   TRANSPORTS=streamable CALLS=5000 bench/profile.sh
#   TRANSPORTS=modern OURS_ARGS="--stateless on" TAG=stateless-app bench/profile.sh
#                                     # a variant of mcp-runtime's server (bench-ours's flags),
#                                     # its dumps named ours-modern-TAG
#   SERVERS="limit ours rmcp" TRANSPORTS=modern bench/profile.sh   # rmcp too (RMCP_ARGS)
#
# Output: bench/results/profile-DATE/SERVER-TRANSPORT.{out,summary.txt} (the dump, and per call: grouped,
# self and inclusive costs and allocations, by callgrind_summary.py), and instructions per call on
# stdout.
set -euo pipefail
cd "$(dirname "$0")"
TRANSPORTS=${TRANSPORTS:-"sse streamable stateless modern"}
SERVERS=${SERVERS:-"limit ours"}
OURS_ARGS=${OURS_ARGS-}
RMCP_ARGS=${RMCP_ARGS-}
TAG=${TAG-}
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
    for server in $SERVERS; do
        # rmcp has no HTTP+SSE server
        [ "$server-$transport" != rmcp-sse ] || continue
        port=$((port + 1))
        path=/mcp; [ "$transport" = sse ] && path=/sse
        name=$server-$transport
        extra=()
        load=()
        args=
        case $server in ours) args=$OURS_ARGS ;; rmcp) args=$RMCP_ARGS ;; esac
        if [ -n "$args" ]; then
            read -r -a extra <<<"$args"
            name=$name${TAG:+-$TAG}
        fi
        # rmcp names itself (serverInfo) on server/discover only, as bench/run.sh knows.
        [ "$server-$transport" != rmcp-modern ] || load=(--server-info optional)
        valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.%p.out" \
            "$BIN/bench-$server" --transport "$transport" --bind "127.0.0.1:$port" --workers 1 \
            "${extra[@]}" >"$OUT/$name.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 1 300); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            sleep 0.1
        done
        url=http://127.0.0.1:$port$path
        "$BIN/mcp-bench" load --url "$url" --transport "$transport" --concurrency 16 \
            --calls "$WARM" --timeout 60 "${load[@]}" >/dev/null
        callgrind_control -z "$pid" >/dev/null
        "$BIN/mcp-bench" load --url "$url" --transport "$transport" --concurrency 16 \
            --calls "$CALLS" --timeout 60 "${load[@]}" >"$OUT/$name.load.txt"
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
