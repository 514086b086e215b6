//! Everything mcp-runtime does, in one server: tools returning every kind of content, resources
//! and a resource template, prompts, completion, logging, progress, sampling, typed elicitation,
//! roots, resource subscriptions, shared state, cancellation and tasks. Its tools, resources and
//! prompts are the ones the official conformance suite (`@modelcontextprotocol/conformance`)
//! looks up by name, so the whole suite passes against it:
//!
//! ```sh
//! cargo run -p mcp-examples --bin everything
//! npx @modelcontextprotocol/conformance server --url http://127.0.0.1:8000/mcp --suite all
//! npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8000/sse --method resources/list
//! ```
//!
//! Streamable HTTP at `/mcp`, HTTP+SSE at `/sse` beside it (one server, shared state), or, with
//! `--stdio`, standard input and output. `MCP_BIND` sets the address (default `127.0.0.1:8000`),
//! `MCP_WORKERS` the number of workers, and `MCP_REDIS_URL` (`redis://host:port/`) a Redis that
//! replicas share: tasks live there, and notices reach every replica's clients.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::rt::time::sleep;
use mcp_runtime::context::{ClientRequestError, Elicitation, InputRequired, SamplingRequest};
use mcp_runtime::shared::Redis;
use mcp_runtime::{prompt, resource, tool, Content, Context, Json, PromptMessage, Server, Tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A 1x1 red PNG.
const PNG: &[u8] = include_bytes!("assets/red-pixel.png");
/// A tenth of a second of a 440 Hz tone (8 kHz, 8-bit mono WAV).
const WAV: &[u8] = include_bytes!("assets/beep.wav");

// ---- Tools: content of every kind ------------------------------------------------------------

/// Returns a simple text response.
#[tool(read_only)]
fn test_simple_text() -> &'static str {
    "This is a simple text response for testing."
}

/// Returns a small PNG image.
#[tool(read_only)]
fn test_image_content() -> Content {
    Content::image(PNG, "image/png")
}

/// Returns a short WAV sound.
#[tool(read_only)]
fn test_audio_content() -> Content {
    Content::audio(WAV, "audio/wav")
}

/// Returns a text resource embedded in the result.
#[tool(read_only)]
fn test_embedded_resource() -> Content {
    Content::embedded_text(
        "test://embedded-resource",
        "text/plain",
        "This is an embedded resource content.",
    )
}

/// Returns text, an image and an embedded JSON resource together.
#[tool(read_only)]
fn test_multiple_content_types() -> Vec<Content> {
    vec![
        Content::text("Multiple content types test:"),
        Content::image(PNG, "image/png"),
        Content::embedded_text(
            "test://mixed-content-resource",
            "application/json",
            json!({ "test": "data", "value": 123 }).to_string(),
        ),
    ]
}

/// Always fails: the error becomes an `isError` result with this message.
#[tool]
fn test_error_handling() -> Result<String, String> {
    Err("This tool intentionally returns an error for testing".to_owned())
}

// ---- Tools: Context --------------------------------------------------------------------------

/// Sends three log messages while it runs.
#[tool]
async fn test_tool_with_logging(ctx: Context) -> &'static str {
    ctx.info("Tool execution started").await;
    sleep(Duration::from_millis(50)).await;
    ctx.info("Tool processing data").await;
    sleep(Duration::from_millis(50)).await;
    ctx.info("Tool execution completed").await;
    "Logging test completed: three messages sent"
}

/// Reports progress 0, 50 and 100 out of 100 (when the request asked for progress).
#[tool]
async fn test_tool_with_progress(ctx: Context) -> &'static str {
    ctx.report_progress(0.0, Some(100.0), Some("started")).await;
    sleep(Duration::from_millis(50)).await;
    ctx.report_progress(50.0, Some(100.0), Some("halfway"))
        .await;
    sleep(Duration::from_millis(50)).await;
    ctx.report_progress(100.0, Some(100.0), Some("done")).await;
    "Progress test completed"
}

