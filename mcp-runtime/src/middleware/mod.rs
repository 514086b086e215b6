//! MCP middleware: hooks around every catalogue request (`tools/*`, `resources/*`,
//! `prompts/*`, `completion/complete`) and every notification, run by the dispatcher, so they
//! run identically on every transport (HTTP+SSE, Streamable HTTP, stdio, the in-process
//! client) and in both eras. (actix-web middleware sees HTTP requests; this sees MCP
//! operations, with the caller's identity.)
//!
//! A [`Middleware`] gets each request as an [`Operation`] and the rest of the chain as
//! [`Next`]: it may read the identity and the params, rewrite the params, answer by itself
//! (a result or an error) without calling `next`, or call `next` and rewrite what comes back.
//! The typed hooks ([`on_call_tool`](Middleware::on_call_tool), ...) are what the default
//! [`on_request`](Middleware::on_request) dispatches to. Middleware run in the order given to
//! [`ServerBuilder::middleware`](crate::ServerBuilder::middleware), the first outermost.
//!
//! Built in: [`Logging`] (timing and a structured `tracing` event per request),
//! [`RateLimit`] (a token bucket per identity), [`ResponseCache`] (honouring the server's
//! caching hints; private entries are kept per identity and never served to another) and
//! [`MaskErrors`] (internal errors reach the client as a generic message, and the log in full).
//!
//! ```
//! use std::time::Duration;
//! use mcp_runtime::middleware::{BoxFuture, Logging, Middleware, Next, Operation, Outcome, RateLimit};
//! use mcp_runtime::{protocol::ErrorObject, Server};
//!
//! /// Refuses every call of `delete_*` tools to callers without the `admin` scope.
//! struct AdminOnly;
//!
//! impl Middleware for AdminOnly {
//!     fn on_call_tool<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
//!         let admin = op.identity().is_some_and(|who| who.has_scope("admin"));
//!         if op.name().is_some_and(|name| name.starts_with("delete_")) && !admin {
//!             return Box::pin(async { Err(ErrorObject::invalid_params("admins only")) });
//!         }
//!         next.run(op)
//!     }
//! }
//!
//! let server = Server::builder()
//!     .middleware(Logging::new())
//!     .middleware(RateLimit::per_identity(20, 10.0))
//!     .middleware(AdminOnly)
//!     .build()
//!     .unwrap();
//! ```

mod cache;
mod logging;
mod mask;
mod rate_limit;
mod visibility;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::protocol::ErrorObject;
use crate::server::Server;
use crate::session::Identity;

pub use cache::ResponseCache;
pub use logging::Logging;
pub use mask::MaskErrors;
pub use rate_limit::{RateLimit, RATE_LIMITED};
pub use visibility::Item;
pub(crate) use visibility::Visibility;

/// A boxed future, what the hooks return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a request comes to: its result as JSON text, or the error to answer with.
pub type Outcome = Result<Box<RawValue>, ErrorObject>;

/// One request on its way through the middleware.
#[derive(Debug)]
pub struct Operation<'a> {
    pub(crate) server: &'a Server,
    pub(crate) method: &'a str,
    pub(crate) params: Value,
    pub(crate) identity: Option<Identity>,
    pub(crate) modern: bool,
    pub(crate) session_id: &'a str,
}

impl<'a> Operation<'a> {
    /// The method, such as `tools/call`.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The params (without the modern era's `_meta` members, which the dispatcher took).
    pub fn params(&self) -> &Value {
        &self.params
    }

    /// The params, to rewrite before calling `next`.
    pub fn params_mut(&mut self) -> &mut Value {
        &mut self.params
    }

    /// The tool, prompt name of a `tools/call` or `prompts/get`, if any.
    pub fn name(&self) -> Option<&str> {
        self.params.get("name").and_then(Value::as_str)
    }

    /// The URI of a `resources/read`, if any.
    pub fn uri(&self) -> Option<&str> {
        self.params.get("uri").and_then(Value::as_str)
    }

    /// Who is calling, when the transport authenticated the request.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    /// Whether the request is of the modern era (MCP 2026-07-28).
    pub fn is_modern(&self) -> bool {
        self.modern
    }

    /// The session's id (in the modern era, an id of the request's own).
    pub fn session_id(&self) -> &str {
        self.session_id
    }

    /// The server serving the request.
    pub fn server(&self) -> &'a Server {
        self.server
    }
}

/// The rest of the chain: the middleware after this one, then the method itself.
pub struct Next<'a> {
    rest: &'a [Arc<dyn Middleware>],
    inner: Box<dyn FnOnce(Operation<'a>) -> BoxFuture<'a, Outcome> + Send + 'a>,
}

impl<'a> Next<'a> {
    pub(crate) fn new(
        chain: &'a [Arc<dyn Middleware>],
        inner: Box<dyn FnOnce(Operation<'a>) -> BoxFuture<'a, Outcome> + Send + 'a>,
    ) -> Self {
        Next { rest: chain, inner }
    }

    /// Runs the rest of the chain on `op`.
    pub fn run(self, op: Operation<'a>) -> BoxFuture<'a, Outcome> {
        match self.rest.split_first() {
            Some((first, rest)) => first.on_request(
                op,
                Next {
                    rest,
                    inner: self.inner,
                },
            ),
            None => (self.inner)(op),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("middleware_left", &self.rest.len())
            .finish_non_exhaustive()
    }
}

/// Hooks around MCP operations; see the [module](self) docs. Every hook has a default that
/// passes the request on.
pub trait Middleware: Send + Sync + 'static {
    /// Every catalogue request. The default dispatches to the typed hooks by method.
    fn on_request<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        match op.method {
            "tools/call" => self.on_call_tool(op, next),
            "resources/read" => self.on_read_resource(op, next),
            "prompts/get" => self.on_get_prompt(op, next),
            "tools/list" | "resources/list" | "resources/templates/list" | "prompts/list" => {
                self.on_list(op, next)
            }
            _ => next.run(op),
        }
    }

    /// `tools/call`.
    fn on_call_tool<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        next.run(op)
    }

    /// `resources/read`.
    fn on_read_resource<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        next.run(op)
    }

    /// `prompts/get`.
    fn on_get_prompt<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        next.run(op)
    }

    /// The listings: `tools/list`, `resources/list`, `resources/templates/list`,
    /// `prompts/list`.
    fn on_list<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        next.run(op)
    }

    /// A notification of the client (`notifications/cancelled`, `notifications/initialized`,
    /// ...), seen before it is handled.
    fn on_notification(&self, _method: &str, _params: &Value, _identity: Option<&Identity>) {}
}
