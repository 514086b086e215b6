//! Tasks in Redis (feature `redis`): a real `redis-server` on a free loopback port, and several
//! servers (replicas) each with a connection of its own: a task started on one is read,
//! answered and cancelled on the others; limits count the whole deployment; Redis going away
//! gives clear retryable errors and service resumes by itself when it is back; notices raised on
//! one replica reach every other's clients.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mcp_runtime::shared::Redis;
use mcp_runtime::tasks::{RedisTaskStore, TaskLimits, TaskStore};
use mcp_runtime::Server;
use mcp_tests::e2e::{free_port, RedisServer};
use mcp_tests::support::{serving, TestServer};
use serde_json::json;

use crate::tasks::{start_with, Client, DROPPED, TOOLS};

/// A replica: a server with a store of its own connected to `redis`, under `prefix`.
async fn replica(redis: &RedisServer, prefix: &str, limits: TaskLimits) -> (TestServer, Server) {
    let store = RedisTaskStore::connect_with_prefix(&redis.url(), prefix)
        .await
        .expect("redis is up");
    let server = serving(TOOLS)
        .task_store(store)
        .task_limits(limits)
        .build()
        .unwrap();
    (start_with(server.clone()), server)
}

#[actix_web::test]
async fn a_task_started_on_one_replica_is_read_answered_and_cancelled_on_the_others() {
    let redis = RedisServer::start();
    let limits = TaskLimits::default();
    let (a, _) = replica(&redis, "spread", limits).await;
    let (b, _) = replica(&redis, "spread", limits).await;
    let (c, _) = replica(&redis, "spread", limits).await;
    let (on_a, on_b, on_c) = (
        Client::new(a.addr),
        Client::new(b.addr),
        Client::new(c.addr),
    );

    let task = on_a.start_task("tasks.ask").await;
    // Durable before the answer: another replica finds it at once.
    assert_eq!(on_b.get(&task).await["taskId"], task);
    let waiting = on_b.until(&task, &["input_required"]).await;
    assert!(waiting["inputRequests"]["go"].is_object(), "{waiting}");
    let answer = json!({"go": {"action": "accept", "content": {"go": true}}});
    on_c.result(
        "tasks/update",
        json!({"taskId": task, "inputResponses": answer}),
    )
    .await;
    let done = on_b
        .until(&task, &["completed", "failed", "cancelled"])
        .await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "went");

    let dropped = DROPPED.load(Ordering::SeqCst);
    let forever = on_a.start_task("tasks.forever").await;
    on_c.result("tasks/cancel", json!({ "taskId": forever }))
        .await;
    let ended = on_b
        .until(&forever, &["cancelled", "completed", "failed"])
        .await;
    assert_eq!(ended["status"], "cancelled", "{ended}");
    assert_eq!(
        DROPPED.load(Ordering::SeqCst),
        dropped + 1,
        "replica A stopped the tool"
    );
    // Another deployment (another prefix) on the same Redis sees none of it.
    let (other, _) = replica(&redis, "elsewhere", limits).await;
    let error = Client::new(other.addr)
        .error("tasks/get", json!({ "taskId": task }))
        .await;
    assert_eq!(error["code"], -32602, "{error}");
}

#[actix_web::test]
async fn limits_count_the_whole_deployment() {
    let redis = RedisServer::start();
    let limits = TaskLimits::default().running(1, 1);
    let (a, _) = replica(&redis, "limits", limits).await;
    let (b, _) = replica(&redis, "limits", limits).await;
    let (on_a, on_b) = (Client::new(a.addr), Client::new(b.addr));
    let first = on_a.start_task("tasks.forever").await;
    let refused = on_b
        .error(
            "tools/call",
            json!({"name": "tasks.forever", "arguments": {}}),
        )
        .await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("already runs 1 tasks"),
        "{refused}"
    );
    on_b.result("tasks/cancel", json!({ "taskId": first }))
        .await;
    on_a.until(&first, &["cancelled"]).await;
    on_b.start_task("tasks.forever").await;
}

