//! The Streamable HTTP transport over real sockets: every status code, sessions (expiry, DELETE),
//! the resumable GET stream, stateless mode, SSE responses, and sharing a server with SSE.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::{web, App};
use mcp_runtime::transport::{HttpOptions, StreamableHttpApp};
use mcp_runtime::Server;
use mcp_tests::support::{
    parse_events, request_with, serving, Reply, SseClient, SseStream, TestServer,
};
use serde_json::{json, Value};

const ACCEPT_BOTH: (&str, &str) = ("Accept", "application/json, text/event-stream");
const JSON: (&str, &str) = ("Content-Type", "application/json");

fn builder() -> mcp_runtime::ServerBuilder {
    serving(&["add", "release", "wait_for_release"])
}

fn options() -> HttpOptions {
    HttpOptions::new()
        .keep_alive(Duration::from_millis(200))
        .max_body_bytes(64 * 1024)
}

/// A server with Streamable HTTP at /api/mcp and SSE at /api/sse, as users mount them.
fn start(server: Server) -> TestServer {
    start_with(server, options(), |app| app)
}

/// [`start`] with other options, and Streamable HTTP configured by `configure`.
fn start_with(
    server: Server,
    options: HttpOptions,
    configure: fn(StreamableHttpApp) -> StreamableHttpApp,
) -> TestServer {
    TestServer::start(2, move || {
        let streamable = configure(server.streamable_http_app().options(options.clone()));
        App::new().service(
            web::scope("/api")
                .service(web::scope("/mcp").service(streamable))
                .service(web::scope("/legacy").service(server.sse_app().options(options.clone()))),
        )
    })
}

fn initialize_message(version: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "socket-test", "version": "0"}}})
}

async fn post(addr: SocketAddr, headers: &[(&str, &str)], message: &Value) -> Reply {
    request_with(
        addr,
        "POST",
        "/api/mcp",
        headers,
        message.to_string().as_bytes(),
    )
    .await
}

/// A Streamable HTTP client session.
struct Client {
    addr: SocketAddr,
    session: String,
    version: &'static str,
}

impl Client {
    async fn initialize(addr: SocketAddr, version: &'static str) -> Client {
        let reply = post(addr, &[ACCEPT_BOTH, JSON], &initialize_message(version)).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.json()["result"]["protocolVersion"], version);
        let session = reply
            .header("mcp-session-id")
            .expect("a session id")
            .to_owned();
        let client = Client {
            addr,
            session,
            version,
        };
        let note = client
            .post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        assert_eq!((note.status, note.body.as_str()), (202, ""));
        client
    }

    fn headers(&self) -> Vec<(&str, &str)> {
        vec![
            ACCEPT_BOTH,
            JSON,
            ("Mcp-Session-Id", self.session.as_str()),
            ("MCP-Protocol-Version", self.version),
        ]
    }

    async fn post(&self, message: &Value) -> Reply {
        post(self.addr, &self.headers(), message).await
    }

    async fn call(&self, id: i64, name: &str, arguments: Value) -> Value {
        let reply = self
            .post(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}}))
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let response = reply.json();
        assert_eq!(response["id"], id);
        response["result"].clone()
    }

    async fn open_stream(&self, extra: &[(&str, &str)]) -> SseStream {
        let mut headers = vec![
            ("Mcp-Session-Id", self.session.as_str()),
            ("MCP-Protocol-Version", self.version),
        ];
        headers.extend_from_slice(extra);
        SseStream::open_with(self.addr, "/api/mcp", &headers).await
    }
}

