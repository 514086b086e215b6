//! End to end with the official Python SDK (PyPI `mcp`), both major versions, pinned in
//! tests/e2e/requirements-mcp{1,2}.txt: tests/e2e/sse_clients.py opens many sessions at once with
//! the SDK's `sse_client` + `ClientSession` against the example binaries running as real servers,
//! and checks every reply (see that script for what it asserts).
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

mod e2e_support;

use std::process::Command;
use std::time::Duration;

use e2e_support::{e2e_dir, run, sdk_python, Server};

/// The script gives up by itself after this long (its `--deadline`)...
const SCRIPT_DEADLINE_SECS: u64 = 40;
/// ...and is killed if it has not finished a little later.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(SCRIPT_DEADLINE_SECS + 10);

/// Runs sse_clients.py under the SDK of major version `major` and asserts it succeeded.
fn sse_clients(major: u32, server: &Server, path: &str, kind: &str, sessions: usize, calls: usize) {
    let url = server.url(path);
    let mut command = Command::new(sdk_python(major));
    command
        .current_dir(e2e_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        // httpx honours proxy variables: keep loopback traffic off any proxy.
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .arg("sse_clients.py")
        .args(["--url", &url, "--server", kind])
        .args([
            "--sessions",
            &sessions.to_string(),
            "--calls",
            &calls.to_string(),
        ])
        .args(["--deadline", &SCRIPT_DEADLINE_SECS.to_string()]);
    let output = run(&mut command, SCRIPT_TIMEOUT);
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "sse_clients.py (mcp {major}.x, {sessions} sessions) against {url} failed:\n{}\n--- server output ---\n{}",
        output.describe(),
        server.log()
    );
    // Shown with --nocapture: the one-line summary.
    print!("{}", output.stdout);
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
