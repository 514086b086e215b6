//! Resources, resource templates, prompts and completion, through the in-process client:
//! listings, reads, rendering, errors, pagination, completion and server selection.
//!
//! The resources and prompts named `test_*` / `test://*` are those the official conformance
//! suite looks up, declared the way an application would.

use std::collections::HashMap;

use mcp_runtime::client::{Client, ClientError};
use mcp_runtime::{
    prompt, protocol, resource, BuildErrorKind, Completion, CompletionContext, Content, Context,
    GetPromptResult, Json, PromptMessage, ResourceContents, Server,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The smallest PNG: one transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// This module's resources and prompts, and its one tool: the test binary has others.
fn builder() -> mcp_runtime::ServerBuilder {
    Server::builder()
        .tools(["read_own"])
        .resources(RESOURCES)
        .prompts(PROMPTS)
}

const RESOURCES: [&str; 12] = [
    "test://static-text",
    "test://static-binary",
    "test://template/{id}/data",
    "test://watched-resource",
    "users://{id}/profile{?format}",
    "files://{name}.txt",
    "files://{+path}",
    "files://README.txt",
    "bundle://{name}{?n}",
    "broken://io",
    "broken://panic",
    "session://id",
];

const PROMPTS: [&str; 7] = [
    "test_simple_prompt",
    "test_prompt_with_arguments",
    "test_prompt_with_embedded_resource",
    "test_prompt_with_image",
    "code-review",
    "greet",
    "exploding",
];

// The conformance suite's resources.

/// A static text resource for testing.
#[resource("test://static-text", name = "static-text", mime_type = "text/plain")]
fn static_text() -> &'static str {
    "This is the content of the static text resource."
}

/// A static binary resource (image) for testing.
#[resource(
    "test://static-binary",
    name = "static-binary",
    mime_type = "image/png"
)]
fn static_binary() -> &'static [u8] {
    PNG
}

/// A resource template with parameter substitution.
#[resource(
    "test://template/{id}/data",
    name = "template",
    mime_type = "application/json",
    complete(id = template_ids)
)]
fn template_data(id: String) -> Json<Value> {
    Json(json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") }))
}

fn template_ids(partial: &str) -> Vec<String> {
    (1..=3)
        .map(|i| i.to_string())
        .filter(|id| id.starts_with(partial))
        .collect()
}

/// A resource clients may subscribe to.
#[resource("test://watched-resource", name = "watched-resource")]
async fn watched_resource() -> String {
    "Watched resource content".to_owned()
}

// The conformance suite's prompts.

/// A simple prompt without arguments.
#[prompt]
fn test_simple_prompt() -> &'static str {
    "This is a simple prompt for testing."
}

/// A prompt with required arguments.
///
/// # Arguments
///
/// * `arg1` - First test argument.
/// * `arg2` - Second test argument.
#[prompt]
fn test_prompt_with_arguments(arg1: String, arg2: String) -> String {
    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
}

/// A prompt that embeds a resource.
#[prompt]
async fn test_prompt_with_embedded_resource(
    #[arg(name = "resourceUri", description = "URI of the resource to embed.")]
    resource_uri: String,
) -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(Content::embedded_text(
            resource_uri,
            "text/plain",
            "Embedded resource content for testing.",
        )),
        PromptMessage::user("Please process the embedded resource above."),
    ]
}

/// A prompt with an image.
#[prompt]
fn test_prompt_with_image() -> Vec<PromptMessage> {
    vec![
        PromptMessage::user(Content::image(PNG, "image/png")),
        PromptMessage::user("Please analyze the image above."),
    ]
}

// Resources that exercise the rest.

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    Json,
    Text,
}

/// A user's profile.
#[resource(
    "users://{id}/profile{?format}",
    title = "User profile",
    icons = ["https://example.com/user.png"],
    complete(id = user_ids)
)]
fn user_profile(id: u32, format: Option<Format>) -> Option<String> {
    let name = ["ada", "grace", "linus"].get(usize::try_from(id).ok()?)?;
    Some(match format.unwrap_or(Format::Text) {
        Format::Text => format!("{name} (#{id})"),
        Format::Json => json!({ "id": id, "name": name }).to_string(),
    })
}

