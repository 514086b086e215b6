//! The limit: the least an actix-web server can do to speak MCP for one `add` tool.
//!
//! Hard-coded routing and replies, no schema generation, no registry, no dispatcher, no
//! session state beyond a map of ids; the same wire protocol as mcp-runtime's transports:
//!
//! ```text
//! --transport sse         GET /sse (endpoint event), POST /messages/?session_id=ID -> 202,
//!                         the reply as a `message` event on the stream
//! --transport streamable  POST /mcp, JSON replies, Mcp-Session-Id minted on initialize
//! --transport stateless   POST /mcp, JSON replies, no sessions
//! --transport modern      MCP 2026-07-28 only: POST /mcp, JSON replies, no handshake and no
//!                         sessions; each request's `_meta` and `MCP-Protocol-Version`,
//!                         `Mcp-Method`, `Mcp-Name` headers checked; `server/discover`
//! ```
//!
//! Whatever mcp-runtime costs beyond this is its overhead (`bench/run.sh` reports the ratio).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use actix_web::http::header::{self, HeaderName};
use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use bytes::Bytes;
use futures_core::Stream;
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

#[derive(Default)]
struct State {
    stateless: bool,
    /// SSE sessions: where each one's events go.
    streams: Mutex<HashMap<String, mpsc::Sender<Bytes>>>,
    /// Streamable HTTP sessions.
    sessions: Mutex<HashSet<String>>,
}

#[derive(Deserialize)]
struct Incoming<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow)]
    params: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct CallParams<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    arguments: AddArguments,
}

#[derive(Deserialize)]
struct AddArguments {
    a: i64,
    b: i64,
}

#[derive(Deserialize)]
struct InitializeParams<'a> {
    #[serde(rename = "protocolVersion", borrow)]
    protocol_version: Cow<'a, str>,
}

const VERSIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
const TOOLS: &str = r#"{"tools":[{"name":"add","description":"Add two numbers.","inputSchema":{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}}]}"#;

enum Outcome {
    /// A JSON-RPC response to send.
    Reply(String),
    /// A notification or a client response: nothing to send.
    Nothing,
    /// Not JSON-RPC: 400.
    Invalid,
}

/// The whole "dispatcher".
fn handle(body: &[u8]) -> (Outcome, bool) {
    let Ok(message) = serde_json::from_slice::<Incoming>(body) else {
        return (Outcome::Invalid, false);
    };
    let (Some(id), Some(method)) = (message.id, message.method) else {
        return (Outcome::Nothing, false);
    };
    let id = id.get();
    let params = message.params.map_or("null", RawValue::get);
    let result = match &*method {
        "tools/call" => match serde_json::from_str::<CallParams>(params) {
            Ok(call) if call.name == "add" => {
                let sum = call.arguments.a.wrapping_add(call.arguments.b);
                format!(r#"{{"content":[{{"type":"text","text":"{sum}"}}],"isError":false}}"#)
            }
            _ => return (Outcome::Reply(error(id, -32602, "bad tools/call")), false),
        },
        "initialize" => {
            let asked = serde_json::from_str::<InitializeParams>(params)
                .map(|p| p.protocol_version.into_owned())
                .unwrap_or_default();
            let version = VERSIONS
                .iter()
                .find(|v| **v == asked)
                .unwrap_or(&VERSIONS[3]);
            let result = format!(
                r#"{{"protocolVersion":"{version}","capabilities":{{"tools":{{"listChanged":false}}}},"serverInfo":{{"name":"bench-limit","version":"0.1.0"}}}}"#
            );
            return (Outcome::Reply(reply(id, &result)), true);
        }
        "tools/list" => TOOLS.to_owned(),
        "ping" => "{}".to_owned(),
        _ => return (Outcome::Reply(error(id, -32601, "method not found")), false),
    };
    (Outcome::Reply(reply(id, &result)), false)
}

fn reply(id: &str, result: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#)
}

fn error(id: &str, code: i64, message: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":{code},"message":"{message}"}}}}"#)
}

fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- MCP 2026-07-28 (the modern era) -----------------------------------------------------------
//
// What a server of this revision must do for every request, and nothing more: read the
// request's `_meta` (the revision and the client's capabilities are required), check that the
// `MCP-Protocol-Version`, `Mcp-Method` and (for `tools/call`) `Mcp-Name` headers agree with the
// body, refuse a revision it does not speak, and answer with `resultType` and its serverInfo.
// A present `Origin` must be a loopback one (DNS-rebinding protection, a MUST of the transport).

const MODERN_VERSION: &str = "2026-07-28";
const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");
const METHOD_HEADER: HeaderName = HeaderName::from_static("mcp-method");
const NAME_HEADER: HeaderName = HeaderName::from_static("mcp-name");
/// The `_meta` of every result.
const SERVER_META: &str =
    r#""_meta":{"io.modelcontextprotocol/serverInfo":{"name":"bench-limit","version":"0.1.0"}}"#;
const HEADER_MISMATCH: i64 = -32020;
const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

#[derive(Deserialize)]
struct ModernParams<'a> {
    #[serde(rename = "_meta", borrow)]
    meta: Option<RequestMeta<'a>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    arguments: Option<AddArguments>,
}

