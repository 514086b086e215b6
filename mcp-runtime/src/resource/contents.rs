//! [`IntoResourceContents`]: what a `#[resource]` function may return, and how it becomes the
//! contents of `resources/read`.

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;
use serde_json::{json, Value};

use crate::content::{base64_encode, Json, ResourceContents};
use crate::protocol::{ErrorObject, RESOURCE_NOT_FOUND};

/// Converts what a `#[resource]` function returns into the contents of `resources/read`.
///
/// Implemented for `String`, `&str` and `Cow<str>` (text), `Vec<u8>`, `&[u8]`, `&[u8; N]`
/// (`include_bytes!`) and `Cow<[u8]>` (binary, sent base64-encoded as `blob`), [`Json<T>`] and
/// `serde_json::Value` (JSON text), [`ResourceContents`] and `Vec<ResourceContents>` (as they
/// are, for several contents or per-content MIME types), `Option<T>` (`None` answers
/// "Resource not found") and `Result<T, E: Display>` (`Err` becomes a JSON-RPC error with the
/// message).
#[diagnostic::on_unimplemented(
    message = "a #[resource] function cannot return `{Self}`",
    label = "this return type",
    note = "return a `String` (text), a `Vec<u8>` (binary), `ResourceContents`, \
            `Vec<ResourceContents>`, `Json<T>`, an `Option` or a `Result` of one of these, or \
            implement `mcp_runtime::IntoResourceContents`"
)]
pub trait IntoResourceContents {
    /// Performs the conversion for the resource at `uri`, whose contents are of `mime_type`.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error to answer instead (for example [`RESOURCE_NOT_FOUND`]).
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject>;

    /// The MIME type this type implies when the resource declares none.
    fn default_mime_type() -> Option<&'static str> {
        None
    }
}

/// What a resource read gives: its contents, or the error to answer.
type Read = Result<Vec<ResourceContents>, ErrorObject>;

/// One content of `uri`.
fn one(uri: &str, mime_type: Option<&str>, body: Body) -> Read {
    let (uri, mime_type) = (uri.to_owned(), mime_type.map(str::to_owned));
    Ok(vec![match body {
        Body::Text(text) => ResourceContents::Text {
            uri,
            mime_type,
            text,
        },
        Body::Blob(bytes) => ResourceContents::Blob {
            uri,
            mime_type,
            blob: base64_encode(bytes),
        },
    }])
}

enum Body<'a> {
    Text(String),
    Blob(&'a [u8]),
}

/// The conversions, one line each: `type => |value, uri, mime_type| contents, the MIME type it
/// implies`. (One table rather than an `impl` block each, which would all look alike.)
macro_rules! contents {
    ($([$($generics:tt)*] $ty:ty => |$value:ident, $uri:ident, $mime:ident| $read:expr, $implied:expr;)*) => {$(
        impl<$($generics)*> IntoResourceContents for $ty {
            fn into_resource_contents(self, $uri: &str, $mime: Option<&str>) -> Read {
                let $value = self;
                $read
            }

            fn default_mime_type() -> Option<&'static str> {
                $implied
            }
        }
    )*};
}

const TEXT: Option<&str> = Some("text/plain");
const BINARY: Option<&str> = Some("application/octet-stream");
const JSON: Option<&str> = Some("application/json");

