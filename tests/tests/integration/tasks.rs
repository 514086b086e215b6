//! Tasks (MCP 2026-07-28's `io.modelcontextprotocol/tasks` extension) over Streamable HTTP
//! sockets, as the extension's text has a client drive them: a call that has to wait becomes
//! a task, which asks, is answered with `tasks/update`, and completes; `tasks/cancel` stops
//! its future; a task is its identity's alone; limits, expiry, listeners and shutdown.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::auth::{AuthError, BearerAuth, Identity};
use mcp_runtime::context::{ClientRequestError, Elicitation};
use mcp_runtime::tasks::{MemoryTaskStore, TaskLimits, TaskStatus, TaskStore};
use mcp_runtime::{tool, Context, Server};
use mcp_tests::support::{eventually, request_with, serving, Reply, SseStream, TestServer, WAIT};
use serde_json::{json, Value};

const REVISION: &str = "2026-07-28";
const EXTENSION: &str = "io.modelcontextprotocol/tasks";

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Go {
    go: bool,
}

/// Prepares a moment, then asks whether to go on.
#[tool(name = "tasks.ask", task = "optional")]
async fn tasks_ask(ctx: Context) -> Result<String, ClientRequestError> {
    ctx.report_progress(0.0, Some(1.0), Some("preparing")).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = ctx.keyed("go").elicit::<Go>("Go on?").await?;
    Ok(match answer {
        Elicitation::Accept(Go { go: true }) => "went".to_owned(),
        _ => "stayed".to_owned(),
    })
}

/// How many `tasks.forever` calls were dropped (stopped).
pub(crate) static DROPPED: AtomicUsize = AtomicUsize::new(0);

struct CountsDrop;

impl Drop for CountsDrop {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

/// Says it started, then waits for ever (until it is stopped).
#[tool(name = "tasks.forever", task = "optional")]
async fn tasks_forever(ctx: Context) -> &'static str {
    let _counts = CountsDrop;
    ctx.info("started").await;
    std::future::pending::<()>().await;
    "never"
}

/// Answers at once (async, so without the blocking pool): never a task.
#[tool(name = "tasks.quick", task = "optional")]
async fn tasks_quick() -> &'static str {
    "quick"
}

/// Works a moment; only ever as a task.
#[tool(name = "tasks.required", task = "required")]
async fn tasks_required() -> &'static str {
    tokio::time::sleep(Duration::from_millis(20)).await;
    "done"
}

/// Works a moment, then says who called.
#[tool(name = "tasks.whoami", task = "optional")]
async fn tasks_whoami(ctx: Context) -> String {
    tokio::time::sleep(Duration::from_millis(300)).await;
    ctx.identity()
        .map_or_else(|| "nobody".to_owned(), |id| id.subject().to_owned())
}

/// Asks, but gives up waiting after 300 ms and finishes anyway.
#[tool(name = "tasks.impatient", task = "optional")]
async fn tasks_impatient(ctx: Context) -> String {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let asked = ctx.keyed("maybe").elicit::<Go>("Quick, go on?");
    let outcome = match tokio::time::timeout(Duration::from_millis(300), asked).await {
        Ok(_) => "answered".to_owned(),
        Err(_) => "gave up".to_owned(),
    };
    // Works on a while without the answer.
    tokio::time::sleep(Duration::from_millis(400)).await;
    outcome
}

/// Asks two questions together, in the explicit form.
#[tool(name = "tasks.both", task = "optional")]
async fn tasks_both(ctx: Context) -> Result<String, ClientRequestError> {
    use mcp_runtime::context::InputRequired;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let questions = InputRequired::new()
        .elicit::<Go>("first", "First?")
        .elicit::<Go>("second", "Second?");
    let answers = ctx.input_required(questions).await?;
    let yes = |key| {
        matches!(
            answers.elicitation::<Go>(key),
            Ok(Elicitation::Accept(Go { go: true }))
        )
    };
    Ok(format!("{} {}", yes("first"), yes("second")))
}

