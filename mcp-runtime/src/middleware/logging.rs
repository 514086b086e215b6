//! [`Logging`]: one structured `tracing` event per request, with its timing.

use std::time::Instant;

use super::{BoxFuture, Middleware, Next, Operation, Outcome};

/// Logs each request once it is answered: method, tool/prompt name or URI, the caller's
/// subject, the era, the elapsed milliseconds and the error code if any (never argument
/// values), as a `tracing` event at `info` (target `mcp_runtime::middleware`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Logging;

impl Logging {
    /// The middleware.
    pub fn new() -> Self {
        Logging
    }
}

impl Middleware for Logging {
    fn on_request<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        let method = op.method();
        let target = op.name().or_else(|| op.uri()).map(str::to_owned);
        let subject = op.identity().map(|who| who.subject().to_owned());
        let modern = op.is_modern();
        Box::pin(async move {
            let started = Instant::now();
            let outcome = next.run(op).await;
            let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
            let code = outcome.as_ref().err().map(|error| error.code);
            tracing::info!(
                %method,
                name = target.as_deref().unwrap_or(""),
                subject = subject.as_deref().unwrap_or(""),
                modern,
                elapsed_ms,
                error_code = ?code,
                "mcp request"
            );
            outcome
        })
    }
}