#[actix_web::test]
async fn tasks_in_redis_expire_with_their_ttl() {
    let redis = RedisServer::start();
    let store = RedisTaskStore::connect_with_prefix(&redis.url(), "ttl")
        .await
        .unwrap();
    let server = serving(TOOLS)
        .task_store(store.clone())
        .task_ttl(Duration::from_millis(500))
        .build()
        .unwrap();
    let app = start_with(server);
    let client = Client::new(app.addr);
    let task = client.start_task("tasks.required").await;
    client.until(&task, &["completed"]).await;
    assert_eq!(store.len().await.unwrap(), 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.len().await.unwrap() > 0 {
        assert!(
            Instant::now() < deadline,
            "the task outlived its ttl in Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = client.error("tasks/get", json!({ "taskId": task })).await;
    assert_eq!(gone["code"], -32602, "{gone}");
}

#[actix_web::test]
async fn redis_going_away_gives_retryable_errors_and_service_resumes_by_itself() {
    let mut redis = RedisServer::start();
    let (app, _) = replica(&redis, "faults", TaskLimits::default()).await;
    let client = Client::new(app.addr);
    client.start_task("tasks.required").await;
    redis.stop();
    let started = Instant::now();
    let error = client
        .error(
            "tools/call",
            json!({"name": "tasks.required", "arguments": {}}),
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "no hang: {:?}",
        started.elapsed()
    );
    assert_eq!(error["code"], -32000, "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("unavailable") && message.contains(&redis.url()),
        "{message}"
    );
    let get = client.error("tasks/get", json!({"taskId": "x"})).await;
    assert_eq!(get["code"], -32000, "{get}");
    // Back (empty: it kept nothing on disk), and served again without a restart of ours.
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let reply = client
            .send(
                "tools/call",
                json!({"name": "tasks.required", "arguments": {}}),
            )
            .await;
        if reply.json()["result"]["resultType"] == "task" {
            break;
        }
        assert!(Instant::now() < deadline, "not served again: {reply:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_web::test]
async fn redis_unreachable_at_start_up_is_an_error_naming_the_url() {
    let url = format!("redis://127.0.0.1:{}/", free_port());
    let error = RedisTaskStore::connect(&url).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&url) && message.contains("cannot reach Redis"),
        "{message}"
    );
}

/// A replica that shares all it can with the others through `redis`.
fn sharing(redis: &Redis) -> Server {
    serving(TOOLS).redis(redis).build().unwrap()
}

#[actix_web::test]
async fn notices_raised_on_one_replica_reach_the_clients_of_every_other() {
    let redis = RedisServer::start();
    let url = redis.url();
    let connect = || Redis::connect_with_prefix(&url, "notices");
    let (a, b, c) = (
        connect().await.unwrap(),
        connect().await.unwrap(),
        connect().await.unwrap(),
    );
    let (on_a, on_b, on_c) = (sharing(&a), sharing(&b), sharing(&c));
    // A session of the handshake era on B, and one on C.
    let session_b = mcp_runtime::client::Client::connect(&on_b).await;
    let session_c = mcp_runtime::client::Client::connect(&on_c).await;
    // Give the subscriptions a moment to be in place.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A run-time change on A: its list change reaches B's and C's clients.
    let tool = mcp_runtime::Tool::builder("added_on_a")
        .handler(|_, _| async { "a" })
        .build()
        .unwrap();
    on_a.add_tool(tool);
    for session in [&session_b, &session_c] {
        let heard = tokio::time::timeout(Duration::from_secs(5), session.next_notification())
            .await
            .expect("the change reached the other replica");
        assert_eq!(heard.method, "notifications/tools/list_changed");
    }
    // Any notification of the API, with its params.
    on_c.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "from C"}),
    );
    let heard = tokio::time::timeout(Duration::from_secs(5), session_b.next_notification())
        .await
        .expect("C's notice reached B");
    assert_eq!(heard.method, "notifications/message");
    assert_eq!(heard.params["data"], "from C");
    // A replica's own clients hear its notices once, not again from Redis.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let own = session_c.notifications();
    let messages = own
        .iter()
        .filter(|n| n.method == "notifications/message")
        .count();
    assert_eq!(messages, 1, "{own:?}");
    // Another deployment on the same Redis hears nothing.
    let other = Redis::connect_with_prefix(&redis.url(), "elsewhere")
        .await
        .unwrap();
    let elsewhere = sharing(&other);
    let session_elsewhere = mcp_runtime::client::Client::connect(&elsewhere).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    on_a.notify_all("notifications/tools/list_changed", json!({}));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(session_elsewhere.notifications().is_empty());
}

