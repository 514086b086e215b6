//! Transports: they move JSON-RPC messages between a client and
//! [`Server::handle_message`](crate::Server::handle_message), and nothing else.

pub(crate) mod http;
pub mod sse;
pub mod streamable_http;
