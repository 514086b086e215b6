//! The fuzz target: arbitrary bytes, split into lines, each decoded with
//! [`Message::from_slice`] and dispatched with [`Server::handle_message`] in one session of a
//! server with a few tools, resources, templates, a prompt and a completer.
//!
//! Checked for every line, besides "nothing panics" (a panic in a spawned task, such as a tool
//! call, counts too: both engines treat any panic as a finding):
//! - a line that does not decode gets a `-32700`/`-32600` error that serializes to JSON and
//!   carries the id that could be recovered;
//! - every request gets exactly one response, with its own id, whose JSON parses back with that
//!   id and exactly one of `result` and `error`;
//! - notifications and client responses get no response.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use mcp_runtime::protocol::{Message, RequestId, INVALID_REQUEST, PARSE_ERROR};
use mcp_runtime::transport::Session;
use mcp_runtime::{prompt, resource, tool, Context, Json, Server};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At most this many lines of one input are dispatched.
pub const MAX_LINES: usize = 8;

/// Add two integers (an error result when the sum overflows).
#[tool]
fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b).ok_or_else(|| "overflow".to_owned())
}

/// A point.
#[derive(Deserialize, Serialize, schemars::JsonSchema)]
struct Point {
    x: i32,
    y: i32,
    /// A label, if any.
    label: Option<String>,
}

/// A shape.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Shape {
    Circle { radius: f64 },
    Polygon { points: Vec<Point> },
}

/// A tree (a recursive type).
#[derive(Deserialize, schemars::JsonSchema)]
struct Tree {
    name: String,
    children: Vec<Tree>,
}

/// The area of a shape.
#[tool]
fn area(shape: Shape, #[arg(default = 2)] digits: u8) -> Json<f64> {
    let area = match shape {
        Shape::Circle { radius } => std::f64::consts::PI * radius * radius,
        Shape::Polygon { points } => {
            let n = points.len();
            (0..n)
                .map(|i| {
                    let (p, q) = (&points[i], &points[(i + 1) % n]);
                    f64::from(p.x) * f64::from(q.y) - f64::from(q.x) * f64::from(p.y)
                })
                .sum::<f64>()
                .abs()
                / 2.0
        }
    };
    let scale = 10f64.powi(i32::from(digits.min(12)));
    Json((area * scale).round() / scale)
}

/// Counts the nodes of a tree and the bytes of their names.
#[tool]
fn nodes(tree: Tree) -> String {
    fn count(tree: &Tree) -> (usize, usize) {
        tree.children
            .iter()
            .map(count)
            .fold((1, tree.name.len()), |(n, b), (m, c)| (n + m, b + c))
    }
    let (nodes, bytes) = count(&tree);
    format!("{nodes} nodes, {bytes} bytes of names")
}

/// Echoes a text, a few times.
#[tool]
async fn echo(text: String, times: Option<u8>, tags: HashMap<String, Vec<u32>>) -> String {
    let times = usize::from(times.unwrap_or(1).min(4));
    format!("{} ({} tags)", text.repeat(times), tags.len())
}

/// Logs and reports progress `n` times.
#[tool]
async fn chatty(n: u8, ctx: Context) -> Json<Point> {
    for i in 0..n.min(4) {
        ctx.info(format!("step {i}")).await;
        ctx.report_progress(f64::from(i), Some(f64::from(n)), None)
            .await;
    }
    Json(Point {
        x: i32::from(n),
        y: 0,
        label: Some(ctx.session_id().to_owned()),
    })
}

/// A fixed resource.
#[resource("fuzz://readme", mime_type = "text/markdown")]
fn readme() -> &'static str {
    "# fuzz"
}

/// Items by id, with optional fields.
#[resource("fuzz://items/{id}{?fields,limit}", complete(id = item_ids))]
fn item(id: u32, fields: Option<Vec<String>>, limit: Option<u8>) -> Option<String> {
    (id < 10).then(|| format!("item {id} {fields:?} {limit:?}"))
}

/// Files by path.
#[resource("fuzz://files/{+path}")]
fn file(path: String) -> Result<Vec<u8>, String> {
    if path.contains("..") {
        return Err("no parent directories".to_owned());
    }
    Ok(path.into_bytes())
}

fn item_ids(partial: &str) -> Vec<String> {
    (0..20)
        .map(|i| i.to_string())
        .filter(|id| id.starts_with(partial))
        .collect()
}

/// Greet someone.
#[prompt(complete(name = names))]
fn greet(name: String, #[arg(default = 1)] times: u8, formal: Option<bool>) -> String {
    let greeting = if formal == Some(true) {
        "Good day"
    } else {
        "Hi"
    };
    format!("{greeting} {name}").repeat(usize::from(times.min(3)))
}

fn names(partial: &str) -> Vec<&'static str> {
    ["ada", "alan", "grace"]
        .into_iter()
        .filter(|name| name.starts_with(partial))
        .collect()
}

