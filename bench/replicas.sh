#!/usr/bin/env bash
# The cost of sharing state through Redis (issue 13), in one run: an HTTP+SSE session whose
# stream is on one replica and whose POSTs land on another (each forwarded through Redis), and a
# stateful Streamable HTTP session started on one replica and called on another, each against
# one replica in memory and against its calls landing on the replica it started on; then Redis's
# memory per idle session of each. Prints a markdown section for BENCHMARKS.md.
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

# Per transport: one replica in memory, and two replicas A and B sharing Redis.
declare -A port pid
n=0
for transport in sse streamable; do
    for setup in memory a b; do
        p=$((BASE + n)); n=$((n + 1))
        redis_args=()
        [ "$setup" != memory ] && redis_args=(--redis "$REDIS")
        "$OURS" --transport "$transport" --bind "127.0.0.1:$p" "${redis_args[@]}" & pids+=($!)
        port[$transport.$setup]=$p pid[$transport.$setup]=$!
    done
done
for p in "${port[@]}"; do
    until (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do sleep 0.1; done
done

measure() { # transport url [post-url] -> "calls_per_s p50 p99 errors"
    local extra=() path=/sse
    [ "$1" = streamable ] && path=/mcp
    [ -n "${3:-}" ] && extra=(--post-url "$3")
    "$BENCH" load --url "$2$path" "${extra[@]}" --transport "$1" --sessions 1 --concurrency "$c" \
        --duration "$DURATION" --warmup 1 --json |
        python3 -c 'import json,sys; r=json.load(sys.stdin); l=r["latency"]; print(r["calls_per_s"], l["p50_us"], l["p99_us"], r["errors"])'
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "## The cost of sharing (Redis)"
echo
echo "\`bench/replicas.sh\` ($(date -u +%Y-%m-%d), RUNS=$RUNS, ${DURATION} s each, one session, medians):"
echo "mcp-runtime (\`bench-ours\`) alone in memory, and two replicas A and B sharing a local"
echo "\`redis-server\`: an HTTP+SSE session with its POSTs on the replica holding its stream, then"
echo "on another one (each forwarded through Redis pub/sub to the stream's replica); a stateful"
echo "Streamable HTTP session started on A with its calls on A, then on B (each request"
echo "revalidates the shared session in Redis). Measured interleaved in the same run."
echo
echo "| transport | in flight | setup | calls/s | p50 | p99 | calls/s vs memory | p99 vs memory | errors |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for transport in sse streamable; do
    for c in $CONCURRENCY; do
        declare -A rate p50 p99 errs
        for setup in memory same split; do rate[$setup]=""; p50[$setup]=""; p99[$setup]=""; errs[$setup]=0; done
        for _ in $(seq 1 "$RUNS"); do
            for setup in memory same split; do
                a="http://127.0.0.1:${port[$transport.a]}"
                case $setup in
                    memory) out=$(measure "$transport" "http://127.0.0.1:${port[$transport.memory]}") ;;
                    same) out=$(measure "$transport" "$a") ;;
                    split) out=$(measure "$transport" "$a" "http://127.0.0.1:${port[$transport.b]}") ;;
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
            label=$(case $transport.$setup in
                *.memory) echo "one replica, in memory";;
                sse.same) echo "Redis, POSTs on the replica of the stream";;
                sse.split) echo "Redis, stream on A, POSTs on B";;
                streamable.same) echo "Redis, started on A, calls on A";;
                streamable.split) echo "Redis, started on A, calls on B";;
            esac)
            name=$([ "$transport" = sse ] && echo "HTTP+SSE" || echo "Streamable HTTP")
            python3 -c "print(f'| $name | $c | $label | {float($r):,.0f} | {int($p)/1000:.2f} ms | {int($q)/1000:.2f} ms | {float($r)/float($base_rate):.2f} | {int($q)/int($base_p99):.2f} | ${errs[$setup]} |')"
        done
    done
done

# Redis's memory per idle session of each transport, read while the sessions are held (the
# idle run settles, opens them, settles, reads the server's memory, and closes them).
echo
for transport in sse streamable; do
    p=${port[$transport.a]}
    path=$([ "$transport" = sse ] && echo /sse || echo /mcp)
    name=$([ "$transport" = sse ] && echo "HTTP+SSE" || echo "Streamable HTTP")
    base_keys=$(redis-cli -p "$REDIS_PORT" dbsize)
    before=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
    "$BENCH" idle --url "http://127.0.0.1:$p$path" --transport "$transport" --pid "${pid[$transport.a]}" \
        --sessions "$IDLE" --settle 3 --json >/tmp/replicas-idle.json &
    idle=$!
    keys=0 during=$before
    for _ in $(seq 1 150); do
        sleep 0.1
        keys=$(( $(redis-cli -p "$REDIS_PORT" dbsize) - base_keys ))
        if [ "$keys" -ge "$IDLE" ]; then
            sleep 0.5
            during=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
            break
        fi
    done
    wait "$idle" || true
    rss=$(python3 -c 'import json; print(round(json.load(open("/tmp/replicas-idle.json"))["bytes_per_session"]))')
    python3 -c "print(f'Redis memory per idle $name session: {($during - $before) / max($keys, 1):.0f} bytes ({$keys:,} sessions held: used_memory {$before:,} -> {$during:,} bytes); the replica holding them: {$rss:,} bytes of RSS per session.')"
done