contents! {
    [] String => |text, uri, mime| one(uri, mime, Body::Text(text)), TEXT;
    [] &str => |text, uri, mime| one(uri, mime, Body::Text(text.into())), TEXT;
    [] Cow<'_, str> => |text, uri, mime| one(uri, mime, Body::Text(text.into())), TEXT;
    [] Vec<u8> => |bytes, uri, mime| one(uri, mime, Body::Blob(&bytes)), BINARY;
    [] &[u8] => |bytes, uri, mime| one(uri, mime, Body::Blob(bytes)), BINARY;
    [const N: usize] &[u8; N] => |bytes, uri, mime| one(uri, mime, Body::Blob(bytes)), BINARY;
    [] Cow<'_, [u8]> => |bytes, uri, mime| one(uri, mime, Body::Blob(&bytes)), BINARY;
    [] Value => |value, uri, mime| one(uri, mime, Body::Text(value.to_string())), JSON;
    // `Json(value)` is read as the value's JSON text.
    [T: Serialize] Json<T> => |json, uri, mime| match serde_json::to_string(&json.0) {
        Ok(text) => one(uri, mime, Body::Text(text)),
        Err(err) => Err(ErrorObject::internal(format!(
            "the resource did not serialize to JSON: {err}"
        ))),
    }, JSON;
    // As they are: several contents, or per-content MIME types.
    [] ResourceContents => |contents, _uri, _mime| Ok(vec![contents]), None;
    [] Vec<ResourceContents> => |contents, _uri, _mime| Ok(contents), None;
    // `None`: there is no such resource (`-32002`, with the URI in `data`).
    [T: IntoResourceContents] Option<T> => |found, uri, mime| match found {
        Some(value) => value.into_resource_contents(uri, mime),
        None => Err(not_found(uri)),
    }, T::default_mime_type();
    // `Err`: a `-32603` error whose message is the error's `Display`.
    [T: IntoResourceContents, E: Display] Result<T, E> => |read, uri, mime| match read {
        Ok(value) => value.into_resource_contents(uri, mime),
        Err(error) => Err(ErrorObject::internal(error.to_string())),
    }, T::default_mime_type();
}

/// The `-32002` "Resource not found" error, with the URI in `data` as the specification shows.
pub(crate) fn not_found(uri: &str) -> ErrorObject {
    ErrorObject {
        code: RESOURCE_NOT_FOUND,
        message: format!(
            "Resource not found: no resource or resource template matches `{uri}` (see \
             `resources/list` and `resources/templates/list`)"
        ),
        data: Some(json!({ "uri": uri })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents<T: IntoResourceContents>(value: T) -> Value {
        match value.into_resource_contents("x://a", T::default_mime_type()) {
            Ok(contents) => serde_json::to_value(contents).unwrap(),
            Err(error) => json!({"error": error.code, "message": error.message}),
        }
    }

    #[test]
    fn return_types_become_text_or_blob_contents() {
        assert_eq!(
            contents("hi"),
            json!([{"uri": "x://a", "mimeType": "text/plain", "text": "hi"}])
        );
        assert_eq!(
            contents(vec![1u8, 2, 3]),
            json!([{"uri": "x://a", "mimeType": "application/octet-stream", "blob": "AQID"}])
        );
        assert_eq!(contents(b"\x01\x02\x03")[0]["blob"], "AQID");
        assert_eq!(
            contents(Json(json!({"a": 1})))[0],
            json!({"uri": "x://a", "mimeType": "application/json", "text": "{\"a\":1}"})
        );
        assert_eq!(
            contents(vec![
                ResourceContents::text("x://a/1", "one"),
                ResourceContents::blob("x://a/2", [0u8]).with_mime_type("image/png"),
            ]),
            json!([
                {"uri": "x://a/1", "text": "one"},
                {"uri": "x://a/2", "mimeType": "image/png", "blob": "AA=="},
            ])
        );
        assert_eq!(
            contents(None::<String>),
            json!({"error": -32002, "message": "Resource not found: no resource or resource template matches `x://a` (see `resources/list` and `resources/templates/list`)"})
        );
        assert_eq!(
            contents(Err::<String, _>("disk on fire")),
            json!({"error": -32603, "message": "disk on fire"})
        );
        assert_eq!(
            <Result<Option<Vec<u8>>, String>>::default_mime_type(),
            Some("application/octet-stream")
        );
        assert_eq!(ResourceContents::default_mime_type(), None);
    }
}