async fn user_ids(partial: &str) -> Vec<String> {
    (0..250)
        .map(|i| i.to_string())
        .filter(|id| id.starts_with(partial))
        .collect()
}

/// A more specific template than `files://{+path}`: tried first.
#[resource("files://{name}.txt")]
fn text_file(name: String) -> String {
    format!("text file {name}")
}

/// Any file: `path` may contain `/`.
#[resource("files://{+path}", mime_type = "application/octet-stream")]
fn any_file(path: String) -> Vec<u8> {
    path.into_bytes()
}

/// A fixed URI that a template also matches: the fixed one wins.
#[resource("files://README.txt", size = 6)]
fn readme() -> String {
    "readme".to_owned()
}

/// Several contents in one read.
#[resource("bundle://{name}{?n}", complete(name = bundle_names))]
fn bundle(name: String, #[arg(default = 2)] n: usize) -> Vec<ResourceContents> {
    (0..n)
        .map(|i| ResourceContents::text(format!("bundle://{name}/{i}"), format!("part {i}")))
        .collect()
}

async fn bundle_names(partial: &str, context: &CompletionContext) -> Completion {
    Completion::new([format!("{partial}-{}", context.arguments().len())])
        .with_total(50)
        .with_more()
}

/// Fails to read.
#[resource("broken://io")]
fn broken() -> Result<String, std::io::Error> {
    Err(std::io::Error::other("disk on fire"))
}

/// Panics while reading.
#[resource("broken://panic")]
async fn panicking() -> String {
    panic!("the resource handler exploded")
}

/// The session reading it, through an injected `Context`.
#[resource("session://id")]
async fn session_id(ctx: &Context) -> String {
    format!("session {}", ctx.session_id())
}

// Prompts that exercise the rest.

/// Review code.
///
/// # Arguments
///
/// * `code` - The code to review.
#[prompt(name = "code-review", title = "Code review", complete(language = languages))]
fn review(
    code: String,
    language: Option<String>,
    #[arg(default = 3, description = "How many remarks at most.")] remarks: u8,
    strict: Option<bool>,
) -> GetPromptResult {
    let language = language.unwrap_or_else(|| "unknown".to_owned());
    GetPromptResult::new(vec![
        PromptMessage::user(format!(
            "Review this {language} code ({remarks} remarks, strict: {}):\n{code}",
            strict.unwrap_or(false)
        )),
        PromptMessage::assistant("Sure."),
    ])
    .with_description(format!("A review of {language} code"))
}

fn languages(partial: &str, context: &CompletionContext) -> Vec<&'static str> {
    let all = if context
        .argument("code")
        .is_some_and(|code| code.contains("fn "))
    {
        vec!["rust"]
    } else {
        vec!["python", "rust", "ruby"]
    };
    all.into_iter().filter(|l| l.starts_with(partial)).collect()
}

/// Greets in a chosen tone.
#[prompt(icons = ["https://example.com/wave.svg"])]
async fn greet(name: String, tone: Format, ctx: Context) -> Result<String, String> {
    if name.is_empty() {
        return Err("the name is empty".to_owned());
    }
    let _ = ctx.request_id();
    Ok(format!("Greet {name} ({tone:?})"))
}

/// Panics when rendered.
#[prompt]
fn exploding() -> String {
    panic!("the prompt exploded")
}

async fn connect(server: &Server) -> Client {
    Client::connect(server).await
}

async fn all() -> Client {
    connect(&builder().build().expect("a valid server")).await
}

async fn read(client: &Client, uri: &str) -> Result<Value, ClientError> {
    client
        .request("resources/read", json!({ "uri": uri }))
        .await
        .map(|result| result["contents"].clone())
}

async fn get(client: &Client, name: &str, arguments: Value) -> Result<Value, ClientError> {
    client
        .request(
            "prompts/get",
            json!({ "name": name, "arguments": arguments }),
        )
        .await
}

