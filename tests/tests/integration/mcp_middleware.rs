//! MCP middleware and visibility on every transport and in both eras: the same server (a rate
//! limit per identity, a response cache, a visibility rule on tags) reached over Streamable
//! HTTP (modern era, and handshake era), HTTP+SSE and stdio (handshake and modern requests),
//! by three identities. Over HTTP the identities come from bearer tokens (`BearerAuth`) and
//! the client is `client::Remote`; over stdio each client is a process's connection with its
//! identity (`Stdio::identity`).
//!
//! What holds everywhere: a caller beyond its rate gets `-32029` with `retryAfterMs` while the
//! others are served; a cached private tool result is served again to its own identity and
//! never to another; a tool, a resource and a prompt hidden from a caller are absent from its
//! listings and refused with exactly the error of unknown ones.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::auth::{AuthError, BearerAuth, Identity};
use mcp_runtime::client::{ClientError, Remote, Upstream};
use mcp_runtime::middleware::{RateLimit, ResponseCache, RATE_LIMITED};
use mcp_runtime::transport::Stdio;
use mcp_runtime::{prompt, resource, tool, Context, Server};
use mcp_tests::support::{serving, TestServer};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

static PROFILE_RUNS: AtomicUsize = AtomicUsize::new(0);

/// Says who asks, and how many times the tool really ran (so a cached answer shows).
#[tool(read_only, idempotent)]
fn mw_profile(ctx: Context) -> String {
    let who = ctx
        .identity()
        .map_or("anonymous".to_owned(), |id| id.subject().to_owned());
    format!("{who}#{}", PROFILE_RUNS.fetch_add(1, Ordering::Relaxed))
}

/// Resets everything (pretends to): for admins only.
#[tool(tags = ["admin"])]
fn mw_reset() -> &'static str {
    "reset"
}

/// Echoes a text.
#[tool]
fn mw_echo(text: String) -> String {
    text
}

/// The audit log: for admins only.
#[resource("mw://audit-log", tags = ["admin"])]
fn mw_audit_log() -> &'static str {
    "everything that happened"
}

/// Notes anyone may read.
#[resource("mw://notes")]
fn mw_notes() -> &'static str {
    "notes"
}

static COUNTER_READS: AtomicUsize = AtomicUsize::new(0);

/// How many times it was really read: its reads may be cached for a minute.
#[resource("mw://counter", cache_ttl = "1m", cache_scope = "public")]
fn mw_counter() -> String {
    COUNTER_READS.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Asks for an audit: for admins only.
#[prompt(tags = ["admin"])]
fn mw_audit() -> &'static str {
    "Audit everything."
}

/// Each identity may make this many requests at once (refilled too slowly to matter here).
const BURST: u32 = 16;

fn server() -> Server {
    serving(&["mw_profile", "mw_reset", "mw_echo"])
        .resources(["mw://audit-log", "mw://counter", "mw://notes"])
        .prompts(["mw_audit"])
        .middleware(RateLimit::per_identity(BURST, 0.01))
        .middleware(ResponseCache::new().tool_calls(Duration::from_secs(60)))
        .visibility(|item, who| !item.has_tag("admin") || who.is_some_and(|w| w.has_scope("admin")))
        .build()
        .unwrap()
}

fn keys(listed: &Value, list: &str, key: &str) -> Vec<String> {
    listed[list]
        .as_array()
        .expect("a listing")
        .iter()
        .filter_map(|item| item[key].as_str().map(str::to_owned))
        .collect()
}

/// What `mw://counter` reads as.
async fn counter(caller: &impl Caller) -> String {
    let read = caller.call("resources/read", json!({"uri": "mw://counter"}));
    let read = read.await.unwrap();
    // Declared public, but under a visibility rule what a caller reads is its own.
    if let Some(scope) = read.get("cacheScope") {
        assert_eq!(scope, "private", "{read}");
    }
    read["contents"][0]["text"].as_str().unwrap().to_owned()
}