/// Breaks at once.
#[tool(name = "tasks.broken", task = "optional")]
async fn tasks_broken() -> &'static str {
    panic!("broken at once")
}

/// Reports progress before it has to wait.
#[tool(name = "tasks.progress", task = "optional")]
async fn tasks_progress(ctx: Context) -> &'static str {
    ctx.report_progress(1.0, Some(2.0), Some("first half"))
        .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    "halves"
}

pub(crate) const TOOLS: &[&str] = &[
    "tasks.ask",
    "tasks.impatient",
    "tasks.both",
    "tasks.broken",
    "tasks.progress",
    "tasks.forever",
    "tasks.quick",
    "tasks.required",
    "tasks.whoami",
];

pub(crate) fn start_with(server: Server) -> TestServer {
    TestServer::start(2, move || {
        App::new().service(web::scope("/mcp").service(server.streamable_http_app()))
    })
}

fn start() -> TestServer {
    start_with(serving(TOOLS).build().unwrap())
}

/// A client: whether it declares the extension, and its bearer token.
#[derive(Clone, Copy)]
pub(crate) struct Client {
    addr: SocketAddr,
    tasks: bool,
    token: Option<&'static str>,
}

impl Client {
    pub(crate) fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            tasks: true,
            token: None,
        }
    }

    pub(crate) fn without_tasks(self) -> Client {
        Client {
            tasks: false,
            ..self
        }
    }

    pub(crate) fn with_token(self, token: &'static str) -> Client {
        Client {
            token: Some(token),
            ..self
        }
    }

    /// Sends one modern request with `_meta` and the headers the revision requires
    /// (`Mcp-Name`: the tool, or the task).
    pub(crate) async fn send(&self, method: &str, mut params: Value) -> Reply {
        let extensions = if self.tasks {
            json!({ EXTENSION: {} })
        } else {
            json!({})
        };
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": REVISION,
            "io.modelcontextprotocol/clientCapabilities": {
                "elicitation": {}, "extensions": extensions,
            },
            "io.modelcontextprotocol/clientInfo": {"name": "tasks-test", "version": "0"},
        });
        let name = params
            .get("name")
            .or_else(|| params.get("taskId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let message = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let authorization = self.token.map(|token| format!("Bearer {token}"));
        let mut headers = vec![
            ("Accept", "application/json, text/event-stream"),
            ("Content-Type", "application/json"),
            ("MCP-Protocol-Version", REVISION),
            ("Mcp-Method", method),
        ];
        if let Some(name) = &name {
            headers.push(("Mcp-Name", name));
        }
        if let Some(authorization) = &authorization {
            headers.push(("Authorization", authorization));
        }
        request_with(
            self.addr,
            "POST",
            "/mcp",
            &headers,
            message.to_string().as_bytes(),
        )
        .await
    }

    /// The result of a request that must succeed.
    pub(crate) async fn result(&self, method: &str, params: Value) -> Value {
        let reply = self.send(method, params).await;
        let body = reply.json();
        assert!(body.get("result").is_some(), "{method}: {reply:?}");
        body["result"].clone()
    }

    /// The error of a request that must fail.
    pub(crate) async fn error(&self, method: &str, params: Value) -> Value {
        let reply = self.send(method, params).await;
        let body = reply.json();
        assert!(body.get("error").is_some(), "{method}: {reply:?}");
        body["error"].clone()
    }

    pub(crate) async fn start_task(&self, tool: &str) -> String {
        let created = self
            .result("tools/call", json!({"name": tool, "arguments": {}}))
            .await;
        assert_eq!(created["resultType"], "task", "{created}");
        created["taskId"].as_str().expect("a task id").to_owned()
    }

    pub(crate) async fn get(&self, task: &str) -> Value {
        self.result("tasks/get", json!({ "taskId": task })).await
    }

    /// Polls `tasks/get` until the task's status is one of `statuses`.
    pub(crate) async fn until(&self, task: &str, statuses: &[&str]) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let state = self.get(task).await;
            if statuses.iter().any(|status| state["status"] == *status) {
                return state;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "task {task} never reached {statuses:?}: {state}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[actix_web::test]
async fn a_call_that_waits_becomes_a_task_that_asks_is_answered_and_completes() {
    let app = start();
    let client = Client::new(app.addr);
    let discover = client.result("server/discover", json!({})).await;
    assert!(
        discover["capabilities"]["extensions"][EXTENSION].is_object(),
        "{discover}"
    );

    let created = client
        .result("tools/call", json!({"name": "tasks.ask", "arguments": {}}))
        .await;
    assert_eq!(created["resultType"], "task", "{created}");
    assert_eq!(created["status"], "working", "{created}");
    assert_eq!(created["statusMessage"], "preparing", "{created}");
    assert_eq!(created["ttlMs"], 3_600_000);
    assert_eq!(created["pollIntervalMs"], 1000);
    for absent in [
        "result",
        "error",
        "inputRequests",
        "content",
        "requestState",
    ] {
        assert!(created.get(absent).is_none(), "{absent} in {created}");
    }
    let task = created["taskId"].as_str().unwrap();
    assert_eq!(task.len(), 32, "128 random bits: {task}");
    // Durable before the client heard of it.
    let first = client.get(task).await;
    assert_eq!(first["resultType"], "complete");
    assert_eq!(first["taskId"], task);

    let waiting = client.until(task, &["input_required"]).await;
    let question = &waiting["inputRequests"]["go"];
    assert_eq!(question["method"], "elicitation/create", "{waiting}");
    assert_eq!(question["params"]["message"], "Go on?");
    assert!(
        question["params"]["requestedSchema"]["properties"]["go"].is_object(),
        "{question}"
    );

    // An answer to a question never asked is ignored; the real one resumes the task.
    let ack = client
        .result(
            "tasks/update",
            json!({"taskId": task, "inputResponses": {"other": {"action": "accept"}}}),
        )
        .await;
    assert_eq!(ack["resultType"], "complete");
    assert!(
        ack.get("status").is_none() && ack.get("taskId").is_none(),
        "{ack}"
    );
    assert_eq!(client.get(task).await["status"], "input_required");
    let answer = json!({"go": {"action": "accept", "content": {"go": true}}});
    client
        .result(
            "tasks/update",
            json!({"taskId": task, "inputResponses": answer}),
        )
        .await;
    let done = client
        .until(task, &["completed", "failed", "cancelled"])
        .await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["content"][0]["text"], "went", "{done}");
    // The call's own result, as the revision writes one.
    assert_eq!(done["result"]["resultType"], "complete", "{done}");
    assert!(done.get("inputRequests").is_none(), "{done}");
    // The same question cannot be answered twice; the task stays as it ended.
    client
        .result(
            "tasks/update",
            json!({"taskId": task, "inputResponses": answer}),
        )
        .await;
    assert_eq!(client.get(task).await["result"], done["result"]);
}

#[actix_web::test]
async fn only_a_client_that_declares_the_extension_sees_tasks() {
    let app = start();
    let with = Client::new(app.addr);
    let without = with.without_tasks();
    // A call that finishes at once is answered as usual.
    let quick = with
        .result(
            "tools/call",
            json!({"name": "tasks.quick", "arguments": {}}),
        )
        .await;
    assert_eq!(quick["resultType"], "complete", "{quick}");
    assert_eq!(quick["content"][0]["text"], "quick");
    // Without the extension: an optional task tool asks within the request instead.
    let asked = without
        .result("tools/call", json!({"name": "tasks.ask", "arguments": {}}))
        .await;
    assert_eq!(asked["resultType"], "input_required", "{asked}");
    assert!(asked.get("taskId").is_none(), "{asked}");
    // A tool that runs only as a task is refused, naming what is missing.
    let refused = without
        .error(
            "tools/call",
            json!({"name": "tasks.required", "arguments": {}}),
        )
        .await;
    assert_eq!(refused["code"], -32021, "{refused}");
    assert!(
        refused["data"]["requiredCapabilities"]["extensions"][EXTENSION].is_object(),
        "{refused}"
    );
    let task = with.start_task("tasks.required").await;
    for method in ["tasks/get", "tasks/cancel"] {
        let error = without.error(method, json!({ "taskId": task })).await;
        assert_eq!(error["code"], -32021, "{method}: {error}");
    }
    let done = with.until(&task, &["completed"]).await;
    assert_eq!(done["result"]["content"][0]["text"], "done");
    // The methods the extension removed, and a task that does not exist.
    for method in ["tasks/result", "tasks/list"] {
        let error = with.error(method, json!({ "taskId": task })).await;
        assert_eq!(error["code"], -32601, "{method}: {error}");
    }
    let unknown = with.error("tasks/get", json!({"taskId": "nope"})).await;
    assert_eq!(unknown["code"], -32602, "{unknown}");
    let shapeless = with.error("tasks/get", json!({"task": "x"})).await;
    assert_eq!(shapeless["code"], -32602, "{shapeless}");
}

#[actix_web::test]
async fn cancelling_a_task_stops_its_future_and_is_acknowledged_even_once_ended() {
    let app = start();
    let client = Client::new(app.addr);
    let task = client.start_task("tasks.forever").await;
    let working = client.get(&task).await;
    assert_eq!(working["status"], "working");
    // Its log message is its status.
    assert_eq!(working["statusMessage"], "started", "{working}");
    let dropped = DROPPED.load(Ordering::SeqCst);
    let ack = client
        .result("tasks/cancel", json!({ "taskId": task }))
        .await;
    assert_eq!(ack["resultType"], "complete");
    assert!(ack.get("status").is_none(), "{ack}");
    let ended = client
        .until(&task, &["cancelled", "completed", "failed"])
        .await;
    assert_eq!(ended["status"], "cancelled", "{ended}");
    assert_eq!(
        DROPPED.load(Ordering::SeqCst),
        dropped + 1,
        "the tool's future was dropped"
    );
    let again = client
        .result("tasks/cancel", json!({ "taskId": task }))
        .await;
    assert_eq!(again["resultType"], "complete");
    assert_eq!(client.get(&task).await["status"], "cancelled");
    let unknown = client
        .error("tasks/cancel", json!({"taskId": "nope"}))
        .await;
    assert_eq!(unknown["code"], -32602, "{unknown}");
}

async fn verify(token: String) -> Result<Identity, AuthError> {
    match token.as_str() {
        "alice-token" => Ok(Identity::new("alice")),
        "bob-token" => Ok(Identity::new("bob")),
        _ => Err(AuthError::invalid_token("unknown token")),
    }
}

#[actix_web::test]
async fn a_task_is_its_identitys_alone() {
    let server = serving(TOOLS).build().unwrap();
    let app = TestServer::start(2, move || {
        App::new().service(
            web::scope("/mcp")
                .wrap(BearerAuth::new(verify))
                .service(server.streamable_http_app()),
        )
    });
    let alice = Client::new(app.addr).with_token("alice-token");
    let bob = Client::new(app.addr).with_token("bob-token");
    let task = alice.start_task("tasks.whoami").await;
    // To bob it does not exist, whatever he tries.
    let hidden = bob.error("tasks/get", json!({ "taskId": task })).await;
    let never = bob
        .error("tasks/get", json!({"taskId": "0".repeat(32)}))
        .await;
    assert_eq!(hidden["code"], -32602, "{hidden}");
    assert_eq!(
        hidden["message"].as_str().unwrap().replace(&task, "ID"),
        never["message"]
            .as_str()
            .unwrap()
            .replace(&"0".repeat(32), "ID"),
        "a foreign task looks exactly like one that never existed"
    );
    for method in ["tasks/cancel", "tasks/update"] {
        let params = json!({"taskId": task, "inputResponses": {}});
        assert_eq!(bob.error(method, params).await["code"], -32602, "{method}");
    }
    let done = alice.until(&task, &["completed", "cancelled"]).await;
    assert_eq!(
        done["status"], "completed",
        "bob's cancel did nothing: {done}"
    );
    assert_eq!(done["result"]["content"][0]["text"], "alice");
}

#[actix_web::test]
async fn limits_refuse_tasks_beyond_them_with_an_error_that_names_the_limit() {
    let server = serving(TOOLS)
        .task_limits(TaskLimits::default().running(1, 1))
        .build()
        .unwrap();
    let app = start_with(server);
    let client = Client::new(app.addr);
    let first = client.start_task("tasks.forever").await;
    let refused = client
        .error(
            "tools/call",
            json!({"name": "tasks.forever", "arguments": {}}),
        )
        .await;
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("already runs 1 tasks") && message.contains("task_limits"),
        "{refused}"
    );
    // A call that needs no task is not held back.
    let quick = client
        .result(
            "tools/call",
            json!({"name": "tasks.quick", "arguments": {}}),
        )
        .await;
    assert_eq!(quick["content"][0]["text"], "quick");
    client
        .result("tasks/cancel", json!({ "taskId": first }))
        .await;
    client.until(&first, &["cancelled"]).await;
    client.start_task("tasks.forever").await;
}