fn error_message(reply: &Reply) -> String {
    reply.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn a_session_lists_and_calls_tools_at_both_endpoint_spellings() {
    let app = start(builder().build().unwrap());
    let client = Client::initialize(app.addr, "2025-06-18").await;
    assert_eq!(client.session.len(), 32);
    assert!(client.session.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        client.call(1, "add", json!({"a": 2, "b": 3})).await["content"][0]["text"],
        "5"
    );

    let mut headers = client.headers();
    headers.retain(|(name, _)| *name != "MCP-Protocol-Version"); // missing: 2025-03-26 assumed
    let message = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let reply = request_with(
        app.addr,
        "POST",
        "/api/mcp/",
        &headers,
        message.to_string().as_bytes(),
    )
    .await;
    assert_eq!(reply.status, 200, "trailing slash, no redirect: {reply:?}");
    assert!(reply.json()["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "add"));
}

#[actix_web::test]
async fn every_status_code_comes_with_a_json_rpc_error_body() {
    let app = start(builder().build().unwrap());
    let client = Client::initialize(app.addr, "2025-11-25").await;
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let session = client.session.as_str();
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&str, &str)> {
        let mut headers = vec![("Mcp-Session-Id", session)];
        headers.extend_from_slice(extra);
        headers
    };
    // (what, request headers, body, expected status, text the error message contains)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "only JSON accepted",
            with(&[("Accept", "application/json"), JSON]),
            ping.to_string().into(),
            406,
            "Accept header must list both",
        ),
        (
            "no Accept",
            with(&[JSON]),
            ping.to_string().into(),
            406,
            "Not Acceptable",
        ),
        (
            "text body",
            with(&[ACCEPT_BOTH, ("Content-Type", "text/plain")]),
            ping.to_string().into(),
            415,
            "Content-Type: application/json",
        ),
        (
            "truncated JSON",
            with(&[ACCEPT_BOTH, JSON]),
            b"{\"jsonrpc\":".to_vec(),
            400,
            "invalid JSON",
        ),
        (
            "not JSON-RPC",
            with(&[ACCEPT_BOTH, JSON]),
            b"{\"id\":1}".to_vec(),
            400,
            "missing `jsonrpc`",
        ),
        (
            "empty batch",
            with(&[ACCEPT_BOTH, JSON]),
            b"[]".to_vec(),
            400,
            "an empty JSON-RPC batch",
        ),
        (
            "no session",
            vec![ACCEPT_BOTH, JSON],
            ping.to_string().into(),
            400,
            "missing Mcp-Session-Id",
        ),
        (
            "unknown session",
            vec![ACCEPT_BOTH, JSON, ("Mcp-Session-Id", "feedface")],
            ping.to_string().into(),
            404,
            "unknown or expired session",
        ),
        (
            "unsupported version",
            with(&[ACCEPT_BOTH, JSON, ("MCP-Protocol-Version", "1999-01-01")]),
            ping.to_string().into(),
            400,
            // A revision this server does not know gets the structured error of MCP
            // 2026-07-28 (`-32022` with what it speaks), which clients of either era act on.
            "Unsupported protocol version `1999-01-01`",
        ),
        (
            "foreign Host",
            with(&[ACCEPT_BOTH, JSON, ("Host", "evil.example.com")]),
            ping.to_string().into(),
            403,
            "Host `evil.example.com` is not allowed",
        ),
        (
            "foreign Origin",
            with(&[ACCEPT_BOTH, JSON, ("Origin", "https://evil.example.com")]),
            ping.to_string().into(),
            403,
            "Origin `https://evil.example.com` is not allowed",
        ),
        (
            "oversized",
            with(&[ACCEPT_BOTH, JSON]),
            vec![b' '; 65 * 1024],
            413,
            "",
        ),
    ];
    for (what, headers, body, status, needle) in cases {
        let reply = request_with(app.addr, "POST", "/api/mcp", &headers, &body).await;
        assert_eq!(reply.status, status, "{what}: {reply:?}");
        if status != 413 {
            let body = reply.json();
            assert_eq!(body["jsonrpc"], "2.0", "{what}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(needle),
                "{what}: {message:?} lacks {needle:?}"
            );
        }
    }
    let parse_error = request_with(
        app.addr,
        "POST",
        "/api/mcp",
        &with(&[ACCEPT_BOTH, JSON]),
        b"{",
    )
    .await;
    assert_eq!(parse_error.json()["error"]["code"], -32700);

    let local_origin = post(
        app.addr,
        &with(&[ACCEPT_BOTH, JSON, ("Origin", "http://localhost:3000")]),
        &ping,
    )
    .await;
    assert_eq!(
        local_origin.status, 200,
        "a loopback origin is fine: {local_origin:?}"
    );
    let put = request_with(app.addr, "PUT", "/api/mcp", &with(&[JSON]), b"{}").await;
    assert_eq!(
        (put.status, put.header("allow")),
        (405, Some("GET, POST, DELETE"))
    );
    let notification = client
        .post(&json!({"jsonrpc": "2.0", "method": "notifications/whatever"}))
        .await;
    assert_eq!(notification.status, 202);
    let response = client
        .post(&json!({"jsonrpc": "2.0", "id": 7, "result": {}}))
        .await;
    assert_eq!(response.status, 202);
    // The session survived all of it.
    assert_eq!(client.post(&ping).await.json()["result"], json!({}));
}