struct Harness {
    server: Server,
    runtime: tokio::runtime::Runtime,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| Harness {
        server: Server::builder()
            .name("fuzz")
            .page_size(2)
            .tool_timeout(Some(Duration::from_secs(5)))
            .build()
            .expect("the fuzz server builds"),
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime"),
    })
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"0"}}}"#;

/// Runs one fuzz input. Panics (a finding) when the server breaks one of the module's rules.
///
/// Returns a coarse signature of what each line gave (which method, which outcome, which
/// message), which the stable runner uses to keep inputs that behave in a new way.
pub fn run(data: &[u8]) -> Vec<u64> {
    let Harness { server, runtime } = harness();
    // Inputs that initialize themselves reach the handshake with arbitrary params; the others
    // start in an initialized session, so their requests reach the methods behind it.
    let initializes = data.windows(10).any(|w| w == b"initialize");
    runtime.block_on(async {
        let session = Session::new("fuzz");
        if !initializes {
            let init = Message::from_slice(INITIALIZE.as_bytes()).expect("a valid initialize");
            let answer = server.handle_message(&session, init).await;
            assert!(answer.is_some_and(|answer| answer.outcome.is_ok()));
        }
        let mut signature = Vec::new();
        for line in data.split(|&b| b == b'\n').take(MAX_LINES) {
            signature.push(dispatch(server, &session, line).await);
        }
        signature
    })
}

/// The methods the signature tells apart; others count as one.
const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

/// A small hash of the start of a message (up to its first `:`) without what it quotes (in
/// backticks or double quotes) or numbers, and only its last 16 characters: the kind of
/// problem, not the values in it.
fn kind_of(message: &str) -> u64 {
    let head = message.split(':').next().unwrap_or_default();
    let mut quoted = None;
    let mut kept = Vec::new();
    for c in head.chars() {
        match (quoted, c) {
            (None, '`' | '"') => quoted = Some(c),
            (Some(q), c) if c == q => quoted = None,
            (None, c) if !c.is_ascii_digit() => kept.push(c),
            _ => {}
        }
    }
    kept.iter()
        .rev()
        .take(16)
        .fold(17u64, |h, &c| h.wrapping_mul(31).wrapping_add(u64::from(c)))
        % 4096
}

fn id_value(id: &RequestId) -> Value {
    match id {
        RequestId::Number(n) => Value::from(*n),
        RequestId::String(s) => Value::from(s.as_str()),
    }
}

async fn dispatch(server: &Server, session: &Session, line: &[u8]) -> u64 {
    let message = match Message::from_slice(line) {
        Ok(message) => message,
        Err(err) => {
            assert!(
                err.code == PARSE_ERROR || err.code == INVALID_REQUEST,
                "decode error code {}",
                err.code
            );
            assert!(!err.message.is_empty());
            let json: Value = serde_json::from_str(&err.to_response().to_json())
                .expect("an error response is JSON");
            let expected = err.id.as_ref().map_or(Value::Null, id_value);
            assert_eq!(json["id"], expected, "the decode error keeps the id");
            assert_eq!(json["error"]["code"], err.code);
            return 1 << 40 | (err.code.unsigned_abs() << 12) | kind_of(&err.message);
        }
    };
    match message {
        Message::Request(request) => {
            let id = request.id.clone();
            let method = request.method.clone();
            let response = server
                .handle_message(session, Message::Request(request))
                .await
                .unwrap_or_else(|| panic!("request {id} ({method}) got no response"));
            assert_eq!(response.id.as_ref(), Some(&id), "{method}: response id");
            let json: Value =
                serde_json::from_str(&response.to_json()).expect("a response is JSON");
            assert_eq!(json["jsonrpc"], "2.0");
            assert_eq!(json["id"], id_value(&id), "{method}: id in the JSON");
            let has_result = json.get("result").is_some();
            let has_error = json.get("error").is_some();
            assert!(has_result != has_error, "{method}: {json}");
            let method_index = METHODS
                .iter()
                .position(|m| *m == method)
                .map_or(0, |i| i as u64 + 1);
            let outcome = match json.get("error") {
                Some(error) => {
                    assert!(error["code"].is_i64(), "{method}: {json}");
                    let message = error["message"].as_str().expect("an error message");
                    (error["code"].as_i64().unwrap_or(0).unsigned_abs() << 12) | kind_of(message)
                }
                None if json["result"]["isError"] == true => {
                    let text = json["result"]["content"][0]["text"].as_str().unwrap_or("");
                    1 << 30 | kind_of(text)
                }
                None => 0,
            };
            2 << 40 | method_index << 32 | outcome
        }
        other => {
            let what = format!("{other:?}");
            assert!(
                server.handle_message(session, other).await.is_none(),
                "answered {what}"
            );
            3 << 40
        }
    }
}
