#!/usr/bin/env bash
# The whole comparison, in one command: builds the load generator and the servers, installs the
# pinned peers, measures every server on every transport it speaks at 1, 16, 64 and 256 calls in
# flight (servers interleaved, several runs), measures idle SSE sessions, runs the
# microbenchmarks, and writes BENCHMARKS.md (and bench/throughput.svg) from the medians.
#
#   bench/run.sh                       # about 20 minutes on 2 cores
#   RUNS=1 DURATION=1 IDLE_SESSIONS=1000 MICRO=0 bench/run.sh   # a quick look
#
# Settings (environment):
#   RUNS=3            runs of every measurement; BENCHMARKS.md quotes medians
#   DURATION=3        measured seconds per measurement (after WARMUP=1 s of unmeasured calls)
#   CONCURRENCY="1 16 64 256"   calls in flight (16 per session: 64 = 4 sessions x 16)
#   TRANSPORTS="sse streamable stateless modern"   which transports: HTTP+SSE, Streamable HTTP
#                     stateful and stateless (the handshake era, up to 2025-11-25), and the
#                     modern era (MCP 2026-07-28: no initialize, no session, every request's
#                     _meta and Mcp-* headers checked; limit, mcp-runtime and rmcp only)
#   IDLE_SESSIONS=10000 IDLE_RUNS=1   idle SSE sessions held open per server
#   SERVERS="limit ours rmcp python ts"   which servers
#   SERVER_CPU= CLIENT_CPU=   cores to pin the servers and the load generator to (taskset), e.g.
#                     SERVER_CPU=1 CLIENT_CPU=0; unpinned by default, because on a machine shared
#                     with other work a pinned process cannot move away from a busy core. Every
#                     server runs one worker thread (one event loop), whatever the language.
#   MICRO=1           run the criterion microbenchmarks (bench/micro)
#   BUILD=1           measure build cost and start-up beside rmcp (bench/build.sh; BUILD_RUNS=3,
#                     BUILD_TOOLS=200, START_TOOLS=1000)
#   OUT=BENCHMARKS.md where the report goes (relative to the repository root); the plot goes to
#                     bench/throughput.svg for BENCHMARKS.md, else beside OUT (SVG= overrides)
#
# All traffic goes to 127.0.0.1; every server started here is stopped (by its pid) on exit.
set -euo pipefail
cd "$(dirname "$0")"
BENCH_DIR=$(pwd)
ROOT=$(cd .. && pwd)

RUNS=${RUNS:-3}
DURATION=${DURATION:-3}
WARMUP=${WARMUP:-1}
CONCURRENCY=${CONCURRENCY:-"1 16 64 256"}
IDLE_SESSIONS=${IDLE_SESSIONS:-10000}
IDLE_RUNS=${IDLE_RUNS:-1}
SERVERS=${SERVERS:-"limit ours rmcp python ts"}
TRANSPORTS=${TRANSPORTS:-"sse streamable stateless modern"}
SERVER_CPU=${SERVER_CPU-}
CLIENT_CPU=${CLIENT_CPU-}
MICRO=${MICRO:-1}
BUILD=${BUILD:-1}
OUT=${OUT:-BENCHMARKS.md}

say() { printf '\n==> %s\n' "$*"; }

# 10,000 idle sessions need 10,000 sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

case " $SERVERS " in
    *" python "* | *" ts "*)
        say "installing the pinned peers"
        ./setup-peers.sh
        ;;
    *) say "no Python or TypeScript peer in SERVERS: not installing them" ;;
esac

say "building the load generator and the Rust servers (release)"
cargo build --release --locked -p mcp-bench -p bench-limit -p bench-ours -p bench-rmcp
BIN=$BENCH_DIR/target/release
PY=$BENCH_DIR/peers/python/.venv/bin/python

RESULTS=$BENCH_DIR/results/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"

pin() { # pin CPU-LIST command...: becomes the command (exec, so `$!` is its pid), pinned when a
    # CPU list is given. Call it in a subshell or in the background.
    local cpus=$1; shift
    if [ -n "$cpus" ] && command -v taskset >/dev/null; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi
}

# name transport -> the command line of that server
server_cmd() {
    local name=$1 transport=$2 port=$3
    case $name in
        limit) echo "$BIN/bench-limit --transport $transport --bind 127.0.0.1:$port --workers 1" ;;
        ours) echo "$BIN/bench-ours --transport $transport --bind 127.0.0.1:$port --workers 1" ;;
        rmcp) echo "$BIN/bench-rmcp --transport $transport --bind 127.0.0.1:$port --workers 1" ;;
        python) echo "$PY $BENCH_DIR/peers/python/server.py --transport $transport --port $port" ;;
        ts) echo "node $BENCH_DIR/peers/ts/server.mjs --transport $transport --port $port" ;;
    esac
}