/// Asks the client's language model to answer a prompt (`sampling/createMessage`).
///
/// # Arguments
///
/// * `prompt` - The prompt to send to the model.
#[tool]
async fn test_sampling(prompt: String, ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.sample(SamplingRequest::new(prompt, 100)).await?;
    Ok(format!(
        "LLM response: {}",
        answer.text().unwrap_or("(not text)")
    ))
}

/// The user's details, asked for by `test_elicitation`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct UserDetails {
    /// User's response.
    username: String,
    /// User's email address.
    #[schemars(email)]
    email: String,
}

/// What the user did with a form, as the tools below report it.
fn describe<T: Serialize>(answer: &Elicitation<T>) -> String {
    match answer {
        Elicitation::Accept(content) => format!(
            "action=accept, content={}",
            serde_json::to_string(content).unwrap_or_default()
        ),
        Elicitation::Decline => "action=decline".to_owned(),
        Elicitation::Cancel => "action=cancel".to_owned(),
    }
}

/// Asks the user for a name and an email address (`elicitation/create`).
///
/// # Arguments
///
/// * `message` - The message to show the user.
#[tool]
async fn test_elicitation(message: String, ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.elicit::<UserDetails>(&message).await?;
    Ok(format!("User response: {}", describe(&answer)))
}

/// An account's status: a plain choice (`enum`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Status {
    Active,
    Inactive,
    Pending,
}

fn default_name() -> String {
    "John Doe".to_owned()
}
fn default_age() -> u32 {
    30
}
fn default_score() -> f64 {
    95.5
}
fn default_status() -> Status {
    Status::Active
}
fn default_verified() -> bool {
    true
}

/// A form whose every field has a default (SEP-1034): `#[serde(default = ..)]` shows in the
/// schema as `default`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Profile {
    #[serde(default = "default_name")]
    name: String,
    #[serde(default = "default_age")]
    age: u32,
    #[serde(default = "default_score")]
    score: f64,
    #[serde(default = "default_status")]
    status: Status,
    #[serde(default = "default_verified")]
    verified: bool,
}

/// Asks for a profile whose fields all have defaults (string, integer, number, enum, boolean).
#[tool]
async fn test_elicitation_sep1034_defaults(ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.elicit::<Profile>("Please review your profile").await?;
    Ok(format!("Elicitation completed: {}", describe(&answer)))
}

/// A choice without titles: `{"type": "string", "enum": [..]}`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum PlainChoice {
    Option1,
    Option2,
    Option3,
}

/// A choice whose options have titles (their doc comments):
/// `{"type": "string", "oneOf": [{"const": "value1", "title": "First Option"}, ..]}`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum TitledOption {
    /// First Option
    Value1,
    /// Second Option
    Value2,
    /// Third Option
    Value3,
}

/// Titled options again, with `#[schemars(title = ..)]`; as the items of a `Vec` they make a
/// multi-select: `{"type": "array", "items": {"anyOf": [{"const": .., "title": ..}, ..]}}`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum TitledChoice {
    #[schemars(title = "First Choice")]
    Value1,
    #[schemars(title = "Second Choice")]
    Value2,
    #[schemars(title = "Third Choice")]
    Value3,
}

/// The deprecated titled form, `enum` with `enumNames` beside it, for older clients: the names
/// are added to the derived schema by hand.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(extend("enumNames" = ["Option One", "Option Two", "Option Three"]))]
enum LegacyOption {
    Opt1,
    Opt2,
    Opt3,
}

/// Every enum form of the 2025-11-25 elicitation schema (SEP-1330).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Choices {
    /// Untitled single-select.
    untitled_single: PlainChoice,
    /// Titled single-select.
    titled_single: TitledOption,
    /// Legacy titled single-select.
    legacy_enum: LegacyOption,
    /// Untitled multi-select.
    untitled_multi: Vec<PlainChoice>,
    /// Titled multi-select.
    titled_multi: Vec<TitledChoice>,
}

/// Asks the user to choose, with every kind of enum field.
#[tool]
async fn test_elicitation_sep1330_enums(ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.elicit::<Choices>("Please make your choices").await?;
    Ok(format!("Elicitation completed: {}", describe(&answer)))
}

