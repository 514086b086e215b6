//! The Streamable HTTP transport (MCP 2025-03-26 to 2025-11-25), as an actix-web service
//! serving one endpoint wherever it is mounted.
//!
//! ```text
//! POST <endpoint>    one JSON-RPC message; a request is answered with a JSON body (or an SSE
//!                    stream), a notification or response with 202
//! GET  <endpoint>    the session's stream of server-initiated messages (resumable)
//! DELETE <endpoint>  ends the session
//! ```

mod headers;
mod modern;
mod post;
mod request_stream;
#[cfg(feature = "redis")]
mod shared;
mod stream;

use std::time::Duration;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use super::http::{request_identity, HttpOptions};
use crate::protocol::{
    ErrorObject, RequestId, Response, HANDSHAKE_VERSIONS, INVALID_REQUEST, MODERN_VERSIONS,
    SUPPORTED_VERSIONS,
};
use crate::server::Server;
use crate::session::{IdentityMismatch, Lookup, Session, Transport};

// Header names as `HeaderName`s: a `&str` name would be parsed again at every look-up.
const SESSION_HEADER: HeaderName = HeaderName::from_static("mcp-session-id");
const VERSION_HEADER: HeaderName = HeaderName::from_static("mcp-protocol-version");
const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
/// The revision to assume when a request has no `MCP-Protocol-Version` header.
const DEFAULT_HEADER_VERSION: &str = "2025-03-26";
/// How this transport's sessions are registered and looked up.
const TRANSPORT_NAME: &str = "streamable-http";

/// The actix-web service returned by [`Server::streamable_http_app`] and
/// [`streamable_http_app`](crate::streamable_http_app).
///
/// Mount it in a scope named after the endpoint, for example
/// `web::scope("/mcp").service(server.streamable_http_app())`: it answers at `/mcp` and `/mcp/`.
#[must_use = "a StreamableHttpApp does nothing until it is mounted with App::service or Scope::service"]
#[derive(Clone)]
pub struct StreamableHttpApp {
    server: Server,
    options: HttpOptions,
    stateless: bool,
    sse_responses: bool,
    session_idle_timeout: Duration,
    stream_history: usize,
    retry: Duration,
}

impl Server {
    /// The Streamable HTTP transport of this server, to mount in an actix-web scope.
    ///
    /// Call it inside the `HttpServer::new` factory; every worker shares this server's sessions.
    pub fn streamable_http_app(&self) -> StreamableHttpApp {
        StreamableHttpApp {
            server: self.clone(),
            options: HttpOptions::default(),
            stateless: false,
            sse_responses: false,
            session_idle_timeout: Duration::from_secs(30 * 60),
            stream_history: 256,
            retry: Duration::from_secs(1),
        }
    }
}

impl StreamableHttpApp {
    /// Serves with these settings instead of the defaults.
    pub fn options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// Serves without sessions: no `Mcp-Session-Id`, no GET stream, plain JSON responses. Any
    /// replica behind a load balancer can answer any request.
    pub fn stateless(mut self, stateless: bool) -> Self {
        self.stateless = stateless;
        self
    }

    /// Answers every request with an SSE stream instead of a JSON body (for clients that want
    /// one); by default a request is answered with JSON.
    pub fn sse_responses(mut self, sse_responses: bool) -> Self {
        self.sse_responses = sse_responses;
        self
    }

    /// How long a session may stay without requests (and without an open stream) before it
    /// expires; its client then gets `404` and initializes again. Default: 30 minutes.
    pub fn session_idle_timeout(mut self, timeout: Duration) -> Self {
        self.session_idle_timeout = timeout;
        self
    }

    /// How many recent server-initiated messages a session keeps for clients that resume
    /// their stream with `Last-Event-ID`. Default: 256.
    pub fn stream_history(mut self, messages: usize) -> Self {
        self.stream_history = messages.max(1);
        self
    }

    /// The reconnection delay a GET stream suggests to its client (`retry:`). Default: 1 s.
    pub fn retry(mut self, delay: Duration) -> Self {
        self.retry = delay;
        self
    }

    /// How many Streamable HTTP sessions of this server are open.
    pub fn session_count(&self) -> usize {
        self.server.sessions().count(Some(TRANSPORT_NAME))
    }

    /// How this app's sessions are registered.
    fn transport(&self) -> Transport {
        Transport {
            name: TRANSPORT_NAME,
            admitted: true,
            idle_timeout: Some(self.session_idle_timeout),
        }
    }
}

impl HttpServiceFactory for StreamableHttpApp {
    fn register(self, config: &mut AppService) {
        // Two static resources, not one with the pattern set `["", "/"]`: actix-web matches a
        // pattern set with a regex on every request, a static path with a comparison.
        for path in ["", "/"] {
            self.resource(path).register(config);
        }
    }
}

impl StreamableHttpApp {
    /// One handler for every method, which dispatches on the method itself: routes with method
    /// guards cost a boxed service call and, in actix-web, an allocation per guard checked.
    fn resource(&self, path: &str) -> actix_web::Resource {
        let app = self.clone();
        web::resource(path)
            .app_data(web::PayloadConfig::new(self.options.max_body_bytes))
            .default_service(web::to(
                move |req: HttpRequest, body: Result<web::Bytes, actix_web::Error>| {
                    handle(app.clone(), req, body)
                },
            ))
    }
}

