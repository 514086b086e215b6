//! Stateful Streamable HTTP sessions shared by replicas through a real `redis-server` (feature
//! `redis`): each replica is a server with a Redis connection of its own, and the client picks
//! which replica each request goes to, as a round-robin balancer would. A session started on
//! one is served by the others (POST, GET, DELETE); notifications raised anywhere reach its
//! GET stream once; the stream resumes on another replica from the shared history; answers and
//! cancellations reach the replica running the request; idle expiry, `max_sessions` and
//! identities hold deployment-wide; Redis away is `503` with `Retry-After`, and service
//! resumes when it is back.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::dev::Service;
use actix_web::{web, App, HttpMessage};
use mcp_runtime::auth::{AuthError, BearerAuth, Identity};
use mcp_runtime::context::{ClientRequestError, SamplingRequest};
use mcp_runtime::shared::Redis;
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::{tool, Context, Server};
use mcp_tests::e2e::RedisServer;

use crate::streamable_http_transport::futures_join;
use mcp_tests::support::{eventually, request_with, serving, Reply, SseStream, TestServer};
use serde_json::{json, Value};

/// Asks the client to complete `prompt` (sampling), and says what it answered.
#[tool]
async fn shared_ask(prompt: String, ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.sample(SamplingRequest::new(prompt, 50)).await?;
    Ok(format!("answered: {}", answer.text().unwrap_or_default()))
}

static FOREVER_DROPPED: AtomicUsize = AtomicUsize::new(0);

struct CountDrop;

impl Drop for CountDrop {
    fn drop(&mut self) {
        FOREVER_DROPPED.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs until cancelled, saying so on the way (so its POST answers with a stream at once).
#[tool]
async fn shared_forever(ctx: Context) -> &'static str {
    let _count = CountDrop;
    ctx.info("started").await;
    std::future::pending::<()>().await;
    "never"
}

/// Logs at info and at error.
#[tool]
async fn shared_log(ctx: Context) -> &'static str {
    ctx.info("an info line").await;
    ctx.error("an error line").await;
    "logged"
}

/// Says who is asking.
#[tool]
fn shared_whoami(ctx: Context) -> String {
    ctx.identity()
        .map_or("anonymous".to_owned(), |id| id.subject().to_owned())
}

const TOOLS: &[&str] = &[
    "shared_ask",
    "shared_forever",
    "shared_log",
    "shared_whoami",
];
const VERSION: &str = "2025-11-25";

async fn verify(token: String) -> Result<Identity, AuthError> {
    match token.as_str() {
        "alice-token" => Ok(Identity::new("alice")),
        "bob-token" => Ok(Identity::new("bob")),
        _ => Err(AuthError::invalid_token("unknown token")),
    }
}

struct Settings {
    prefix: &'static str,
    idle: Duration,
    max_sessions: usize,
    auth: bool,
    /// Requests name their user in `X-User` (a middleware of the user's own, as an app with
    /// its own authentication has): sessions may start without one.
    user_header: bool,
    /// How many messages a stream may have waiting before it is ended (the client resumes).
    outbound_queue: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            prefix: "mcp",
            idle: Duration::from_secs(60),
            max_sessions: 1000,
            auth: false,
            user_header: false,
            outbound_queue: 64,
        }
    }
}

/// A replica: a server on its own Redis connection, serving Streamable HTTP at /mcp.
async fn replica(redis: &RedisServer, settings: &Settings) -> (TestServer, Server) {
    let connection = Redis::connect_with_prefix(&redis.url(), settings.prefix)
        .await
        .expect("redis is up");
    let server = serving(TOOLS)
        .resources(["test://static-text", "test://watched-resource"])
        .redis(&connection)
        .max_sessions(settings.max_sessions)
        .build()
        .unwrap();
    let (idle, auth, user_header) = (settings.idle, settings.auth, settings.user_header);
    let queue = settings.outbound_queue;
    let serving = server.clone();
    let app = TestServer::start(1, move || {
        let streamable = serving
            .streamable_http_app()
            .options(
                HttpOptions::new()
                    .keep_alive(Duration::from_millis(200))
                    .outbound_queue(queue),
            )
            .session_idle_timeout(idle);
        let scope = web::scope("/mcp")
            .wrap_fn(move |req, service| {
                let user = req.headers().get("x-user").and_then(|v| v.to_str().ok());
                if let (true, Some(user)) = (user_header, user) {
                    let identity = Identity::new(user);
                    req.extensions_mut().insert(identity);
                }
                service.call(req)
            })
            .wrap(actix_web::middleware::Condition::new(
                auth,
                BearerAuth::new(verify),
            ));
        App::new().service(scope.service(streamable))
    });
    (app, server)
}