/// Answers after a short pause; the conformance suite's SSE-polling scenario (SEP-1699) calls it
/// over a POST that accepts an SSE stream.
#[tool(read_only)]
async fn test_reconnection() -> &'static str {
    sleep(Duration::from_millis(100)).await;
    "Reconnection test completed"
}

// ---- A tool made by hand ---------------------------------------------------------------------

/// An address, as `json_schema_2020_12_tool` takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Address {
    street: Option<String>,
    city: Option<String>,
}

/// The arguments of `json_schema_2020_12_tool`; unknown ones are refused, as its schema's
/// `"additionalProperties": false` says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct Person {
    name: Option<String>,
    address: Option<Address>,
    contact_method: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

/// A tool whose input schema is written by hand and listed exactly as written, `$schema`,
/// `$defs`, `$anchor`, `$ref`, `allOf`/`anyOf`, `if`/`then`/`else` and `additionalProperties`
/// included (JSON Schema 2020-12: SEP-1613, and SEP-2106 of MCP 2026-07-28). A
/// `#[tool]`'s schema is derived and normalised for clients instead, so this one is made with
/// `Tool::builder`; its handler gets the arguments as sent and checks them itself.
fn json_schema_2020_12_tool() -> Tool {
    Tool::builder("json_schema_2020_12_tool")
        .description("Tool with JSON Schema 2020-12 features")
        .input_schema(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {
                "address": {
                    "$anchor": "addressDef",
                    "type": "object",
                    "properties": {
                        "street": { "type": "string" },
                        "city": { "type": "string" }
                    }
                }
            },
            "properties": {
                "name": { "type": "string" },
                "address": { "$ref": "#/$defs/address" },
                "contactMethod": { "type": "string", "enum": ["phone", "email"] },
                "phone": { "type": "string" },
                "email": { "type": "string" }
            },
            "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
            "if": {
                "properties": { "contactMethod": { "const": "phone" } },
                "required": ["contactMethod"]
            },
            "then": { "required": ["phone"] },
            "else": { "required": ["email"] },
            "additionalProperties": false
        }))
        .handler(|arguments: Map<String, Value>, _ctx: Context| async move {
            let person: Person = serde_json::from_value(Value::Object(arguments))
                .map_err(|err| format!("invalid arguments: {err}"))?;
            let name = person.name.as_deref().unwrap_or("someone");
            // The schema's `allOf`/`if` rules: a way to reach them, the one they chose if any.
            let reach = match (
                person.contact_method.as_deref(),
                &person.phone,
                &person.email,
            ) {
                (Some("phone"), None, _) => {
                    return Err("contactMethod is phone: give a phone".into())
                }
                (Some("email") | None, _, None) if person.phone.is_none() => {
                    return Err("give a phone or an email".into())
                }
                (Some("email"), _, None) => {
                    return Err("contactMethod is email: give an email".into())
                }
                _ => person.phone.or(person.email).unwrap_or_default(),
            };
            Ok::<_, String>(
                match person.address {
                    Some(Address { street, city }) => format!(
                        "{name} lives at {}, {}",
                        street.as_deref().unwrap_or("an unknown street"),
                        city.as_deref().unwrap_or("an unknown city")
                    ),
                    None => format!("{name} has no address"),
                } + &format!(" (reach them at {reach})"),
            )
        })
        .build()
        .unwrap_or_else(|err| panic!("{err}"))
}

// ---- Questions to the client across rounds (MCP 2026-07-28) ---------------------------------
//
// Written as for any revision: in the handshake era each question is a request to the client;
// for a 2026-07-28 client the runtime answers `input_required` and runs the tool again with
// the answers. `keyed` names a question the way the conformance suite expects to find it.

/// A name, asked of the user.
#[derive(Deserialize, JsonSchema)]
struct Name {
    name: String,
}

/// A favourite colour, asked of the user.
#[derive(Deserialize, JsonSchema)]
struct Colour {
    color: String,
}

/// A yes or no, asked of the user.
#[derive(Deserialize, JsonSchema)]
struct Confirmation {
    ok: bool,
}

/// Context for a prompt, asked of the user.
#[derive(Deserialize, JsonSchema)]
struct PromptContext {
    context: String,
}