async fn complete(client: &Client, reference: Value, argument: &str, value: &str) -> Value {
    complete_with(client, reference, argument, value, json!({})).await
}

async fn complete_with(
    client: &Client,
    reference: Value,
    argument: &str,
    value: &str,
    context: Value,
) -> Value {
    client
        .request(
            "completion/complete",
            json!({
                "ref": reference,
                "argument": { "name": argument, "value": value },
                "context": { "arguments": context },
            }),
        )
        .await
        .expect("a completion")["completion"]
        .clone()
}

fn names(listing: &Value, key: &str, field: &str) -> Vec<String> {
    listing[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {listing}"))
        .iter()
        .map(|entry| entry[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn initialize_announces_resources_prompts_and_completions() {
    let client = all().await;
    let capabilities = &client.initialize_result()["capabilities"];
    assert_eq!(
        capabilities["resources"],
        json!({"subscribe": true, "listChanged": true})
    );
    assert_eq!(capabilities["prompts"], json!({"listChanged": true}));
    assert_eq!(capabilities["completions"], json!({}));
}

#[tokio::test]
async fn resources_list_shows_fixed_uris_with_their_metadata() {
    let client = all().await;
    let listing = client.request("resources/list", json!({})).await.unwrap();
    assert_eq!(
        names(&listing, "resources", "uri"),
        [
            "broken://io",
            "broken://panic",
            "files://README.txt",
            "session://id",
            "test://static-binary",
            "test://static-text",
            "test://watched-resource",
        ]
    );
    let resources = listing["resources"].as_array().unwrap();
    let find = |uri: &str| resources.iter().find(|r| r["uri"] == uri).unwrap().clone();
    assert_eq!(
        find("test://static-text"),
        json!({
            "uri": "test://static-text",
            "name": "static-text",
            "description": "A static text resource for testing.",
            "mimeType": "text/plain",
        })
    );
    assert_eq!(find("test://static-binary")["mimeType"], "image/png");
    assert_eq!(
        find("files://README.txt"),
        json!({
            "uri": "files://README.txt",
            "name": "readme",
            "description": "A fixed URI that a template also matches: the fixed one wins.",
            "mimeType": "text/plain",
            "size": 6,
        }),
        "the MIME type defaults to what the return type implies"
    );
    assert!(listing.get("nextCursor").is_none());
}

#[tokio::test]
async fn resources_templates_list_shows_templates() {
    let client = all().await;
    let listing = client
        .request("resources/templates/list", Value::Null)
        .await
        .unwrap();
    assert_eq!(
        names(&listing, "resourceTemplates", "uriTemplate"),
        [
            "bundle://{name}{?n}",
            "files://{+path}",
            "files://{name}.txt",
            "test://template/{id}/data",
            "users://{id}/profile{?format}",
        ]
    );
    let templates = listing["resourceTemplates"].as_array().unwrap();
    assert_eq!(
        templates[3],
        json!({
            "uriTemplate": "test://template/{id}/data",
            "name": "template",
            "description": "A resource template with parameter substitution.",
            "mimeType": "application/json",
        })
    );
    assert_eq!(
        templates[4],
        json!({
            "uriTemplate": "users://{id}/profile{?format}",
            "name": "user_profile",
            "title": "User profile",
            "description": "A user's profile.",
            "mimeType": "text/plain",
            "icons": [{"src": "https://example.com/user.png"}],
        })
    );
}

#[tokio::test]
async fn reading_static_resources_gives_text_and_blobs() {
    let client = all().await;
    assert_eq!(
        read(&client, "test://static-text").await.unwrap(),
        json!([{
            "uri": "test://static-text",
            "mimeType": "text/plain",
            "text": "This is the content of the static text resource.",
        }])
    );
    let binary = read(&client, "test://static-binary").await.unwrap();
    assert_eq!(binary[0]["mimeType"], "image/png");
    assert!(binary[0]["blob"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
    assert_eq!(
        read(&client, "test://watched-resource").await.unwrap()[0]["text"],
        "Watched resource content"
    );
    assert_eq!(
        read(&client, "session://id").await.unwrap()[0]["text"],
        format!("session {}", client.session().id()),
        "a Context parameter is injected"
    );
}

#[tokio::test]
async fn reading_templates_parses_variables_into_parameters() {
    let client = all().await;
    assert_eq!(
        read(&client, "test://template/abc/data").await.unwrap(),
        json!([{
            "uri": "test://template/abc/data",
            "mimeType": "application/json",
            "text": "{\"id\":\"abc\",\"templateTest\":true,\"data\":\"Data for ID: abc\"}",
        }])
    );
    assert_eq!(
        read(&client, "users://1/profile").await.unwrap()[0]["text"],
        "grace (#1)"
    );
    assert_eq!(
        read(&client, "users://2/profile?format=json")
            .await
            .unwrap()[0]["text"],
        "{\"id\":2,\"name\":\"linus\"}"
    );
    assert_eq!(
        read(&client, "files://a/b/c.rs").await.unwrap()[0],
        json!({"uri": "files://a/b/c.rs", "mimeType": "application/octet-stream", "blob": "YS9iL2MucnM="})
    );
    assert_eq!(
        read(&client, "files://notes.txt").await.unwrap()[0]["text"],
        "text file notes",
        "the template with more literal text is tried first"
    );
    assert_eq!(
        read(&client, "files://README.txt").await.unwrap()[0]["text"],
        "readme",
        "an exact URI wins over templates"
    );
    assert_eq!(
        read(&client, "files://caf%C3%A9%20au%20lait.txt")
            .await
            .unwrap()[0]["text"],
        "text file café au lait",
        "values are percent-decoded"
    );
    assert_eq!(
        read(&client, "bundle://x").await.unwrap(),
        json!([
            {"uri": "bundle://x/0", "text": "part 0"},
            {"uri": "bundle://x/1", "text": "part 1"},
        ]),
        "several contents, the query variable's default applies"
    );
    assert_eq!(
        read(&client, "bundle://x?n=1")
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn read_errors_follow_the_specification() {
    let client = all().await;
    let missing = read(&client, "nowhere://at/all").await.unwrap_err();
    assert_eq!(missing.code, protocol::RESOURCE_NOT_FOUND);
    assert!(
        missing.message.starts_with("Resource not found"),
        "{missing}"
    );
    assert_eq!(missing.data, Some(json!({"uri": "nowhere://at/all"})));

    let none = read(&client, "users://99/profile").await.unwrap_err();
    assert_eq!(none.code, -32002, "`None` is not found: {none}");
    assert_eq!(none.data, Some(json!({"uri": "users://99/profile"})));

    let not_a_number = read(&client, "users://abc/profile").await.unwrap_err();
    assert_eq!(not_a_number.code, protocol::INVALID_PARAMS);
    assert_eq!(
        not_a_number.message,
        "invalid value for `id` in `users://abc/profile`: invalid value: string \"abc\", \
         expected u32"
    );
    let bad_enum = read(&client, "users://1/profile?format=xml")
        .await
        .unwrap_err();
    assert_eq!(bad_enum.code, protocol::INVALID_PARAMS);
    assert!(
        bad_enum.message.contains("invalid value for `format`")
            && bad_enum
                .message
                .contains("unknown variant `xml`, expected `json` or `text`"),
        "{bad_enum}"
    );

    let failed = read(&client, "broken://io").await.unwrap_err();
    assert_eq!(
        (failed.code, failed.message.as_str()),
        (protocol::INTERNAL_ERROR, "disk on fire")
    );
    let panicked = read(&client, "broken://panic").await.unwrap_err();
    assert_eq!(panicked.code, protocol::INTERNAL_ERROR);
    assert!(
        panicked
            .message
            .contains("panicked: the resource handler exploded"),
        "{panicked}"
    );
    assert_eq!(
        read(&client, "test://static-text").await.unwrap()[0]["text"],
        "This is the content of the static text resource.",
        "the server keeps serving after a panic"
    );

    for params in [json!({}), json!({"uri": 5}), json!([1])] {
        let error = client.request("resources/read", params).await.unwrap_err();
        assert_eq!(error.code, protocol::INVALID_PARAMS, "{error}");
    }
}

#[tokio::test]
async fn prompts_list_shows_arguments_with_descriptions_and_required_flags() {
    let client = all().await;
    let listing = client.request("prompts/list", json!({})).await.unwrap();
    assert_eq!(
        names(&listing, "prompts", "name"),
        [
            "code-review",
            "exploding",
            "greet",
            "test_prompt_with_arguments",
            "test_prompt_with_embedded_resource",
            "test_prompt_with_image",
            "test_simple_prompt",
        ]
    );
    let prompts = listing["prompts"].as_array().unwrap();
    let find = |name: &str| prompts.iter().find(|p| p["name"] == name).unwrap().clone();
    assert_eq!(
        find("code-review"),
        json!({
            "name": "code-review",
            "title": "Code review",
            "description": "Review code.",
            "arguments": [
                {"name": "code", "description": "The code to review.", "required": true},
                {"name": "language", "required": false},
                {"name": "remarks", "description": "How many remarks at most.", "required": false},
                {"name": "strict", "required": false},
            ],
        })
    );
    assert_eq!(
        find("test_prompt_with_arguments")["arguments"],
        json!([
            {"name": "arg1", "description": "First test argument.", "required": true},
            {"name": "arg2", "description": "Second test argument.", "required": true},
        ])
    );
    assert_eq!(
        find("test_prompt_with_embedded_resource")["arguments"],
        json!([{"name": "resourceUri", "description": "URI of the resource to embed.", "required": true}])
    );
    assert_eq!(
        find("greet")["arguments"],
        json!([
            {"name": "name", "required": true},
            {"name": "tone", "required": true},
        ]),
        "the Context parameter is not an argument"
    );
    assert_eq!(
        find("greet")["icons"],
        json!([{"src": "https://example.com/wave.svg"}])
    );
    assert_eq!(
        find("test_simple_prompt"),
        json!({"name": "test_simple_prompt", "description": "A simple prompt without arguments.", "arguments": []})
    );
}

#[tokio::test]
async fn prompts_render_messages() {
    let client = all().await;
    assert_eq!(
        get(&client, "test_simple_prompt", json!({})).await.unwrap(),
        json!({
            "description": "A simple prompt without arguments.",
            "messages": [{"role": "user", "content": {"type": "text", "text": "This is a simple prompt for testing."}}],
        })
    );
    assert_eq!(
        get(
            &client,
            "test_prompt_with_arguments",
            json!({"arg1": "a", "arg2": "b"})
        )
        .await
        .unwrap()["messages"][0]["content"]["text"],
        "Prompt with arguments: arg1='a', arg2='b'"
    );
    let embedded = get(
        &client,
        "test_prompt_with_embedded_resource",
        json!({"resourceUri": "test://static-text"}),
    )
    .await
    .unwrap();
    assert_eq!(
        embedded["messages"][0]["content"],
        json!({"type": "resource", "resource": {"uri": "test://static-text", "mimeType": "text/plain", "text": "Embedded resource content for testing."}})
    );
    let image = get(&client, "test_prompt_with_image", Value::Null)
        .await
        .unwrap();
    assert_eq!(image["messages"][0]["content"]["type"], "image");
    assert_eq!(image["messages"][0]["content"]["mimeType"], "image/png");
    assert_eq!(image["messages"][1]["role"], "user");

    let review = get(
        &client,
        "code-review",
        json!({"code": "fn main() {}", "remarks": "5", "strict": true}),
    )
    .await
    .unwrap();
    assert_eq!(review["description"], "A review of unknown code");
    assert_eq!(
        review["messages"],
        json!([
            {"role": "user", "content": {"type": "text", "text": "Review this unknown code (5 remarks, strict: true):\nfn main() {}"}},
            {"role": "assistant", "content": {"type": "text", "text": "Sure."}},
        ]),
        "numbers and booleans parse from text (and from JSON values, leniently)"
    );
    let defaults = get(
        &client,
        "code-review",
        json!({"code": "x", "language": "ruby"}),
    )
    .await
    .unwrap();
    assert_eq!(
        defaults["messages"][0]["content"]["text"],
        "Review this ruby code (3 remarks, strict: false):\nx"
    );
    assert_eq!(
        get(&client, "greet", json!({"name": "Ada", "tone": "json"}))
            .await
            .unwrap()["messages"][0]["content"]["text"],
        "Greet Ada (Json)"
    );
}

#[tokio::test]
async fn prompt_errors_name_the_problem() {
    let client = all().await;
    let unknown = get(&client, "nope", json!({})).await.unwrap_err();
    assert_eq!(unknown.code, protocol::INVALID_PARAMS);
    assert!(
        unknown.message.contains("unknown prompt `nope`"),
        "{unknown}"
    );

    let missing = get(&client, "test_prompt_with_arguments", json!({"arg1": "a"}))
        .await
        .unwrap_err();
    assert_eq!(missing.code, protocol::INVALID_PARAMS);
    assert_eq!(
        missing.message,
        "invalid arguments for prompt `test_prompt_with_arguments`: missing required argument \
         `arg2`"
    );

    let several = get(
        &client,
        "code-review",
        json!({"remarks": "many", "colour": "red"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        several.message,
        "invalid arguments for prompt `code-review`: missing required argument `code`; argument \
         `remarks`: invalid value: string \"many\", expected u8; unknown argument `colour` (it \
         takes: code, language, remarks, strict)"
    );

    let not_object = get(&client, "greet", json!(["Ada"])).await.unwrap_err();
    assert_eq!(not_object.code, protocol::INVALID_PARAMS);

    let failed = get(&client, "greet", json!({"name": "", "tone": "text"}))
        .await
        .unwrap_err();
    assert_eq!(
        (failed.code, failed.message.as_str()),
        (protocol::INTERNAL_ERROR, "the name is empty")
    );
    let panicked = get(&client, "exploding", json!({})).await.unwrap_err();
    assert_eq!(panicked.code, protocol::INTERNAL_ERROR);
    assert!(
        panicked.message.contains("the prompt exploded"),
        "{panicked}"
    );
}

#[tokio::test]
async fn completion_suggests_prompt_arguments_and_template_variables() {
    let client = all().await;
    let review = json!({"type": "ref/prompt", "name": "code-review"});
    assert_eq!(
        complete(&client, review.clone(), "language", "r").await,
        json!({"values": ["rust", "ruby"], "hasMore": false})
    );
    assert_eq!(
        complete_with(
            &client,
            review.clone(),
            "language",
            "",
            json!({"code": "fn main() {}"})
        )
        .await["values"],
        json!(["rust"]),
        "completers see the arguments already given"
    );
    assert_eq!(
        complete(&client, review, "code", "x").await,
        json!({"values": [], "hasMore": false}),
        "an argument without a completer has no suggestions"
    );

    let template = json!({"type": "ref/resource", "uri": "test://template/{id}/data"});
    assert_eq!(
        complete(&client, template, "id", "").await["values"],
        json!(["1", "2", "3"])
    );

    let users = json!({"type": "ref/resource", "uri": "users://{id}/profile{?format}"});
    let many = complete(&client, users.clone(), "id", "").await;
    assert_eq!(many["values"].as_array().unwrap().len(), 100);
    assert_eq!(many["values"][0], "0");
    assert_eq!(
        (many["total"].clone(), many["hasMore"].clone()),
        (json!(250), json!(true))
    );
    assert_eq!(
        complete(&client, users, "id", "24").await,
        json!({"values": ["24", "240", "241", "242", "243", "244", "245", "246", "247", "248", "249"], "hasMore": false})
    );

    let bundle = json!({"type": "ref/resource", "uri": "bundle://{name}{?n}"});
    assert_eq!(
        complete_with(&client, bundle, "name", "b", json!({"n": 1})).await,
        json!({"values": ["b-1"], "total": 50, "hasMore": true}),
        "a completer may return a Completion with its own total"
    );

    let fixed = json!({"type": "ref/resource", "uri": "test://static-text"});
    assert_eq!(complete(&client, fixed, "x", "").await["values"], json!([]));
}

#[tokio::test]
async fn completion_errors() {
    let client = all().await;
    let request = |reference: Value, argument: &str| {
        let client = &client;
        let argument = argument.to_owned();
        async move {
            client
                .request(
                    "completion/complete",
                    json!({"ref": reference, "argument": {"name": argument, "value": ""}}),
                )
                .await
                .unwrap_err()
        }
    };
    for (reference, argument, needle) in [
        (
            json!({"type": "ref/prompt", "name": "nope"}),
            "x",
            "unknown prompt `nope`",
        ),
        (
            json!({"type": "ref/prompt", "name": "code-review"}),
            "colour",
            "the prompt `code-review` has no argument `colour`",
        ),
        (
            json!({"type": "ref/resource", "uri": "nowhere://{x}"}),
            "x",
            "unknown resource template `nowhere://{x}`",
        ),
        (
            json!({"type": "ref/resource", "uri": "test://template/{id}/data"}),
            "name",
            "has no variable `name`",
        ),
        (
            json!({"type": "ref/tool", "name": "x"}),
            "x",
            "unknown `ref` type `ref/tool`",
        ),
    ] {
        let error = request(reference, argument).await;
        assert_eq!(error.code, protocol::INVALID_PARAMS, "{error}");
        assert!(error.message.contains(needle), "{needle:?} not in {error}");
    }
}

#[tokio::test]
async fn lists_paginate_with_the_server_page_size() {
    let server = builder().page_size(3).build().unwrap();
    let client = connect(&server).await;
    for (method, key, field, expected) in [
        ("resources/list", "resources", "uri", 7),
        (
            "resources/templates/list",
            "resourceTemplates",
            "uriTemplate",
            5,
        ),
        ("prompts/list", "prompts", "name", 7),
    ] {
        let mut seen = Vec::new();
        let mut cursor = Value::Null;
        let mut pages = 0;
        loop {
            let params = if cursor.is_null() {
                json!({})
            } else {
                json!({ "cursor": cursor })
            };
            let page = client.request(method, params).await.unwrap();
            let names = names(&page, key, field);
            assert!(names.len() <= 3, "{method}: {names:?}");
            seen.extend(names);
            pages += 1;
            cursor = page.get("nextCursor").cloned().unwrap_or(Value::Null);
            if cursor.is_null() {
                break;
            }
        }
        assert_eq!(seen.len(), expected, "{method}: {seen:?}");
        assert_eq!(pages, expected.div_ceil(3), "{method}");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "{method}: stable order");

        let bad = client
            .request(method, json!({"cursor": "zzz"}))
            .await
            .unwrap_err();
        assert_eq!(bad.code, protocol::INVALID_PARAMS);
        assert!(
            bad.message
                .contains(&format!("pass the `nextCursor` of a previous `{method}`")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_builder_chooses_resources_and_prompts() {
    let server = builder()
        .resources(["test://static-text", "test://template/{id}/data"])
        .prompts(["test_simple_prompt"])
        .build()
        .unwrap();
    assert_eq!(server.resources().len(), 1);
    assert_eq!(server.resources()[0].uri(), "test://static-text");
    assert_eq!(server.resource_templates().len(), 1);
    assert_eq!(
        server.resource_templates()[0].uri_template().as_str(),
        "test://template/{id}/data"
    );
    assert_eq!(server.prompts().len(), 1);
    assert!(server.prompt("test_simple_prompt").is_some());
    assert!(server.prompt("greet").is_none());
    assert!(server
        .resource("test://static-text")
        .unwrap()
        .location()
        .file
        .ends_with("resources_prompts.rs"));
    let client = connect(&server).await;
    assert!(read(&client, "users://1/profile").await.is_err());
    assert_eq!(
        client.initialize_result()["capabilities"]["completions"],
        json!({}),
        "the chosen template has a completer"
    );

    let err = builder().resources(["test://nope"]).build().unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::UnknownResource);
    assert_eq!(err.name(), Some("test://nope"));
    let message = err.to_string();
    assert!(
        message.contains("no #[resource] has the URI `test://nope`")
            && message.contains("test://template/{id}/data"),
        "{message}"
    );
    let err = builder().prompts(["nope"]).build().unwrap_err();
    assert_eq!(err.kind(), BuildErrorKind::UnknownPrompt);
    assert_eq!(err.name(), Some("nope"));
    assert!(
        err.to_string()
            .contains("available: code-review, exploding"),
        "{err}"
    );
}

#[tokio::test]
async fn without_resources_or_prompts_nothing_is_announced_or_served() {
    let server = builder()
        .resources(Vec::<String>::new())
        .prompts(Vec::<String>::new())
        .build()
        .unwrap();
    let client = connect(&server).await;
    let capabilities = &client.initialize_result()["capabilities"];
    for capability in ["resources", "prompts", "completions"] {
        assert!(capabilities.get(capability).is_none(), "{capabilities}");
    }
    for method in [
        "resources/list",
        "resources/templates/list",
        "resources/read",
        "prompts/list",
        "prompts/get",
        "completion/complete",
    ] {
        let error = client.request(method, json!({})).await.unwrap_err();
        assert_eq!(error.code, protocol::METHOD_NOT_FOUND, "{method}: {error}");
    }

    let no_completers = builder()
        .resources(["test://static-text"])
        .prompts(["test_simple_prompt"])
        .build()
        .unwrap();
    let client = connect(&no_completers).await;
    let capabilities = &client.initialize_result()["capabilities"];
    assert!(capabilities.get("resources").is_some() && capabilities.get("prompts").is_some());
    assert!(
        capabilities.get("completions").is_none(),
        "no completer, no completions: {capabilities}"
    );
}

#[test]
fn completion_contexts_carry_the_resolved_arguments() {
    let context = CompletionContext::new(
        "district",
        HashMap::from([("city".to_owned(), "Lyon".to_owned())]),
    );
    assert_eq!(context.completing(), "district");
    assert_eq!(context.argument("city"), Some("Lyon"));
    assert_eq!(context.argument("country"), None);
}

/// Reads one of this server's resources, as a tool would to build on it.
#[mcp_runtime::tool]
async fn read_own(
    uri: String,
    ctx: mcp_runtime::Context,
) -> Result<String, mcp_runtime::protocol::ErrorObject> {
    let contents = ctx.read_resource(&uri).await?;
    Ok(serde_json::to_string(&contents).expect("contents serialize"))
}

#[tokio::test]
async fn a_tool_reads_the_servers_own_resources_through_its_context() {
    let server = builder().build().unwrap();
    let client = Client::connect(&server).await;
    let text = client
        .call_tool("read_own", json!({"uri": "test://static-text"}))
        .await
        .unwrap();
    let contents: Value = serde_json::from_str(&text.text()).unwrap();
    assert_eq!(contents[0]["uri"], "test://static-text");
    assert_eq!(contents[0]["mimeType"], "text/plain");
    let templated = client
        .call_tool("read_own", json!({"uri": "files://notes.txt"}))
        .await
        .unwrap();
    let contents: Value = serde_json::from_str(&templated.text()).unwrap();
    assert_eq!(contents[0]["uri"], "files://notes.txt");
    let unknown = client
        .call_tool("read_own", json!({"uri": "nope://x"}))
        .await
        .unwrap();
    assert!(unknown.is_error);
    assert!(
        unknown.text().contains("Resource not found") && unknown.text().contains("(-32002)"),
        "{}",
        unknown.text()
    );
}
