//! Three replicas of the everything example sharing one real Redis (`MCP_REDIS_URL`), behind
//! nginx with plain round-robin (the shipped `deploy/nginx.conf.template`, no sticky routing):
//! the conformance suite's 2025-11-25 and 2026-07-28 requirement sets (tasks included) through
//! the balancer; an HTTP+SSE session whose every POST lands on whichever replica nginx picks;
//! the Python SDK 1.x over HTTP+SSE and 2.x over stateful Streamable HTTP, 20 sessions each;
//! a replica killed and Redis restarted, with new sessions of both transports working after;
//! and a Streamable HTTP session outliving the replica that held its stream.

use std::time::Duration;

use mcp_tests::e2e::{e2e_dir, run, Nginx, RedisServer, Server};
use mcp_tests::support::SseClient;
use serde_json::json;

/// A Redis, three everything replicas sharing it, and nginx in front.
struct Deployment {
    nginx: Nginx,
    replicas: Vec<Server>,
    redis: RedisServer,
}

impl Deployment {
    fn start() -> Deployment {
        let redis = RedisServer::start();
        let url = redis.url();
        let replicas: Vec<Server> = (0..3)
            .map(|_| Server::start_with_env("everything", Some(1), &[("MCP_REDIS_URL", &url)]))
            .collect();
        let ports: Vec<u16> = replicas.iter().map(|replica| replica.addr.port()).collect();
        Deployment {
            nginx: Nginx::start(&ports),
            replicas,
            redis,
        }
    }

    fn logs(&self) -> String {
        self.replicas
            .iter()
            .map(Server::log)
            .collect::<Vec<_>>()
            .join("\n--- next replica ---\n")
    }
}

/// Runs the conformance suite's `requirements` set (0.2.0-alpha.12) through the balancer and
/// asserts 0 failed; returns its stdout.
fn conformance_through_nginx(requirements: &str) -> String {
    let deployment = Deployment::start();
    let url = deployment.nginx.url("/mcp");
    let mut command = mcp_tests::e2e::conformance_2026();
    command
        .current_dir(e2e_dir())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .args(["server", "--url", &url, "--requirements", requirements]);
    let output = run(&mut command, Duration::from_secs(600));
    let total = output
        .stdout
        .lines()
        .find(|line| line.starts_with("Total: "))
        .unwrap_or_default()
        .to_owned();
    let failing: Vec<&str> = output
        .stdout
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    assert!(
        total.ends_with(" 0 failed") && failing.is_empty(),
        "{requirements} through nginx: {total}; failing: {failing:#?}\n{}\n--- replicas ---\n{}",
        output.describe(),
        deployment.logs()
    );
    println!("conformance {requirements} through nginx over 3 replicas: {total}");
    output.stdout
}

#[test]
fn conformance_2026_07_28_through_nginx_round_robin_over_three_replicas() {
    let stdout = conformance_through_nginx("2026-07-28");
    let tasks = stdout
        .lines()
        .filter(|line| line.starts_with("✓ tasks-"))
        .count();
    assert!(
        tasks >= 10,
        "the tasks scenarios did not all run:\n{stdout}"
    );
}

/// The handshake era's set: stateful Streamable HTTP sessions (sampling, elicitation, logging
/// levels, subscriptions, the GET stream, DELETE), every request on whichever replica nginx
/// picks.
#[test]
fn conformance_2025_11_25_through_nginx_round_robin_over_three_replicas() {
    let stdout = conformance_through_nginx("2025-11-25");
    assert!(
        stdout.contains("✓ tools-call-sampling") && stdout.contains("✓ resources-subscribe"),
        "the session scenarios did not run:\n{stdout}"
    );
}

