//! Every option of `#[resource]` and `#[prompt]`, sync and async, with every return type they
//! accept, injected `Context` parameters, and completers of each shape.

use std::borrow::Cow;

use mcp_runtime::{
    prompt, resource, CompletionContext, Content, Context, GetPromptResult, Json, PromptMessage,
    ResourceContents,
};

// Resources with a fixed URI, one per return type.

/// Every option of a fixed-URI resource.
#[resource(
    "docs://readme",
    name = "readme",
    title = "Read me",
    description = "The project's readme.",
    mime_type = "text/markdown",
    size = 7,
    icons = ["https://example.com/readme.png", "data:image/svg+xml;base64,PHN2Zy8+"],
    cache_ttl = "5m",
    cache_scope = "public"
)]
fn readme() -> &'static str {
    "# Hello"
}

/// Text from an owned string, asynchronously, with the request's context.
#[resource("docs://owned")]
async fn owned(ctx: Context) -> String {
    format!("owned ({})", ctx.protocol_version())
}

/// Text as a `Cow`.
#[resource("docs://cow", cache_ttl = "250ms")]
fn cow() -> Cow<'static, str> {
    Cow::Borrowed("cow")
}

/// Binary from a vector.
#[resource(uri = "bin://vec")]
fn bytes() -> Vec<u8> {
    vec![0, 1, 2]
}

/// Binary from a byte string (as `include_bytes!` gives).
#[resource("bin://array", mime_type = "application/octet-stream")]
fn array() -> &'static [u8; 3] {
    b"abc"
}

/// Binary from a slice.
#[resource("bin://slice")]
fn slice() -> &'static [u8] {
    &[1, 2]
}

/// JSON text.
#[resource("json://config")]
fn config() -> Json<std::collections::BTreeMap<&'static str, u32>> {
    Json([("retries", 3)].into_iter().collect())
}

/// A JSON value.
#[resource("json://value")]
fn value() -> serde_json::Value {
    serde_json::json!({"ok": true})
}

/// One contents, built by hand.
#[resource("docs://contents")]
fn contents() -> ResourceContents {
    ResourceContents::text("docs://contents", "hand-made").with_mime_type("text/plain")
}

/// Fallible, maybe absent.
#[resource("docs://maybe")]
fn maybe() -> Result<Option<String>, std::io::Error> {
    Ok(None)
}

// Templates.

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Section {
    Intro,
    Usage,
}

/// Sections of a page: path, reserved and query variables, renamed and raw parameters.
#[resource(
    "pages://{page.id}/{type}/{+rest}{?section,lines,tags}",
    name = "page-section",
    mime_type = "text/plain",
    complete(type = kinds, section = sections, page_id = |partial: &str| vec![partial.to_owned()])
)]
async fn page(
    #[arg(name = "page.id")] page_id: u64,
    r#type: String,
    rest: String,
    section: Option<Section>,
    #[arg(default = 10)] lines: usize,
    #[arg(default = Vec::new())] tags: Vec<String>,
    ctx: &Context,
) -> Vec<ResourceContents> {
    let section = match section {
        Some(Section::Intro) => "intro",
        Some(Section::Usage) => "usage",
        None => "all",
    };
    let _ = ctx.request_id();
    vec![ResourceContents::text(
        format!("pages://{page_id}/{}/{rest}", r#type),
        format!("{section} {lines} {}", tags.join("+")),
    )]
}

fn kinds(partial: &str) -> Vec<&'static str> {
    ["guide", "reference"]
        .into_iter()
        .filter(|kind| kind.starts_with(partial))
        .collect()
}

async fn sections(partial: &str, context: &CompletionContext) -> Vec<String> {
    let _ = context.argument("type");
    vec![format!("{partial}intro"), format!("{partial}usage")]
}

// Prompts, one per return type.

/// Every option of a prompt.
///
/// # Arguments
///
/// * `topic` - What to write about.
#[prompt(
    name = "write.essay",
    title = "Write an essay",
    description = "Asks for an essay.",
    icons = ["https://example.com/pen.png"],
    complete(topic = topics, style = styles)
)]
fn essay(
    topic: String,
    #[arg(description = "The tone.")] style: Option<String>,
    #[arg(default = 500, description = "How many words.")] words: u32,
    #[arg(name = "formal")] is_formal: Option<bool>,
) -> String {
    format!("{words} words on {topic}, {style:?}, formal: {is_formal:?}")
}

fn topics(partial: &str) -> Vec<String> {
    vec![format!("{partial}...")]
}

async fn styles(_partial: &str) -> mcp_runtime::Completion {
    mcp_runtime::Completion::new(["plain", "lyrical"])
}

/// A string slice.
#[prompt]
async fn slice_prompt(ctx: Context) -> &'static str {
    let _ = ctx.session_id();
    "hello"
}

/// A `Cow`.
#[prompt]
fn cow_prompt() -> Cow<'static, str> {
    Cow::Borrowed("cow")
}

/// One content block.
#[prompt]
fn content_prompt() -> Content {
    Content::image([1u8], "image/png")
}

/// One message.
#[prompt]
fn message_prompt() -> PromptMessage {
    PromptMessage::assistant("hi")
}

/// Messages in an array.
#[prompt]
fn array_prompt(r#in: String) -> [PromptMessage; 2] {
    [PromptMessage::user(r#in), PromptMessage::assistant("ok")]
}

/// A full result.
#[prompt]
async fn result_prompt(count: u8) -> Result<GetPromptResult, String> {
    Ok(GetPromptResult::new(vec![PromptMessage::user(count.to_string())]).with_description("n"))
}

fn main() {
    let server = mcp_runtime::Server::global();
    let resources = server.resources();
    let uris: Vec<&str> = resources.iter().map(|r| r.uri()).collect();
    assert_eq!(
        uris,
        [
            "bin://array",
            "bin://slice",
            "bin://vec",
            "docs://contents",
            "docs://cow",
            "docs://maybe",
            "docs://owned",
            "docs://readme",
            "json://config",
            "json://value",
        ]
    );
    let readme = server.resource("docs://readme").unwrap();
    let readme = readme.listing();
    assert_eq!(readme["size"], 7);
    assert_eq!(readme["mimeType"], "text/markdown");
    assert_eq!(readme["icons"].as_array().unwrap().len(), 2);
    assert_eq!(
        server.resource("bin://vec").unwrap().listing()["mimeType"],
        "application/octet-stream"
    );
    assert_eq!(
        server.resource("json://config").unwrap().listing()["mimeType"],
        "application/json"
    );

    let templates = server.resource_templates();
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].name(), "page-section");

    let prompts = server.prompts();
    let names: Vec<&str> = prompts.iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "array_prompt",
            "content_prompt",
            "cow_prompt",
            "message_prompt",
            "result_prompt",
            "slice_prompt",
            "write.essay",
        ]
    );
    let essay = server.prompt("write.essay").unwrap();
    let essay = essay.listing();
    assert_eq!(
        essay["arguments"],
        serde_json::json!([
            {"name": "topic", "description": "What to write about.", "required": true},
            {"name": "style", "description": "The tone.", "required": false},
            {"name": "words", "description": "How many words.", "required": false},
            {"name": "formal", "required": false},
        ])
    );
    assert_eq!(
        server.prompt("array_prompt").unwrap().listing()["arguments"][0]["name"],
        "in"
    );
}