fn accepted<T>(answer: Elicitation<T>) -> Option<T> {
    match answer {
        Elicitation::Accept(value) => Some(value),
        Elicitation::Decline | Elicitation::Cancel => None,
    }
}

/// Asks the user's name, and greets them.
#[tool]
async fn test_input_required_result_elicitation(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let answer = ctx
        .keyed("user_name")
        .elicit::<Name>("What is your name?")
        .await?;
    Ok(match accepted(answer) {
        Some(Name { name }) => format!("Hello, {name}!"),
        None => "Hello, whoever you are!".to_owned(),
    })
}

/// Asks the client's model for the capital of France.
#[tool]
async fn test_input_required_result_sampling(ctx: Context) -> Result<String, ClientRequestError> {
    let request = SamplingRequest::new("What is the capital of France?", 100);
    let answer = ctx.keyed("capital_question").sample(request).await?;
    Ok(answer.text().unwrap_or("(no text)").to_owned())
}

/// Lists the client's roots.
#[tool]
async fn test_input_required_result_list_roots(ctx: Context) -> Result<String, ClientRequestError> {
    let roots = ctx.keyed("client_roots").list_roots().await?;
    let uris: Vec<&str> = roots.iter().map(|root| root.uri.as_str()).collect();
    Ok(format!("Client roots: {}", uris.join(", ")))
}

/// Asks for a confirmation; the answer comes back with the signed request state, which the
/// runtime verifies before the tool sees it.
#[tool]
async fn test_input_required_result_request_state(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let answer = ctx
        .keyed("confirm")
        .elicit::<Confirmation>("Please confirm")
        .await?;
    let ok = accepted(answer).is_some_and(|confirmation| confirmation.ok);
    Ok(format!("state-ok: confirmed = {ok}"))
}

/// Asks three things at once: the user's name, a greeting from the model, the client's roots.
#[tool]
async fn test_input_required_result_multiple_inputs(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let (name, greeting, roots) = tokio::join!(
        ctx.keyed("user_name").elicit::<Name>("What is your name?"),
        ctx.keyed("greeting")
            .sample(SamplingRequest::new("Generate a greeting", 50)),
        ctx.keyed("client_roots").list_roots(),
    );
    let name = accepted(name?).map_or_else(|| "stranger".to_owned(), |n| n.name);
    let greeting = greeting?.text().unwrap_or("Hello").to_owned();
    Ok(format!("{greeting}, {name}! ({} roots)", roots?.len()))
}

/// Asks two questions, one after the other: each round brings one answer.
#[tool]
async fn test_input_required_result_multi_round(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let name = ctx
        .keyed("step1")
        .elicit::<Name>("Step 1: What is your name?")
        .await?;
    let name = accepted(name).map_or_else(|| "stranger".to_owned(), |n| n.name);
    let colour = ctx
        .keyed("step2")
        .elicit::<Colour>("Step 2: What is your favorite color?")
        .await?;
    let colour = accepted(colour).map_or_else(|| "no colour".to_owned(), |c| c.color);
    Ok(format!("{name} likes {colour}"))
}

/// Asks for a confirmation: a retry whose request state was altered is refused.
#[tool]
async fn test_input_required_result_tampered_state(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let answer = ctx
        .keyed("confirm")
        .elicit::<Confirmation>("Please confirm")
        .await?;
    Ok(format!(
        "confirmed = {}",
        accepted(answer).is_some_and(|c| c.ok)
    ))
}

/// Asks the user if the client can, else its model: never what the client did not declare.
#[tool]
async fn test_input_required_result_capabilities(
    ctx: Context,
) -> Result<String, ClientRequestError> {
    match ctx
        .keyed("user_name")
        .elicit::<Name>("What is your name?")
        .await
    {
        Ok(answer) => Ok(accepted(answer).map_or_else(|| "no name".to_owned(), |n| n.name)),
        Err(ClientRequestError::Unsupported { .. }) => {
            let request = SamplingRequest::new("Suggest a name", 20);
            let answer = ctx.keyed("name_suggestion").sample(request).await?;
            Ok(answer.text().unwrap_or("(no text)").to_owned())
        }
        Err(other) => Err(other),
    }
}