/// A hidden resource and a hidden prompt: listed for alice, not for bob, and refused to bob
/// exactly as unknown ones are.
async fn check_hidden_items(how: &str, alice: &impl Caller, bob: &impl Caller) {
    let listed = alice.call("resources/list", json!({})).await.unwrap();
    assert_eq!(
        keys(&listed, "resources", "uri"),
        ["mw://audit-log", "mw://counter", "mw://notes"],
        "{how}"
    );
    let listed = bob.call("resources/list", json!({})).await.unwrap();
    assert_eq!(
        keys(&listed, "resources", "uri"),
        ["mw://counter", "mw://notes"],
        "{how}"
    );
    let hidden = bob
        .call("resources/read", json!({"uri": "mw://audit-log"}))
        .await
        .unwrap_err();
    let unknown = bob
        .call("resources/read", json!({"uri": "mw://audit-lox"}))
        .await
        .unwrap_err();
    assert_eq!(hidden.code, unknown.code, "{how}");
    assert_eq!(
        hidden.message,
        unknown.message.replace("audit-lox", "audit-log"),
        "{how}"
    );

    let listed = alice.call("prompts/list", json!({})).await.unwrap();
    assert_eq!(keys(&listed, "prompts", "name"), ["mw_audit"], "{how}");
    let listed = bob.call("prompts/list", json!({})).await.unwrap();
    assert!(
        keys(&listed, "prompts", "name").is_empty(),
        "{how}: {listed}"
    );
    let hidden = bob
        .call("prompts/get", json!({"name": "mw_audit"}))
        .await
        .unwrap_err();
    let unknown = bob
        .call("prompts/get", json!({"name": "mw_audix"}))
        .await
        .unwrap_err();
    assert_eq!(hidden.code, unknown.code, "{how}");
    assert_eq!(
        hidden.message,
        unknown.message.replace("mw_audix", "mw_audit"),
        "{how}"
    );
    // A read with its own caching hints is cached; with a visibility rule, per identity.
    let first = counter(alice).await;
    assert_eq!(
        counter(alice).await,
        first,
        "{how}: alice's second read is cached"
    );
    let bobs = counter(bob).await;
    assert_ne!(bobs, first, "{how}: bob is never served alice's entry");
}

async fn verify(token: String) -> Result<Identity, AuthError> {
    match token.as_str() {
        "alice" => Ok(Identity::new("alice").with_scopes(["admin"])),
        "bob" | "carol" => Ok(Identity::new(token)),
        _ => Err(AuthError::invalid_token("unknown token")),
    }
}

/// What the checks need of a client, whatever carries its messages.
trait Caller {
    async fn call(&self, method: &str, params: Value) -> Result<Value, ClientError>;
}

impl Caller for Remote {
    async fn call(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        self.request(method, params).await
    }
}

fn tool_names(listed: &Value) -> Vec<String> {
    listed["tools"]
        .as_array()
        .expect("a tools array")
        .iter()
        .filter_map(|tool| tool["name"].as_str().map(str::to_owned))
        .collect()
}

fn call_params(name: &str, arguments: Value) -> Value {
    json!({ "name": name, "arguments": arguments })
}

fn text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The checks, with clients for alice (admin), bob and carol on one transport and era.
async fn check(how: &str, alice: &impl Caller, bob: &impl Caller, carol: &impl Caller) {
    check_hidden_items(how, alice, bob).await;
    // Visibility: listed for alice, not for bob; bob's call is refused as an unknown tool's.
    let listed = alice.call("tools/list", json!({})).await.unwrap();
    assert!(
        tool_names(&listed).contains(&"mw_reset".to_owned()),
        "{how}: {listed}"
    );
    let listed = bob.call("tools/list", json!({})).await.unwrap();
    // What a caller sees depends on who it is: never to be kept for another (2026-07-28).
    if let Some(scope) = listed.get("cacheScope") {
        assert_eq!(scope, "private", "{how}: {listed}");
    }
    let names = tool_names(&listed);
    assert!(
        !names.contains(&"mw_reset".to_owned()) && names.contains(&"mw_echo".to_owned()),
        "{how}: {names:?}"
    );
    let hidden = bob
        .call("tools/call", call_params("mw_reset", json!({})))
        .await
        .unwrap_err();
    let unknown = bob
        .call("tools/call", call_params("mw_resex", json!({})))
        .await
        .unwrap_err();
    assert_eq!(hidden.code, unknown.code, "{how}");
    assert_eq!(
        hidden.message,
        unknown.message.replace("mw_resex", "mw_reset"),
        "{how}"
    );
    let reset = alice
        .call("tools/call", call_params("mw_reset", json!({})))
        .await
        .unwrap();
    assert_eq!(text(&reset), "reset", "{how}");

    // The cache: alice's second call is her first answer again; bob never gets hers.
    let first = text(
        &alice
            .call("tools/call", call_params("mw_profile", json!({})))
            .await
            .unwrap(),
    );
    let again = text(
        &alice
            .call("tools/call", call_params("mw_profile", json!({})))
            .await
            .unwrap(),
    );
    assert!(first.starts_with("alice#"), "{how}: {first}");
    assert_eq!(
        first, again,
        "{how}: alice's repeated call is answered from the cache"
    );
    let bobs = text(
        &bob.call("tools/call", call_params("mw_profile", json!({})))
            .await
            .unwrap(),
    );
    assert!(
        bobs.starts_with("bob#"),
        "{how}: bob got {bobs}, not his own result"
    );

    // The rate limit: carol's requests beyond the burst are refused, bob's still served.
    for n in 0..BURST {
        let echoed = carol
            .call("tools/call", call_params("mw_echo", json!({"text": "hi"})))
            .await;
        assert!(
            echoed.is_ok(),
            "{how}: carol's call {n} within the burst: {echoed:?}"
        );
    }
    let refused = carol
        .call("tools/call", call_params("mw_echo", json!({"text": "hi"})))
        .await
        .unwrap_err();
    assert_eq!(refused.code, RATE_LIMITED, "{how}: {refused}");
    assert!(
        refused.message.contains("rate limit exceeded for `carol`"),
        "{how}: {refused}"
    );
    assert!(
        refused
            .data
            .as_ref()
            .and_then(|d| d["retryAfterMs"].as_u64())
            .is_some_and(|ms| ms > 0),
        "{how}: {refused:?}"
    );
    let served = bob
        .call(
            "tools/call",
            call_params("mw_echo", json!({"text": "still"})),
        )
        .await
        .unwrap();
    assert_eq!(
        text(&served),
        "still",
        "{how}: another identity is not limited"
    );
}