async fn replicas(redis: &RedisServer, n: usize, settings: &Settings) -> Vec<(TestServer, Server)> {
    let mut all = Vec::new();
    for _ in 0..n {
        all.push(replica(redis, settings).await);
    }
    all
}

/// A client session that sends each request to the replica it is told.
struct Client {
    session: String,
    token: Option<&'static str>,
    next_id: i64,
}

fn headers<'a>(session: Option<&'a str>, token: &'a Option<String>) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![
        ("Accept", "application/json, text/event-stream"),
        ("Content-Type", "application/json"),
        ("MCP-Protocol-Version", VERSION),
    ];
    if let Some(session) = session {
        headers.push(("Mcp-Session-Id", session));
    }
    if let Some(token) = token {
        match token.strip_prefix("Bearer user:") {
            Some(user) => headers.push(("X-User", user)),
            None => headers.push(("Authorization", token.as_str())),
        }
    }
    headers
}

async fn initialize(addr: SocketAddr, token: Option<&'static str>) -> Reply {
    let message = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": VERSION, "capabilities": {"sampling": {}},
        "clientInfo": {"name": "replicas-test", "version": "0"}}});
    let bearer = token.map(|token| format!("Bearer {token}"));
    request_with(
        addr,
        "POST",
        "/mcp",
        &headers(None, &bearer),
        message.to_string().as_bytes(),
    )
    .await
}

impl Client {
    async fn start(addr: SocketAddr, token: Option<&'static str>) -> Client {
        let reply = initialize(addr, token).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let session = reply
            .header("mcp-session-id")
            .expect("a session id")
            .to_owned();
        let client = Client {
            session,
            token,
            next_id: 1,
        };
        let note = client
            .post(
                addr,
                &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            )
            .await;
        assert_eq!(note.status, 202, "{note:?}");
        client
    }

    fn bearer(&self) -> Option<String> {
        self.token.map(|token| format!("Bearer {token}"))
    }

    async fn post(&self, addr: SocketAddr, message: &Value) -> Reply {
        let bearer = self.bearer();
        request_with(
            addr,
            "POST",
            "/mcp",
            &headers(Some(&self.session), &bearer),
            message.to_string().as_bytes(),
        )
        .await
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
    }

    /// Sends a request to `addr` and returns its response (the last event of a stream).
    async fn call(&mut self, addr: SocketAddr, method: &str, params: Value) -> Value {
        let message = self.request(method, params);
        let reply = self.post(addr, &message).await;
        assert_eq!(reply.status, 200, "{method} on {addr}: {reply:?}");
        let response = if reply.header("content-type") == Some("text/event-stream") {
            let events = mcp_tests::support::parse_events(&reply.body);
            serde_json::from_str(&events.last().expect("a response event").data).unwrap()
        } else {
            reply.json()
        };
        assert_eq!(response["id"], message["id"], "{response}");
        response
    }

    /// A request whose response is a stream, left open to read from.
    async fn stream(&mut self, addr: SocketAddr, method: &str, params: Value) -> SseStream {
        let message = self.request(method, params);
        let bearer = self.bearer();
        let mut headers = headers(Some(&self.session), &bearer);
        headers.retain(|(name, _)| *name != "Accept");
        headers.push(("Accept", "application/json, text/event-stream"));
        SseStream::send(
            addr,
            "POST",
            "/mcp",
            &headers,
            Some(message.to_string().as_bytes()),
        )
        .await
    }

    async fn open_stream(&self, addr: SocketAddr, last_event_id: Option<&str>) -> SseStream {
        let bearer = self.bearer();
        let mut headers = vec![
            ("Mcp-Session-Id", self.session.as_str()),
            ("MCP-Protocol-Version", VERSION),
        ];
        if let Some(bearer) = &bearer {
            match bearer.strip_prefix("Bearer user:") {
                Some(user) => headers.push(("X-User", user)),
                None => headers.push(("Authorization", bearer.as_str())),
            }
        }
        if let Some(id) = last_event_id {
            headers.push(("Last-Event-ID", id));
        }
        SseStream::open_with(addr, "/mcp", &headers).await
    }

