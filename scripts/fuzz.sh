#!/usr/bin/env bash
# Fuzzes JSON-RPC message decoding and dispatch (fuzz/src/lib.rs) for a fixed time budget.
#
#   scripts/fuzz.sh [SECONDS]        default 60
#
# With a nightly toolchain and cargo-fuzz installed (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`), it runs libFuzzer (`cargo +nightly fuzz run`, coverage-guided);
# otherwise, or with FUZZ_ENGINE=stable, the stable-Rust mutation fuzzer `stable_fuzz`. Both
# start from the checked-in seeds (fuzz/seeds/dispatch) and the dictionary (fuzz/dispatch.dict);
# libFuzzer's growing corpus stays in fuzz/corpus/ (ignored by git). Findings land in
# fuzz/artifacts/ and make the script fail. Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
engine="${FUZZ_ENGINE:-}"
if [[ -z "$engine" ]]; then
    if cargo +nightly --version >/dev/null 2>&1 && cargo fuzz --version >/dev/null 2>&1; then
        engine=libfuzzer
    else
        engine=stable
    fi
fi

case "$engine" in
libfuzzer)
    echo "==> engine: libFuzzer (cargo +nightly fuzz), ${seconds} s"
    mkdir -p corpus/dispatch
    # -s none: no sanitizer (the code under test has no unsafe of its own; panics, aborts,
    # stack overflows, leaks of time are what is looked for), and a much faster build.
    cargo +nightly fuzz run --features libfuzzer -s none dispatch corpus/dispatch seeds/dispatch -- \
        -max_total_time="$seconds" -dict=dispatch.dict -timeout=10 -rss_limit_mb=2048 \
        -max_len=262144 -print_final_stats=1
    ;;
stable)
    echo "==> engine: stable_fuzz (stable Rust, deterministic mutation fuzzer), ${seconds} s"
    cargo build --release --bin stable_fuzz
    ./target/release/stable_fuzz "$seconds" seeds/dispatch dispatch.dict
    ;;
*)
    echo "FUZZ_ENGINE must be libfuzzer or stable, not $engine" >&2
    exit 2
    ;;
esac
