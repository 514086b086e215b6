//! The stdio transport: `Stdio::serve_io` over in-memory pipes, then the calculator example
//! binary run with `--stdio` the way desktop clients launch it.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

use mcp_runtime::transport::Stdio as StdioTransport;
use mcp_runtime::{tool, Context, Server};
use mcp_tests::support::serving;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// How long any single wait in these tests may take before the test fails.
const WAIT: Duration = Duration::from_secs(20);

/// Waits until the test opens the gate with this name.
#[tool]
async fn wait(gate: String) -> String {
    let entry = gate_named(&gate);
    entry.entered.add_permits(1);
    entry
        .open
        .acquire()
        .await
        .expect("gates are never closed")
        .forget();
    format!("{gate} opened")
}

/// Counts to `n`, reporting progress and logging.
#[tool]
async fn count(n: u32, ctx: Context) -> String {
    for i in 1..=n {
        ctx.report_progress(f64::from(i), Some(f64::from(n)), None)
            .await;
    }
    ctx.info(format!("counted to {n}")).await;
    n.to_string()
}

/// The client's roots, asked through the session.
#[tool]
async fn roots(ctx: Context) -> Result<String, String> {
    let roots = ctx.list_roots().await.map_err(|err| err.to_string())?;
    Ok(roots
        .iter()
        .map(|root| root.uri.as_str())
        .collect::<Vec<_>>()
        .join(" "))
}

/// A gate a `wait` call blocks on: the test learns that the call started, then lets it finish.
struct Gate {
    entered: Semaphore,
    open: Semaphore,
}

fn gate_named(name: &str) -> Arc<Gate> {
    static GATES: LazyLock<Mutex<HashMap<String, Arc<Gate>>>> = LazyLock::new(Default::default);
    let mut gates = GATES.lock().unwrap();
    let gate = gates.entry(name.to_owned()).or_insert_with(|| {
        Arc::new(Gate {
            entered: Semaphore::new(0),
            open: Semaphore::new(0),
        })
    });
    Arc::clone(gate)
}

async fn until_entered(name: &str) {
    let gate = gate_named(name);
    tokio::time::timeout(WAIT, gate.entered.acquire())
        .await
        .unwrap_or_else(|_| panic!("the `wait` call on gate {name} never started"))
        .unwrap()
        .forget();
}

fn open(name: &str) {
    gate_named(name).open.add_permits(1);
}

/// A server running `serve_io` on in-memory pipes, and the client's ends of them.
struct Pipes {
    input: Option<DuplexStream>,
    output: Lines<BufReader<DuplexStream>>,
    served: JoinHandle<io::Result<()>>,
}

impl Pipes {
    fn start(server: &Server) -> Pipes {
        Pipes::serve(server.stdio())
    }

    fn serve(stdio: StdioTransport) -> Pipes {
        let (input, server_input) = tokio::io::duplex(64 * 1024);
        let (server_output, output) = tokio::io::duplex(64 * 1024);
        // `tokio::spawn` also checks that the transport's future is `Send`.
        let served = tokio::spawn(async move { stdio.serve_io(server_input, server_output).await });
        Pipes {
            input: Some(input),
            output: BufReader::new(output).lines(),
            served,
        }
    }

    async fn write_raw(&mut self, bytes: &[u8]) {
        let input = self.input.as_mut().expect("input still open");
        input.write_all(bytes).await.expect("server reads input");
    }

    async fn send(&mut self, message: Value) {
        self.write_raw(format!("{message}\n").as_bytes()).await;
    }

    /// The next line the server wrote, which must be one JSON object.
    async fn recv(&mut self) -> Value {
        let line = self
            .next_line()
            .await
            .expect("a message, not the end of the output");
        let value: Value = serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("output line is not JSON ({err}): {line:?}"));
        assert!(value.is_object(), "one message per line: {line}");
        value
    }

    async fn next_line(&mut self) -> Option<String> {
        tokio::time::timeout(WAIT, self.output.next_line())
            .await
            .expect("the server writes within the time limit")
            .expect("the output is readable")
    }

    async fn initialize(&mut self) -> Value {
        self.send(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "stdio-test", "version": "1"}}}),
        )
        .await;
        let response = self.recv().await;
        assert_eq!(response["id"], 0, "{response}");
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        response
    }

    fn close_input(&mut self) {
        self.input = None;
    }

    /// Closes the input, expects the output to end with nothing more, and returns what
    /// `serve_io` returned.
    async fn finish(mut self) -> io::Result<()> {
        self.close_input();
        assert_eq!(
            self.next_line().await,
            None,
            "nothing after the last response"
        );
        tokio::time::timeout(WAIT, self.served)
            .await
            .expect("serve_io returns once the input has ended")
            .expect("serve_io does not panic")
    }
}