#[actix_web::test]
async fn a_server_built_with_redis_keeps_its_tasks_there() {
    let redis = RedisServer::start();
    let shared = Redis::connect_with_prefix(&redis.url(), "built")
        .await
        .unwrap();
    let (first, second) = (sharing(&shared), sharing(&shared));
    let (a, b) = (start_with(first), start_with(second));
    let task = Client::new(a.addr).start_task("tasks.required").await;
    let done = Client::new(b.addr).until(&task, &["completed"]).await;
    assert_eq!(done["result"]["content"][0]["text"], "done");
    assert_eq!(shared.task_store().len().await.unwrap(), 1);
}

/// Asks the client's model, and answers with what it said.
#[mcp_runtime::tool(name = "redis.ask_model")]
async fn redis_ask_model(
    ctx: mcp_runtime::Context,
) -> Result<String, mcp_runtime::context::ClientRequestError> {
    let request = mcp_runtime::context::SamplingRequest::new("the answer?", 10);
    let answer = ctx.sample(request).await?;
    Ok(format!("the model said {}", answer.text().unwrap_or("")))
}

#[actix_web::test]
async fn an_sse_session_is_served_whichever_replica_its_posts_land_on() {
    let redis = RedisServer::start();
    let url = redis.url();
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let shared = Redis::connect_with_prefix(&url, "sse").await.unwrap();
        let server = serving(&["redis.ask_model", "add"])
            .redis(&shared)
            .build()
            .unwrap();
        replicas.push(mcp_tests::support::TestServer::start(1, move || {
            actix_web::App::new().service(server.sse_app())
        }));
    }
    let (a, b, c) = (replicas[0].addr, replicas[1].addr, replicas[2].addr);
    // The stream on A; every POST on B: the handshake and a call are answered on A's stream.
    let mut client = mcp_tests::support::SseClient::connect(a, "/sse").await;
    client.addr = b;
    let init = client
        .request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {"sampling": {}},
                   "clientInfo": {"name": "spread", "version": "0"}}),
        )
        .await;
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
    client.notify("notifications/initialized").await;
    let sum = client.call_tool("add", json!({"a": 2, "b": 3})).await;
    assert_eq!(sum["content"][0]["text"], "5", "{sum}");

    // A request of the server on A's stream, answered by a POST on C.
    let call = client
        .start_request(
            "tools/call",
            json!({"name": "redis.ask_model", "arguments": {}}),
        )
        .await;
    let asked = client.receive().await;
    assert_eq!(asked["method"], "sampling/createMessage", "{asked}");
    client.addr = c;
    client
        .send(&json!({"jsonrpc": "2.0", "id": asked["id"], "result": {
            "role": "assistant", "content": {"type": "text", "text": "42"}, "model": "m"}}))
        .await;
    let answered = client.receive().await;
    assert_eq!(answered["id"], call, "{answered}");
    assert_eq!(
        answered["result"]["content"][0]["text"],
        "the model said 42"
    );

    // Not a message: refused on the replica it landed on. No such session: 404 anywhere.
    let endpoint = client.endpoint.clone();
    let garbage =
        mcp_tests::support::request(c, "POST", &endpoint, Some("application/json"), b"{").await;
    assert_eq!(garbage.status, 400, "{garbage:?}");
    let unknown = mcp_tests::support::post_json(
        c,
        "/messages/?session_id=nope",
        &json!({
        "jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
    // The stream ends: its session is gone on every replica.
    drop(client);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let late = mcp_tests::support::post_json(
            b,
            &endpoint,
            &json!({
            "jsonrpc": "2.0", "method": "notifications/initialized"}),
        )
        .await;
        if late.status == 404 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the session outlived its stream: {late:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