#[actix_web::test]
async fn a_thousand_tasks_end_and_leave_the_store_empty_after_their_ttl() {
    let store = Arc::new(MemoryTaskStore::new());
    let server = serving(TOOLS)
        .task_ttl(Duration::from_secs(1))
        .task_store(Arc::clone(&store))
        .build()
        .unwrap();
    let app = start_with(server.clone());
    let client = Client::new(app.addr);
    let mut ids = Vec::new();
    for _ in 0..1000 {
        let created = client
            .result(
                "tools/call",
                json!({"name": "tasks.required", "arguments": {}}),
            )
            .await;
        assert_eq!(created["ttlMs"], 1000, "{created}");
        ids.push(created["taskId"].as_str().unwrap().to_owned());
    }
    let kept = server.kept_tasks().await.unwrap();
    assert!(kept > 0 && kept <= 1000, "{kept}");
    eventually("every task has finished", || server.running_tasks() == 0).await;
    let sample = store.get(&ids[999]).await.unwrap();
    // Either still kept (and then completed) or already expired.
    if let Some(task) = sample {
        assert_eq!(task.status, TaskStatus::Completed);
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while store.len().await.unwrap() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "tasks outlived their ttl"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = client.error("tasks/get", json!({ "taskId": ids[0] })).await;
    assert_eq!(gone["code"], -32602, "{gone}");
}

#[actix_web::test]
async fn listeners_hear_every_change_of_their_own_tasks() {
    let app = start();
    let client = Client::new(app.addr);
    let task = client.start_task("tasks.ask").await;
    let filter = json!({"notifications": {"taskIds": [task]}});
    let refused = client
        .without_tasks()
        .error("subscriptions/listen", filter)
        .await;
    assert_eq!(refused["code"], -32021, "{refused}");

    let message = json!({"jsonrpc": "2.0", "id": 9, "method": "subscriptions/listen",
    "params": {"notifications": {"taskIds": [task, "not-mine"]}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": REVISION,
        "io.modelcontextprotocol/clientCapabilities": {"extensions": {EXTENSION: {}}},
        "io.modelcontextprotocol/clientInfo": {"name": "listener", "version": "0"},
    }}});
    let headers = [
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
        ("MCP-Protocol-Version", REVISION),
        ("Mcp-Method", "subscriptions/listen"),
    ];
    let body = message.to_string();
    let mut stream =
        SseStream::send(app.addr, "POST", "/mcp", &headers, Some(body.as_bytes())).await;
    let next = |event: mcp_tests::support::Event| -> Value {
        serde_json::from_str(&event.data).expect("a JSON message")
    };
    let ack = next(stream.next_event().await);
    assert_eq!(ack["method"], "notifications/subscriptions/acknowledged");
    assert_eq!(
        ack["params"]["notifications"]["taskIds"],
        json!([task]),
        "{ack}"
    );
    let mut statuses = Vec::new();
    loop {
        let event = next(stream.next_event().await);
        assert_eq!(event["method"], "notifications/tasks", "{event}");
        let params = &event["params"];
        assert_eq!(params["taskId"], task);
        assert_eq!(params["_meta"]["io.modelcontextprotocol/subscriptionId"], 9);
        let status = params["status"].as_str().unwrap().to_owned();
        if status == "input_required" {
            assert!(params["inputRequests"]["go"].is_object(), "{params}");
            let answer = json!({"go": {"action": "decline"}});
            client
                .result(
                    "tasks/update",
                    json!({"taskId": task, "inputResponses": answer}),
                )
                .await;
        }
        if status == "completed" {
            assert_eq!(params["result"]["content"][0]["text"], "stayed");
        }
        if statuses.last() != Some(&status) {
            statuses.push(status.clone());
        }
        if status == "completed" {
            break;
        }
    }
    // The state it was in when the stream opened comes first; changes coalesce (a state passed
    // quickly may be skipped), but the question and the end are seen.
    let asked = statuses
        .iter()
        .position(|status| status == "input_required");
    assert!(asked.is_some(), "{statuses:?}");
    assert_eq!(statuses.last().map(String::as_str), Some("completed"));
}