fn call(id: i64, name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": name, "arguments": arguments}})
}

fn server() -> Server {
    // `add` is the support library's.
    serving(&["add", "count", "roots", "wait"])
        .name("stdio-test")
        .build()
        .unwrap()
}

#[tokio::test]
async fn initialize_list_and_call_one_message_per_line() {
    let mut pipes = Pipes::start(&server());
    let init = pipes.initialize().await;
    assert_eq!(init["jsonrpc"], "2.0");
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(init["result"]["serverInfo"]["name"], "stdio-test");
    assert_eq!(
        init["result"]["capabilities"]["tools"],
        json!({"listChanged": true})
    );

    pipes
        .send(json!({"jsonrpc": "2.0", "id": "list", "method": "tools/list"}))
        .await;
    let list = pipes.recv().await;
    assert_eq!(list["id"], "list");
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["add", "count", "roots", "wait"]);
    assert_eq!(
        list["result"]["tools"][0]["inputSchema"]["required"],
        json!(["a", "b"])
    );

    pipes.send(call(2, "add", json!({"a": 2, "b": 3}))).await;
    assert_eq!(
        pipes.recv().await,
        json!({"jsonrpc": "2.0", "id": 2,
               "result": {"content": [{"type": "text", "text": "5"}], "isError": false}})
    );
    pipes.finish().await.expect("a clean end of input is Ok");
}