#[actix_web::test]
async fn an_sse_session_works_through_nginx_round_robin() {
    let deployment = Deployment::start();
    let addr = ([127, 0, 0, 1], deployment.nginx.port).into();
    let mut client = SseClient::initialized_with(addr, "/sse", json!({"sampling": {}})).await;
    // Progress and sampling, each POST landing on whichever replica nginx picks.
    for round in 0..6 {
        let id = client
            .start_request(
                "tools/call",
                json!({"name": "test_tool_with_progress", "arguments": {},
                       "_meta": {"progressToken": format!("p{round}")}}),
            )
            .await;
        let mut progress = 0;
        loop {
            let message = client.receive().await;
            if message["method"] == "notifications/progress" {
                assert_eq!(message["params"]["progressToken"], format!("p{round}"));
                progress += 1;
                continue;
            }
            assert_eq!(message["id"], id, "{message}");
            break;
        }
        assert!(progress >= 1, "no progress in round {round}");
        let id = client
            .start_request(
                "tools/call",
                json!({"name": "test_sampling", "arguments": {"prompt": "hi"}}),
            )
            .await;
        let asked = client.receive().await;
        assert_eq!(asked["method"], "sampling/createMessage", "{asked}");
        client
            .send(&json!({"jsonrpc": "2.0", "id": asked["id"], "result": {
                "role": "assistant", "content": {"type": "text", "text": format!("answer {round}")},
                "model": "m"}}))
            .await;
        let answered = client.receive().await;
        assert_eq!(answered["id"], id, "{answered}");
        let text = answered["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.contains(&format!("answer {round}")), "{answered}");
    }
}

/// Runs a Python SDK script (SDK `major`) through nginx at `path`, twenty sessions at once, and
/// asserts it printed `OK`.
fn python_through_nginx(major: u32, script: &str, path: &str) {
    let deployment = Deployment::start();
    let url = deployment.nginx.url(path);
    let mut command = mcp_tests::e2e::sdk_script_command(major, script);
    command
        .args(["--url", &url, "--sessions", "20", "--rounds", "2"])
        .args(["--deadline", "90"]);
    let output = run(&mut command, Duration::from_secs(120));
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "{script} through nginx failed:\n{}\n--- replicas ---\n{}",
        output.describe(),
        deployment.logs()
    );
    print!("{}", output.stdout);
}

/// The Python SDK 1.x over HTTP+SSE through nginx, twenty sessions at once, each with progress
/// and a sampling request answered by its own callback (tests/e2e/replica_clients.py).
#[test]
fn python_sdk_sessions_over_sse_through_nginx_round_robin() {
    python_through_nginx(1, "replica_clients.py", "/sse");
}

/// The Python SDK 2.x over stateful Streamable HTTP through nginx, twenty sessions at once, each
/// with progress, a sampling request answered by its own callback, and a resource update on its
/// GET stream (tests/e2e/replica_streamable_clients.py).
#[test]
fn python_sdk_2_sessions_over_stateful_streamable_http_through_nginx_round_robin() {
    python_through_nginx(2, "replica_streamable_clients.py", "/mcp");
}

/// A new SSE session through nginx: initialized, and a call answered (`false`, not a panic,
/// when any step is refused).
async fn fresh_session_works(addr: std::net::SocketAddr) -> bool {
    let attempt = tokio::spawn(async move {
        let mut client = SseClient::initialized(addr, "/sse").await;
        let result = client.call_tool("test_simple_text", json!({})).await;
        result["content"][0]["text"].is_string()
    });
    matches!(
        tokio::time::timeout(Duration::from_secs(5), attempt).await,
        Ok(Ok(true))
    )
}

#[actix_web::test]
async fn a_replica_dying_and_redis_restarting_leave_new_sessions_working() {
    let mut deployment = Deployment::start();
    let addr = ([127, 0, 0, 1], deployment.nginx.port).into();
    for _ in 0..3 {
        assert!(fresh_session_works(addr).await);
        assert!(fresh_streamable_session_works(addr).await);
    }
    // A replica crashes: its streams end; new sessions go to the others.
    deployment.replicas[0].kill();
    for round in 0..6 {
        assert!(
            fresh_session_works(addr).await,
            "round {round} after the crash"
        );
        assert!(
            fresh_streamable_session_works(addr).await,
            "round {round} after the crash (Streamable HTTP)"
        );
    }
    // Redis restarts (empty): requests that need it fail for a moment, then it all resumes
    // without restarting anything.
    deployment.redis.restart();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !fresh_session_works(addr).await {
        assert!(
            std::time::Instant::now() < deadline,
            "no new session after Redis restarted:\n{}",
            deployment.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for round in 0..6 {
        assert!(
            fresh_session_works(addr).await,
            "round {round} after Redis restarted"
        );
        assert!(
            fresh_streamable_session_works(addr).await,
            "round {round} after Redis restarted (Streamable HTTP)"
        );
    }
}

#[actix_web::test]
async fn a_task_whose_replica_dies_ends_failed_on_the_others() {
    let mut deployment = Deployment::start();
    let on_a = crate::tasks::Client::new(deployment.replicas[0].addr);
    let on_b = crate::tasks::Client::new(deployment.replicas[1].addr);
    let created = on_a
        .result(
            "tools/call",
            json!({"name": "slow_compute", "arguments": {"seconds": 60}}),
        )
        .await;
    let task = created["taskId"].as_str().expect("a task").to_owned();
    assert_eq!(on_b.get(&task).await["status"], "working");
    deployment.replicas[0].kill();
    // Once A's heartbeat has lapsed (10 s), B ends the task instead of showing it working.
    let ended = on_b
        .until(&task, &["failed", "completed", "cancelled"])
        .await;
    assert_eq!(ended["status"], "failed", "{ended}");
    let message = ended["statusMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("replica running this task stopped"),
        "{message}"
    );
}

const STREAMABLE: &[(&str, &str)] = &[
    ("Accept", "application/json, text/event-stream"),
    ("Content-Type", "application/json"),
    ("MCP-Protocol-Version", "2025-11-25"),
];

/// POSTs `message` to `/mcp` at `addr` in session `session` (none: `initialize`).
async fn streamable_post(
    addr: std::net::SocketAddr,
    session: Option<&str>,
    message: &serde_json::Value,
) -> mcp_tests::support::Reply {
    let mut headers = STREAMABLE.to_vec();
    if let Some(session) = session {
        headers.push(("Mcp-Session-Id", session));
    }
    mcp_tests::support::request_with(
        addr,
        "POST",
        "/mcp",
        &headers,
        message.to_string().as_bytes(),
    )
    .await
}

/// A new stateful Streamable HTTP session at `addr`: its id.
async fn streamable_session(addr: std::net::SocketAddr) -> Option<String> {
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "replicas", "version": "0"}}});
    let reply = streamable_post(addr, None, &initialize).await;
    let session = reply.header("mcp-session-id")?.to_owned();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    (streamable_post(addr, Some(&session), &initialized)
        .await
        .status
        == 202)
        .then_some(session)
}

