//! [`MaskErrors`]: internal errors reach the client as a generic message, the log in full.

use super::{BoxFuture, Middleware, Next, Operation, Outcome};
use crate::protocol::{ErrorObject, INTERNAL_ERROR};

/// Replaces the message and data of internal errors (`-32603`) with a generic message, and
/// logs the original (a `tracing` error event with the method and the message), so that
/// internals (paths, queries, upstream addresses) never reach a client. Other errors (unknown
/// tools, invalid params, ...) are the client's to fix and pass unchanged.
#[derive(Debug, Default, Clone, Copy)]
pub struct MaskErrors;

impl MaskErrors {
    /// The middleware.
    pub fn new() -> Self {
        MaskErrors
    }
}

impl Middleware for MaskErrors {
    fn on_request<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        let method = op.method();
        Box::pin(async move {
            match next.run(op).await {
                Err(error) if error.code == INTERNAL_ERROR => {
                    tracing::error!(%method, message = %error.message, data = ?error.data, "internal error, masked for the client");
                    Err(ErrorObject::new(
                        INTERNAL_ERROR,
                        "internal error: the server logged the details",
                    ))
                }
                other => other,
            }
        })
    }
}