#[tokio::test]
async fn malformed_lines_are_answered_and_reading_goes_on() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;

    pipes.write_raw(b"this is not JSON\n").await;
    let error = pipes.recv().await;
    assert_eq!(error["id"], Value::Null, "{error}");
    assert_eq!(error["error"]["code"], -32700, "{error}");

    pipes
        .write_raw(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\xff}\n")
        .await;
    assert_eq!(pipes.recv().await["error"]["code"], -32700, "invalid UTF-8");

    // Not a valid request, but its id is recoverable: the error carries it.
    pipes.send(json!({"id": 7, "method": "ping"})).await;
    let error = pipes.recv().await;
    assert_eq!(error["id"], 7, "{error}");
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("jsonrpc"),
        "{error}"
    );

    pipes
        .send(json!([{"jsonrpc": "2.0", "id": 8, "method": "ping"}]))
        .await;
    let error = pipes.recv().await;
    assert_eq!(
        (&error["id"], &error["error"]["code"]),
        (&Value::Null, &json!(-32600))
    );

    // Blank lines are skipped; CRLF line endings are accepted.
    pipes.write_raw(b"\n   \n\r\n\t\n").await;
    pipes
        .write_raw(b"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\r\n")
        .await;
    assert_eq!(
        pipes.recv().await,
        json!({"jsonrpc": "2.0", "id": 9, "result": {}})
    );

    pipes.send(call(10, "add", json!({"a": 1, "b": 1}))).await;
    assert_eq!(pipes.recv().await["result"]["content"][0]["text"], "2");
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn an_overlong_line_is_skipped_and_answered() {
    let server = serving(&["add"]).build().unwrap();
    let mut pipes = Pipes::serve(server.stdio().max_line_bytes(200));
    pipes.initialize().await;
    let huge = call(
        1,
        "add",
        json!({"a": 1, "b": 2, "padding": "x".repeat(10_000)}),
    );
    pipes.send(huge).await;
    let error = pipes.recv().await;
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 200 bytes"),
        "{error}"
    );
    pipes.send(call(2, "add", json!({"a": 1, "b": 2}))).await;
    let response = pipes.recv().await;
    assert_eq!(response["id"], 2);
    assert_eq!(response["result"]["content"][0]["text"], "3");
    pipes.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_run_concurrently_and_lines_never_interleave() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;

    // A request held in flight does not hold up the ones after it.
    pipes
        .send(call(1, "wait", json!({"gate": "concurrent"})))
        .await;
    until_entered("concurrent").await;
    pipes
        .send(json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}))
        .await;
    assert_eq!(pipes.recv().await["id"], 2);

    // Many responses written at once still come out one whole message per line.
    let padding = "p".repeat(4096);
    let mut batch = String::new();
    for id in 100..164 {
        let request = call(id, "add", json!({"a": id, "b": 0}));
        batch.push_str(&format!("{request}\n"));
        let echo = json!({"jsonrpc": "2.0", "id": format!("ping-{id}"), "method": "ping",
                          "params": {"_meta": {"padding": padding}}});
        batch.push_str(&format!("{echo}\n"));
    }
    pipes.write_raw(batch.as_bytes()).await;
    let mut seen = HashSet::new();
    for _ in 0..128 {
        let response = pipes.recv().await;
        assert!(response.get("result").is_some(), "{response}");
        if let Some(id) = response["id"].as_i64() {
            assert_eq!(
                response["result"]["content"][0]["text"],
                id.to_string(),
                "{response}"
            );
        }
        assert!(
            seen.insert(response["id"].to_string()),
            "duplicate {response}"
        );
    }

    open("concurrent");
    let held = pipes.recv().await;
    assert_eq!(held["id"], 1);
    assert_eq!(held["result"]["content"][0]["text"], "concurrent opened");
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn initialize_sent_without_waiting_is_answered_before_what_follows() {
    let mut pipes = Pipes::start(&server());
    let mut lines = String::new();
    for message in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {},
            "clientInfo": {"name": "script", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        call(2, "add", json!({"a": 20, "b": 22})),
    ] {
        lines.push_str(&format!("{message}\n"));
    }
    pipes.write_raw(lines.as_bytes()).await;
    let init = pipes.recv().await;
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["protocolVersion"], "2025-03-26");
    let sum = pipes.recv().await;
    assert_eq!(sum["id"], 2);
    assert_eq!(sum["result"]["content"][0]["text"], "42", "{sum}");
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn end_of_input_waits_for_running_requests_and_writes_their_responses() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;
    pipes.send(call(9, "wait", json!({"gate": "eof"}))).await;
    until_entered("eof").await;
    pipes.close_input();

    // Still serving: the running request has not answered yet.
    let still_running = tokio::time::timeout(Duration::from_millis(200), &mut pipes.served).await;
    assert!(
        still_running.is_err(),
        "serve_io returned before the running request ended"
    );

    open("eof");
    let response = pipes.recv().await;
    assert_eq!(response["id"], 9);
    assert_eq!(response["result"]["content"][0]["text"], "eof opened");
    pipes.finish().await.expect("a clean end of input is Ok");
}

#[tokio::test]
async fn server_notifications_are_written_as_lines() {
    let server = server();
    let mut pipes = Pipes::start(&server);
    pipes.initialize().await;
    let reached = server.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "hello"}),
    );
    assert_eq!(reached, 1);
    assert_eq!(
        pipes.recv().await,
        json!({"jsonrpc": "2.0", "method": "notifications/message",
               "params": {"level": "info", "data": "hello"}})
    );
    pipes.finish().await.unwrap();
    assert_eq!(
        server.notify_all("notifications/message", json!({})),
        0,
        "a finished stdio session is no longer reached"
    );
}