async fn handle(
    app: StreamableHttpApp,
    req: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    match *req.method() {
        Method::POST => post::post(app, req, body).await,
        // Rarer, and with larger futures: boxed, so that a POST's future stays small.
        Method::GET => Box::pin(stream::open(app, req)).await,
        Method::DELETE => Box::pin(stream::end(app, req)).await,
        _ => HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, POST, DELETE"))
            .json(error_body(None, INVALID_REQUEST, "use POST, GET or DELETE")),
    }
}

/// A JSON-RPC error object as an HTTP body.
fn error_body(id: Option<RequestId>, code: i64, message: &str) -> Response {
    Response::error(id, ErrorObject::new(code, message))
}

fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(error_body(None, INVALID_REQUEST, message))
}

/// `405` for GET and DELETE on a stateless endpoint, which has no session or stream.
fn stateless_rejection(what: &str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "POST"))
        .json(error_body(
            None,
            INVALID_REQUEST,
            &format!("this endpoint is stateless: {what}"),
        ))
}

/// An error response, boxed so that `Result`s carrying one stay small.
fn rejection(status: StatusCode, message: &str) -> Box<HttpResponse> {
    Box::new(error(status, message))
}

fn header_str(req: &HttpRequest, name: HeaderName) -> Option<&str> {
    req.headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Checks shared by every method: Host/Origin.
fn check_request(app: &StreamableHttpApp, req: &HttpRequest) -> Result<(), Box<HttpResponse>> {
    if let Err(reason) = app.options.host_policy.check(req) {
        return Err(rejection(
            StatusCode::FORBIDDEN,
            &format!("Forbidden: {reason}"),
        ));
    }
    Ok(())
}

/// The handshake era's check of `MCP-Protocol-Version`: absent (2025-03-26 is assumed) or a
/// handshake revision. A GET or DELETE naming a modern revision gets `405` (that era has
/// only POST), a batch `400`.
fn check_handshake_version(
    app: &StreamableHttpApp,
    req: &HttpRequest,
) -> Result<(), Box<HttpResponse>> {
    if app.server.eras() == crate::protocol::Eras::Modern {
        if req.method() == Method::POST {
            // What a POST can bring here at a modern-only server: a batch.
            return Err(rejection(
                StatusCode::BAD_REQUEST,
                "MCP 2026-07-28 takes one JSON-RPC message per POST, never a batch",
            ));
        }
        return Err(post_only(
            "this server speaks MCP 2026-07-28 only, which has no sessions: use POST",
        ));
    }
    let Some(version) = req.headers().get(VERSION_HEADER) else {
        return Ok(());
    };
    let version = version.to_str().unwrap_or("");
    if HANDSHAKE_VERSIONS.contains(&version) {
        return Ok(());
    }
    if MODERN_VERSIONS.contains(&version) && req.method() == Method::POST {
        // What a modern POST can reach here: a batch.
        return Err(rejection(
            StatusCode::BAD_REQUEST,
            &format!("MCP {version} takes one JSON-RPC message per POST, never a batch"),
        ));
    }
    if MODERN_VERSIONS.contains(&version) {
        return Err(post_only(&format!(
            "MCP {version} has no sessions and no streams of their own: use POST"
        )));
    }
    Err(rejection(
        StatusCode::BAD_REQUEST,
        &format!(
            "unsupported MCP-Protocol-Version `{version}`; this server speaks {}",
            SUPPORTED_VERSIONS.join(", ")
        ),
    ))
}

/// `405` with `Allow: POST`: the modern era has no GET or DELETE.
fn post_only(message: &str) -> Box<HttpResponse> {
    Box::new(
        HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "POST"))
            .json(error_body(None, INVALID_REQUEST, message)),
    )
}

/// The session a request names, or the response that explains why it cannot be served: in
/// this process, or (replicas sharing Redis) wherever it was started.
async fn locate(app: &StreamableHttpApp, req: &HttpRequest) -> Result<Session, Box<HttpResponse>> {
    #[cfg(feature = "redis")]
    if let Some(shared) = shared::of(app) {
        return shared::find(app, shared, req).await;
    }
    find_session(app, req)
}

/// The session a request names in this process, or the response that explains why it cannot
/// be served.
fn find_session(app: &StreamableHttpApp, req: &HttpRequest) -> Result<Session, Box<HttpResponse>> {
    let Some(id) = header_str(req, SESSION_HEADER) else {
        return Err(rejection(
            StatusCode::BAD_REQUEST,
            "missing Mcp-Session-Id header: send the id the server returned with `initialize`",
        ));
    };
    let Lookup::Found(session) = app.server.sessions().lookup(TRANSPORT_NAME, id) else {
        return Err(rejection(
            StatusCode::NOT_FOUND,
            "unknown or expired session: send `initialize` again to start a new one",
        ));
    };
    if session.bind_identity(request_identity(req)).is_err() {
        return Err(rejection(StatusCode::FORBIDDEN, IdentityMismatch::MESSAGE));
    }
    Ok(session)
}
