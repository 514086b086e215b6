//! The wire protocol: JSON-RPC 2.0 messages as the server decodes and answers them, the MCP
//! revisions it speaks, and (crate-internal) the typed params and results of every method.
//!
//! A transport needs only this module and [`Server::handle_message`](crate::Server::handle_message):
//! decode with [`Message::from_slice`], hand the message over, send the [`Response`] back.

mod jsonrpc;
pub(crate) mod log_level;
pub(crate) mod meta;
mod revision;
pub(crate) mod wire;

pub use jsonrpc::{
    ClientResponse, DecodeError, ErrorObject, Message, Notification, Request, RequestId, Response,
    HEADER_MISMATCH, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND,
    MISSING_REQUIRED_CLIENT_CAPABILITY, PARSE_ERROR, RESOURCE_NOT_FOUND, SERVER_UNAVAILABLE,
    UNSUPPORTED_PROTOCOL_VERSION,
};
pub use revision::{
    Eras, HANDSHAKE_VERSIONS, LATEST_HANDSHAKE_VERSION, LATEST_VERSION, MODERN_VERSIONS,
    SUPPORTED_VERSIONS,
};

pub(crate) use jsonrpc::{batch_elements, batch_json, encode, outgoing_json, type_name};
pub(crate) use log_level::LogLevel;
pub(crate) use revision::{has_batches, is_modern, negotiate_version, LAST_VERSION_WITH_BATCHES};