/// Needs the client's model: a client that did not declare `sampling` gets `-32021`.
#[tool]
async fn test_missing_capability(ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx.sample(SamplingRequest::new("Say hello", 20)).await?;
    Ok(answer.text().unwrap_or("(no text)").to_owned())
}

/// Asks the user a question while the request's stream is open.
#[tool]
async fn test_streaming_elicitation(ctx: Context) -> Result<String, ClientRequestError> {
    ctx.report_progress(0.0, Some(1.0), Some("asking")).await;
    let answer = ctx.elicit::<Name>("What is your name?").await?;
    Ok(accepted(answer).map_or_else(|| "no name".to_owned(), |n| format!("Hello, {}!", n.name)))
}

/// Logs at three levels; a request hears only those at or above the level it asked for.
#[tool]
async fn test_logging_tool(ctx: Context) -> &'static str {
    ctx.debug("a debug message").await;
    ctx.info("an info message").await;
    ctx.warning("a warning message").await;
    "logged at debug, info and warning"
}

// ---- Sets that change while the server runs ---------------------------------------------------

/// A greeting for the season; `test_trigger_tool_change` takes it away and brings it back.
#[tool(read_only)]
fn seasonal_greeting() -> &'static str {
    "Happy holidays!"
}

/// Removes `seasonal_greeting` from the tools, or brings it back: every client listening for
/// tool-list changes hears of it (`notifications/tools/list_changed`).
#[tool]
fn test_trigger_tool_change(ctx: Context) -> &'static str {
    let server = ctx.server();
    if server.disable_tool("seasonal_greeting") {
        "seasonal_greeting removed"
    } else {
        server.enable_tool("seasonal_greeting");
        "seasonal_greeting added"
    }
}

/// Removes the `seasonal_prompt` prompt, or brings it back: every client listening for
/// prompt-list changes hears of it (`notifications/prompts/list_changed`).
#[tool]
fn test_trigger_prompt_change(ctx: Context) -> &'static str {
    let server = ctx.server();
    if server.disable_prompt("seasonal_prompt") {
        "seasonal_prompt removed"
    } else {
        server.enable_prompt("seasonal_prompt");
        "seasonal_prompt added"
    }
}

// ---- Arguments mirrored in headers (MCP 2026-07-28) ----------------------------------------

/// The forecast for a region. The region and the number of days travel as `Mcp-Param-Region`
/// and `Mcp-Param-Days` headers too, for gateways that route by them; the server checks that
/// the headers and the arguments agree.
///
/// # Arguments
///
/// * `region` - Where, for example `eu-west`.
/// * `days` - How many days ahead (default 1).
#[tool(read_only)]
fn forecast(
    #[arg(header = "Region")] region: String,
    #[arg(header = "Days")] days: Option<u32>,
) -> String {
    let days = days.unwrap_or(1);
    format!("{region}: sunny for the next {days} day(s)")
}

// ---- Tools beyond the suite: roots, subscriptions, state, cancellation -----------------------

