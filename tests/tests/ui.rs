//! Compile-fail tests pinning every error message of `#[tool]`, plus valid uses that must compile.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p mcp-tests --test ui`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui-pass/*.rs");
}
