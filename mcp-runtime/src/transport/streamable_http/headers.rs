//! The request headers of MCP 2026-07-28 over HTTP, which mirror the body so that proxies and
//! gateways can route without reading it: every one must agree with the body, or the request
//! is refused with `-32020` (HTTP 400).
//!
//! | header | mirrors | on |
//! |---|---|---|
//! | `MCP-Protocol-Version` | `params._meta["io.modelcontextprotocol/protocolVersion"]` | every request |
//! | `Mcp-Method` | `method` | every request |
//! | `Mcp-Name` | `params.name`, `params.uri` for `resources/read`, `params.taskId` for `tasks/*` | `tools/call`, `prompts/get`, `resources/read`, `tasks/get`, `tasks/update`, `tasks/cancel` |
//!
//! A value that cannot travel as a plain header value is sent as `=?base64?<base64>?=`
//! (`Mcp-Name` only here); it is decoded before the comparison.

use std::borrow::Cow;

use actix_web::http::header::HeaderName;
use actix_web::HttpRequest;
use serde_json::{Map, Value};

use super::VERSION_HEADER;
use crate::content::base64_decode;
use crate::protocol::{ErrorObject, Request, HEADER_MISMATCH};
use crate::tool::HeaderParam;

const METHOD_HEADER: HeaderName = HeaderName::from_static("mcp-method");
const NAME_HEADER: HeaderName = HeaderName::from_static("mcp-name");

/// Checks the standard headers against the request's body; `requested` is the body's
/// protocol version (when it is a string).
pub(super) fn check(
    req: &HttpRequest,
    request: &Request,
    requested: Option<&str>,
) -> Result<(), ErrorObject> {
    if let Some(requested) = requested {
        expect(
            req,
            VERSION_HEADER,
            "MCP-Protocol-Version",
            requested,
            false,
            same_text,
        )?;
    }
    expect(
        req,
        METHOD_HEADER,
        "Mcp-Method",
        &request.method,
        false,
        same_text,
    )?;
    let name_member = match request.method.as_str() {
        "tools/call" | "prompts/get" => "name",
        "resources/read" => "uri",
        // The tasks extension routes its methods by the task.
        "tasks/get" | "tasks/update" | "tasks/cancel" => "taskId",
        _ => return Ok(()),
    };
    // A request without the member is refused by its method, with the method's message.
    if let Some(Value::String(name)) = request.params.get(name_member) {
        expect(req, NAME_HEADER, "Mcp-Name", name, true, same_text)?;
    }
    Ok(())
}

/// Checks the `Mcp-Param-*` headers of a `tools/call` against its arguments: each parameter
/// the tool mirrors has its header exactly when the argument has a value, and the two agree.
pub(super) fn check_params(
    req: &HttpRequest,
    params: &[HeaderParam],
    arguments: Option<&Map<String, Value>>,
) -> Result<(), ErrorObject> {
    let empty = Map::new();
    let arguments = arguments.unwrap_or(&empty);
    for param in params {
        let name =
            HeaderName::try_from(format!("mcp-param-{}", param.name.to_ascii_lowercase()))
                .map_err(|_| mismatch(format!("Mcp-Param-{} is not a header name", param.name)))?;
        let shown = format!("Mcp-Param-{}", param.name);
        match param.value_in(arguments) {
            Some(value) => expect(req, name, &shown, &value, true, same_value)?,
            None if req.headers().contains_key(&name) => {
                return Err(mismatch(format!(
                    "the {shown} header is sent, but the argument `{}` it mirrors has no value",
                    param.path.join(".")
                )))
            }
            None => {}
        }
    }
    Ok(())
}

/// Whether a header and a body value agree: as text, or as the same number (`42` and `42.0`).
fn same_value(header: &str, body: &str) -> bool {
    header == body
        || matches!((header.parse::<f64>(), body.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
}

fn same_text(header: &str, body: &str) -> bool {
    header == body
}

/// Checks that header `name` is present once and, decoded (from `=?base64?..?=` where
/// `base64`), agrees with `body` as `same` decides.
fn expect(
    req: &HttpRequest,
    name: HeaderName,
    shown: &str,
    body: &str,
    base64: bool,
    same: fn(&str, &str) -> bool,
) -> Result<(), ErrorObject> {
    let mut values = req.headers().get_all(&name);
    let Some(value) = values.next() else {
        return Err(mismatch(format!(
            "the {shown} header is missing: MCP 2026-07-28 requires it, with the value `{body}` \
             of the body"
        )));
    };
    if values.next().is_some() {
        return Err(mismatch(format!(
            "the {shown} header is sent more than once"
        )));
    }
    let value = value
        .to_str()
        .map_err(|_| mismatch(format!("the {shown} header holds bytes outside visible ASCII: send such a value as =?base64?...?=")))?
        .trim_matches([' ', '\t']);
    let decoded = if base64 {
        decode(value).map_err(|why| mismatch(format!("the {shown} header {why}")))?
    } else {
        Cow::Borrowed(value)
    };
    if !same(&decoded, body) {
        return Err(mismatch(format!(
            "Header mismatch: {shown} header value `{decoded}` does not match body value `{body}`"
        )));
    }
    Ok(())
}

/// A header value, decoded from `=?base64?...?=` when it has that form (exactly, in lower
/// case); anything else is the value itself.
pub(super) fn decode(value: &str) -> Result<Cow<'_, str>, &'static str> {
    let Some(encoded) = value
        .strip_prefix("=?base64?")
        .and_then(|rest| rest.strip_suffix("?="))
    else {
        return Ok(Cow::Borrowed(value));
    };
    let bytes = base64_decode(encoded).ok_or("is not valid padded base64 inside =?base64?...?=")?;
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|_| "decodes from base64 to bytes that are not UTF-8")
}

fn mismatch(message: String) -> ErrorObject {
    ErrorObject::new(HEADER_MISMATCH, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_values_are_decoded_and_other_forms_are_literal() {
        assert_eq!(
            decode("=?base64?SGVsbG8sIOS4lueVjA==?=").unwrap(),
            "Hello, 世界"
        );
        assert_eq!(decode("=?base64?IHBhZGRlZCA=?=").unwrap(), " padded ");
        assert_eq!(
            decode("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=").unwrap(),
            "=?base64?literal?="
        );
        for literal in [
            "SGVsbG8=",
            "=?base64?SGVsbG8=",
            "=?BASE64?SGVsbG8=?=",
            "plain value",
        ] {
            assert_eq!(decode(literal).unwrap(), literal);
        }
        assert!(decode("=?base64?SGVsbG8?=").is_err());
        assert!(decode("=?base64?SGVs!!!bG8=?=").is_err());
    }
}