    async fn delete(&self, addr: SocketAddr) -> Reply {
        let bearer = self.bearer();
        request_with(
            addr,
            "DELETE",
            "/mcp",
            &headers(Some(&self.session), &bearer),
            b"",
        )
        .await
    }
}

/// The next message event of a GET stream (skipping the priming event), with its id.
async fn next_message(stream: &mut SseStream) -> (u64, Value) {
    loop {
        let event = stream.next_event().await;
        if event.data.is_empty() {
            continue;
        }
        let id = event.id.expect("an event id").parse().unwrap();
        return (id, serde_json::from_str(&event.data).unwrap());
    }
}

#[actix_web::test]
async fn a_session_started_on_one_replica_is_served_by_every_other() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 3, &Settings::default()).await;
    let (a, b, c) = (all[0].0.addr, all[1].0.addr, all[2].0.addr);
    let mut client = Client::start(a, None).await;

    let listed = client.call(b, "tools/list", json!({})).await;
    assert_eq!(
        listed["result"]["tools"].as_array().unwrap().len(),
        TOOLS.len()
    );

    // The GET stream is on C; a notification raised on B reaches it, once.
    let mut stream = client.open_stream(c, None).await;
    assert_eq!(stream.status, 200);
    let priming = stream.next_event().await;
    assert_eq!(priming.id.as_deref(), Some("0"));
    all[1].1.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "from B"}),
    );
    all[0].1.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "from A"}),
    );
    let (first, one) = next_message(&mut stream).await;
    let (second, other) = next_message(&mut stream).await;
    let mut said = [
        one["params"]["data"].clone(),
        other["params"]["data"].clone(),
    ];
    said.sort_by_key(Value::to_string);
    assert_eq!(said, [json!("from A"), json!("from B")]);
    assert_eq!((first, second), (1, 2), "numbered once, in order");

    // The log level set on B holds on A.
    let set = client
        .call(b, "logging/setLevel", json!({"level": "error"}))
        .await;
    assert!(set["result"].is_object(), "{set}");
    let logged = client
        .stream(
            a,
            "tools/call",
            json!({"name": "shared_log", "arguments": {}}),
        )
        .await;
    let body = read_all(logged).await;
    assert!(body.contains("an error line"), "{body}");
    assert!(
        !body.contains("an info line"),
        "info is below the level set on B: {body}"
    );

    // DELETE on A ends it everywhere: the stream on C ends, B and C answer 404.
    assert_eq!(client.delete(a).await.status, 200);
    stream.wait_until_ended().await;
    let ping = client.request("ping", json!({}));
    assert_eq!(client.post(b, &ping).await.status, 404);
    assert_eq!(client.post(c, &ping).await.status, 404);
    assert_eq!(client.delete(c).await.status, 404);
}

/// Everything a stream sends until it ends.
async fn read_all(mut stream: SseStream) -> String {
    let mut body = String::new();
    loop {
        let event = stream.next_event().await;
        body.push_str(&event.data);
        body.push('\n');
        let is_response = serde_json::from_str::<Value>(&event.data)
            .is_ok_and(|message| message.get("method").is_none());
        if is_response {
            return body;
        }
    }
}

#[actix_web::test]
async fn answers_and_cancellations_reach_the_replica_running_the_request() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 3, &Settings::default()).await;
    let (a, b, c) = (all[0].0.addr, all[1].0.addr, all[2].0.addr);
    let mut client = Client::start(a, None).await;

    // B runs the tool and asks the client; the answer lands on C.
    let mut asking = client
        .stream(
            b,
            "tools/call",
            json!({"name": "shared_ask", "arguments": {"prompt": "2+2?"}}),
        )
        .await;
    let question: Value = serde_json::from_str(&asking.next_event().await.data).unwrap();
    assert_eq!(question["method"], "sampling/createMessage", "{question}");
    let answer = json!({"jsonrpc": "2.0", "id": question["id"], "result": {
        "role": "assistant", "content": {"type": "text", "text": "four"}, "model": "m"}});
    assert_eq!(client.post(c, &answer).await.status, 202);
    let response: Value = serde_json::from_str(&asking.next_event().await.data).unwrap();
    assert_eq!(
        response["result"]["content"][0]["text"], "answered: four",
        "{response}"
    );

    // B runs a tool until cancelled; the cancellation lands on A.
    let dropped = FOREVER_DROPPED.load(Ordering::SeqCst);
    let mut running = client
        .stream(
            b,
            "tools/call",
            json!({"name": "shared_forever", "arguments": {}}),
        )
        .await;
    let started = running.next_event().await;
    assert!(started.data.contains("started"), "{}", started.data);
    let id = client.next_id;
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": id, "reason": "changed my mind"}});
    assert_eq!(client.post(a, &cancel).await.status, 202);
    eventually("the tool on B is dropped", || {
        FOREVER_DROPPED.load(Ordering::SeqCst) > dropped
    })
    .await;
}

