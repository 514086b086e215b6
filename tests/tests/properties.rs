//! Property tests of schemas and argument decoding, with a small deterministic generator (no
//! dependency): for tools with many parameter shapes, and the tools of the examples,
//! - every tool's schemas keep the client-safety invariants (schema_invariants/mod.rs);
//! - arguments generated *from the published inputSchema* always deserialize: the schema never
//!   promises what the Rust types refuse;
//! - random JSON arguments either succeed or give an `isError` result in which every problem
//!   names an argument; never a protocol error, never a panic.
//!
//! URI-template properties live next to the matcher (mcp-runtime/src/uri_template.rs).

mod schema_invariants;

#[allow(dead_code)]
#[path = "../../examples/calculator.rs"]
mod calculator;
#[allow(dead_code)]
#[path = "../../examples/middleware.rs"]
mod middleware;

use std::collections::{BTreeMap, HashMap};

use mcp_runtime::protocol::Message;
use mcp_runtime::transport::Session;
use mcp_runtime::{tool, Server};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
struct Inner {
    flag: bool,
    /// A ratio, if known.
    ratio: Option<f64>,
    tags: Vec<String>,
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
enum Color {
    Red,
    Green,
    Blue,
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Shape {
    Circle { radius: f64 },
    Square { side: u16 },
    Dot,
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
struct Node {
    name: String,
    children: Vec<Node>,
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    first_name: String,
    #[serde(default)]
    nick_names: Vec<String>,
    middle_initial: Option<char>,
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
enum Mixed {
    Unit,
    Pair(u8, String),
    Fields { a: i32, b: Option<bool> },
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum NumberOrText {
    Number(i64),
    Text(String),
}

#[allow(dead_code)] // only deserialized: the fields are never read
#[derive(Deserialize, schemars::JsonSchema)]
struct Deep {
    level: Option<Box<Deep>>,
    color: Option<Color>,
}

/// Integers and floats of every width.
#[tool]
#[allow(clippy::too_many_arguments)]
fn numbers(a: u8, b: i16, c: u32, d: i64, e: f32, f: f64, g: usize, h: u64) -> String {
    format!("{a} {b} {c} {d} {e} {f} {g} {h}")
}

/// Text, characters, lists and maps.
#[tool]
fn texts(
    s: String,
    c: char,
    opt: Option<String>,
    list: Vec<String>,
    map: HashMap<String, i32>,
    sorted: BTreeMap<String, Vec<bool>>,
) -> String {
    format!("{s}{c}{opt:?}{}{}{}", list.len(), map.len(), sorted.len())
}

/// Structs, enums of every tagging, recursion, tuples and a default.
#[tool]
#[allow(clippy::too_many_arguments)]
fn nested(
    inner: Inner,
    color: Color,
    shape: Shape,
    node: Node,
    renamed: Renamed,
    mixed: Mixed,
    either: NumberOrText,
    pair: (u8, bool),
    #[arg(default = 3)] count: u8,
) -> String {
    let _ = (inner, color, shape, node, renamed, mixed, either, pair);
    count.to_string()
}

/// Every parameter optional.
#[tool]
fn optionals(
    a: Option<u8>,
    b: Option<Vec<Option<u8>>>,
    c: Option<Inner>,
    d: Option<Color>,
    deep: Option<Deep>,
    #[arg(default = String::from("x"))] e: String,
) -> String {
    let _ = (a, b, c, d, deep);
    e
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn text(&mut self) -> String {
        const ALPHABET: &[char] = &[
            'a', 'z', 'Q', '0', ' ', '-', '_', '"', '\\', 'é', '😀', '\n',
        ];
        (0..self.below(6))
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize])
            .collect()
    }

    /// Any JSON value, up to `depth` levels deep, with the numbers that break things.
    fn any(&mut self, depth: u32) -> Value {
        match self.below(if depth == 0 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.chance(50)),
            2 => json!(self.below(300) as i64 - 20),
            3 => {
                let numbers = [
                    json!(-1),
                    json!(1.5),
                    json!(-0.0),
                    json!(u64::MAX),
                    json!(i64::MIN),
                    json!(1e30),
                    json!(-1e300),
                    json!(65536),
                    json!(4_294_967_296_u64),
                ];
                numbers[self.below(numbers.len() as u64) as usize].clone()
            }
            4 | 5 => Value::String(self.text()),
            6 => Value::Array((0..self.below(4)).map(|_| self.any(depth - 1)).collect()),
            _ => {
                let keys = [
                    "a", "kind", "name", "children", "flag", "tags", "Unit", "Pair", "x",
                ];
                Value::Object(
                    (0..self.below(4))
                        .map(|_| {
                            let key = keys[self.below(keys.len() as u64) as usize].to_owned();
                            (key, self.any(depth - 1))
                        })
                        .collect(),
                )
            }
        }
    }

    /// A value the schema accepts; `root` resolves `$ref`s.
    fn valid(&mut self, schema: &Value, root: &Value, depth: u32) -> Value {
        let Some(object) = schema.as_object() else {
            return Value::Null; // `true`: anything
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/$defs/").expect("a local $ref");
            return self.valid(&root["$defs"][name], root, depth);
        }
        if let Some(value) = object.get("const") {
            return value.clone();
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            return values[self.below(values.len() as u64) as usize].clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = object.get(key).and_then(Value::as_array) {
                // Near the depth limit, prefer the branches without nesting.
                let branch = &branches[self.below(branches.len() as u64) as usize];
                let mut merged = object.clone();
                merged.remove(key);
                if let Value::Object(branch) = branch {
                    for (k, v) in branch {
                        merged.insert(k.clone(), v.clone());
                    }
                }
                return self.valid(&Value::Object(merged), root, depth);
            }
        }
        let ty = match object.get("type") {
            Some(Value::String(ty)) => ty.clone(),
            Some(Value::Array(types)) => {
                // Never `null` in a union at depth 0: it keeps recursion finite elsewhere.
                let choices: Vec<&Value> =
                    types.iter().filter(|t| *t != "null" || depth > 0).collect();
                let pick = choices
                    .get(self.below(choices.len() as u64) as usize)
                    .copied();
                pick.and_then(Value::as_str).unwrap_or("null").to_owned()
            }
            _ if object.contains_key("properties") => "object".to_owned(),
            _ => return self.any(1),
        };
        match ty.as_str() {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.chance(50)),
            "integer" => {
                let min = object
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .unwrap_or(-1e6);
                let max = object.get("maximum").and_then(Value::as_f64).unwrap_or(1e6);
                let (min, max) = (min.max(-1e15) as i64, max.min(1e15) as i64);
                let span = (max - min) as u64 + 1;
                let n = match self.below(4) {
                    0 => min,
                    1 => max,
                    _ => min + self.below(span) as i64,
                };
                json!(n)
            }
            "number" => match self.below(3) {
                0 => json!(self.below(1000) as i64 - 500),
                1 => json!((self.below(1_000_000) as f64 - 500_000.0) / 7.0),
                _ => json!(1e30),
            },
            "string" => {
                let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                let max = object.get("maxLength").and_then(Value::as_u64).unwrap_or(8);
                let mut text: String = self.text().chars().take(max as usize).collect();
                while (text.chars().count() as u64) < min {
                    text.push('k');
                }
                Value::String(text)
            }
            "array" => {
                if let Some(items) = object.get("prefixItems").and_then(Value::as_array) {
                    return Value::Array(
                        items
                            .iter()
                            .map(|item| self.valid(item, root, depth))
                            .collect(),
                    );
                }
                let min = object.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = object.get("maxItems").and_then(Value::as_u64).unwrap_or(3);
                let len = if depth == 0 {
                    min
                } else {
                    min + self.below(max - min + 1)
                };
                let items = object.get("items").cloned().unwrap_or(Value::Bool(true));
                Value::Array(
                    (0..len)
                        .map(|_| self.valid(&items, root, depth.saturating_sub(1)))
                        .collect(),
                )
            }
            "object" => {
                let mut out = Map::new();
                let required: Vec<&str> = object
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(properties) = object.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        if required.contains(&name.as_str()) || (depth > 0 && self.chance(50)) {
                            out.insert(
                                name.clone(),
                                self.valid(property, root, depth.saturating_sub(1)),
                            );
                        }
                    }
                }
                if let Some(values @ Value::Object(_)) = object.get("additionalProperties") {
                    for _ in 0..self.below(3) {
                        out.insert(
                            self.text(),
                            self.valid(values, root, depth.saturating_sub(1)),
                        );
                    }
                }
                Value::Object(out)
            }
            other => panic!("unexpected type {other} in {schema}"),
        }
    }
}

