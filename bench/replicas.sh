#!/usr/bin/env bash
# The cost of sharing state through Redis (issue 13), in one run: an HTTP+SSE session whose
# stream is on one replica and whose POSTs land on another (each forwarded through Redis),
# against one replica in memory, and against one replica sharing Redis whose POSTs land on it;
# then Redis's memory per idle HTTP+SSE session. Prints a markdown section for BENCHMARKS.md.
#
#   bench/replicas.sh                  # RUNS=3 DURATION=3 CONCURRENCY="1 16"
#
# Needs redis-server (Debian's package). Loopback only; every process started is stopped by pid.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-3}
DURATION=${DURATION:-3}
CONCURRENCY=${CONCURRENCY:-"1 16"}
IDLE=${IDLE:-1000}
REDIS_PORT=${REDIS_PORT:-16480}
BASE=${BASE:-16481}

cargo build --release -q -p bench-ours -p mcp-bench
OURS=target/release/bench-ours
BENCH=target/release/mcp-bench
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
pids+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
REDIS="redis://127.0.0.1:$REDIS_PORT/"

memory=$BASE a=$((BASE + 1)) b=$((BASE + 2))
"$OURS" --transport sse --bind "127.0.0.1:$memory" & pids+=($!)
"$OURS" --transport sse --bind "127.0.0.1:$a" --redis "$REDIS" & pids+=($!); a_pid=$!
"$OURS" --transport sse --bind "127.0.0.1:$b" --redis "$REDIS" & pids+=($!)
for port in $memory $a $b; do
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
done

measure() { # label url [post-url] -> "calls_per_s p50 p99 errors"
    local extra=()
    [ -n "${3:-}" ] && extra=(--post-url "$3")
    "$BENCH" load --url "$2/sse" "${extra[@]}" --transport sse --sessions 1 --concurrency "$c" \
        --duration "$DURATION" --warmup 1 --json |
        python3 -c 'import json,sys; r=json.load(sys.stdin); l=r["latency"]; print(r["calls_per_s"], l["p50_us"], l["p99_us"], r["errors"])'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "## The cost of sharing (Redis)"
echo
echo "\`bench/replicas.sh\` ($(date -u +%Y-%m-%d), RUNS=$RUNS, ${DURATION} s each, one HTTP+SSE session, medians):"
echo "mcp-runtime (\`bench-ours\`) alone in memory, sharing a local \`redis-server\` with its POSTs on"
echo "the replica holding the stream, and with its POSTs on another replica (each forwarded"
echo "through Redis pub/sub to the stream's replica); measured interleaved in the same run."
echo
echo "| in flight | setup | calls/s | p50 | p99 | calls/s vs memory | p99 vs memory | errors |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
for c in $CONCURRENCY; do
    declare -A rate p50 p99 errs
    for setup in memory same split; do rate[$setup]=""; p50[$setup]=""; p99[$setup]=""; errs[$setup]=0; done
    for _ in $(seq 1 "$RUNS"); do
        for setup in memory same split; do
            case $setup in
                memory) out=$(measure memory "http://127.0.0.1:$memory") ;;
                same) out=$(measure same "http://127.0.0.1:$a") ;;
                split) out=$(measure split "http://127.0.0.1:$a" "http://127.0.0.1:$b") ;;
            esac
            read -r r p q e <<<"$out"
            rate[$setup]+="$r"$'\n'; p50[$setup]+="$p"$'\n'; p99[$setup]+="$q"$'\n'
            errs[$setup]=$((errs[$setup] + e))
        done
    done
    base_rate=$(printf '%s' "${rate[memory]}" | median)
    base_p99=$(printf '%s' "${p99[memory]}" | median)
    for setup in memory same split; do
        r=$(printf '%s' "${rate[$setup]}" | median)
        p=$(printf '%s' "${p50[$setup]}" | median)
        q=$(printf '%s' "${p99[$setup]}" | median)
        label=$(case $setup in memory) echo "one replica, in memory";; same) echo "Redis, POSTs on the replica of the stream";; split) echo "Redis, stream on A, POSTs on B";; esac)
        python3 -c "print(f'| $c | $label | {float($r):,.0f} | {int($p)/1000:.2f} ms | {int($q)/1000:.2f} ms | {float($r)/float($base_rate):.2f} | {int($q)/int($base_p99):.2f} | ${errs[$setup]} |')"
    done
done

before=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
"$BENCH" idle --url "http://127.0.0.1:$a/sse" --pid "$a_pid" --sessions "$IDLE" --settle 3 --json >/tmp/replicas-idle.json &
idle=$!
# Read Redis while the sessions are held (the idle run settles, opens them, settles, reads the
# server's memory, and closes them).
keys=0 during=$before
for _ in $(seq 1 100); do
    sleep 0.1
    keys=$(( $(redis-cli -p "$REDIS_PORT" dbsize) - 1 ))
    if [ "$keys" -ge "$IDLE" ]; then
        sleep 0.5
        during=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
        break
    fi
done
wait "$idle" || true
rss=$(python3 -c 'import json; print(round(json.load(open("/tmp/replicas-idle.json"))["bytes_per_session"]))')
echo
python3 -c "print(f'Redis memory per idle HTTP+SSE session: {($during - $before) / max($keys, 1):.0f} bytes ({$keys:,} sessions held: used_memory {$before:,} -> {$during:,} bytes); the replica holding them: {$rss:,} bytes of RSS per session.')"
