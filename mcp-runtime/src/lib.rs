//! Declarative [Model Context Protocol](https://modelcontextprotocol.io) servers: write plain
//! functions, mark them `#[tool]`, mount one actix-web service.
//!
//! ```no_run
//! use mcp_runtime::tool;
//!
//! /// Add two numbers.
//! #[tool]
//! async fn add(a: i64, b: i64) -> i64 {
//!     a + b
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     actix_web::HttpServer::new(|| {
//!         actix_web::App::new()
//!             .route("/health", actix_web::web::get().to(|| async { "ok" }))
//!             .service(actix_web::web::scope("/api/mcp").service(mcp_runtime::sse_app()))
//!     })
//!     .bind(("127.0.0.1", 8000))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! Clients then connect to `http://127.0.0.1:8000/api/mcp/sse`, list the tools and call `add`.
//!
//! # Writing tools
//!
//! `#[tool]` works on free functions, `async` or not. Synchronous tools run on a blocking thread
//! pool, so they never stall the server.
//!
//! - **Name**: the function's, or `#[tool(name = "...")]`; 1 to 128 characters of
//!   `A-Z a-z 0-9 _ - .`, checked at compile time.
//! - **Description**: the doc comment, or `#[tool(description = "...")]`.
//! - **Options**: `title = "..."` and the behaviour hints `read_only`, `destructive`,
//!   `idempotent`, `open_world`.
//! - **Parameters**: any type implementing `serde::Deserialize` and `schemars::JsonSchema`:
//!   numbers, strings, `bool`, `Vec`, `HashMap`, your structs and enums. `Option<T>` parameters
//!   may be left out by the client; `#[arg(default = <expr>)]` gives a default.
//! - **Parameter descriptions**: a `# Arguments` list in the doc comment, or
//!   `#[arg(description = "...")]`.
//! - **Return**: anything implementing [`IntoToolResult`]: strings, numbers, `()`, [`Content`],
//!   `Vec<Content>`, [`Json<T>`] for structured output, and `Result<T, E: Display>`, whose `Err`
//!   becomes an error result the model can read.
//!
//! ```
//! use mcp_runtime::{tool, Json};
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! enum Unit { Celsius, Fahrenheit }
//!
//! #[derive(serde::Serialize, schemars::JsonSchema)]
//! struct Reading { value: f64, unit: String }
//!
//! /// Convert a temperature.
//! ///
//! /// # Arguments
//! ///
//! /// * `value` - The temperature to convert.
//! /// * `to` - The unit to convert to.
//! #[tool(read_only, idempotent)]
//! fn convert(value: f64, to: Unit, #[arg(default = 1)] digits: u32) -> Result<Json<Reading>, String> {
//!     if !value.is_finite() {
//!         return Err(format!("{value} is not a temperature"));
//!     }
//!     let scale = 10f64.powi(digits as i32);
//!     let (value, unit) = match to {
//!         Unit::Celsius => ((value - 32.0) * 5.0 / 9.0, "°C"),
//!         Unit::Fahrenheit => (value * 9.0 / 5.0 + 32.0, "°F"),
//!     };
//!     Ok(Json(Reading { value: (value * scale).round() / scale, unit: unit.into() }))
//! }
//! ```
//!
//! Tools register themselves in a program-wide list; a tool declared in a library crate is served
//! when that crate is linked into the program (refer to any of its items). Two tools with the
//! same name are a start-up error naming both locations.
//!
//! # Resources and prompts
//!
//! [`resource`] serves what a function returns at a URI, or at every URI of a template whose
//! variables are the function's parameters; [`prompt`] serves a prompt whose arguments are the
//! function's parameters. Both parse their parameters from text (`String`, numbers, `bool`,
//! enums...), may take a [`Context`], and may name completers for `completion/complete`: plain
//! or `async` functions from the partial value (and optionally a [`CompletionContext`]) to the
//! suggestions.
//!
//! ```
//! use mcp_runtime::{prompt, resource, CompletionContext, PromptMessage};
//!
//! /// A user's profile (`None` answers "Resource not found").
//! #[resource("users://{id}/profile", mime_type = "application/json", complete(id = user_ids))]
//! fn profile(id: u32) -> Option<String> {
//!     (id < 3).then(|| format!(r#"{{"id": {id}}}"#))
//! }
//!
//! fn user_ids(partial: &str) -> Vec<String> {
//!     (0..3).map(|id| id.to_string()).filter(|id| id.starts_with(partial)).collect()
//! }
//!
//! /// Review code.
//! ///
//! /// # Arguments
//! ///
//! /// * `code` - The code to review.
//! #[prompt(complete(language = languages))]
//! fn review(code: String, language: Option<String>) -> Vec<PromptMessage> {
//!     let language = language.unwrap_or_else(|| "unknown".to_owned());
//!     vec![PromptMessage::user(format!("Review this {language} code:\n{code}"))]
//! }
//!
//! async fn languages(partial: &str, context: &CompletionContext) -> Vec<&'static str> {
//!     let _code_so_far = context.argument("code");
//!     ["python", "rust"].into_iter().filter(|l| l.starts_with(partial)).collect()
//! }
//! ```
//!
//! See [`IntoResourceContents`] and [`IntoPromptResult`] for what the functions may return,
//! [`uri_template`] for the templates, and [`Completion`] for completers.
//!
//! # Serving
//!
//! [`sse_app()`] serves every tool of the program over the HTTP+SSE transport, mounted wherever
//! you put it. For a name, version, instructions or a chosen subset of tools, build a [`Server`]
//! and use [`Server::sse_app`].
//!
//! [`serve_stdio()`] serves them over standard input and output instead, for clients that start
//! the server as a subprocess (Claude Desktop, Cursor, the MCP Inspector); see
//! [`Server::serve_stdio`].
//!
//! # Testing tools
//!
//! [`client::Client`] connects to a [`Server`] in the same process, without sockets, and lists
//! and calls its tools the way a real client does.

#![warn(missing_docs)]
// Without the HTTP transports, the parts of the core only network clients need (session
// admission and expiry, identities, a request's own stream) have no caller.
#![cfg_attr(not(feature = "http"), allow(dead_code, unused_imports))]

extern crate self as mcp_runtime;

mod arguments;
mod catalog;
pub mod client;
mod completion;
mod content;
pub mod context;
mod dispatch;
mod error;
mod prompt;
pub mod protocol;
mod resource;
mod schema;
mod server;
mod session;
mod task;
mod tool;
pub mod transport;
pub mod uri_template;

/// What macro-generated code reaches, and nothing else should. Versioned: a change to what
/// `mcp-macros` generates that this module must follow gets a new name, so that mismatched
/// versions of the two crates fail with one clear error.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_v1;

/// Who a request comes from: the [`Identity`](auth::Identity) every transport binds sessions
/// to and tools read, and (feature `http`) the bearer-token guard and OAuth resource-server
/// metadata of the HTTP transports.
pub mod auth {
    pub use crate::session::Identity;
    #[cfg(feature = "http")]
    pub use crate::transport::http::auth::{
        AuthError, BearerAuth, BearerAuthMiddleware, ProtectedResource,
    };
}

pub use catalog::SourceLocation;
pub use completion::{Completion, CompletionContext, IntoCompletion, MAX_COMPLETION_VALUES};
pub use content::{Content, ResourceContents};
pub use context::request::Context;
pub use context::Role;
pub use error::{BuildError, BuildErrorKind};
pub use mcp_macros::{prompt, resource, tool};
pub use prompt::{GetPromptResult, IntoPromptResult, Prompt, PromptMessage};
pub use protocol::log_level::LogLevel;
pub use resource::{IntoResourceContents, Resource, ResourceTemplate};
pub use server::{Server, ServerBuilder};
pub use tool::{CallToolResult, IntoToolResult, Json, Tool, ToolAnnotations, ToolBuilder};

/// The Streamable HTTP transport serving every `#[tool]` of the program through
/// [`Server::global`]; mount it in a scope named after the endpoint, such as
/// `web::scope("/mcp")`, inside the `HttpServer::new` factory.
///
/// # Panics
///
/// On first use, when two tools share a name (see [`Server::global`]).
#[cfg(feature = "http")]
pub fn streamable_http_app() -> transport::StreamableHttpApp {
    Server::global().streamable_http_app()
}

/// The HTTP+SSE transport serving every `#[tool]` of the program through [`Server::global`].
///
/// Mount it at the root or in any scope; call it inside the `HttpServer::new` factory.
///
/// # Panics
///
/// On first use, when two tools share a name (see [`Server::global`]).
#[cfg(feature = "http")]
pub fn sse_app() -> transport::SseApp {
    Server::global().sse_app()
}

/// Serves every `#[tool]` of the program over standard input and output, through
/// [`Server::global`], until standard input ends; see [`Server::serve_stdio`].
///
/// ```no_run
/// /// Add two numbers.
/// #[mcp_runtime::tool]
/// fn add(a: i64, b: i64) -> i64 {
///     a + b
/// }
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     mcp_runtime::serve_stdio().await
/// }
/// ```
///
/// # Errors
///
/// An I/O error on standard input or output, other than the client closing its end.
///
/// # Panics
///
/// When two tools share a name (see [`Server::global`]).
#[cfg(feature = "stdio")]
pub async fn serve_stdio() -> std::io::Result<()> {
    Server::global().serve_stdio().await
}
