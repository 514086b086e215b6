#!/usr/bin/env bash
# The whole test suite: what `.ci/run` runs and what a developer runs before pushing.
#
# 1. installs the pinned real MCP clients (Inspector CLI from npm, Python SDK 1.x and 2.x);
# 2. checks formatting, lints (warnings are errors) and the API docs;
# 3. runs doctests, then every unit, socket, compile-fail and end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing the pinned MCP clients used by the end-to-end tests"
scripts/setup-e2e.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "doctests"
cargo test --workspace --doc --locked

step "unit, socket, compile-fail and end-to-end tests"
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --locked --no-fail-fast
else
    cargo test --workspace --locked --no-fail-fast
fi
