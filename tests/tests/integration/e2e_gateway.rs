//! The `gateway` example end to end: the MCP Inspector 2.x CLI lists and calls, through it, a
//! mounted tool (`calc_add`) and a proxied one, for three upstreams nobody here wrote or that
//! speak another transport: the everything example (ours) over Streamable HTTP, the TypeScript
//! SDK's `server-everything` over stdio, and a Python FastMCP server (SDK 1.x) over HTTP+SSE.
//! The gateway is reached over Streamable HTTP in both eras and over HTTP+SSE.
//!
//! Needs `scripts/setup-e2e.sh` to have been run; fails (never skips) when it has not.

use std::net::{SocketAddr, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

use mcp_tests::e2e::{
    free_port, inspector2, run, sdk_script_command, server_everything_stdio, ChildGuard, Server,
};
use serde_json::Value;

const INSPECTOR_TIMEOUT: Duration = Duration::from_secs(60);

fn inspector(args: &[&str], log: impl Fn() -> String) -> Value {
    let mut command = inspector2();
    command.args(args);
    let output = run(&mut command, INSPECTOR_TIMEOUT);
    assert!(
        output.status.success(),
        "inspector --cli {args:?} failed:\n{}\n--- gateway output ---\n{}",
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

fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Lists and calls through `gateway` over each of its endpoints and eras: `calc_add`, and the
/// proxied `tool` with `args`, whose first text must contain `expected`.
fn check_gateway(gateway: &Server, tool: &str, args: &[&str], expected: &str) {
    let mcp = gateway.url("/mcp");
    let sse = gateway.url("/sse");
    let targets: [(&str, &[&str]); 3] = [
        (
            "modern",
            &[&mcp, "--transport", "http", "--protocol-era", "modern"],
        ),
        (
            "legacy",
            &[&mcp, "--transport", "http", "--protocol-era", "legacy"],
        ),
        ("sse", &[&sse, "--transport", "sse"]),
    ];
    for (how, target) in targets {
        let listed = inspector(&[target, &["--method", "tools/list"]].concat(), || {
            gateway.log()
        });
        let names: Vec<&str> = listed["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("{how}: no tools: {listed:#}"))
            .iter()
            .filter_map(|tool| tool["name"].as_str())
            .collect();
        assert!(
            names.contains(&"calc_add") && names.contains(&tool),
            "{how}: {names:?}"
        );
        let add = [
            target,
            &[
                "--method",
                "tools/call",
                "--tool-name",
                "calc_add",
                "--tool-arg",
                "a=2",
                "--tool-arg",
                "b=40",
            ],
        ]
        .concat();
        assert_eq!(text(&inspector(&add, || gateway.log())), "42", "{how}");
        let mut call = [target, &["--method", "tools/call", "--tool-name", tool]].concat();
        for arg in args {
            call.extend(["--tool-arg", arg]);
        }
        let result = inspector(&call, || gateway.log());
        assert!(
            text(&result).contains(expected) && result["isError"] != true,
            "{how}: {tool} answered {result:#}"
        );
    }
}

#[test]
fn the_inspector_calls_through_the_gateway_a_server_of_ours_over_streamable_http() {
    let upstream = Server::start("everything", None);
    let gateway =
        Server::start_with_env("gateway", None, &[("MCP_UPSTREAM", &upstream.url("/mcp"))]);
    check_gateway(&gateway, "up_greet", &["name=Ada"], "Ada");
    // Progress and logs of the upstream reach the Inspector's client through the proxy.
    check_gateway(&gateway, "up_test_tool_with_progress", &[], "");
}

#[test]
fn the_inspector_calls_through_the_gateway_the_typescript_server_everything_over_stdio() {
    let command = server_everything_stdio();
    let gateway = Server::start_with_env("gateway", None, &[("MCP_UPSTREAM", &command)]);
    check_gateway(
        &gateway,
        "up_echo",
        &["message=hello there"],
        "Echo: hello there",
    );
    check_gateway(&gateway, "up_get-sum", &["a=20", "b=22"], "42");
}

#[test]
fn the_inspector_calls_through_the_gateway_a_python_fastmcp_server_over_sse() {
    let port = free_port();
    let mut command = sdk_script_command(1, "fastmcp_server.py");
    command
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _python = ChildGuard::spawn(&mut command, false);
    wait_for_port(port);
    let url = format!("http://127.0.0.1:{port}/sse");
    let gateway = Server::start_with_env("gateway", None, &[("MCP_UPSTREAM", &url)]);
    check_gateway(&gateway, "up_shout", &["text=quiet"], "QUIET");
    check_gateway(&gateway, "up_steps", &["count=3"], "3 steps");
}

fn wait_for_port(port: u16) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