#[tokio::test]
async fn progress_and_logs_of_a_request_come_before_its_response() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;
    pipes
        .send(
            json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "count", "arguments": {"n": 3}, "_meta": {"progressToken": "count-3"}}}),
        )
        .await;
    for i in 1..=3 {
        assert_eq!(
            pipes.recv().await,
            json!({"jsonrpc": "2.0", "method": "notifications/progress",
                   "params": {"progressToken": "count-3", "progress": f64::from(i), "total": 3.0}})
        );
    }
    let log = pipes.recv().await;
    assert_eq!(log["method"], "notifications/message", "{log}");
    assert_eq!(log["params"]["data"], "counted to 3");
    let response = pipes.recv().await;
    assert_eq!(response["id"], 3);
    assert_eq!(response["result"]["content"][0]["text"], "3");
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn a_cancelled_request_gets_no_response() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;
    // A gate that never opens: only the cancellation ends this call.
    pipes.send(call(4, "wait", json!({"gate": "cancel"}))).await;
    until_entered("cancel").await;
    pipes
        .send(
            json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": 4, "reason": "changed my mind"}}),
        )
        .await;
    pipes
        .send(json!({"jsonrpc": "2.0", "id": 5, "method": "ping"}))
        .await;
    assert_eq!(pipes.recv().await["id"], 5);
    // `finish` checks that nothing else (no response to 4) is written before the end.
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn a_tool_asks_the_client_and_gets_its_answer_over_stdio() {
    let mut pipes = Pipes::start(&server());
    pipes
        .send(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {"roots": {}},
            "clientInfo": {"name": "stdio-test", "version": "1"}}}),
        )
        .await;
    pipes.recv().await;
    pipes.send(call(1, "roots", json!({}))).await;
    let request = pipes.recv().await;
    assert_eq!(request["method"], "roots/list", "{request}");
    pipes
        .send(json!({"jsonrpc": "2.0", "id": request["id"],
                     "result": {"roots": [{"uri": "file:///work", "name": "work"}]}}))
        .await;
    let response = pipes.recv().await;
    assert_eq!(response["id"], 1);
    assert_eq!(response["result"]["content"][0]["text"], "file:///work");
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn a_client_closing_the_output_ends_the_session_cleanly() {
    let mut pipes = Pipes::start(&server());
    pipes.initialize().await;
    let Pipes {
        input,
        output,
        served,
    } = pipes;
    drop(output);
    let mut input = input.unwrap();
    // The response to this ping has nowhere to go.
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let _ = input.write_all(format!("{ping}\n").as_bytes()).await;
    let result = tokio::time::timeout(WAIT, served)
        .await
        .expect("serve_io returns once the output is closed")
        .unwrap();
    assert!(
        result.is_ok(),
        "a closed output is the client leaving: {result:?}"
    );
}

// The real binary, as a desktop client runs it.

/// The calculator example, built (once per test process) in this test's profile.
fn calculator_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            // This test runs as <target>/<profile>/deps/<test>-<hash>; binaries land in <profile>.
            let exe = std::env::current_exe().expect("current_exe");
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("the test runs in <target>/<profile>/deps")
                .to_path_buf();
            let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
                Some("debug") | None => "dev".to_owned(),
                Some(other) => other.to_owned(),
            };
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(&cargo)
                .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
                .args(["build", "-p", "mcp-examples", "--bin", "calculator"])
                .args(["--profile", &profile])
                .status()
                .expect("run cargo");
            assert!(status.success(), "building the calculator failed: {status}");
            let binary = profile_dir.join(format!("calculator{}", std::env::consts::EXE_SUFFIX));
            assert!(binary.is_file(), "{} is missing", binary.display());
            binary
        })
        .clone()
}

/// A child process killed (by pid) and reaped when the test ends early.
struct ChildGuard(Option<Child>);

impl ChildGuard {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("the child is running")
    }

    /// Waits for the exit, up to `limit`; kills the process if it does not exit by then.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child().try_wait().expect("try_wait") {
                self.0 = None;
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn calculator_binary_serves_stdio_and_exits_when_stdin_closes() {
    let binary = calculator_binary();
    let child = Command::new(&binary)
        .arg("--stdio")
        .env_remove("MCP_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("start {}: {err}", binary.display()));
    let mut guard = ChildGuard(Some(child));
    let mut stdin = guard.child().stdin.take().unwrap();
    let stdout = guard.child().stdout.take().unwrap();
    let mut stderr = guard.child().stderr.take().unwrap();

    // Read stdout on a thread, so that every read has a time limit.
    let (lines_sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines_sender.send(line).is_err() {
                return;
            }
        }
    });
    let stderr_text = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });

    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "stdio-test", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        call(2, "add", json!({"a": 2, "b": 3})),
    ];
    for request in &requests {
        writeln!(stdin, "{request}").expect("write to the server's stdin");
    }
    stdin.flush().unwrap();

    let next_message = || -> Value {
        let line = lines
            .recv_timeout(WAIT)
            .expect("the calculator answers in time")
            .expect("stdout is readable");
        serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("stdout carries only JSON-RPC lines ({err}): {line:?}"))
    };
    let mut init = next_message();
    // Capabilities grow with the runtime's features: only the tools entry is pinned here.
    let capabilities = init["result"]
        .as_object_mut()
        .and_then(|result| result.remove("capabilities"))
        .unwrap_or_else(|| panic!("initialize result with capabilities: {init}"));
    assert_eq!(capabilities["tools"], json!({"listChanged": true}));
    assert_eq!(
        init,
        json!({"jsonrpc": "2.0", "id": 1, "result": {
            "protocolVersion": "2025-06-18",
            "serverInfo": {"name": "calculator", "version": env!("CARGO_PKG_VERSION")}}})
    );
    assert_eq!(
        next_message(),
        json!({"jsonrpc": "2.0", "id": 2, "result": {
            "content": [{"type": "text", "text": "5"}], "isError": false}})
    );

    drop(stdin);
    let status = guard
        .wait_for_exit(WAIT)
        .expect("the calculator exits once its stdin is closed");
    assert!(status.success(), "exit status {status}");
    // The reader thread ends at the end of stdout: nothing else may come before it.
    match lines.recv_timeout(WAIT) {
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {}
        other => panic!("nothing else on stdout, then its end; got {other:?}"),
    }
    let stderr_text = stderr_text.join().unwrap();
    assert!(
        stderr_text.contains("stdio"),
        "diagnostics go to stderr: {stderr_text:?}"
    );
}