speaks() { # speaks SERVER TRANSPORT
    case $1-$2 in
        rmcp-sse) return 1 ;; # rmcp has no HTTP+SSE server
        # The pinned peers (mcp 1.30.0 on PyPI, @modelcontextprotocol/sdk 1.32.2 on npm) are of
        # the handshake era (their latest revision is 2025-11-25): a POST with
        # `MCP-Protocol-Version: 2026-07-28` gets 400 "Unsupported protocol version" (-32600 from
        # Python, -32000 from TypeScript), server/discover included.
        python-modern | ts-modern) return 1 ;;
    esac
}

# Extra arguments of the load generator per server and transport.
load_args() {
    # rmcp 3.9 puts `_meta["io.modelcontextprotocol/serverInfo"]` on `server/discover` only;
    # on other results it is a SHOULD of 2026-07-28, so there it is checked only if present.
    if [ "$1-$2" = rmcp-modern ]; then echo "--server-info optional"; fi
}

endpoint() { if [ "$1" = sse ]; then echo /sse; else echo /mcp; fi; }

declare -A PID PORT
STARTED=()
stop_all() {
    for key in "${STARTED[@]}"; do
        kill "${PID[$key]}" 2>/dev/null || true
    done
    # Each gets 5 s to exit (actix-web's graceful shutdown would wait 30 s for open streams),
    # then is killed; `wait` reaps it.
    for key in "${STARTED[@]}"; do
        for _ in $(seq 1 50); do kill -0 "${PID[$key]}" 2>/dev/null || break; sleep 0.1; done
        kill -9 "${PID[$key]}" 2>/dev/null || true
        wait "${PID[$key]}" 2>/dev/null || true
    done
    STARTED=()
}
trap stop_all EXIT

