//! What a [`Context`] works with besides itself: the requests a handler can
//! send the client (sampling its model, eliciting input from the user, listing its roots),
//! their answers, and why a request can fail.
//!
//! A `Context` is what a tool (or resource, or prompt) declares a parameter of to log to the
//! client, report progress, notice cancellation, ask the client things, and reach the session
//! and the server's shared state.

mod client_requests;
mod input_required;
mod related;
pub(crate) mod request;

pub use client_requests::{
    ClientRequestError, Elicitation, Keyed, Root, SamplingMessage, SamplingRequest,
    SamplingResponse,
};
pub use input_required::{InputRequired, InputResponses};
pub(crate) use related::{Answer, Outgoing, RelatedStream};
pub(crate) use request::Context;
pub use request::MissingScope;