#[tokio::test]
async fn a_batch_line_at_2025_03_26_is_answered_with_one_array_line() {
    let server = server();
    let mut pipes = Pipes::start(&server);
    pipes
        .send(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"}}}),
        )
        .await;
    assert_eq!(
        pipes.recv().await["result"]["protocolVersion"],
        "2025-03-26"
    );
    pipes
        .send(json!([
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            call(1, "add", json!({"a": 2, "b": 3})),
            {"jsonrpc": "2.0", "id": 2, "method": "ping"},
        ]))
        .await;
    let line = pipes.next_line().await.expect("the batch's answer");
    let answer: Value = serde_json::from_str(&line).expect("one JSON array on one line");
    assert_eq!(
        answer,
        json!([
            {"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "5"}], "isError": false}},
            {"jsonrpc": "2.0", "id": 2, "result": {}},
        ])
    );
    // A later revision would refuse it; this one goes on serving single messages.
    pipes
        .send(json!({"jsonrpc": "2.0", "id": 3, "method": "ping"}))
        .await;
    assert_eq!(pipes.recv().await["id"], 3);
    pipes.finish().await.expect("clean end");
}

/// `params` with the `_meta` of an MCP 2026-07-28 request (log messages at info and above).
fn modern(id: i64, method: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {"roots": {}},
        "io.modelcontextprotocol/logLevel": "info",
    });
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