start() { # start NAME TRANSPORT PORT
    local key=$1-$2
    # shellcheck disable=SC2046
    pin "$SERVER_CPU" $(server_cmd "$1" "$2" "$3") >"$RESULTS/$key.log" 2>&1 &
    PID[$key]=$!
    PORT[$key]=$3
    STARTED+=("$key")
    for _ in $(seq 1 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && kill -0 "${PID[$key]}" 2>/dev/null; then
            return 0
        fi
        kill -0 "${PID[$key]}" 2>/dev/null || break
        sleep 0.1
    done
    echo "server $key did not start; its log:" >&2
    cat "$RESULTS/$key.log" >&2
    exit 1
}

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# ---- the machine and the versions -------------------------------------------------------------
{
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
    echo "cores=$(nproc)"
    echo "memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "rustc=$(rustc --version)"
    echo "node=$(node --version)"
    echo "python=$($PY --version 2>&1)"
    echo "mcp_python=$($PY -c 'from importlib.metadata import version; print(version("mcp"))')"
    echo "ts_sdk=$(node -p "require('$BENCH_DIR/peers/ts/node_modules/@modelcontextprotocol/sdk/package.json').version")"
    echo "rmcp=$(awk '/^name = "rmcp"$/ {getline; print $3}' Cargo.lock | tr -d '"')"
    echo "actix_web=$(awk '/^name = "actix-web"$/ {getline; print $3}' Cargo.lock | tr -d '"')"
    echo "mcp_runtime=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- mcp-runtime mcp-macros || echo ' (with uncommitted changes)')"
    echo "settings=RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP CONCURRENCY=\"$CONCURRENCY\" TRANSPORTS=\"$TRANSPORTS\" IDLE_SESSIONS=$IDLE_SESSIONS SERVER_CPU=$SERVER_CPU CLIENT_CPU=$CLIENT_CPU"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/machine.txt"
cat "$RESULTS/machine.txt"

# ---- throughput and latency -------------------------------------------------------------------
say "starting the servers (pinned to CPU ${SERVER_CPU:-any}, one worker each)"
port=18400
for transport in $TRANSPORTS; do
    for name in $SERVERS; do
        if speaks "$name" "$transport"; then
            start "$name" "$transport" "$port"
            port=$((port + 1))
        fi
    done
done

sessions_for() { if [ "$1" -le 16 ]; then echo 1; else echo $(($1 / 16)); fi; }
per_session() { if [ "$1" -le 16 ]; then echo "$1"; else echo 16; fi; }

say "measuring: $RUNS runs x transports x in-flight {$CONCURRENCY} x servers, interleaved"
read -r -a server_list <<<"$SERVERS"
for run in $(seq 1 "$RUNS"); do
    for transport in $TRANSPORTS; do
        for c in $CONCURRENCY; do
            # Rotate the order every run, so no server always follows the same neighbour.
            n=${#server_list[@]}
            for i in $(seq 0 $((n - 1))); do
                name=${server_list[$(((i + run + c) % n))]}
                speaks "$name" "$transport" || continue
                key=$name-$transport
                load=$(loadavg)
                # shellcheck disable=SC2046
                json=$(pin "$CLIENT_CPU" "$BIN/mcp-bench" load --json $(load_args "$name" "$transport") \
                    --url "http://127.0.0.1:${PORT[$key]}$(endpoint "$transport")" \
                    --transport "$transport" --sessions "$(sessions_for "$c")" \
                    --concurrency "$(per_session "$c")" --duration "$DURATION" --warmup "$WARMUP" \
                    --pid "${PID[$key]}") || true
                if [ -z "$json" ]; then
                    json='{"kind":"load","failed":true}'
                fi
                printf '{"run":%s,"server":"%s","transport":"%s","in_flight":%s,"loadavg":%s,"report":%s}\n' \
                    "$run" "$name" "$transport" "$c" "$load" "$json" >>"$RESULTS/load.jsonl"
                printf '%-3s %-10s %-7s %4s in flight: %s calls/s, p99 %s us, %s errors (load %s)\n' \
                    "$run" "$transport" "$name" "$c" \
                    "$(echo "$json" | sed -n 's/.*"calls_per_s":\([0-9]*\).*/\1/p')" \
                    "$(echo "$json" | sed -n 's/.*"p99_us":\([0-9]*\).*/\1/p')" \
                    "$(echo "$json" | sed -n 's/.*"errors":\([0-9]*\).*/\1/p')" "$load"
            done
        done
    done
done
stop_all

# ---- idle sessions ----------------------------------------------------------------------------
say "idle capacity: $IDLE_SESSIONS SSE sessions per server, each server started afresh"
for run in $(seq 1 "$IDLE_RUNS"); do
    for name in $SERVERS; do
        speaks "$name" sse || continue
        port=$((port + 1)) # a fresh port: the last server's may linger a moment
        start "$name" sse "$port"
        json=$(pin "$CLIENT_CPU" "$BIN/mcp-bench" idle --json --url "http://127.0.0.1:$port/sse" \
            --sessions "$IDLE_SESSIONS" --pid "${PID[$name-sse]}" --timeout 30) || true
        [ -n "$json" ] || json='{"kind":"idle","failed":true}'
        printf '{"run":%s,"server":"%s","transport":"sse","report":%s}\n' "$run" "$name" "$json" \
            >>"$RESULTS/idle.jsonl"
        echo "$name: $json"
        stop_all
    done
done

# ---- microbenchmarks --------------------------------------------------------------------------
if [ "$MICRO" = 1 ]; then
    say "microbenchmarks (criterion): dispatcher and schema generation against same-run baselines"
    (pin "$CLIENT_CPU" cargo bench --locked -p mcp-micro --bench micro -- --noplot) 2>&1 | tee "$RESULTS/micro.txt"
    rm -rf "$RESULTS/criterion" && cp -r target/criterion "$RESULTS/criterion"
fi

# ---- build cost and start-up ------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
    say "build cost (${BUILD_TOOLS:-200} tools) and start-up (${START_TOOLS:-1000} tools), beside rmcp"
    RESULTS=$RESULTS RUNS=${BUILD_RUNS:-3} TOOLS=${BUILD_TOOLS:-200} ./build.sh
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"

say "writing $OUT"
case $OUT in /*) ;; *) OUT=$ROOT/$OUT ;; esac
# The plot goes beside the report when the report goes elsewhere (OUT=/tmp/x.md: /tmp/x.svg),
# so that a trial run leaves bench/throughput.svg as BENCHMARKS.md shows it.
if [ "$OUT" = "$ROOT/BENCHMARKS.md" ]; then SVG=${SVG:-$BENCH_DIR/throughput.svg}; else SVG=${SVG:-${OUT%.md}.svg}; fi
python3 "$BENCH_DIR/report.py" "$RESULTS" --out "$OUT" --svg "$SVG"
echo "results: $RESULTS"
