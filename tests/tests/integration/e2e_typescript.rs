//! End to end with the official TypeScript SDK (npm `@modelcontextprotocol/sdk`, pinned in
//! tests/e2e/package.json): tests/e2e/ts_client.mjs opens many sessions at once with `Client` +
//! `StreamableHTTPClientTransport` against the calculator's Streamable HTTP endpoint (`/mcp`),
//! started stateful and stateless (`MCP_STATELESS=1`), and checks every reply: tools/list, add,
//! divide by zero (`isError`), statistics (structuredContent, which the SDK validates against the
//! listed outputSchema) and a wrong argument type; and the HTTP exchanges: session ids, the GET
//! stream, `terminateSession()` (DELETE, then 404 for the ended session), or none of those when
//! stateless. See that script for exactly what it asserts. tests/e2e/ts_v2_client.mjs does the
//! same with the v2 client (`@modelcontextprotocol/client`) in MCP 2026-07-28, pinned and `auto`;
//! tests/e2e/ts_tasks_client.mjs drives tasks with it and npm `@modelcontextprotocol/ext-tasks`.
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::process::Command;
use std::time::Duration;

use mcp_tests::e2e::{e2e_dir, node_with_ts_sdk, run, Server};

/// The script gives up by itself after this long (its `--deadline`)...
const SCRIPT_DEADLINE_SECS: u64 = 30;
/// ...and is killed if it has not finished a little later.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(SCRIPT_DEADLINE_SECS + 10);

/// Runs `node ts_client.mjs --url <server>/mcp --mode <mode> ...` and asserts it succeeded.
fn ts_client(server: &Server, mode: &str, sessions: usize, calls: usize) {
    let url = server.url("/mcp");
    let mut command = Command::new(node_with_ts_sdk());
    command
        .current_dir(e2e_dir())
        // Node's fetch honours no proxy variables, but keep loopback off any proxy regardless.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .arg("ts_client.mjs")
        .args(["--url", &url, "--mode", mode])
        .args(["--sessions", &sessions.to_string()])
        .args(["--calls", &calls.to_string()])
        .args(["--deadline", &SCRIPT_DEADLINE_SECS.to_string()]);
    let output = run(&mut command, SCRIPT_TIMEOUT);
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "ts_client.mjs --mode {mode} ({sessions} sessions) against {url} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        server.log()
    );
    // Shown with --nocapture: the one-line summary.
    print!("{}", output.stdout);
}

#[test]
fn typescript_sdk_stateful_sessions_and_terminate_session() {
    let server = Server::start("calculator", Some(4));
    ts_client(&server, "stateful", 20, 4);
}

#[test]
fn typescript_sdk_stateless() {
    let server = Server::start_with_env("calculator", Some(4), &[("MCP_STATELESS", "1")]);
    ts_client(&server, "stateless", 20, 4);
}

/// The TypeScript SDK v2 client (`@modelcontextprotocol/client`, on the pinned Node 22),
/// pinned to 2026-07-28 and in `auto` (which must choose it): tests/e2e/ts_v2_client.mjs.
#[test]
fn typescript_sdk_v2_client_speaks_2026_07_28() {
    let server = Server::start("calculator", Some(2));
    let url = server.url("/mcp");
    let mut command = Command::new(mcp_tests::e2e::node22());
    command
        .current_dir(e2e_dir())
        .arg("ts_v2_client.mjs")
        .args(["--url", &url, "--clients", "20"])
        .args(["--deadline", &SCRIPT_DEADLINE_SECS.to_string()]);
    let output = run(&mut command, SCRIPT_TIMEOUT);
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "ts_v2_client.mjs against {url} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        server.log()
    );
    print!("{}", output.stdout);
}

/// A task driven end to end by client code nobody here wrote: the TypeScript SDK v2 client
/// with npm `@modelcontextprotocol/ext-tasks` (tests/e2e/ts_tasks_client.mjs) against the
/// everything example. `confirm_delete` becomes a task that waits for input; ext-tasks answers
/// it through `tasks/update`, polls it to completion and reads the result; `slow_compute` is
/// cancelled mid-run (`tasks/cancel`) and ends `cancelled`.
#[test]
fn typescript_ext_tasks_drives_a_task_with_input_and_cancels_one() {
    let server = Server::start("everything", Some(2));
    let url = server.url("/mcp");
    let mut command = Command::new(mcp_tests::e2e::node22());
    command
        .current_dir(e2e_dir())
        .arg("ts_tasks_client.mjs")
        .arg(&url)
        .args(["--deadline", &SCRIPT_DEADLINE_SECS.to_string()]);
    let output = run(&mut command, SCRIPT_TIMEOUT);
    let last = output.stdout.lines().last().unwrap_or_default();
    let summary: serde_json::Value = serde_json::from_str(last).unwrap_or_default();
    let findings = output
        .stdout
        .lines()
        .filter(|line| !line.contains(r#""check":"wire""#))
        .count();
    assert!(
        output.status.success() && summary["ok"] == true && findings >= 10,
        "ts_tasks_client.mjs against {url} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        server.log()
    );
    for check in [
        "input_required",
        "tasks/update",
        "deleted report.txt",
        "cancelled",
    ] {
        assert!(output.stdout.contains(check), "no finding about {check}");
    }
}
