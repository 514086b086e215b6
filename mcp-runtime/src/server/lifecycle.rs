//! The server's lifecycle: admitting new sessions (within a limit), counting requests, and
//! shutting down gracefully. What a refusal looks like on the wire is each transport's affair.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Server;

/// Why a new session was refused; transports answer it as "unavailable, retry later" (HTTP:
/// `503` with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionRefusal {
    /// [`Server::shutdown`] has begun.
    ShuttingDown,
    /// [`ServerBuilder::max_sessions`](crate::ServerBuilder::max_sessions) are open.
    TooMany { limit: usize },
}

impl SessionRefusal {
    /// How long a refused client should wait before trying again.
    pub(crate) const RETRY_AFTER_SECS: u32 = 5;

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
}

/// Counts a request as running for as long as it lives: graceful shutdown waits for zero.
///
/// A transport takes it when it accepts a request, before it answers the client (`202`) or
/// hands the request to a task of its own, so the request counts from the moment it arrived.
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
        self.inner.sessions.sweep_expired();
        let limit = self.inner.settings.max_sessions;
        if self.session_count() >= limit {
            tracing::warn!(
                limit,
                "refusing a new session: the session limit is reached"
            );
            return Err(SessionRefusal::TooMany { limit });
        }
        Ok(())
    }

    /// The most sessions it keeps open at once.
    #[cfg(all(feature = "redis", feature = "http"))]
    pub(crate) fn max_sessions(&self) -> usize {
        self.inner.settings.max_sessions
    }

    /// How many sessions are open over the network transports (HTTP+SSE and Streamable HTTP):
    /// what [`ServerBuilder::max_sessions`](crate::ServerBuilder::max_sessions) limits.
    pub fn session_count(&self) -> usize {
        self.inner.sessions.count(None)
    }

    /// How many `subscriptions/listen` streams (MCP 2026-07-28) are open, on every transport.
    pub fn subscription_count(&self) -> usize {
        self.inner.listeners.count()
    }

    /// `true` once [`shutdown`](Self::shutdown) has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::SeqCst)
    }

    /// Shuts the MCP side of the server down gracefully: new sessions are refused at once and
    /// new requests in open sessions get an error; requests and tasks already running may
    /// finish for up to `grace`; then what still runs is cancelled (a task ends `cancelled`,
    /// saying the server shut down) and every stream ends, so clients see
    /// their connections close cleanly instead of being cut.
    ///
    /// Over HTTP, call it before stopping the HTTP server, whose own graceful stop would
    /// otherwise wait for the never-ending event streams; `Server::stop_on_signals` does both.
    pub async fn shutdown(&self, grace: Duration) {
        self.inner.shutting_down.store(true, Ordering::SeqCst);
        tracing::info!(?grace, "MCP server shutting down");
        // Listen streams never finish on their own: they end now, gracefully.
        self.inner.listeners.close_all();
        let deadline = Instant::now() + grace;
        // Shutdown happens once: polling here costs nothing on the request path.
        while self.requests_in_flight() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Tasks get the same grace; those still running then end `cancelled`.
        self.inner.tasks.shutdown(deadline).await;
        let cancelled = self.requests_in_flight();
        if cancelled > 0 {
            tracing::warn!(
                cancelled,
                "requests still running after the grace period are cancelled"
            );
        }
        self.inner.sessions.close_admitted();
    }

    /// How many requests are being handled now, over every session and transport, counted from
    /// the moment a transport accepts them: what [`shutdown`](Self::shutdown) waits to see fall
    /// to zero. For monitoring and tests.
    pub fn requests_in_flight(&self) -> usize {
        self.inner.requests_in_flight.load(Ordering::SeqCst)
    }
}