#[actix_web::test]
async fn a_question_given_up_on_is_withdrawn_and_questions_asked_together_wait_together() {
    let app = start();
    let client = Client::new(app.addr);
    let task = client.start_task("tasks.impatient").await;
    let waiting = client.until(&task, &["input_required"]).await;
    assert!(waiting["inputRequests"]["maybe"].is_object(), "{waiting}");
    let working = client.until(&task, &["working", "completed"]).await;
    assert_eq!(working["status"], "working", "withdrawn: {working}");
    assert!(working.get("inputRequests").is_none(), "{working}");
    let late = json!({"maybe": {"action": "accept", "content": {"go": true}}});
    client
        .result(
            "tasks/update",
            json!({"taskId": task, "inputResponses": late}),
        )
        .await;
    let done = client.until(&task, &["completed"]).await;
    assert_eq!(done["result"]["content"][0]["text"], "gave up");

    let task = client.start_task("tasks.both").await;
    let waiting = client.until(&task, &["input_required"]).await;
    let keys: Vec<&String> = waiting["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["first", "second"], "{waiting}");
    // Answered one at a time: the other still waits.
    let yes = json!({"action": "accept", "content": {"go": true}});
    let first = json!({"taskId": task, "inputResponses": {"first": yes}});
    client.result("tasks/update", first).await;
    let half = client.get(&task).await;
    assert_eq!(half["status"], "input_required", "{half}");
    assert!(half["inputRequests"].get("first").is_none(), "{half}");
    let second = json!({"taskId": task, "inputResponses": {"second": yes}});
    client.result("tasks/update", second).await;
    let done = client.until(&task, &["completed"]).await;
    assert_eq!(done["result"]["content"][0]["text"], "true true");
}

#[actix_web::test]
async fn a_panic_before_the_call_waits_is_a_protocol_error_and_early_progress_reaches_the_request()
{
    let app = start();
    let client = Client::new(app.addr);
    let broken = client
        .error(
            "tools/call",
            json!({"name": "tasks.broken", "arguments": {}}),
        )
        .await;
    assert_eq!(broken["code"], -32603, "{broken}");
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .contains("broken at once"),
        "{broken}"
    );

    // What the call reports before it becomes a task still reaches the request's client.
    let mut params = json!({"name": "tasks.progress", "arguments": {}});
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": REVISION,
        "io.modelcontextprotocol/clientCapabilities": {"extensions": {EXTENSION: {}}},
        "io.modelcontextprotocol/clientInfo": {"name": "tasks-test", "version": "0"},
        "progressToken": "p",
    });
    let message = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": params});
    let headers = [
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
        ("MCP-Protocol-Version", REVISION),
        ("Mcp-Method", "tools/call"),
        ("Mcp-Name", "tasks.progress"),
    ];
    let reply = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        message.to_string().as_bytes(),
    )
    .await;
    let events = mcp_tests::support::parse_events(&reply.body);
    let messages: Vec<Value> = events
        .iter()
        .map(|event| serde_json::from_str(&event.data).unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{reply:?}");
    assert_eq!(messages[0]["method"], "notifications/progress");
    assert_eq!(messages[0]["params"]["message"], "first half");
    assert_eq!(messages[1]["result"]["resultType"], "task");
    assert_eq!(messages[1]["result"]["statusMessage"], "first half");
}