#[actix_web::test]
async fn allow_lists_admit_configured_hosts_and_origins() {
    let server = builder().build().unwrap();
    let allow_lists = options()
        .allowed_hosts(["mcp.example.com"])
        .allowed_origins(["https://app.example.com"]);
    let app = start_with(server, allow_lists, |app| app);
    let init = initialize_message("2025-11-25");
    let host = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("Host", "mcp.example.com:8443")],
        &init,
    )
    .await;
    assert_eq!(host.status, 200, "{host:?}");
    let origin = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("Origin", "https://app.example.com")],
        &init,
    )
    .await;
    assert_eq!(origin.status, 200, "{origin:?}");
    let other = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("Host", "other.example.com")],
        &init,
    )
    .await;
    assert_eq!(other.status, 403);

    let open = builder().build().unwrap();
    let app = start_with(open, options().dns_rebinding_protection(false), |app| app);
    let anything = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("Host", "evil.example.com")],
        &init,
    )
    .await;
    assert_eq!(anything.status, 200, "protection turned off: {anything:?}");
}

#[actix_web::test]
async fn sse_transport_checks_hosts_too() {
    let app = start(builder().build().unwrap());
    let stream =
        SseStream::open_with(app.addr, "/api/legacy/sse", &[("Host", "evil.example.com")]).await;
    assert_eq!(stream.status, 403);
}

#[actix_web::test]
async fn delete_ends_the_session_and_its_stream() {
    let server = builder().build().unwrap();
    let counter = server.clone();
    let app = start(server);
    let client = Client::initialize(app.addr, "2025-11-25").await;
    assert_eq!(counter.streamable_http_app().session_count(), 1);
    let mut stream = client.open_stream(&[]).await;
    assert_eq!(stream.status, 200);

    let deleted = request_with(app.addr, "DELETE", "/api/mcp", &client.headers(), b"").await;
    assert_eq!(deleted.status, 200);
    assert_eq!(counter.streamable_http_app().session_count(), 0);
    stream.wait_until_ended().await;
    let after = client
        .post(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .await;
    assert_eq!(after.status, 404);
    let again = request_with(app.addr, "DELETE", "/api/mcp", &client.headers(), b"").await;
    assert_eq!(again.status, 404);
}

#[actix_web::test]
async fn idle_sessions_expire() {
    let server = builder().build().unwrap();
    let app = start_with(server, options(), |app| {
        app.session_idle_timeout(Duration::from_millis(100))
    });
    let client = Client::initialize(app.addr, "2025-11-25").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = client
        .post(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .await;
    assert_eq!(expired.status, 404);
    assert!(error_message(&expired).contains("send `initialize` again"));
}

#[actix_web::test]
async fn the_get_stream_is_unique_primed_and_resumable() {
    let server = builder().build().unwrap();
    let notifier = server.clone();
    let app = start(server);
    let client = Client::initialize(app.addr, "2025-11-25").await;

    let mut stream = client.open_stream(&[]).await;
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let priming = stream.next_event().await;
    assert_eq!(
        (priming.id.as_deref(), priming.data.as_str()),
        (Some("0"), "")
    );
    assert_eq!(stream.retries, ["1000"]);

    let second = client.open_stream(&[]).await;
    assert_eq!(second.status, 409, "one GET stream per session");

    assert_eq!(
        notifier.notify_all("notifications/message", json!({"n": 1})),
        1
    );
    let first = stream.next_event().await;
    assert_eq!(first.id.as_deref(), Some("1"));
    let first: Value = serde_json::from_str(&first.data).unwrap();
    assert_eq!(
        first,
        json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"n": 1}})
    );

    // The client drops its stream; what is sent meanwhile waits in the session's history.
    drop(stream);
    mcp_tests::support::eventually("the dropped stream is noticed", || {
        notifier.notify_all("notifications/message", json!({"probe": true})) == 0
    })
    .await;
    notifier.notify_all("notifications/message", json!({"n": 2}));

    let mut resumed = client.open_stream(&[("Last-Event-ID", "1")]).await;
    assert_eq!(
        resumed.status, 200,
        "the old stream is gone, so a new one is allowed"
    );
    let mut replayed = Vec::new();
    loop {
        let event = resumed.next_event().await;
        if event.data.is_empty() {
            continue; // the priming event
        }
        let message: Value = serde_json::from_str(&event.data).unwrap();
        replayed.push((event.id.unwrap(), message["params"].clone()));
        if message["params"] == json!({"n": 2}) {
            break;
        }
    }
    let ids: Vec<u64> = replayed.iter().map(|(id, _)| id.parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    assert!(
        ids[0] > 1,
        "nothing at or before Last-Event-ID is replayed: {ids:?}"
    );
    assert_eq!(replayed.last().unwrap().1, json!({"n": 2}));
}

#[actix_web::test]
async fn the_get_stream_needs_a_session_and_the_right_accept() {
    let app = start(builder().build().unwrap());
    let client = Client::initialize(app.addr, "2025-11-25").await;
    let no_session = SseStream::open(app.addr, "/api/mcp").await;
    assert_eq!(no_session.status, 400);
    let wrong_accept = request_with(
        app.addr,
        "GET",
        "/api/mcp",
        &[
            ("Accept", "application/json"),
            ("Mcp-Session-Id", client.session.as_str()),
        ],
        b"",
    )
    .await;
    assert_eq!(wrong_accept.status, 406);
}