#[derive(Deserialize)]
struct RequestMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion", borrow)]
    protocol_version: Option<Cow<'a, str>>,
    #[serde(rename = "io.modelcontextprotocol/clientCapabilities", borrow)]
    client_capabilities: Option<&'a RawValue>,
}

fn modern_error(id: &str, status: StatusCode, code: i64, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(error(id, code, message))
}

fn mismatch(id: &str, message: &str) -> HttpResponse {
    modern_error(id, StatusCode::BAD_REQUEST, HEADER_MISMATCH, message)
}

/// A header's value as text; `None` when it is absent or not visible ASCII.
fn header_str(req: &HttpRequest, name: HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `Mcp-Name` as the client meant it: `=?base64?...?=` is decoded.
fn decoded_name(value: &str) -> Option<Cow<'_, str>> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(encoded) => String::from_utf8(base64_decode(encoded)?)
            .ok()
            .map(Cow::Owned),
        None => Some(Cow::Borrowed(value)),
    }
}

/// Standard base64 with padding (the alphabet the revision's sentinel encoding uses).
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for &b in bytes {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

fn loopback_origin(origin: &str) -> bool {
    let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host)
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

async fn post_modern(req: HttpRequest, body: Bytes) -> HttpResponse {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        if !origin.to_str().is_ok_and(loopback_origin) {
            return HttpResponse::Forbidden().finish();
        }
    }
    let Ok(message) = serde_json::from_slice::<Incoming>(&body) else {
        return HttpResponse::BadRequest().finish();
    };
    let (Some(id), Some(method)) = (message.id, message.method) else {
        // A notification (the revision defines none a client sends over HTTP): taken.
        return HttpResponse::Accepted().finish();
    };
    let id = id.get();
    let Some(params) = message
        .params
        .and_then(|p| serde_json::from_str::<ModernParams>(p.get()).ok())
    else {
        return modern_error(id, StatusCode::BAD_REQUEST, -32602, "bad params");
    };
    // 1. The request's `_meta`: its revision and the client's capabilities are required.
    let Some(requested) = params.meta.as_ref().and_then(|meta| {
        let capabilities = meta.client_capabilities?;
        capabilities
            .get()
            .starts_with('{')
            .then_some(meta.protocol_version.as_deref()?)
    }) else {
        return modern_error(
            id,
            StatusCode::BAD_REQUEST,
            -32602,
            "params._meta needs io.modelcontextprotocol/protocolVersion and clientCapabilities",
        );
    };
    // 2. The headers agree with the body.
    if header_str(&req, VERSION_HEADER) != Some(requested) {
        return mismatch(
            id,
            "MCP-Protocol-Version does not match the request's _meta",
        );
    }
    if header_str(&req, METHOD_HEADER) != Some(&*method) {
        return mismatch(id, "Mcp-Method does not match the request's method");
    }
    if method == "tools/call" {
        let Some(name) = params.name.as_deref() else {
            return modern_error(
                id,
                StatusCode::BAD_REQUEST,
                -32602,
                "tools/call needs a name",
            );
        };
        if header_str(&req, NAME_HEADER)
            .and_then(decoded_name)
            .as_deref()
            != Some(name)
        {
            return mismatch(id, "Mcp-Name does not match params.name");
        }
    }
    // 3. A revision this server speaks.
    if requested != MODERN_VERSION {
        let requested = serde_json::to_string(requested).unwrap();
        return HttpResponse::BadRequest()
            .content_type("application/json")
            .body(format!(
                r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":{UNSUPPORTED_PROTOCOL_VERSION},"message":"unsupported protocol version","data":{{"supported":["{MODERN_VERSION}"],"requested":{requested}}}}}}}"#
            ));
    }
    // 4. The method.
    let result = match &*method {
        "tools/call" => match (params.name.as_deref(), params.arguments) {
            (Some("add"), Some(arguments)) => {
                let sum = arguments.a.wrapping_add(arguments.b);
                format!(
                    r#"{{"resultType":"complete","content":[{{"type":"text","text":"{sum}"}}],"isError":false,{SERVER_META}}}"#
                )
            }
            _ => return modern_error(id, StatusCode::BAD_REQUEST, -32602, "bad tools/call"),
        },
        "tools/list" => format!(
            r#"{{"resultType":"complete",{},"ttlMs":0,"cacheScope":"public",{SERVER_META}}}"#,
            &TOOLS[1..TOOLS.len() - 1]
        ),
        "server/discover" => format!(
            r#"{{"resultType":"complete","supportedVersions":["{MODERN_VERSION}"],"capabilities":{{"tools":{{"listChanged":false}}}},"ttlMs":0,"cacheScope":"public",{SERVER_META}}}"#
        ),
        _ => {
            return modern_error(id, StatusCode::NOT_FOUND, -32601, "method not found");
        }
    };
    HttpResponse::Ok()
        .content_type("application/json")
        .body(reply(id, &result))
}

