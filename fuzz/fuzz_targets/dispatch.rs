//! libFuzzer entry point: `cargo +nightly fuzz run --features libfuzzer dispatch` (see
//! `scripts/fuzz.sh`). A panic anywhere, in a spawned task too, aborts and is a finding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mcp_runtime_fuzz::run(data);
});