#[actix_web::test]
async fn a_task_past_its_ttl_is_stopped_and_its_failure_stays_readable() {
    let server = serving(TOOLS)
        .task_ttl(Duration::from_millis(400))
        .build()
        .unwrap();
    let app = start_with(server);
    let client = Client::new(app.addr);
    // It waits for an answer that never comes.
    let task = client.start_task("tasks.ask").await;
    client.until(&task, &["input_required"]).await;
    let ended = client
        .until(&task, &["failed", "completed", "cancelled"])
        .await;
    assert_eq!(ended["status"], "failed", "{ended}");
    let message = ended["statusMessage"].as_str().unwrap();
    assert!(message.contains("time to live"), "{message}");
    assert!(
        ended["ttlMs"].as_u64().unwrap() > 400,
        "extended to keep the outcome: {ended}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(client.get(&task).await["status"], "failed");
}

#[actix_web::test]
async fn servers_sharing_a_store_each_run_their_own_tasks() {
    let store = Arc::new(MemoryTaskStore::new());
    let first = serving(TOOLS)
        .task_store(Arc::clone(&store))
        .build()
        .unwrap();
    let second = serving(TOOLS)
        .task_store(Arc::clone(&store))
        .build()
        .unwrap();
    let (a, b) = (start_with(first), start_with(second));
    let (on_a, on_b) = (Client::new(a.addr), Client::new(b.addr));
    let task = on_a.start_task("tasks.ask").await;
    on_b.until(&task, &["input_required"]).await;
    // Answered through the other server: the one running it hears of it from the store.
    let answer = json!({"go": {"action": "accept", "content": {"go": true}}});
    on_b.result(
        "tasks/update",
        json!({"taskId": task, "inputResponses": answer}),
    )
    .await;
    let done = on_a.until(&task, &["completed"]).await;
    assert_eq!(done["result"]["content"][0]["text"], "went");
    // And cancelled through it.
    let forever = on_a.start_task("tasks.forever").await;
    on_b.result("tasks/cancel", json!({ "taskId": forever }))
        .await;
    assert_eq!(
        on_a.until(&forever, &["cancelled"]).await["status"],
        "cancelled"
    );
}

#[actix_web::test]
async fn shutdown_ends_tasks_that_outlive_the_grace_period_marked_cancelled() {
    let store = Arc::new(MemoryTaskStore::new());
    let server = serving(TOOLS)
        .task_store(Arc::clone(&store))
        .build()
        .unwrap();
    let app = start_with(server.clone());
    let client = Client::new(app.addr);
    let dropped = DROPPED.load(Ordering::SeqCst);
    let forever = client.start_task("tasks.forever").await;
    let whoami = client.start_task("tasks.whoami").await;
    // The quick one finishes within the grace period, and may still be read then; the other
    // is stopped.
    let stopping = tokio::spawn({
        let server = server.clone();
        async move { server.shutdown(Duration::from_millis(1500)).await }
    });
    eventually("the shutdown has begun", || server.is_shutting_down()).await;
    let during = client.until(&whoami, &["completed"]).await;
    assert_eq!(during["result"]["content"][0]["text"], "nobody");
    stopping.await.unwrap();
    assert_eq!(server.running_tasks(), 0);
    let finished = store.get(&whoami).await.unwrap().unwrap();
    assert_eq!(finished.status, TaskStatus::Completed);
    let stopped = store.get(&forever).await.unwrap().unwrap();
    assert_eq!(stopped.status, TaskStatus::Cancelled);
    let reason = stopped.status_message.unwrap();
    assert!(reason.contains("shut down"), "{reason}");
    assert_eq!(DROPPED.load(Ordering::SeqCst), dropped + 1);
}
