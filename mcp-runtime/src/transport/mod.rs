//! Transports: they move JSON-RPC messages between a client and the server's dispatcher, and
//! nothing else. HTTP+SSE ([`SseApp`]) and Streamable HTTP ([`StreamableHttpApp`]) are
//! actix-web services (cargo feature `http`); stdio ([`Stdio`]) serves one client over a pair
//! of byte streams (feature `stdio`). A transport of your own decodes messages, hands them to
//! [`Server::handle_message`](crate::Server::handle_message) with the client's [`Session`], and
//! carries the responses back.

#[cfg(feature = "http")]
pub(crate) mod http;
#[cfg(feature = "http")]
pub(crate) mod sse;
#[cfg(feature = "stdio")]
mod stdio;
#[cfg(feature = "http")]
mod streamable_http;

pub use crate::session::{Negotiated, Session};
#[cfg(feature = "http")]
pub use http::HttpOptions;
#[cfg(feature = "http")]
pub use sse::SseApp;
#[cfg(feature = "stdio")]
pub use stdio::Stdio;
#[cfg(feature = "http")]
pub use streamable_http::StreamableHttpApp;
