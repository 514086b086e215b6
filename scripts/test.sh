#!/usr/bin/env bash
# The whole test suite: what `.ci/run` runs and what a developer runs before pushing.
#
# 1. installs the pinned real MCP clients (Inspector CLI from npm, Python SDK 1.x and 2.x), and
#    Debian's redis-server and nginx when missing (the shared-state tests start their own);
# 2. checks formatting, lints (warnings are errors), the API docs, and the runtime built without
#    its HTTP transports;
# 3. runs doctests, then every unit, socket, compile-fail and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing the pinned MCP clients used by the end-to-end tests"
scripts/setup-e2e.sh

# The shared-state tests start their own redis-server and nginx (Debian's packages) on free
# loopback ports; nothing is started here.
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]} (Debian packages) for the shared-state tests"
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "mcp-runtime without its HTTP transports: builds, and nothing of actix in its tree"
cargo build -p mcp-runtime --no-default-features --features stdio --locked
if cargo tree -p mcp-runtime --no-default-features --features stdio -e normal --locked | grep -i actix; then
    echo "actix is in the tree of mcp-runtime without the http feature" >&2
    exit 1
fi

step "doctests (the crate guide in mcp-runtime/docs and the README included)"
cargo test --workspace --doc --locked

step "unit, socket, compile-fail and end-to-end tests"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi
