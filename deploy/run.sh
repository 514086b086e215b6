#!/usr/bin/env bash
# One command for a local deployment: a Redis, REPLICAS replicas of the everything example
# sharing it (MCP_REDIS_URL), and nginx in front with plain round-robin, all on loopback.
#
#   deploy/run.sh                 # nginx on 127.0.0.1:8080, replicas on 8081.., Redis on 6390
#   PORT=9000 REPLICAS=3 deploy/run.sh
#
# Then point a client at http://127.0.0.1:8080/sse (HTTP+SSE) or /mcp (Streamable HTTP: MCP
# 2026-07-28, or sessions of MCP up to 2025-11-25, which the replicas share through Redis).
# Needs redis-server and nginx (Debian: apt-get install redis-server nginx-light). Ctrl-C stops
# everything it started, by pid.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8080}
REPLICAS=${REPLICAS:-3}
REDIS_PORT=${REDIS_PORT:-6390}
BINARY=${BINARY:-target/release/everything}
WORK=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until 127.0.0.1:$1 accepts connections, while the process $2 lives (10 s at most).
await_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || { echo "deploy: $3 exited (see $WORK)" >&2; exit 1; }
        sleep 0.1
    done
    echo "deploy: $3 did not listen on $1 (see $WORK)" >&2
    exit 1
}

# An existing binary is used as it is: rebuild it (or remove it) after changing the code.
[ -x "$BINARY" ] || cargo build --release -p mcp-examples --bin everything

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
pids+=($!)
await_port "$REDIS_PORT" "${pids[-1]}" "redis-server"

upstreams=""
for i in $(seq 1 "$REPLICAS"); do
    port=$((PORT + i))
    MCP_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/" MCP_BIND="127.0.0.1:$port" "$BINARY" \
        >"$WORK/replica-$i.log" 2>&1 &
    pids+=($!)
    await_port "$port" "${pids[-1]}" "replica $i"
    upstreams+="        server 127.0.0.1:$port;"$'\n'
done

mkdir -p "$WORK/nginx"
config=$(<deploy/nginx.conf.template)
config=${config//@LISTEN@/127.0.0.1:$PORT}
config=${config//@PREFIX@/$WORK/nginx}
config=${config//@UPSTREAMS@/${upstreams%$'\n'}}
printf '%s\n' "$config" >"$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log" &
pids+=($!)
await_port "$PORT" "${pids[-1]}" "nginx"

echo "deploy: nginx on http://127.0.0.1:$PORT (/mcp, /sse) -> $REPLICAS replicas on ports $((PORT + 1))..$((PORT + REPLICAS)), Redis on $REDIS_PORT"
echo "deploy: logs in $WORK; Ctrl-C stops everything"
# Whichever ends first (a crash), the rest is stopped.
wait -n
echo "deploy: a process ended; stopping the rest" >&2
exit 1