/// A new Streamable HTTP session through nginx, whose three calls land on whichever replicas
/// nginx picks, all answered (`false`, not a panic, when any step is refused).
async fn fresh_streamable_session_works(addr: std::net::SocketAddr) -> bool {
    let attempt = tokio::spawn(async move {
        let Some(session) = streamable_session(addr).await else {
            return false;
        };
        for id in 1..=3 {
            let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": "test_simple_text", "arguments": {}}});
            let reply = streamable_post(addr, Some(&session), &call).await;
            if reply.status != 200 || !reply.json()["result"]["content"][0]["text"].is_string() {
                return false;
            }
        }
        true
    });
    matches!(
        tokio::time::timeout(Duration::from_secs(5), attempt).await,
        Ok(Ok(true))
    )
}

/// The next message on a GET stream (the priming event skipped), with its event id.
async fn next_message(stream: &mut mcp_tests::support::SseStream) -> (String, serde_json::Value) {
    loop {
        let event = stream.next_event().await;
        if !event.data.is_empty() {
            return (
                event.id.unwrap_or_default(),
                serde_json::from_str(&event.data).unwrap(),
            );
        }
    }
}

#[actix_web::test]
async fn a_streamable_session_outlives_the_replica_holding_its_stream() {
    let mut deployment = Deployment::start();
    let [a, b, c] = [0, 1, 2].map(|i| deployment.replicas[i].addr);
    let session = streamable_session(a).await.expect("a session on A");
    let subscribe = json!({"jsonrpc": "2.0", "id": 1, "method": "resources/subscribe",
        "params": {"uri": "test://watched-resource"}});
    assert_eq!(
        streamable_post(b, Some(&session), &subscribe).await.status,
        200
    );
    let stream_headers = [
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-11-25"),
    ];
    let mut on_a = mcp_tests::support::SseStream::open_with(a, "/mcp", &stream_headers).await;
    assert_eq!(on_a.status, 200);
    let update = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "update_watched_resource", "arguments": {}}});
    assert_eq!(
        streamable_post(c, Some(&session), &update).await.status,
        200
    );
    let (seen, message) = next_message(&mut on_a).await;
    assert_eq!(
        message["method"], "notifications/resources/updated",
        "{message}"
    );

    // A dies with the stream; the client resumes it on B and carries on there and on C.
    deployment.replicas[0].kill();
    let mut resumed_headers = stream_headers.to_vec();
    resumed_headers.push(("Last-Event-ID", seen.as_str()));
    let mut on_b = mcp_tests::support::SseStream::open_with(b, "/mcp", &resumed_headers).await;
    assert_eq!(on_b.status, 200, "resumed on B\n{}", deployment.logs());
    let update = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "update_watched_resource", "arguments": {}}});
    assert_eq!(
        streamable_post(c, Some(&session), &update).await.status,
        200
    );
    let (next, message) = next_message(&mut on_b).await;
    assert_eq!(
        message["method"], "notifications/resources/updated",
        "{message}"
    );
    assert!(
        next.parse::<u64>().unwrap() > seen.parse::<u64>().unwrap(),
        "{next} after {seen}"
    );
    let list = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list"});
    assert_eq!(streamable_post(b, Some(&session), &list).await.status, 200);
}
