//! [`IntoResourceContents`]: what a `#[resource]` function may return, and how it becomes the
//! contents of `resources/read`.

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;
use serde_json::{json, Value};

use crate::content::{base64_encode, ResourceContents};
use crate::protocol::{ErrorObject, RESOURCE_NOT_FOUND};
use crate::tool::Json;

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

fn text(uri: &str, mime_type: Option<&str>, text: String) -> Vec<ResourceContents> {
    vec![ResourceContents::Text {
        uri: uri.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        text,
    }]
}

fn blob(uri: &str, mime_type: Option<&str>, bytes: &[u8]) -> Vec<ResourceContents> {
    vec![ResourceContents::Blob {
        uri: uri.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        blob: base64_encode(bytes),
    }]
}

macro_rules! text_contents {
    ($($ty:ty),*) => {$(
        impl IntoResourceContents for $ty {
            fn into_resource_contents(
                self,
                uri: &str,
                mime_type: Option<&str>,
            ) -> Result<Vec<ResourceContents>, ErrorObject> {
                Ok(text(uri, mime_type, self.into()))
            }

            fn default_mime_type() -> Option<&'static str> {
                Some("text/plain")
            }
        }
    )*};
}

text_contents!(String, &str, Cow<'_, str>);

macro_rules! blob_contents {
    ($($ty:ty),*) => {$(
        impl IntoResourceContents for $ty {
            fn into_resource_contents(
                self,
                uri: &str,
                mime_type: Option<&str>,
            ) -> Result<Vec<ResourceContents>, ErrorObject> {
                Ok(blob(uri, mime_type, &self))
            }

            fn default_mime_type() -> Option<&'static str> {
                Some("application/octet-stream")
            }
        }
    )*};
}

blob_contents!(Vec<u8>, &[u8], Cow<'_, [u8]>);

impl<const N: usize> IntoResourceContents for &[u8; N] {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(blob(uri, mime_type, self))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/octet-stream")
    }
}

impl IntoResourceContents for Value {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(text(uri, mime_type, self.to_string()))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/json")
    }
}

/// `Json(value)` is read as the value's JSON text.
impl<T: Serialize> IntoResourceContents for Json<T> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        let json = serde_json::to_string(&self.0).map_err(|err| {
            ErrorObject::internal(format!("the resource did not serialize to JSON: {err}"))
        })?;
        Ok(text(uri, mime_type, json))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/json")
    }
}

impl IntoResourceContents for ResourceContents {
    fn into_resource_contents(
        self,
        _uri: &str,
        _mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(vec![self])
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_resource_contents(
        self,
        _uri: &str,
        _mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(self)
    }
}

/// `None`: there is no such resource (`-32002`, with the URI in `data`).
impl<T: IntoResourceContents> IntoResourceContents for Option<T> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        match self {
            Some(value) => value.into_resource_contents(uri, mime_type),
            None => Err(not_found(uri)),
        }
    }

    fn default_mime_type() -> Option<&'static str> {
        T::default_mime_type()
    }
}

/// `Err`: a `-32603` error whose message is the error's `Display`.
impl<T: IntoResourceContents, E: Display> IntoResourceContents for Result<T, E> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        match self {
            Ok(value) => value.into_resource_contents(uri, mime_type),
            Err(error) => Err(ErrorObject::internal(error.to_string())),
        }
    }

    fn default_mime_type() -> Option<&'static str> {
        T::default_mime_type()
    }
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
