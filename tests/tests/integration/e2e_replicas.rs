//! Three replicas of the everything example sharing one real Redis (`MCP_REDIS_URL`), behind
//! nginx with plain round-robin (the shipped `deploy/nginx.conf.template`, no sticky routing):
//! the conformance suite's 2026-07-28 requirement set (tasks included) through the balancer,
//! and an HTTP+SSE session whose every POST lands on whichever replica nginx picks.

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

#[test]
fn conformance_2026_07_28_through_nginx_round_robin_over_three_replicas() {
    let deployment = Deployment::start();
    let url = deployment.nginx.url("/mcp");
    let mut command = mcp_tests::e2e::conformance_2026();
    command
        .current_dir(e2e_dir())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .args(["server", "--url", &url, "--requirements", "2026-07-28"]);
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
        "through nginx: {total}; failing: {failing:#?}\n{}\n--- replicas ---\n{}",
        output.describe(),
        deployment.logs()
    );
    let tasks = output
        .stdout
        .lines()
        .filter(|line| line.starts_with("✓ tasks-"))
        .count();
    assert!(
        tasks >= 10,
        "the tasks scenarios did not all run:\n{}",
        output.stdout
    );
    println!("conformance 2026-07-28 through nginx over 3 replicas: {total}");
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

/// The Python SDK 1.x over HTTP+SSE through nginx, twenty sessions at once, each with progress
/// and a sampling request answered by its own callback (tests/e2e/replica_clients.py).
#[test]
fn python_sdk_sessions_over_sse_through_nginx_round_robin() {
    let deployment = Deployment::start();
    let url = deployment.nginx.url("/sse");
    let mut command = mcp_tests::e2e::sdk_script_command(1, "replica_clients.py");
    command
        .args(["--url", &url, "--sessions", "20", "--rounds", "2"])
        .args(["--deadline", "90"]);
    let output = run(&mut command, Duration::from_secs(120));
    assert!(
        output.status.success() && output.stdout.starts_with("OK "),
        "replica_clients.py through nginx failed:\n{}\n--- replicas ---\n{}",
        output.describe(),
        deployment.logs()
    );
    print!("{}", output.stdout);
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
    }
    // A replica crashes: its streams end; new sessions go to the others.
    deployment.replicas[0].kill();
    for round in 0..6 {
        assert!(
            fresh_session_works(addr).await,
            "round {round} after the crash"
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
