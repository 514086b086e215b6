//! What both HTTP transports share: their [`HttpOptions`], DNS-rebinding protection, checks of
//! request headers and bodies, how a refused session is answered, bearer-token
//! authentication, and stopping on signals.

mod accept;
pub(crate) mod auth;
mod host_policy;
mod options;
mod signals;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::server::SessionRefusal;

pub(crate) use accept::{accepts, body_error};
pub(crate) use auth::request_identity;
pub use options::HttpOptions;

/// A refused session as HTTP answers it: `503 Service Unavailable` with `Retry-After`, and the
/// body each transport writes errors in.
pub(crate) fn refused(content_type: &str, body: String) -> HttpResponse {
    HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .insert_header(("Retry-After", SessionRefusal::RETRY_AFTER_SECS.to_string()))
        .content_type(content_type)
        .body(body)
}