#[actix_web::test]
async fn the_get_stream_resumes_on_another_replica_from_the_shared_history() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 3, &Settings::default()).await;
    let (a, b, c) = (all[0].0.addr, all[1].0.addr, all[2].0.addr);
    let client = Client::start(a, None).await;
    let say = |n: i64| {
        all[2]
            .1
            .notify_all("notifications/message", json!({"level": "info", "data": n}));
    };

    let mut on_a = client.open_stream(a, None).await;
    say(1);
    assert_eq!(next_message(&mut on_a).await.0, 1);
    drop(on_a);
    // Sent while no stream is open: kept in the shared history.
    tokio::time::sleep(Duration::from_millis(300)).await;
    say(2);
    say(3);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut on_b = client.open_stream(b, Some("1")).await;
    assert_eq!(on_b.status, 200);
    let mut replayed = Vec::new();
    while replayed.len() < 2 {
        let (id, message) = next_message(&mut on_b).await;
        replayed.push((id, message["params"]["data"].clone()));
    }
    assert_eq!(replayed, [(2, json!(2)), (3, json!(3))]);
    say(4);
    assert_eq!(next_message(&mut on_b).await.0, 4, "live on B now");

    // A second stream without Last-Event-ID is refused while B's is open; a resumption on C
    // takes it over, and B's ends.
    let refused = client.open_stream(c, None).await;
    assert_eq!(refused.status, 409);
    let mut on_c = client.open_stream(c, Some("4")).await;
    assert_eq!(on_c.status, 200);
    on_b.wait_until_ended().await;
    say(5);
    assert_eq!(
        next_message(&mut on_c).await,
        (
            5,
            json!({"jsonrpc": "2.0",
        "method": "notifications/message", "params": {"level": "info", "data": 5}})
        )
    );
}

#[actix_web::test]
async fn idle_expiry_and_the_session_limit_count_the_whole_deployment() {
    let redis = RedisServer::start();
    let settings = Settings {
        idle: Duration::from_millis(1500),
        max_sessions: 2,
        ..Settings::default()
    };
    let all = replicas(&redis, 2, &settings).await;
    let (a, b) = (all[0].0.addr, all[1].0.addr);

    let mut used = Client::start(a, None).await;
    let _idle = Client::start(b, None).await;
    let third = initialize(a, None).await;
    assert_eq!(
        third.status, 503,
        "two sessions in the deployment: {third:?}"
    );
    assert!(third.header("retry-after").is_some());

    // Requests on B keep the session alive for A too; the other one expires meanwhile.
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let ping = used.request("ping", json!({}));
        assert_eq!(used.post(b, &ping).await.status, 200);
    }
    let ping = used.request("ping", json!({}));
    assert_eq!(used.post(a, &ping).await.status, 200, "kept alive on B");
    let again = initialize(b, None).await;
    assert_eq!(
        again.status, 200,
        "the idle session expired, making room: {again:?}"
    );
}

#[actix_web::test]
async fn a_session_id_alone_never_reaches_another_identitys_session() {
    let redis = RedisServer::start();
    let settings = Settings {
        auth: true,
        ..Settings::default()
    };
    let all = replicas(&redis, 2, &settings).await;
    let (a, b) = (all[0].0.addr, all[1].0.addr);
    let mut alice = Client::start(a, Some("alice-token")).await;
    let said = alice
        .call(
            b,
            "tools/call",
            json!({"name": "shared_whoami", "arguments": {}}),
        )
        .await;
    assert_eq!(said["result"]["content"][0]["text"], "alice");

    let bob = Client {
        session: alice.session.clone(),
        token: Some("bob-token"),
        next_id: 100,
    };
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    for addr in [a, b] {
        assert_eq!(bob.post(addr, &ping).await.status, 403, "bob on {addr}");
        assert_eq!(
            bob.open_stream(addr, None).await.status,
            403,
            "bob's stream on {addr}"
        );
    }
    assert_eq!(bob.delete(b).await.status, 403);
    assert_eq!(alice.post(a, &ping).await.status, 200, "still alice's");
}