/// Lists the roots (directories, files) the client exposes.
#[tool(read_only)]
async fn list_roots(ctx: Context) -> Result<String, ClientRequestError> {
    let roots = ctx.list_roots().await?;
    Ok(roots
        .iter()
        .map(|root| match &root.name {
            Some(name) => format!("{name}: {}", root.uri),
            None => root.uri.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// How many times `test://watched-resource` changed: state shared by every session.
#[derive(Default)]
struct Revisions(AtomicU64);

const WATCHED: &str = "test://watched-resource";

/// Changes `test://watched-resource` and tells the clients subscribed to it
/// (`notifications/resources/updated`).
#[tool]
fn update_watched_resource(ctx: Context) -> String {
    let revision = ctx.state::<Revisions>().map_or(0, |revisions| {
        revisions.0.fetch_add(1, Ordering::SeqCst) + 1
    });
    let told = ctx.server().notify_resource_updated(WATCHED);
    format!("{WATCHED} is now at revision {revision}; {told} subscribed session(s) told")
}

/// Counts up to `to`, one step every 100 ms, reporting progress; stops early when the client
/// cancels the request.
///
/// # Arguments
///
/// * `to` - Where to stop counting.
#[tool(read_only)]
async fn count_slowly(#[arg(default = 10)] to: u32, ctx: Context) -> String {
    for step in 1..=to {
        if ctx.is_cancelled() {
            return format!("cancelled at {step}");
        }
        sleep(Duration::from_millis(100)).await;
        ctx.report_progress(f64::from(step), Some(f64::from(to)), None)
            .await;
    }
    format!("counted to {to}")
}

/// Who is asking: the client, the negotiated protocol version and the session.
#[tool(read_only)]
fn session_info(ctx: &Context) -> Json<Value> {
    Json(json!({
        "client": ctx.client_info(),
        "protocolVersion": ctx.protocol_version(),
        "sessionId": ctx.session_id(),
        "requestId": ctx.request_id(),
    }))
}

// ---- Resources -------------------------------------------------------------------------------

/// A static text resource.
#[resource("test://static-text", name = "static-text", mime_type = "text/plain")]
fn static_text() -> &'static str {
    "This is the content of the static text resource."
}

/// A static binary resource: a PNG image, sent base64-encoded.
#[resource(
    "test://static-binary",
    name = "static-binary",
    mime_type = "image/png"
)]
fn static_binary() -> &'static [u8] {
    PNG
}

/// Data for any id: a resource template whose `{id}` is substituted.
#[resource(
    "test://template/{id}/data",
    name = "template-data",
    mime_type = "application/json",
    complete(id = known_ids)
)]
fn template_data(id: String) -> Json<Value> {
    Json(json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") }))
}

/// Ids that start with what the user typed.
fn known_ids(partial: &str) -> Vec<String> {
    (1..=200)
        .map(|id| id.to_string())
        .filter(|id| id.starts_with(partial))
        .collect()
}

/// A resource that changes (see the `update_watched_resource` tool); subscribe to it to be told.
#[resource(
    "test://watched-resource",
    name = "watched-resource",
    mime_type = "text/plain"
)]
fn watched_resource(ctx: &Context) -> String {
    let revision = ctx
        .state::<Revisions>()
        .map_or(0, |revisions| revisions.0.load(Ordering::SeqCst));
    format!("Watched resource content, revision {revision}")
}

// ---- Prompts ---------------------------------------------------------------------------------

/// A prompt that asks the user for its context first (in MCP 2026-07-28, across rounds).
#[prompt]
async fn test_input_required_result_prompt(ctx: Context) -> Result<String, ClientRequestError> {
    let answer = ctx
        .keyed("user_context")
        .elicit::<PromptContext>("What context should the prompt use?")
        .await?;
    let context = accepted(answer).map_or_else(|| "none".to_owned(), |c| c.context);
    Ok(format!("Answer with this context in mind: {context}"))
}

/// A prompt for the season; `test_trigger_prompt_change` takes it away and brings it back.
#[prompt]
fn seasonal_prompt() -> &'static str {
    "Write a greeting for the season."
}

/// A simple prompt without arguments.
#[prompt]
fn test_simple_prompt() -> &'static str {
    "This is a simple prompt for testing."
}

/// A prompt with two required arguments.
///
/// # Arguments
///
/// * `arg1` - First test argument.
/// * `arg2` - Second test argument.
#[prompt(complete(arg1 = suggestions, arg2 = suggestions))]
fn test_prompt_with_arguments(arg1: String, arg2: String) -> String {
    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
}

/// Values for the arguments of `test_prompt_with_arguments` that start with what was typed.
fn suggestions(partial: &str) -> Vec<&'static str> {
    ["paris", "park", "party", "test", "testValue1", "testValue2"]
        .into_iter()
        .filter(|value| value.starts_with(partial))
        .collect()
}

