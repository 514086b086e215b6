//! End to end with the MCP Inspector 2.x CLI (npm `@modelcontextprotocol/inspector` 2.12, as
//! `inspector-2` in tests/e2e/package.json, on the pinned Node 22), in each protocol era:
//! `--protocol-era modern` speaks MCP 2026-07-28 only, `auto` must choose it, `legacy`
//! initializes a session. Over Streamable HTTP and over stdio (the Inspector starting
//! `calculator --stdio` itself). A result of the modern era carries
//! `_meta["io.modelcontextprotocol/serverInfo"]`, which no legacy result does: that is how
//! these tests see which era the Inspector chose.
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::time::Duration;

use mcp_tests::e2e::{example_binary, inspector2, run, Server};
use serde_json::Value;

const INSPECTOR_TIMEOUT: Duration = Duration::from_secs(40);

/// Runs the Inspector with `args` (its options, then `--` and a stdio server command, if
/// any); returns its JSON output.
fn inspector(args: &[&str], log: impl Fn() -> String) -> Value {
    let mut command = inspector2();
    command.args(args);
    let output = run(&mut command, INSPECTOR_TIMEOUT);
    assert!(
        output.status.success(),
        "inspector --cli {args:?} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        log()
    );
    serde_json::from_str(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "inspector --cli {args:?} printed no JSON ({err}):\n{}",
            output.describe()
        )
    })
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

fn is_modern(result: &Value) -> bool {
    result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "calculator"
}

#[test]
fn every_era_lists_and_calls_tools_over_streamable_http() {
    let server = Server::start("calculator", None);
    let url = server.url("/mcp");
    for (era, modern) in [("modern", true), ("auto", true), ("legacy", false)] {
        // The target first: `--tool-arg` takes every pair that follows it.
        let common = [url.as_str(), "--transport", "http", "--protocol-era", era];
        let call = [
            &common[..],
            &[
                "--method",
                "tools/call",
                "--tool-name",
                "add",
                "--tool-arg",
                "a=2",
                "--tool-arg",
                "b=40",
            ],
        ]
        .concat();
        let result = inspector(&call, || server.log());
        assert_eq!(text(&result), "42", "{era}: {result:#}");
        assert_eq!(
            is_modern(&result),
            modern,
            "{era} chose the wrong era: {result:#}"
        );
        let list = [&common[..], &["--method", "tools/list"]].concat();
        let listed = inspector(&list, || server.log());
        let names: Vec<&str> = listed["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("{era}: no tools: {listed:#}"))
            .iter()
            .filter_map(|tool| tool["name"].as_str())
            .collect();
        assert!(
            names.contains(&"add") && names.contains(&"statistics"),
            "{era}: {names:?}"
        );
    }
}

#[test]
fn the_modern_era_lists_and_calls_tools_over_stdio() {
    let calculator = example_binary("calculator");
    let calculator = calculator.to_str().unwrap();
    let no_log = || "(the Inspector starts the server itself)".to_owned();
    let result = inspector(
        &[
            "--protocol-era",
            "modern",
            "--method",
            "tools/call",
            "--tool-name",
            "multiply",
            "--tool-arg",
            "a=6",
            "--tool-arg",
            "b=7",
            "--",
            calculator,
            "--stdio",
        ],
        no_log,
    );
    assert!(is_modern(&result), "{result:#}");
    assert_eq!(text(&result), "42", "{result:#}");
    let listed = inspector(
        &[
            "--protocol-era",
            "modern",
            "--method",
            "tools/list",
            "--strict",
            "--",
            calculator,
            "--stdio",
        ],
        no_log,
    );
    assert!(
        listed["tools"]
            .as_array()
            .is_some_and(|tools| tools.len() >= 6),
        "{listed:#}"
    );
}
