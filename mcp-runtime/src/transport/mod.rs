//! Transports: they move JSON-RPC messages between a client and the [dispatcher](crate::dispatch)
//! and nothing else.

pub mod sse;