#[tokio::test]
async fn modern_requests_are_served_before_and_beside_a_legacy_session() {
    let mut pipes = Pipes::start(&server());
    // The probe of a dual-era client: no `initialize` needed.
    pipes.send(modern(1, "server/discover", json!({}))).await;
    let discovered = pipes.recv().await;
    assert_eq!(
        discovered["result"]["supportedVersions"],
        json!(["2026-07-28"]),
        "{discovered}"
    );
    // Progress and logs of a modern request come on the same output, before its answer.
    let mut counting = modern(
        2,
        "tools/call",
        json!({"name": "count", "arguments": {"n": 2}}),
    );
    counting["params"]["_meta"]["progressToken"] = json!("t");
    pipes.send(counting).await;
    let mut seen = Vec::new();
    loop {
        let message = pipes.recv().await;
        let done = message["id"] == 2;
        seen.push(message);
        if done {
            break;
        }
    }
    let methods: Vec<&str> = seen.iter().filter_map(|m| m["method"].as_str()).collect();
    assert_eq!(
        methods,
        [
            "notifications/progress",
            "notifications/progress",
            "notifications/message"
        ]
    );
    let answer = seen.last().unwrap();
    assert_eq!(answer["result"]["resultType"], "complete");
    assert_eq!(answer["result"]["content"][0]["text"], "2");

    // A question to the client is asked across rounds, never as a request on the output.
    pipes
        .send(modern(
            3,
            "tools/call",
            json!({"name": "roots", "arguments": {}}),
        ))
        .await;
    let asked = pipes.recv().await;
    assert_eq!(asked["id"], 3);
    assert_eq!(asked["result"]["resultType"], "input_required", "{asked}");
    assert_eq!(
        asked["result"]["inputRequests"]["roots-1"]["method"],
        "roots/list"
    );

    // Without `_meta`, the process speaks the handshake era once initialized.
    pipes.initialize().await;
    pipes.send(call(4, "count", json!({"n": 1}))).await;
    // (A legacy session hears every log message until it sets a level.)
    let mut legacy = pipes.recv().await;
    while legacy["method"] == "notifications/message" {
        legacy = pipes.recv().await;
    }
    assert_eq!(legacy["id"], 4, "{legacy}");
    assert!(legacy["result"].get("resultType").is_none(), "{legacy}");

    // A modern request is the connection's to cancel.
    pipes
        .send(modern(
            5,
            "tools/call",
            json!({"name": "wait", "arguments": {"gate": "modern"}}),
        ))
        .await;
    until_entered("modern").await;
    pipes
        .send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5}}))
        .await;
    pipes.send(modern(6, "tools/list", json!({}))).await;
    assert_eq!(pipes.recv().await["id"], 6);
    // A bad `_meta` is answered, and reading goes on.
    pipes
        .send(
            json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {
            "_meta": {"io.modelcontextprotocol/protocolVersion": "1999-01-01",
                      "io.modelcontextprotocol/clientCapabilities": {}}}}),
        )
        .await;
    let refused = pipes.recv().await;
    assert_eq!(refused["error"]["code"], -32022, "{refused}");
    // `finish` checks that nothing else (no answer to 5) is written before the end.
    pipes.finish().await.unwrap();
}

#[tokio::test]
async fn listen_streams_share_the_output_tagged_and_end_with_the_input() {
    let server = server();
    let mut pipes = Pipes::start(&server);
    let tools_only = json!({"notifications": {"toolsListChanged": true}});
    pipes
        .send(modern(10, "subscriptions/listen", tools_only.clone()))
        .await;
    pipes
        .send(modern(11, "subscriptions/listen", tools_only))
        .await;
    let mut acknowledged = Vec::new();
    for _ in 0..2 {
        let ack = pipes.recv().await;
        assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
        acknowledged.push(ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"].clone());
    }
    acknowledged.sort_by_key(|id| id.as_i64());
    assert_eq!(acknowledged, [json!(10), json!(11)]);

    // One change, heard once on each subscription, each telling which it belongs to.
    assert!(server.disable_tool("count"));
    let mut heard = Vec::new();
    for _ in 0..2 {
        let changed = pipes.recv().await;
        assert_eq!(changed["method"], "notifications/tools/list_changed");
        heard.push(changed["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"].clone());
    }
    heard.sort_by_key(|id| id.as_i64());
    assert_eq!(heard, [json!(10), json!(11)]);

    // The client cancels one: it gets no answer, and hears nothing more.
    pipes
        .send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 10}}))
        .await;
    mcp_tests::support::eventually("the cancelled subscription is forgotten", || {
        server.subscription_count() == 1
    })
    .await;
    assert!(server.enable_tool("count"));
    let changed = pipes.recv().await;
    assert_eq!(
        changed["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        11
    );

    // The input ends: the open subscription ends, saying so, and the process can exit.
    pipes.close_input();
    let cancelled = pipes.recv().await;
    assert_eq!(
        cancelled["method"], "notifications/cancelled",
        "{cancelled}"
    );
    assert_eq!(cancelled["params"]["requestId"], 11);
    let ended = pipes.recv().await;
    assert_eq!(ended["id"], 11, "{ended}");
    assert_eq!(
        ended["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"],
        11
    );
    pipes.finish().await.expect("clean end");
    assert_eq!(server.subscription_count(), 0);
}