/// A prompt that embeds a resource.
#[prompt]
fn test_prompt_with_embedded_resource(
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

// ---- Tasks: calls that outlive their request (MCP's tasks extension) ---------------------------

/// Greets someone by name (an ordinary call, never a task).
#[tool(read_only)]
fn greet(name: String) -> String {
    format!("Hello, {name}!")
}

/// Works for `seconds`, reporting progress each second, then says it is done. Called by a
/// client that supports tasks, it becomes one as soon as it has to wait (at once with
/// `seconds: 0`, it answers directly).
#[tool(task = "optional")]
async fn slow_compute(seconds: u64, label: Option<String>, ctx: Context) -> String {
    for second in 0..seconds {
        let message = format!("working: {second} of {seconds} seconds");
        ctx.report_progress(second as f64, Some(seconds as f64), Some(&message))
            .await;
        sleep(Duration::from_secs(1)).await;
    }
    let label = label.unwrap_or_else(|| "job".to_owned());
    format!("{label}: computed after {seconds} seconds")
}

/// A job that runs a second, then reports a tool error (the task completes, `isError: true`).
#[tool(task = "required")]
async fn failing_job() -> Result<String, String> {
    sleep(Duration::from_secs(1)).await;
    Err("the job failed: the upstream service refused the request".to_owned())
}

/// A job that breaks half a second in (its task fails with a JSON-RPC error).
#[tool(task = "optional")]
async fn protocol_error_job() -> String {
    sleep(Duration::from_millis(500)).await;
    panic!("the job's worker crashed")
}

#[derive(Deserialize, JsonSchema)]
struct Confirm {
    /// Whether to go ahead.
    confirm: bool,
}

/// Deletes a file once the user confirms (as a task, it waits for the answer).
#[tool(task = "optional", destructive)]
async fn confirm_delete(filename: String, ctx: Context) -> Result<String, ClientRequestError> {
    let question = format!("Delete {filename}?");
    let answer = ctx.keyed("confirm").elicit::<Confirm>(&question).await?;
    Ok(match accepted(answer) {
        Some(Confirm { confirm: true }) => format!("deleted {filename}"),
        _ => format!("kept {filename}"),
    })
}

#[derive(Deserialize, JsonSchema)]
struct Partial {
    name: Option<String>,
    confirm: Option<bool>,
}

/// Asks two things at once; finishes once both are answered.
#[tool(task = "optional")]
async fn multi_input(ctx: Context) -> Result<String, ClientRequestError> {
    let name = ctx.keyed("name").elicit::<Partial>("Your name?");
    let confirm = ctx.keyed("confirm").elicit::<Partial>("Go ahead?");
    let (name, confirm) = tokio::join!(name, confirm);
    let name = accepted(name?).and_then(|partial| partial.name);
    let confirm = accepted(confirm?).and_then(|partial| partial.confirm);
    Ok(format!(
        "name: {}, confirm: {}",
        name.as_deref().unwrap_or("(none)"),
        confirm.unwrap_or(false)
    ))
}

/// Asks the user's name within the request, then greets them from a task.
#[tool(task = "required")]
async fn test_tool_with_task(ctx: Context) -> Result<String, ClientRequestError> {
    let asked = InputRequired::new().elicit::<Name>("user_name", "What is your name?");
    let answers = ctx.input_required(asked).await?;
    let name = accepted(answers.elicitation::<Name>("user_name")?)
        .map_or_else(|| "stranger".to_owned(), |Name { name }| name);
    // The slow part, in the task.
    sleep(Duration::from_millis(500)).await;
    Ok(format!(
        "Hello, {name}! (from task {})",
        ctx.task_id().unwrap_or("-")
    ))
}

/// Writes a report of `sections` sections on `topic`, one every `pace_ms` milliseconds
/// (a realistic long task: progress as its status, stoppable between sections), then asks
/// whether to publish it.
#[tool(task = "optional")]
async fn write_report(
    topic: String,
    #[arg(default = 5)] sections: u32,
    #[arg(default = 2000)] pace_ms: u64,
    ctx: Context,
) -> Result<String, ClientRequestError> {
    let mut report = format!("# {topic}\n");
    for section in 1..=sections {
        let message = format!("writing section {section} of {sections}");
        ctx.report_progress(
            f64::from(section - 1),
            Some(f64::from(sections)),
            Some(&message),
        )
        .await;
        sleep(Duration::from_millis(pace_ms)).await;
        report.push_str(&format!("\n## Part {section}\n{topic}, part {section}.\n"));
    }
    let publish = ctx
        .keyed("publish")
        .elicit::<Confirm>("The report is written. Publish it?")
        .await?;
    let published = accepted(publish).is_some_and(|answer| answer.confirm);
    Ok(format!("{report}\n(published: {published})"))
}

// ---- An MCP App: a calculator UI that calls a tool back ---------------------------------------

/// Opens a calculator for the user (an MCP App): hosts that render apps show its UI; the others
/// show this text.
#[tool(app = "ui://everything/calculator.html", read_only)]
fn open_calculator() -> &'static str {
    "Opened a calculator: the user adds numbers in it."
}