#[actix_web::test]
async fn redis_away_is_503_with_retry_after_and_service_resumes_when_it_is_back() {
    let mut redis = RedisServer::start();
    let all = replicas(&redis, 2, &Settings::default()).await;
    let (a, b) = (all[0].0.addr, all[1].0.addr);
    let mut client = Client::start(a, None).await;
    let mut stream = client.open_stream(a, None).await;
    assert_eq!(stream.status, 200);

    redis.stop();
    // What is published while A cannot hear would be lost to the stream: it ends, so that its
    // client resumes from the shared history.
    stream.wait_until_ended().await;
    let ping = client.request("ping", json!({}));
    let started = std::time::Instant::now();
    let away = client.post(b, &ping).await;
    assert_eq!(away.status, 503, "{away:?}");
    assert!(away.header("retry-after").is_some());
    assert!(away.body.contains("Redis"), "{}", away.body);
    assert!(started.elapsed() < Duration::from_secs(10), "no hang");
    assert_eq!(initialize(a, None).await.status, 503);

    // Back, empty: the old session is gone (its client starts another), new ones work.
    redis.restart();
    let mut answered = None;
    for _ in 0..50 {
        let reply = initialize(b, None).await;
        if reply.status == 200 {
            answered = Some(reply);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(answered.is_some(), "a new session once Redis is back");
    assert_eq!(client.post(a, &ping).await.status, 404);
    let mut fresh = Client::start(a, None).await;
    let listed = fresh.call(b, "tools/list", json!({})).await;
    assert!(listed["result"]["tools"].is_array());
}

#[actix_web::test]
async fn a_session_started_without_an_identity_belongs_to_the_first_seen_on_any_replica() {
    let redis = RedisServer::start();
    let settings = Settings {
        user_header: true,
        ..Settings::default()
    };
    let all = replicas(&redis, 3, &settings).await;
    let (a, b, c) = (all[0].0.addr, all[1].0.addr, all[2].0.addr);
    let anonymous = Client::start(a, None).await;
    let as_user = |user: &'static str| Client {
        session: anonymous.session.clone(),
        token: Some(user),
        next_id: 10,
    };
    let (mut alice, bob) = (as_user("user:alice"), as_user("user:bob"));
    let said = alice
        .call(
            b,
            "tools/call",
            json!({"name": "shared_whoami", "arguments": {}}),
        )
        .await;
    assert_eq!(said["result"]["content"][0]["text"], "alice");
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    for addr in [a, b, c] {
        assert_eq!(bob.post(addr, &ping).await.status, 403, "bob on {addr}");
        assert_eq!(
            anonymous.post(addr, &ping).await.status,
            403,
            "no one on {addr}"
        );
    }
    assert_eq!(alice.post(c, &ping).await.status, 200);
}

#[actix_web::test]
async fn concurrent_first_requests_on_a_replica_share_one_view_of_the_session() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 2, &Settings::default()).await;
    let (a, b) = (all[0].0.addr, all[1].0.addr);
    for round in 0..8 {
        let client = Client::start(a, None).await;
        // B has never seen the session: its stream and five requests arrive together.
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
        let posts = async {
            // Just after the stream's request: each would find no view of the session yet.
            tokio::time::sleep(Duration::from_micros(200 * round)).await;
            futures_join((0..5).map(|_| client.post(b, &list))).await
        };
        let (mut stream, replies) = tokio::join!(client.open_stream(b, None), posts);
        assert!(
            replies.iter().all(|reply| reply.status == 200),
            "round {round}"
        );
        assert_eq!(stream.status, 200);
        all[0].1.notify_all(
            "notifications/message",
            json!({"level": "info", "data": round}),
        );
        let (_, message) = next_message(&mut stream).await;
        assert_eq!(message["params"]["data"], round, "round {round}: {message}");
    }
}