fn http_app(server: Server) -> TestServer {
    TestServer::start(2, move || {
        let guard = BearerAuth::new(verify);
        App::new()
            .service(
                web::scope("/mcp")
                    .wrap(guard.clone())
                    .service(server.streamable_http_app()),
            )
            .service(web::scope("/legacy").wrap(guard).service(server.sse_app()))
    })
}

async fn remote(upstream: Upstream, token: &str, modern: bool) -> Remote {
    Remote::builder()
        .bearer_token(token)
        .modern(modern)
        .connect(upstream)
        .await
        .unwrap_or_else(|err| panic!("{token} cannot connect: {err}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middleware_hold_over_streamable_http_in_both_eras() {
    for modern in [true, false] {
        let app = http_app(server());
        let url = Upstream::StreamableHttp(format!("http://{}/mcp", app.addr));
        let (alice, bob, carol) = (
            remote(url.clone(), "alice", modern).await,
            remote(url.clone(), "bob", modern).await,
            remote(url, "carol", modern).await,
        );
        assert_eq!(
            alice.is_modern().await.unwrap(),
            modern,
            "the era asked for"
        );
        let how = if modern {
            "streamable, modern"
        } else {
            "streamable, handshake"
        };
        check(how, &alice, &bob, &carol).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middleware_hold_over_http_sse() {
    let app = http_app(server());
    let url = Upstream::Sse(format!("http://{}/legacy/sse", app.addr));
    let (alice, bob, carol) = (
        remote(url.clone(), "alice", false).await,
        remote(url.clone(), "bob", false).await,
        remote(url, "carol", false).await,
    );
    check("sse", &alice, &bob, &carol).await;
}

/// A stdio client over an in-memory pipe: one JSON-RPC message per line.
struct StdioClient {
    writer: tokio::sync::Mutex<tokio::io::WriteHalf<tokio::io::DuplexStream>>,
    lines: tokio::sync::Mutex<
        tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
    >,
    next: AtomicUsize,
    modern: bool,
}

impl StdioClient {
    async fn start(server: &Server, identity: Identity, modern: bool) -> StdioClient {
        let (ours, theirs) = tokio::io::duplex(1 << 16);
        let (read, write) = tokio::io::split(theirs);
        let stdio: Stdio = server.stdio().identity(identity);
        tokio::spawn(stdio.serve_io(read, write));
        let (read, write) = tokio::io::split(ours);
        let client = StdioClient {
            writer: tokio::sync::Mutex::new(write),
            lines: tokio::sync::Mutex::new(BufReader::new(read).lines()),
            next: AtomicUsize::new(1),
            modern,
        };
        if !modern {
            let init = json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
            client.call("initialize", init).await.unwrap();
            client
                .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
                .await;
        }
        client
    }

    async fn send(&self, message: Value) {
        let mut writer = self.writer.lock().await;
        writer
            .write_all(format!("{message}\n").as_bytes())
            .await
            .unwrap();
    }
}

impl Caller for StdioClient {
    async fn call(&self, method: &str, mut params: Value) -> Result<Value, ClientError> {
        if self.modern {
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
            });
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let mut lines = self.lines.lock().await;
        loop {
            let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
                .await
                .expect("an answer in time")
                .unwrap()
                .expect("the server keeps its output open");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] != id {
                continue;
            }
            if let Some(error) = message.get("error") {
                let mut failure = ClientError::new(
                    error["code"].as_i64().unwrap(),
                    error["message"].as_str().unwrap(),
                );
                failure.data = error.get("data").cloned();
                return Err(failure);
            }
            return Ok(message["result"].clone());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middleware_hold_over_stdio_in_both_eras() {
    for modern in [true, false] {
        let server = server();
        let alice = StdioClient::start(
            &server,
            Identity::new("alice").with_scopes(["admin"]),
            modern,
        )
        .await;
        let bob = StdioClient::start(&server, Identity::new("bob"), modern).await;
        let carol = StdioClient::start(&server, Identity::new("carol"), modern).await;
        let how = if modern {
            "stdio, modern"
        } else {
            "stdio, handshake"
        };
        check(how, &alice, &bob, &carol).await;
    }
}
