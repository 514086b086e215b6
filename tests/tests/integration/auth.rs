//! Bearer-token authentication on both HTTP transports: 401 challenges pointing at the RFC 9728
//! metadata, identities and scopes reaching tools, sessions bound to their owner.

use actix_web::{web, App};
use mcp_runtime::auth::{AuthError, BearerAuth, Identity, ProtectedResource};
use mcp_runtime::{tool, Context};
use mcp_tests::support::{request_with, serving, SseStream, TestServer};
use serde_json::{json, Value};

/// Says who is asking.
#[tool]
fn whoami(ctx: Context) -> String {
    ctx.identity()
        .map_or("anonymous".to_owned(), |id| id.subject().to_owned())
}

/// Writes a file (pretends to); needs the `files:write` scope.
#[tool]
fn write_file(path: String, ctx: Context) -> Result<String, String> {
    ctx.require_scope("files:write")
        .map_err(|e| e.to_string())?;
    Ok(format!("wrote {path}"))
}

async fn verify(token: String) -> Result<Identity, AuthError> {
    match token.as_str() {
        "alice-token" => Ok(Identity::new("alice").with_scopes(["files:read", "files:write"])),
        "bob-token" => Ok(Identity::new("bob").with_scopes(["files:read"])),
        _ => Err(AuthError::invalid_token("the token is unknown or expired")),
    }
}

fn start() -> (TestServer, String) {
    let server = serving(&["whoami", "write_file"]).build().unwrap();
    let app = TestServer::start(2, move || {
        let metadata = ProtectedResource::new("http://127.0.0.1/mcp")
            .authorization_server("https://auth.example.com")
            .scopes(["files:read", "files:write"]);
        let guard = BearerAuth::new(verify).resource_metadata(metadata.metadata_url());
        App::new()
            .service(metadata.service())
            .service(
                web::scope("/mcp")
                    .wrap(guard.clone())
                    .service(server.streamable_http_app()),
            )
            .service(web::scope("/legacy").wrap(guard).service(server.sse_app()))
    });
    let metadata_url = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp".to_owned();
    (app, metadata_url)
}

fn json_headers(token: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("Accept", "application/json, text/event-stream".to_owned()),
        ("Content-Type", "application/json".to_owned()),
    ];
    if let Some(token) = token {
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    headers
}

async fn post(
    app: &TestServer,
    token: Option<&str>,
    session: Option<&str>,
    message: Value,
) -> mcp_tests::support::Reply {
    let mut headers = json_headers(token);
    if let Some(session) = session {
        headers.push(("Mcp-Session-Id", session.to_owned()));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        message.to_string().as_bytes(),
    )
    .await
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
}

fn call(name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
}

#[actix_web::test]
async fn requests_without_a_valid_token_get_a_challenge() {
    let (app, metadata_url) = start();
    let missing = post(&app, None, None, initialize()).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.header("www-authenticate"),
        Some(format!("Bearer realm=\"mcp\", resource_metadata=\"{metadata_url}\"").as_str())
    );
    assert!(missing.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Authorization: Bearer"));

    let wrong = post(&app, Some("stolen"), None, initialize()).await;
    assert_eq!(wrong.status, 401);
    let challenge = wrong.header("www-authenticate").unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains("error_description=\"the token is unknown or expired\""),
        "{challenge}"
    );

    let sse = SseStream::open(app.addr, "/legacy/sse").await;
    assert_eq!(sse.status, 401, "the SSE transport is guarded the same way");
}

#[actix_web::test]
async fn the_metadata_document_is_public_at_the_rfc_9728_path() {
    let (app, _) = start();
    let reply = request_with(
        app.addr,
        "GET",
        "/.well-known/oauth-protected-resource/mcp",
        &[],
        b"",
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({
            "resource": "http://127.0.0.1/mcp",
            "authorization_servers": ["https://auth.example.com"],
            "bearer_methods_supported": ["header"],
            "scopes_supported": ["files:read", "files:write"],
        })
    );
}