#[actix_web::test]
async fn stateless_mode_needs_no_session() {
    let server = builder().build().unwrap();
    let app = TestServer::start(2, move || {
        App::new()
            .service(web::scope("/api/mcp").service(server.streamable_http_app().stateless(true)))
    });
    let init = post(
        app.addr,
        &[ACCEPT_BOTH, JSON],
        &initialize_message("2025-06-18"),
    )
    .await;
    assert_eq!(init.status, 200);
    assert_eq!(init.header("mcp-session-id"), None);
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 40, "b": 2}}});
    let reply = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("MCP-Protocol-Version", "2025-06-18")],
        &call,
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["result"]["content"][0]["text"], "42");
    let get = request_with(
        app.addr,
        "GET",
        "/api/mcp",
        &[("Accept", "text/event-stream")],
        b"",
    )
    .await;
    assert_eq!(get.status, 405);
    let delete = request_with(app.addr, "DELETE", "/api/mcp", &[], b"").await;
    assert_eq!(delete.status, 405);
}

#[actix_web::test]
async fn sse_responses_carry_the_response_as_an_event() {
    let server = builder().build().unwrap();
    let app = TestServer::start(1, move || {
        App::new().service(
            web::scope("/api/mcp").service(server.streamable_http_app().sse_responses(true)),
        )
    });
    let init = post(
        app.addr,
        &[ACCEPT_BOTH, JSON],
        &initialize_message("2025-11-25"),
    )
    .await;
    assert_eq!(init.status, 200);
    assert_eq!(init.header("content-type"), Some("text/event-stream"));
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let events = parse_events(&init.body);
    assert_eq!(events.len(), 1, "{events:?}");
    let response: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(response["result"]["protocolVersion"], "2025-11-25");

    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 1, "b": 2}}});
    let reply = post(
        app.addr,
        &[ACCEPT_BOTH, JSON, ("Mcp-Session-Id", session.as_str())],
        &call,
    )
    .await;
    let events = parse_events(&reply.body);
    let response: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(response["result"]["content"][0]["text"], "3");
}

#[actix_web::test]
async fn concurrent_posts_in_one_session_are_all_answered() {
    let app = start(builder().build().unwrap());
    let client = Client::initialize(app.addr, "2025-11-25").await;
    let slow = {
        let headers: Vec<(String, String)> = client
            .headers()
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let addr = app.addr;
        tokio::spawn(async move {
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let message = json!({"jsonrpc": "2.0", "id": 100, "method": "tools/call", "params": {"name": "wait_for_release"}});
            post(addr, &headers, &message).await
        })
    };
    // Three more calls while the first waits: each is answered on its own connection.
    let calls = (0..3).map(|i| client.call(i, "add", json!({"a": i, "b": 10})));
    let results = futures_join(calls).await;
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["content"][0]["text"], (i + 10).to_string());
    }
    let mut answer = None;
    for _ in 0..200 {
        client.call(50, "release", json!({})).await;
        if slow.is_finished() {
            answer = Some(slow.await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let answer = answer.expect("the slow call finished once released");
    assert_eq!(answer.json()["result"]["content"][0]["text"], "released");
}

/// Runs futures concurrently and collects their outputs in order.
pub(crate) async fn futures_join<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[actix_web::test]
async fn sse_and_streamable_http_share_one_server() {
    let server = builder().build().unwrap();
    let notifier = server.clone();
    let app = start(server);
    let client = Client::initialize(app.addr, "2025-11-25").await;
    let mut legacy = SseClient::initialized(app.addr, "/api/legacy/sse").await;
    assert!(legacy
        .endpoint
        .starts_with("/api/legacy/messages/?session_id="));
    let mut stream = client.open_stream(&[]).await;
    stream.next_event().await; // priming
    assert_eq!(
        notifier.notify_all("notifications/message", json!({"to": "all"})),
        2
    );
    assert_eq!(legacy.receive().await["params"], json!({"to": "all"}));
    let event: Value = serde_json::from_str(&stream.next_event().await.data).unwrap();
    assert_eq!(event["params"], json!({"to": "all"}));
    assert_eq!(
        legacy.call_tool("add", json!({"a": 1, "b": 1})).await["content"][0]["text"],
        "2"
    );
    assert_eq!(
        client.call(1, "add", json!({"a": 2, "b": 2})).await["content"][0]["text"],
        "4"
    );
}
