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
//! ```
//!
//! Whatever mcp-runtime costs beyond this is its overhead (`bench/run.sh` reports the ratio).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

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
    HttpServer::new(move || {
        let app = App::new().app_data(state.clone());
        if sse {
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