#[actix_web::test]
async fn subscriptions_made_at_once_on_two_replicas_both_hold() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 3, &Settings::default()).await;
    let (a, b, c) = (all[0].0.addr, all[1].0.addr, all[2].0.addr);
    for round in 0..5 {
        let mut client = Client::start(a, None).await;
        let mut other = Client {
            session: client.session.clone(),
            token: None,
            next_id: 100,
        };
        let (one, two) = tokio::join!(
            client.call(
                a,
                "resources/subscribe",
                json!({"uri": "test://static-text"})
            ),
            other.call(
                b,
                "resources/subscribe",
                json!({"uri": "test://watched-resource"})
            )
        );
        assert!(
            one["result"].is_object() && two["result"].is_object(),
            "{one} {two}"
        );
        let mut stream = client.open_stream(c, None).await;
        assert_eq!(stream.status, 200);
        for uri in ["test://static-text", "test://watched-resource"] {
            all[1].1.notify_resource_updated(uri);
            let (_, message) = next_message(&mut stream).await;
            assert_eq!(message["params"]["uri"], uri, "round {round}: {message}");
        }
    }
}

#[actix_web::test]
async fn a_burst_of_notifications_arrives_whole_and_in_order() {
    let redis = RedisServer::start();
    let settings = Settings {
        outbound_queue: 4,
        ..Settings::default()
    };
    let all = replicas(&redis, 2, &settings).await;
    let (a, b) = (all[0].0.addr, all[1].0.addr);
    let client = Client::start(a, None).await;
    let mut stream = client.open_stream(b, None).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.next_event().await.id.as_deref(), Some("0"));
    // Raised on A, where the session is not at home: through the bus, then B's batched writes.
    const BURST: i64 = 200;
    for n in 0..BURST {
        all[0]
            .1
            .notify_all("notifications/message", json!({"level": "info", "data": n}));
    }
    // A client reading slower than the burst sees its stream ended (four messages may wait, no
    // more): it resumes after the last id it saw, from the shared history.
    let (mut seen, mut last, mut resumed) = (Vec::new(), 0u64, 0);
    while seen.len() < BURST as usize {
        let Some(event) = stream.next_event_or_end().await else {
            resumed += 1;
            assert!(
                resumed < 20,
                "resumed {resumed} times, {} messages seen",
                seen.len()
            );
            stream = client.open_stream(b, Some(&last.to_string())).await;
            assert_eq!(stream.status, 200);
            continue;
        };
        if event.data.is_empty() {
            continue; // a priming event
        }
        let id: u64 = event.id.expect("an event id").parse().unwrap();
        assert!(id > last, "ids grow: {id} after {last}");
        last = id;
        let message: Value = serde_json::from_str(&event.data).unwrap();
        seen.push(message["params"]["data"].as_i64().unwrap());
    }
    assert_eq!(seen, (0..BURST).collect::<Vec<_>>());
    println!("{BURST} messages in order; the stream was resumed {resumed} times");
}

#[actix_web::test]
async fn a_stream_moved_back_and_forth_hears_each_notification_once() {
    let redis = RedisServer::start();
    let all = replicas(&redis, 3, &Settings::default()).await;
    let addrs = [all[0].0.addr, all[1].0.addr, all[2].0.addr];
    let client = Client::start(addrs[0], None).await;
    let mut stream = client.open_stream(addrs[0], None).await;
    let mut last = 0;
    for (round, at) in [1, 0, 2, 1, 0].into_iter().enumerate() {
        let resumed = client.open_stream(addrs[at], Some(&last.to_string())).await;
        assert_eq!(resumed.status, 200, "round {round}");
        stream.wait_until_ended().await;
        stream = resumed;
        // Raised on every replica: each session hears it from its home alone.
        for server in &all {
            server.1.notify_all(
                "notifications/message",
                json!({"level": "info", "data": round}),
            );
        }
        for _ in 0..3 {
            let (id, message) = next_message(&mut stream).await;
            assert_eq!(message["params"]["data"], round, "round {round}: {message}");
            assert!(id > last, "round {round}: {id} after {last}");
            last = id;
        }
    }
    // Nothing more than three per round came: the next one is the marker.
    all[0].1.notify_all(
        "notifications/message",
        json!({"level": "info", "data": "end"}),
    );
    let (_, message) = next_message(&mut stream).await;
    assert_eq!(message["params"]["data"], "end");
}
