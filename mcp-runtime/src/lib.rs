#![doc = include_str!("../docs/crate.md")]
#![doc = include_str!("../docs/tools.md")]
#![doc = include_str!("../docs/resources-and-prompts.md")]
#![doc = include_str!("../docs/context.md")]
#![doc = include_str!("../docs/tasks.md")]
#![doc = include_str!("../docs/serving.md")]
#![doc = include_str!("../docs/composing.md")]
#![doc = include_str!("../docs/extensions.md")]
#![doc = include_str!("../docs/testing.md")]
#![warn(missing_docs)]
// Without the HTTP transports, the parts of the core only network clients need (session
// admission and expiry, identities, a request's own stream) have no caller.
#![cfg_attr(not(feature = "http"), allow(dead_code, unused_imports))]

extern crate self as mcp_runtime;

pub mod apps;
mod arguments;
mod caching;
mod catalog;
pub mod client;
mod completion;
mod content;
pub mod context;
mod dispatch;
mod error;
mod input;
pub mod middleware;
mod prompt;
pub mod protocol;
mod resource;
mod schema;
mod server;
mod session;
#[cfg(feature = "redis")]
pub mod shared;
pub mod skills;
mod subscriptions;
mod task;
pub mod tasks;
mod tool;
pub mod transport;
pub mod uri_template;

/// What macro-generated code reaches, and nothing else should. Versioned: a change to what
/// `mcp-macros` generates that this module must follow gets a new name, so that mismatched
/// versions of the two crates fail with one clear error.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_v5;

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

pub use caching::{CacheHints, CacheScope};
pub use completion::{Completion, CompletionContext, IntoCompletion, MAX_COMPLETION_VALUES};
pub use content::{Content, Json, ResourceContents, Role};
pub use context::request::Context;
pub use error::{BuildError, BuildErrorKind, SourceLocation};
pub use input::StateKey;
/// Compiles a skills directory (relative to the crate's `Cargo.toml`) into the binary:
/// `embed_skills!("skills")` is a `Result<`[`skills::Skills`]`, `[`skills::SkillsError`]`>`
/// to give to [`ServerBuilder::skills`]; the everything example serves its skills so.
pub use mcp_macros::embed_skills;
#[doc = include_str!("../docs/macros/prompt.md")]
pub use mcp_macros::prompt;
#[doc = include_str!("../docs/macros/resource.md")]
pub use mcp_macros::resource;
#[doc = include_str!("../docs/macros/tool.md")]
pub use mcp_macros::tool;
pub use prompt::{GetPromptResult, IntoPromptResult, Prompt, PromptMessage};
pub use protocol::log_level::LogLevel;
pub use protocol::Eras;
pub use resource::{IntoResourceContents, Resource, ResourceTemplate};
#[cfg(feature = "remote")]
pub use server::ProxyError;
pub use server::{Server, ServerBuilder};
pub use tasks::TaskSupport;
pub use tool::{CallToolResult, IntoToolResult, Tool, ToolAnnotations, ToolBuilder};

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

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