// ---- HTTP+SSE ----------------------------------------------------------------------------------

struct Events {
    receiver: mpsc::Receiver<Bytes>,
    state: web::Data<State>,
    id: String,
}

impl Stream for Events {
    type Item = Result<Bytes, Infallible>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx).map(|e| e.map(Ok))
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        self.state.streams.lock().unwrap().remove(&self.id);
    }
}

async fn open_sse(state: web::Data<State>) -> HttpResponse {
    let id = new_id();
    let (sender, receiver) = mpsc::channel(64);
    let endpoint = format!("event: endpoint\ndata: /messages/?session_id={id}\n\n");
    sender.try_send(Bytes::from(endpoint)).unwrap();
    state.streams.lock().unwrap().insert(id.clone(), sender);
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .streaming(Events {
            receiver,
            state,
            id,
        })
}

#[derive(Deserialize)]
struct SessionQuery {
    session_id: String,
}

async fn post_sse(
    state: web::Data<State>,
    query: web::Query<SessionQuery>,
    body: Bytes,
) -> HttpResponse {
    let Some(sender) = state
        .streams
        .lock()
        .unwrap()
        .get(&query.session_id)
        .cloned()
    else {
        return HttpResponse::NotFound().finish();
    };
    match handle(&body).0 {
        Outcome::Reply(json) => {
            let _ = sender
                .send(Bytes::from(format!("event: message\ndata: {json}\n\n")))
                .await;
        }
        Outcome::Nothing => {}
        Outcome::Invalid => return HttpResponse::BadRequest().finish(),
    }
    HttpResponse::Accepted().finish()
}

// ---- Streamable HTTP ---------------------------------------------------------------------------

async fn post_mcp(state: web::Data<State>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let (outcome, initialize) = handle(&body);
    let mut response = HttpResponse::build(StatusCode::OK);
    if !state.stateless {
        if initialize {
            let id = new_id();
            state.sessions.lock().unwrap().insert(id.clone());
            response.insert_header(("mcp-session-id", id));
        } else {
            let known = req
                .headers()
                .get("mcp-session-id")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|id| state.sessions.lock().unwrap().contains(id));
            if !known {
                return HttpResponse::NotFound().finish();
            }
        }
    }
    match outcome {
        Outcome::Reply(json) => response.content_type("application/json").body(json),
        Outcome::Nothing => HttpResponse::Accepted().finish(),
        Outcome::Invalid => HttpResponse::BadRequest().finish(),
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let transport = arg("--transport").unwrap_or_else(|| "streamable".to_owned());
    let bind = arg("--bind").unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let workers: usize = arg("--workers").and_then(|w| w.parse().ok()).unwrap_or(1);
    // TCP_NODELAY, as Node and Python's asyncio set it by default; without it, the small writes
    // of an SSE stream wait for delayed ACKs (40 ms) that a client which only reads never hurries.
    let nodelay = arg("--nodelay").is_none_or(|v| v != "off");
    let state = web::Data::new(State {
        stateless: transport == "stateless",
        ..State::default()
    });
    let sse = transport == "sse";
    let modern = transport == "modern";
    HttpServer::new(move || {
        let app = App::new().app_data(state.clone());
        if modern {
            // A resource, not `App::route`: GET and DELETE get 405 (the revision has neither).
            app.service(web::resource("/mcp").route(web::post().to(post_modern)))
        } else if sse {
            app.route("/sse", web::get().to(open_sse))
                .route("/messages/", web::post().to(post_sse))
        } else {
            app.route("/mcp", web::post().to(post_mcp))
        }
    })
    .workers(workers)
    .tcp_nodelay(nodelay)
    .bind(bind)?
    .run()
    .await
}
