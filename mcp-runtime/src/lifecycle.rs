//! The server's lifecycle: admitting new sessions (within a limit) and shutting down gracefully.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::server::Server;

/// Why a new session was refused: both answer `503 Service Unavailable` with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionRefusal {
    /// [`Server::shutdown`] has begun.
    ShuttingDown,
    /// [`ServerBuilder::max_sessions`](crate::ServerBuilder::max_sessions) are open.
    TooMany { limit: usize },
}

impl SessionRefusal {
    pub(crate) fn message(self) -> String {
        match self {
            SessionRefusal::ShuttingDown => {
                "the server is shutting down and accepts no new sessions".to_owned()
            }
            SessionRefusal::TooMany { limit } => format!(
                "the server already has {limit} sessions open; try again later \
                 (ServerBuilder::max_sessions sets the limit)"
            ),
        }
    }

    fn response(self, content_type: &str, body: String) -> HttpResponse {
        HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
            .insert_header(("Retry-After", "5"))
            .content_type(content_type)
            .body(body)
    }

    /// The refusal as a plain-text `503` (HTTP+SSE).
    pub(crate) fn into_plain_response(self) -> HttpResponse {
        self.response("text/plain; charset=utf-8", self.message())
    }

    /// The refusal as a `503` with a JSON-RPC error body (Streamable HTTP).
    pub(crate) fn into_json_response(self) -> HttpResponse {
        let error = crate::jsonrpc::Response::error(
            None,
            crate::jsonrpc::ErrorObject::new(crate::jsonrpc::SERVER_UNAVAILABLE, self.message()),
        );
        self.response("application/json", error.to_json())
    }
}

/// Counts a request as running for as long as it lives: graceful shutdown waits for zero.
///
/// A transport that answers `202` and handles the request on a task of its own takes the guard
/// before answering and hands it to the dispatcher, so the request counts from the moment it
/// was accepted; otherwise the dispatcher takes it.
pub(crate) struct RequestGuard(Server);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0
            .inner
            .requests_in_flight
            .fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    /// Counts a request as running until the guard is dropped.
    pub(crate) fn count_request(&self) -> RequestGuard {
        self.inner.requests_in_flight.fetch_add(1, Ordering::SeqCst);
        RequestGuard(self.clone())
    }

    /// Whether a new session may start now.
    pub(crate) fn admit_session(&self) -> Result<(), SessionRefusal> {
        if self.is_shutting_down() {
            return Err(SessionRefusal::ShuttingDown);
        }
        self.inner
            .http_sessions
            .sweep_expired(self.inner.session_idle_timeout);
        let limit = self.inner.max_sessions;
        if self.session_count() >= limit {
            tracing::warn!(
                limit,
                "refusing a new session: the session limit is reached"
            );
            return Err(SessionRefusal::TooMany { limit });
        }
        Ok(())
    }

    /// How many sessions are open, over both HTTP transports.
    pub fn session_count(&self) -> usize {
        self.inner.sse_sessions.len() + self.inner.http_sessions.lock().len()
    }

    /// `true` once [`shutdown`](Self::shutdown) has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::SeqCst)
    }

    /// Shuts the MCP side of the server down gracefully: new sessions are refused at once
    /// (`503`) and new requests in open sessions get an error; requests already running may
    /// finish for up to `grace`; then what still runs is cancelled and every stream ends, so
    /// clients see their connections close cleanly instead of being cut.
    ///
    /// Call it before stopping actix, whose own graceful stop would otherwise wait for the
    /// never-ending event streams:
    ///
    /// ```no_run
    /// # async fn run(server: mcp_runtime::Server, http: actix_web::dev::ServerHandle) {
    /// server.shutdown(std::time::Duration::from_secs(10)).await;
    /// http.stop(true).await;
    /// # }
    /// ```
    pub async fn shutdown(&self, grace: Duration) {
        self.inner.shutting_down.store(true, Ordering::SeqCst);
        tracing::info!(?grace, "MCP server shutting down");
        let deadline = Instant::now() + grace;
        // Shutdown happens once: polling here costs nothing on the request path.
        while self.requests_in_flight() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let cancelled = self.requests_in_flight();
        if cancelled > 0 {
            tracing::warn!(
                cancelled,
                "requests still running after the grace period are cancelled"
            );
        }
        self.inner.sse_sessions.close_all();
        self.inner.http_sessions.close_all();
    }

    /// Stops gracefully on Ctrl-C or `SIGTERM`: [`shutdown`](Self::shutdown) within `grace`,
    /// then the actix server. Build that server with `.disable_signals()`, so that it leaves
    /// the signals to this, and call this from inside its runtime (`#[actix_web::main]`).
    ///
    /// ```no_run
    /// # #[actix_web::main]
    /// # async fn main() -> std::io::Result<()> {
    /// let http = actix_web::HttpServer::new(|| actix_web::App::new().service(mcp_runtime::sse_app()))
    ///     .disable_signals()
    ///     .bind(("127.0.0.1", 8000))?
    ///     .run();
    /// mcp_runtime::Server::global().stop_on_signals(http.handle(), std::time::Duration::from_secs(10));
    /// http.await
    /// # }
    /// ```
    pub fn stop_on_signals(&self, http: actix_web::dev::ServerHandle, grace: Duration) {
        let server = self.clone();
        actix_web::rt::spawn(async move {
            let signal = wait_for_stop_signal().await;
            tracing::info!(signal, "stop signal received");
            server.shutdown(grace).await;
            http.stop(true).await;
        });
    }

    /// How many requests are being handled now, over every session and transport, counted from
    /// the moment a transport accepts them: what [`shutdown`](Self::shutdown) waits to see fall
    /// to zero. For monitoring and tests.
    pub fn requests_in_flight(&self) -> usize {
        self.inner.requests_in_flight.load(Ordering::SeqCst)
    }
}

/// Waits for Ctrl-C (`SIGINT`) or, on Unix, `SIGTERM`; returns which.
async fn wait_for_stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => tokio::select! {
                _ = actix_web::rt::signal::ctrl_c() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = actix_web::rt::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
