//! End to end with the official Python SDK (PyPI `mcp`), both major versions, pinned in
//! tests/e2e/requirements-mcp{1,2}.txt, against the example binaries running as real servers:
//!
//! * tests/e2e/sse_clients.py opens many sessions at once with the SDK's `sse_client` +
//!   `ClientSession` (HTTP+SSE, `/sse`) and checks every reply;
//! * tests/e2e/streamable_clients.py does the same with `streamable_http_client` (Streamable
//!   HTTP, `/mcp`) against the calculator stateful and stateless (`MCP_STATELESS=1`), and also
//!   checks the HTTP exchanges: session ids minted, carried, distinct and ended by DELETE (then
//!   404), or none at all with plain JSON answers.
//!
//! * tests/e2e/era_clients.py uses the 2.x `Client` in its three modes (2026-07-28, auto,
//!   legacy) at once against one endpoint (the calculator, and the bookshop's newcomer tools),
//!   and answers elicitation in each; tests/e2e/listen_clients.py opens `subscriptions/listen`
//!   streams with `Client.listen`.
//!
//! See the scripts for exactly what they assert.
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::time::Duration;

use mcp_tests::e2e::{run, Server};

/// The script gives up by itself after this long (its `--deadline`)...
const SCRIPT_DEADLINE_SECS: u64 = 40;
/// ...and is killed if it has not finished a little later.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(SCRIPT_DEADLINE_SECS + 10);

/// Runs `script` (in tests/e2e) under the SDK of major version `major` with `args` and the
/// deadline; asserts it succeeded and printed its `OK` line.
fn sdk_script(major: u32, server: &Server, script: &str, args: &[&str]) {
    let mut command = mcp_tests::e2e::sdk_script_command(major, script);
    command
        .args(args)
        .args(["--deadline", &SCRIPT_DEADLINE_SECS.to_string()]);
    let output = run(&mut command, SCRIPT_TIMEOUT);
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "{script} (mcp {major}.x) {args:?} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        server.log()
    );
    // Shown with --nocapture: the one-line summary.
    print!("{}", output.stdout);
}

/// Runs sse_clients.py against `server`'s SSE endpoint at `path`.
fn sse_clients(major: u32, server: &Server, path: &str, kind: &str, sessions: usize, calls: usize) {
    let url = server.url(path);
    let (sessions, calls) = (sessions.to_string(), calls.to_string());
    let args = [
        "--url",
        &url,
        "--server",
        kind,
        "--sessions",
        &sessions,
        "--calls",
        &calls,
    ];
    sdk_script(major, server, "sse_clients.py", &args);
}

/// Runs streamable_clients.py against the calculator's `/mcp`, started stateful or stateless.
fn streamable_clients(major: u32, server: &Server, mode: &str, sessions: usize, calls: usize) {
    let url = server.url("/mcp");
    let (sessions, calls) = (sessions.to_string(), calls.to_string());
    let args = [
        "--url",
        &url,
        "--mode",
        mode,
        "--sessions",
        &sessions,
        "--calls",
        &calls,
    ];
    sdk_script(major, server, "streamable_clients.py", &args);
}

#[test]
fn mcp1_fifty_concurrent_sessions_on_four_workers() {
    let server = Server::start("calculator", Some(4));
    sse_clients(1, &server, "/sse", "calculator", 50, 4);
}

#[test]
fn mcp2_fifty_concurrent_sessions_on_four_workers() {
    let server = Server::start("calculator", Some(4));
    sse_clients(2, &server, "/sse", "calculator", 50, 4);
}

#[test]
fn mcp1_mounted_under_api_mcp() {
    let server = Server::start("mount_existing", None);
    sse_clients(1, &server, "/api/mcp/sse", "mount_existing", 5, 3);
}

#[test]
fn mcp2_mounted_under_api_mcp() {
    let server = Server::start("mount_existing", None);
    sse_clients(2, &server, "/api/mcp/sse", "mount_existing", 5, 3);
}

#[test]
fn mcp1_streamable_http_fifty_concurrent_sessions_stateful() {
    let server = Server::start("calculator", Some(4));
    streamable_clients(1, &server, "stateful", 50, 4);
}

#[test]
fn mcp2_streamable_http_fifty_concurrent_sessions_stateful() {
    let server = Server::start("calculator", Some(4));
    streamable_clients(2, &server, "stateful", 50, 4);
}

#[test]
fn mcp1_streamable_http_fifty_concurrent_sessions_stateless() {
    let server = Server::start_with_env("calculator", Some(4), &[("MCP_STATELESS", "1")]);
    streamable_clients(1, &server, "stateless", 50, 4);
}

#[test]
fn mcp2_streamable_http_fifty_concurrent_sessions_stateless() {
    let server = Server::start_with_env("calculator", Some(4), &[("MCP_STATELESS", "1")]);
    streamable_clients(2, &server, "stateless", 50, 4);
}

/// Fifty Python SDK 2.x clients pinned to 2026-07-28, fifty in `auto` (which must choose
/// 2026-07-28) and fifty legacy ones, on one calculator endpoint at the same time: every
/// answer checked (tests/e2e/era_clients.py).
#[test]
fn mcp2_both_eras_fifty_clients_each_on_one_endpoint() {
    let server = Server::start("calculator", Some(2));
    let url = server.url("/mcp");
    let args = [
        "--url",
        &url,
        "--modes",
        "2026-07-28,auto,legacy",
        "--clients",
        "50",
    ];
    sdk_script(2, &server, "era_clients.py", &args);
}

/// A newcomer's tools (the bookshop example: nested structs, enums, options, failures, a slow
/// tool) called by fifty Python SDK 2.x clients pinned to 2026-07-28, fifty in `auto` and
/// fifty legacy ones at the same time on one endpoint, every answer checked.
#[test]
fn mcp2_a_newcomers_tools_fifty_clients_per_era_on_one_endpoint() {
    let server = Server::start("bookshop", Some(2));
    let url = server.url("/mcp");
    let args = ["--url", &url, "--shop", "--clients", "50"];
    sdk_script(2, &server, "era_clients.py", &args);
}

/// `subscriptions/listen` with the Python SDK 2.x `Client.listen`: twenty streams for tool
/// changes and a resource's updates, one for prompt changes, each hearing exactly what it asked
/// for when another client changes the sets (tests/e2e/listen_clients.py).
#[test]
fn mcp2_listen_streams_hear_what_they_asked_for() {
    let server = Server::start("everything", None);
    let url = server.url("/mcp");
    sdk_script(
        2,
        &server,
        "listen_clients.py",
        &["--url", &url, "--clients", "20"],
    );
}

/// One tool body that asks the user (ctx.elicit) answered by a 2026-07-28 client (input
/// required, retry), an `auto` one and a legacy one (a request to the client).
#[test]
fn mcp2_elicitation_in_every_era_with_one_tool_body() {
    let server = Server::start("everything", None);
    let url = server.url("/mcp");
    sdk_script(2, &server, "era_clients.py", &["--url", &url, "--elicit"]);
}
