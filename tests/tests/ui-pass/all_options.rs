//! Every option of `#[tool]` and `#[arg]`, sync and async, with the return types tools use.

use std::collections::BTreeMap;

use mcp_runtime::{tool, Json};

/// Counts the words of a text.
///
/// # Arguments
///
/// * `text` - The text to count,
///   which may span several lines.
/// * `type` - What to count: `words` or `lines`.
#[tool(
    name = "count.words-v2",
    title = "Word counter",
    description = "Counts words or lines.",
    read_only,
    destructive = false,
    idempotent = true,
    open_world = false
)]
fn count(text: String, r#type: Option<String>) -> Result<Json<BTreeMap<String, usize>>, String> {
    let unit = r#type.unwrap_or_else(|| "words".to_owned());
    let count = match unit.as_str() {
        "words" => text.split_whitespace().count(),
        "lines" => text.lines().count(),
        other => return Err(format!("cannot count `{other}`: use `words` or `lines`")),
    };
    Ok(Json(BTreeMap::from([(unit, count)])))
}

/// Repeats a text.
#[tool(read_only = true, destructive, idempotent, open_world = true)]
async fn repeat(
    #[arg(description = "The text to repeat.")] text: String,
    #[arg(default = 2, description = "How many times.")] times: usize,
    #[arg(name = "separator", default = ", ")] sep: String,
    limit: Option<u32>,
) -> String {
    let repeated = vec![text; times].join(&sep);
    match limit {
        Some(limit) => repeated.chars().take(limit as usize).collect(),
        None => repeated,
    }
}

/// A raw identifier as the tool name, no parameters and no return value.
#[tool]
fn r#match() {}

/// Sums numbers; the first is renamed, the second keeps its raw name.
///
/// # Arguments
///
/// * `first` - The first number.
/// * `in` - The other numbers.
#[tool]
async fn sum(#[arg(name = "first")] head: i64, r#in: Vec<i64>) -> i64 {
    head + r#in.iter().sum::<i64>()
}

/// Defaults of types with elided lifetimes, and from expressions that call functions.
#[tool]
fn greet(
    #[arg(default = "Hello")] greeting: std::borrow::Cow<str>,
    #[arg(default = default_names())] names: Vec<String>,
) -> String {
    format!("{greeting}, {}!", names.join(" and "))
}

fn default_names() -> Vec<String> {
    vec!["world".to_owned()]
}

fn main() {
    let server = mcp_runtime::Server::global();
    let tools = server.tools();
    let mut names: Vec<&str> = tools.iter().map(|tool| tool.name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["count.words-v2", "greet", "match", "repeat", "sum"]);

    let listing = |name: &str| server.tool(name).unwrap().listing().clone();
    let properties = |name: &str| listing(name)["inputSchema"]["properties"].clone();
    assert_eq!(listing("count.words-v2")["title"], "Word counter");
    assert_eq!(
        properties("count.words-v2")["type"]["description"],
        "What to count: `words` or `lines`."
    );
    assert_eq!(properties("repeat")["times"]["default"], 2);
    assert_eq!(properties("repeat")["separator"]["default"], ", ");
    assert_eq!(properties("greet")["greeting"]["default"], "Hello");
    assert_eq!(
        properties("greet")["names"]["default"],
        serde_json::json!(["world"])
    );
    assert_eq!(
        properties("sum")["first"]["description"],
        "The first number."
    );
    assert_eq!(properties("sum")["in"]["description"], "The other numbers.");
}
