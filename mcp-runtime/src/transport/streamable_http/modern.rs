//! POST in the modern era (MCP 2026-07-28): no session, one request per POST, its headers
//! checked against its body, errors with the HTTP status the revision gives them, and a
//! closed response stream cancelling the request.
//!
//! The checks, in the order the revision's conformance suite expects them:
//!
//! | check | error | status |
//! |---|---|---|
//! | `params._meta` with the protocol version and client capabilities | `-32602` | 400 |
//! | `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` agree with the body | `-32020` | 400 |
//! | the revision is one this server speaks | `-32022` | 400 |
//! | the method exists in the era | `-32601` | 404 |

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::post::{answer, respond};
use super::{header_str, headers, StreamableHttpApp, VERSION_HEADER};
use crate::protocol::meta::{unsupported_version, ModernMeta};
use crate::protocol::{
    ErrorObject, Message, Response, HEADER_MISMATCH, INVALID_PARAMS, INVALID_REQUEST,
    METHOD_NOT_FOUND, MISSING_REQUIRED_CLIENT_CAPABILITY, PARSE_ERROR, SUPPORTED_VERSIONS,
    UNSUPPORTED_PROTOCOL_VERSION,
};
use crate::session::Session;
use crate::transport::http::request_identity;

/// `true` when a POST belongs to the modern era: its `MCP-Protocol-Version` header names no
/// handshake revision (a modern one, or one this server does not know, which gets `-32022`),
/// or its body's `_meta` names a revision.
pub(super) fn is_modern_post(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    message: &Message,
) -> bool {
    app.server
        .eras()
        .serves_as_modern(names_a_revision(req, message))
}

fn names_a_revision(req: &HttpRequest, message: &Message) -> bool {
    let header_says = header_str(req, VERSION_HEADER)
        .is_some_and(|version| !crate::protocol::HANDSHAKE_VERSIONS.contains(&version));
    header_says
        || match message {
            Message::Request(request) => crate::protocol::meta::is_modern_request(&request.params),
            Message::Notification(notification) => {
                crate::protocol::meta::is_modern_request(&notification.params)
            }
            Message::Response(_) => false,
        }
}

pub(super) async fn post(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    message: Message,
) -> HttpResponse {
    let mut request = match message {
        Message::Request(request) => request,
        // The revision defines no notification a client sends over HTTP: taken, and ignored.
        Message::Notification(_) => return HttpResponse::Accepted().finish(),
        Message::Response(_) => {
            return reject(
                None,
                ErrorObject::new(
                    INVALID_REQUEST,
                    "MCP 2026-07-28 clients send no responses: the answers to a server's \
                     questions travel in the retried request's `inputResponses`",
                ),
            )
        }
    };
    let id = Some(request.id.clone());
    let meta = match ModernMeta::take(&request.method, &mut request.params) {
        Ok(meta) => meta,
        Err(error) => {
            // A revision this server does not know, named in the header alone, is the better
            // answer than a missing `_meta`: the client can pick a revision from it.
            let error = match header_str(req, VERSION_HEADER) {
                Some(header) if !SUPPORTED_VERSIONS.contains(&header) => {
                    unsupported_version(header)
                }
                _ => error,
            };
            return reject(id, error);
        }
    };
    if let Err(error) = headers::check(req, &request, meta.requested.as_str()) {
        return reject(id, error);
    }
    if let Err(error) = check_param_headers(app, req, &request) {
        return reject(id, error);
    }
    let version = match meta.version() {
        Ok(version) => version,
        Err(error) => return reject(id, error),
    };
    let session = Session::modern(version, meta, None);
    // `BearerAuth` (if any) verified this request: it runs as that identity.
    let _ = session.bind_identity(request_identity(req));
    let Some(accepted) = app.server.receive(&session, Message::Request(request)) else {
        unreachable!("a request is always accepted for running");
    };
    match answer(app, accepted, None, true).await {
        Ok(stream) => respond(app, HttpResponse::Ok(), stream, status_of),
        Err(response) => response,
    }
}

/// The `Mcp-Param-*` headers of a `tools/call`, against the tool's mirrored parameters (an
/// unknown tool is left to `tools/call` itself to refuse).
fn check_param_headers(
    app: &StreamableHttpApp,
    req: &HttpRequest,
    request: &crate::protocol::Request,
) -> Result<(), ErrorObject> {
    if request.method != "tools/call" {
        return Ok(());
    }
    let Some(name) = request
        .params
        .get("name")
        .and_then(serde_json::Value::as_str)
    else {
        return Ok(());
    };
    let tools = app.server.tool_set();
    match tools.get(name) {
        Some(tool) if !tool.header_params().is_empty() => headers::check_params(
            req,
            tool.header_params(),
            request
                .params
                .get("arguments")
                .and_then(serde_json::Value::as_object),
        ),
        _ => Ok(()),
    }
}

/// The HTTP status of an answer: `404` for a method the era does not have, `400` for what
/// the client must change, `200` for results and for errors of the work itself.
fn status_of(error_code: Option<i64>) -> StatusCode {
    match error_code {
        Some(METHOD_NOT_FOUND) => StatusCode::NOT_FOUND,
        Some(
            PARSE_ERROR
            | INVALID_REQUEST
            | INVALID_PARAMS
            | HEADER_MISMATCH
            | MISSING_REQUIRED_CLIENT_CAPABILITY
            | UNSUPPORTED_PROTOCOL_VERSION,
        ) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

fn reject(id: Option<crate::protocol::RequestId>, error: ErrorObject) -> HttpResponse {
    let status = status_of(Some(error.code));
    HttpResponse::build(status).json(Response::error(id, error))
}