#[actix_web::test]
async fn identities_and_scopes_reach_the_tools() {
    let (app, _) = start();
    for (token, who, write) in [
        ("alice-token", "alice", "wrote /tmp/a"),
        (
            "bob-token",
            "bob",
            "this tool needs the `files:write` scope, which the access token does not grant",
        ),
    ] {
        let init = post(&app, Some(token), None, initialize()).await;
        assert_eq!(init.status, 200, "{init:?}");
        let session = init.header("mcp-session-id").unwrap().to_owned();
        let whoami = post(&app, Some(token), Some(&session), call("whoami", json!({}))).await;
        assert_eq!(whoami.json()["result"]["content"][0]["text"], who);
        let written = post(
            &app,
            Some(token),
            Some(&session),
            call("write_file", json!({"path": "/tmp/a"})),
        )
        .await;
        assert_eq!(written.json()["result"]["content"][0]["text"], write);
    }
}

#[actix_web::test]
async fn a_session_belongs_to_the_identity_that_started_it() {
    let (app, _) = start();
    let init = post(&app, Some("alice-token"), None, initialize()).await;
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let hijack = post(
        &app,
        Some("bob-token"),
        Some(&session),
        call("whoami", json!({})),
    )
    .await;
    assert_eq!(hijack.status, 403);
    assert!(hijack.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("belongs to another identity"));
    let owner = post(
        &app,
        Some("alice-token"),
        Some(&session),
        call("whoami", json!({})),
    )
    .await;
    assert_eq!(owner.json()["result"]["content"][0]["text"], "alice");

    // The same over HTTP+SSE.
    let mut stream = SseStream::open_with(
        app.addr,
        "/legacy/sse",
        &[("Authorization", "Bearer alice-token")],
    )
    .await;
    assert_eq!(stream.status, 200);
    let endpoint = stream.next_event().await.data;
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", "Bearer bob-token"),
    ];
    let ping = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}).to_string();
    let hijack = request_with(app.addr, "POST", &endpoint, &headers, ping.as_bytes()).await;
    assert_eq!(hijack.status, 403);
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", "Bearer alice-token"),
    ];
    let own = request_with(app.addr, "POST", &endpoint, &headers, ping.as_bytes()).await;
    assert_eq!(own.status, 202);
}

#[actix_web::test]
async fn preflight_requests_pass_unauthenticated() {
    let (app, _) = start();
    let preflight = request_with(
        app.addr,
        "OPTIONS",
        "/mcp",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    )
    .await;
    assert_ne!(preflight.status, 401, "{preflight:?}");
}

/// A modern (2026-07-28) `tools/call`, with its `_meta` and headers.
fn modern_call(name: &str, arguments: Value) -> (Vec<(&'static str, String)>, Value) {
    let message = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {
        "name": name, "arguments": arguments,
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let headers = vec![
        ("MCP-Protocol-Version", "2026-07-28".to_owned()),
        ("Mcp-Method", "tools/call".to_owned()),
        ("Mcp-Name", name.to_owned()),
    ];
    (headers, message)
}

async fn post_modern(app: &TestServer, token: Option<&str>, name: &str, arguments: Value) -> Value {
    let (extra, message) = modern_call(name, arguments);
    let mut headers = json_headers(token);
    headers.extend(extra);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let reply = request_with(
        app.addr,
        "POST",
        "/mcp",
        &headers,
        message.to_string().as_bytes(),
    )
    .await;
    json!({"status": reply.status, "body": reply.json(),
           "challenge": reply.header("www-authenticate")})
}

#[actix_web::test]
async fn modern_requests_are_authenticated_as_legacy_ones_are() {
    let (app, metadata_url) = start();
    let missing = post_modern(&app, None, "whoami", json!({})).await;
    assert_eq!(missing["status"], 401, "{missing}");
    assert_eq!(
        missing["challenge"],
        format!("Bearer realm=\"mcp\", resource_metadata=\"{metadata_url}\"")
    );
    let alice = post_modern(&app, Some("alice-token"), "whoami", json!({})).await;
    assert_eq!(alice["status"], 200, "{alice}");
    assert_eq!(alice["body"]["result"]["content"][0]["text"], "alice");
    // Scopes reach the tool in this era too.
    let bob = post_modern(&app, Some("bob-token"), "write_file", json!({"path": "a"})).await;
    assert_eq!(bob["body"]["result"]["isError"], true, "{bob}");
    let text = bob["body"]["result"]["content"][0]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("files:write"), "{text}");
}