/// Adds two numbers for the calculator's UI. App-only: hosts do not offer it to the model.
///
/// # Arguments
///
/// * `a` - The first number.
/// * `b` - The second number.
#[tool(app = "ui://everything/calculator.html", visibility = ["app"], read_only, idempotent)]
fn calculator_add(a: f64, b: f64) -> f64 {
    a + b
}

/// The calculator's UI: plain HTML speaking the MCP Apps message protocol (no build step). Not
/// listed: hosts read it when they show `open_calculator`.
#[resource(
    "ui://everything/calculator.html",
    name = "calculator-ui",
    listed = false,
    ui(
        resource_domains = ["https://fonts.googleapis.com", "https://fonts.gstatic.com"],
        domain = "calculator.everything.example",
        prefers_border = true
    )
)]
fn calculator_ui() -> &'static str {
    include_str!("apps/calculator.html")
}

// ---- Agent Skills ----------------------------------------------------------------------------

/// The skills of `examples/skills/`, compiled into the binary (a single-binary deploy); with
/// `MCP_SKILLS_DIR`, those of that directory instead, read at start-up.
fn skills() -> mcp_runtime::skills::Skills {
    let skills = match std::env::var_os("MCP_SKILLS_DIR") {
        Some(dir) => mcp_runtime::skills::Skills::from_dir(dir),
        None => mcp_runtime::embed_skills!("skills"),
    };
    skills.unwrap_or_else(|err| panic!("the skills cannot be served: {err}"))
}

// ---- The server ------------------------------------------------------------------------------

fn server(redis: Option<Redis>) -> Server {
    let builder = match redis {
        // Replicas sharing one Redis serve each other's tasks and hear each other's notices.
        Some(redis) => Server::builder().redis(&redis),
        None => Server::builder(),
    };
    builder
        .name("everything")
        .version(env!("CARGO_PKG_VERSION"))
        .instructions(
            "A test server exercising every MCP feature; its tools, resources and prompts are \
             those of the conformance suite.",
        )
        .state(Revisions::default())
        .tool(json_schema_2020_12_tool())
        .skills(skills())
        .build()
        .unwrap_or_else(|err| panic!("cannot build the server: {err}"))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let redis = match Redis::from_env().await {
        Ok(redis) => redis,
        Err(err) => {
            eprintln!("everything: {err}");
            std::process::exit(1);
        }
    };
    let server = server(redis);
    if std::env::args().skip(1).any(|arg| arg == "--stdio") {
        eprintln!("everything: MCP over stdio");
        return server.serve_stdio().await;
    }
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let workers = std::env::var("MCP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok());
    eprintln!(
        "everything: MCP over Streamable HTTP at http://{bind}/mcp, SSE at http://{bind}/sse"
    );
    let mcp = server.clone();
    let http = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .service(server.sse_app())
            .service(actix_web::web::scope("/mcp").service(server.streamable_http_app()))
    });
    let http = match workers {
        Some(workers) => http.workers(workers),
        None => http,
    };
    // Ctrl-C or SIGTERM: end MCP sessions cleanly (running calls may finish), then stop.
    // h1_allow_half_closed(false): a client that closes its connection ends its HTTP+SSE session
    // at once, instead of at the stream's next write.
    let http = http
        .h1_allow_half_closed(false)
        .disable_signals()
        .tcp_nodelay(true)
        .bind(bind)?
        .run();
    mcp.stop_on_signals(http.handle(), std::time::Duration::from_secs(10));
    http.await
}
