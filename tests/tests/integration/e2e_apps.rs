//! MCP Apps end to end with the MCP Inspector 2.x CLI (`--app-info`), against the everything
//! example: its `open_calculator` tool names the UI `ui://everything/calculator.html`, whose
//! csp, domain and border the Inspector reports, and whose `resources/read` returns the HTML
//! as `text/html;profile=mcp-app` with its `_meta.ui`. Over Streamable HTTP (both eras),
//! HTTP+SSE and stdio (both eras).
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::time::Duration;

use mcp_tests::e2e::{example_binary, inspector2, run, Server};
use serde_json::{json, Value};

const INSPECTOR_TIMEOUT: Duration = Duration::from_secs(40);
const UI: &str = "ui://everything/calculator.html";

fn inspector(args: &[&str]) -> Value {
    let mut command = inspector2();
    command.args(args);
    let output = run(&mut command, INSPECTOR_TIMEOUT);
    assert!(
        output.status.success(),
        "inspector --cli {args:?} failed:\n{}",
        output.describe()
    );
    serde_json::from_str(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "inspector --cli {args:?} printed no JSON ({err}):\n{}",
            output.describe()
        )
    })
}

/// `target`: how the Inspector reaches the server (a URL and its options, or `--` and a
/// command line last); `how` names it in failures.
fn check_app(how: &str, before: &[&str], after: &[&str]) {
    let app = inspector(
        &[
            before,
            &[
                "--method",
                "tools/call",
                "--tool-name",
                "open_calculator",
                "--app-info",
            ],
            after,
        ]
        .concat(),
    );
    assert_eq!(app["hasApp"], true, "{how}: {app:#}");
    assert_eq!(app["resourceUri"], UI, "{how}: {app:#}");
    assert_eq!(
        app["csp"],
        json!({"resourceDomains": ["https://fonts.googleapis.com", "https://fonts.gstatic.com"]}),
        "{how}: {app:#}"
    );
    assert_eq!(
        app["domain"], "calculator.everything.example",
        "{how}: {app:#}"
    );
    assert_eq!(app["prefersBorder"], true, "{how}: {app:#}");
    assert_eq!(
        app["resourceMimeType"], "text/html;profile=mcp-app",
        "{how}: {app:#}"
    );

    // The app-only tool the UI calls back: its visibility travels with it.
    let helper = inspector(
        &[
            before,
            &[
                "--method",
                "tools/call",
                "--tool-name",
                "calculator_add",
                "--app-info",
            ],
            after,
        ]
        .concat(),
    );
    assert_eq!(helper["visibility"], json!(["app"]), "{how}: {helper:#}");

    let read = inspector(&[before, &["--method", "resources/read", "--uri", UI], after].concat());
    let content = &read["contents"][0];
    assert_eq!(content["uri"], UI, "{how}: {read:#}");
    assert_eq!(content["mimeType"], "text/html;profile=mcp-app", "{how}");
    let html = content["text"].as_str().unwrap_or_default();
    assert!(
        html.starts_with("<!doctype html>") && html.contains("\"ui/initialize\""),
        "{how}: the calculator's HTML, speaking the MCP Apps protocol"
    );
    assert_eq!(
        content["_meta"]["ui"]["domain"], "calculator.everything.example",
        "{how}"
    );

    // Not in resources/list: hosts read it when they show the tool.
    let listed = inspector(&[before, &["--method", "resources/list"], after].concat());
    let uris: Vec<&str> = listed["resources"]
        .as_array()
        .unwrap_or_else(|| panic!("{how}: no resources: {listed:#}"))
        .iter()
        .filter_map(|resource| resource["uri"].as_str())
        .collect();
    assert!(!uris.contains(&UI) && !uris.is_empty(), "{how}: {uris:?}");
}

#[test]
fn the_inspector_reports_the_everything_examples_app_over_every_transport_and_era() {
    let server = Server::start("everything", None);
    let mcp = server.url("/mcp");
    let sse = server.url("/sse");
    for era in ["modern", "legacy"] {
        let how = format!("Streamable HTTP, {era}");
        check_app(
            &how,
            &[&mcp, "--transport", "http", "--protocol-era", era],
            &[],
        );
    }
    check_app("HTTP+SSE", &[&sse, "--transport", "sse"], &[]);
    let everything = example_binary("everything");
    let everything = everything.to_str().unwrap();
    for era in ["modern", "legacy"] {
        let how = format!("stdio, {era}");
        check_app(
            &how,
            &["--protocol-era", era],
            &["--", everything, "--stdio"],
        );
    }
}
