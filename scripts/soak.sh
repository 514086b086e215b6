#!/usr/bin/env bash
# The soak test (not part of scripts/test.sh): builds tests/soak/main.rs in release and runs it.
#
#   scripts/soak.sh [CYCLES] [CONCURRENT]      default 10000 1000
#
# CYCLES HTTP+SSE and CYCLES Streamable HTTP session open/close cycles, then CONCURRENT sessions
# (half of each transport) each with a slow tool call running, whose clients all vanish
# mid-call; then CYCLES/10 calls that become tasks (MCP 2026-07-28) and finish. Then it checks
# that the session tables are empty, no request is in flight, the task store empties after the
# tasks' time to live, the
# server's runtimes have no more tasks than before, and RSS is back near its starting level,
# and prints the figures. Loopback only; bounded in count and time (10 minutes at most).
set -euo pipefail
cd "$(dirname "$0")/.."

# Two sockets per concurrent session (client and server side), plus the cycles' transients.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cargo build --release -p mcp-tests --example soak
exec target/release/examples/soak "$@"
