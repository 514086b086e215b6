//! Transports: they move JSON-RPC messages between a client and
//! [`Server::handle_message`](crate::Server::handle_message), and nothing else.

pub(crate) mod http;
pub(crate) mod registry;
pub mod sse;
pub(crate) mod stdio;
pub mod streamable_http;