#[tokio::test]
async fn a_listen_stream_waits_for_room_on_a_full_output_and_loses_no_change() {
    let server = server();
    // A one-message queue before a pipe the client does not read yet: the output fills.
    let (mut input, server_input) = tokio::io::duplex(64 * 1024);
    let (server_output, output) = tokio::io::duplex(256);
    let stdio = server.stdio().outbound_queue(1);
    let served = tokio::spawn(async move { stdio.serve_io(server_input, server_output).await });
    let listen = modern(
        20,
        "subscriptions/listen",
        json!({"notifications": {"toolsListChanged": true}}),
    );
    input
        .write_all(format!("{listen}\n").as_bytes())
        .await
        .unwrap();
    mcp_tests::support::eventually("the listener is registered", || {
        server.subscription_count() == 1
    })
    .await;
    // Progress lines of a busy request, unread, fill the pipe and the queue.
    let mut counting = modern(
        21,
        "tools/call",
        json!({"name": "count", "arguments": {"n": 50}}),
    );
    counting["params"]["_meta"]["progressToken"] = json!("p");
    input
        .write_all(format!("{counting}\n").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.disable_tool("count"));
    // Now the client reads: the change arrives, and the subscription is still open.
    let mut lines = BufReader::new(output).lines();
    let mut changed = false;
    while !changed {
        let line = tokio::time::timeout(WAIT, lines.next_line())
            .await
            .expect("the server writes in time")
            .unwrap()
            .expect("a line");
        let message: Value = serde_json::from_str(&line).unwrap();
        assert_ne!(message["id"], 20, "the subscription did not end: {message}");
        changed = message["method"] == "notifications/tools/list_changed";
    }
    assert_eq!(server.subscription_count(), 1);
    drop(input);
    while let Some(line) = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("the output ends in time")
        .unwrap()
    {
        drop(line);
    }
    served.await.unwrap().unwrap();
    assert_eq!(server.subscription_count(), 0);
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Proceed {
    proceed: bool,
}

/// Works a moment, then asks whether to go on: as a task, when the client supports them.
#[tool(name = "stdio.task", task = "optional")]
async fn stdio_task(ctx: Context) -> Result<String, mcp_runtime::context::ClientRequestError> {
    ctx.report_progress(0.0, None, Some("warming up")).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let answer = ctx.keyed("proceed").elicit::<Proceed>("Go on?").await?;
    Ok(match answer {
        mcp_runtime::context::Elicitation::Accept(Proceed { proceed: true }) => "went on".into(),
        _ => "stopped".into(),
    })
}

/// A modern request from a client that declares the tasks extension.
fn with_tasks(id: i64, method: &str, params: Value) -> Value {
    let mut request = modern(id, method, params);
    request["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"] =
        json!({"elicitation": {}, "extensions": {"io.modelcontextprotocol/tasks": {}}});
    request
}

#[tokio::test]
async fn a_task_runs_asks_and_completes_over_stdio_with_only_responses_on_the_output() {
    let server = serving(&["stdio.task"]).name("stdio-test").build().unwrap();
    let mut pipes = Pipes::start(&server);
    pipes
        .send(with_tasks(1, "tools/call", json!({"name": "stdio.task"})))
        .await;
    let created = pipes.recv().await;
    assert_eq!(created["id"], 1, "{created}");
    assert_eq!(created["result"]["resultType"], "task", "{created}");
    let task = created["result"]["taskId"].as_str().unwrap().to_owned();
    let mut id = 2;
    let mut get = async |pipes: &mut Pipes| {
        id += 1;
        pipes
            .send(with_tasks(id, "tasks/get", json!({ "taskId": task })))
            .await;
        // Every line is a response: no progress, no log, no request to the client.
        let answer = pipes.recv().await;
        assert_eq!(answer["id"], id, "{answer}");
        answer["result"].clone()
    };
    let deadline = Instant::now() + WAIT;
    let waiting = loop {
        let state = get(&mut pipes).await;
        if state["status"] == "input_required" {
            break state;
        }
        assert!(Instant::now() < deadline, "never asked: {state}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(
        waiting["inputRequests"]["proceed"]["method"],
        "elicitation/create"
    );
    let answer = json!({"proceed": {"action": "accept", "content": {"proceed": true}}});
    pipes
        .send(with_tasks(
            2,
            "tasks/update",
            json!({"taskId": task, "inputResponses": answer}),
        ))
        .await;
    let ack = pipes.recv().await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    let done = loop {
        let state = get(&mut pipes).await;
        if state["status"] == "completed" {
            break state;
        }
        assert!(Instant::now() < deadline, "never completed: {state}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(done["result"]["content"][0]["text"], "went on", "{done}");
    pipes.finish().await.expect("clean end");
}