async fn initialized(server: &Server) -> Session {
    let session = Session::new("properties");
    let init = Message::from_value(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}))
    .unwrap();
    server.handle_message(&session, init).await.unwrap();
    session
}

async fn call(server: &Server, session: &Session, name: &str, arguments: &Value) -> Value {
    let message = Message::from_value(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": name, "arguments": arguments}}))
    .unwrap();
    let response = server
        .handle_message(session, message)
        .await
        .expect("a response")
        .to_value();
    assert!(
        response.get("error").is_none(),
        "`{name}` with {arguments}: a protocol error {response}"
    );
    response["result"].clone()
}

fn text_of(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// The tools whose arguments are generated: those of this file and the examples' (the
/// calculator's `divide` and `statistics` may fail on valid input, with their own messages).
const GENERATED: &[&str] = &[
    "numbers",
    "texts",
    "nested",
    "optionals",
    "add",
    "subtract",
    "multiply",
    "power",
    "echo",
];

#[test]
fn every_schema_here_and_in_the_examples_is_client_safe() {
    let server = Server::builder().build().unwrap();
    let tools = server.tools();
    let names: Vec<&str> = tools.iter().map(|t| t.name()).collect();
    for expected in [
        "add",
        "divide",
        "power",
        "statistics",
        "echo",
        "countdown",
        "nested",
        "optionals",
    ] {
        assert!(names.contains(&expected), "{expected} among {names:?}");
    }
    for tool in &tools {
        if let Err(problem) = schema_invariants::check_tool(tool.listing()) {
            panic!("{problem}");
        }
    }
    // The recursive types keep exactly their own definitions.
    let nested = server.tool("nested").unwrap().listing().clone();
    let defs: Vec<&String> = nested["inputSchema"]["$defs"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(defs, ["Node"]);
}

#[tokio::test]
async fn arguments_generated_from_the_schema_always_deserialize() {
    let server = Server::builder().build().unwrap();
    let session = initialized(&server).await;
    let mut rng = Rng(0x5eed);
    for name in GENERATED {
        let schema = server.tool(name).unwrap().listing()["inputSchema"].clone();
        for round in 0..150 {
            let arguments = rng.valid(&schema, &schema, 4);
            let result = call(&server, &session, name, &arguments).await;
            // A tool may still fail on its own (the calculator's `add` on an overflow), but
            // never on its arguments' decoding, and never by panicking.
            let text = text_of(&result);
            assert!(
                result["isError"] != true
                    || !(text.starts_with("invalid arguments") || text.contains("panicked")),
                "round {round}: `{name}` refused {arguments} although its schema allows it: {text}\nschema: {schema:#}",
            );
        }
    }
}

#[tokio::test]
async fn random_arguments_succeed_or_name_every_bad_argument() {
    let server = Server::builder().build().unwrap();
    let session = initialized(&server).await;
    let mut rng = Rng(0xbad);
    let mut refused = 0;
    for name in GENERATED {
        let schema = server.tool(name).unwrap().listing()["inputSchema"].clone();
        let params: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for round in 0..300 {
            // Start from valid arguments, then break some: wrong values, missing, unknown ones.
            let mut arguments = rng.valid(&schema, &schema, 3).as_object().cloned().unwrap();
            for param in &params {
                match rng.below(6) {
                    0 => {
                        arguments.insert(param.clone(), rng.any(2));
                    }
                    1 => {
                        arguments.remove(param);
                    }
                    _ => {}
                }
            }
            if rng.chance(20) {
                arguments.insert(rng.text(), rng.any(1));
            }
            let arguments = Value::Object(arguments);
            let result = call(&server, &session, name, &arguments).await;
            if result["isError"] != true {
                continue;
            }
            refused += 1;
            let text = text_of(&result);
            assert!(
                !text.contains("panicked"),
                "round {round}: `{name}` with {arguments}: {text}"
            );
            let prefix = format!("invalid arguments for tool `{name}`: ");
            let Some(problems) = text.strip_prefix(&prefix) else {
                // The tool's own error: only those that compute can overflow.
                assert!(
                    ["add", "subtract"].contains(name) && text.contains("does not fit"),
                    "round {round}: `{name}` with {arguments}: {text:?}"
                );
                continue;
            };
            let named: Vec<String> = params
                .iter()
                .cloned()
                .chain(arguments.as_object().unwrap().keys().cloned())
                .collect();
            // Each problem starts by naming its argument (values may follow, with anything in them).
            let mut rest = problems;
            while !rest.is_empty() {
                let starts = [
                    "argument `",
                    "missing required argument `",
                    "unknown argument `",
                ];
                let start = starts
                    .iter()
                    .find(|s| rest.starts_with(*s))
                    .unwrap_or_else(|| {
                        panic!("round {round}: `{name}`: a problem naming no argument in {text:?}")
                    });
                let after = &rest[start.len()..];
                let argument = named
                    .iter()
                    .filter(|n| after.starts_with(&format!("{n}`")))
                    .max_by_key(|n| n.len())
                    .unwrap_or_else(|| {
                        panic!("round {round}: `{name}`: unknown argument name in {text:?}")
                    });
                rest = &after[argument.len() + 1..];
                // The next problem begins after "; " followed by one of the starts.
                rest = match (0..rest.len())
                    .filter(|&i| rest.is_char_boundary(i))
                    .find(|&i| {
                        rest[i..].starts_with("; ")
                            && starts.iter().any(|s| rest[i + 2..].starts_with(s))
                    }) {
                    Some(i) => &rest[i + 2..],
                    None => "",
                };
            }
        }
    }
    assert!(
        refused > 500,
        "the generator breaks arguments often enough ({refused})"
    );
}
