//! What a tool returns: [`CallToolResult`], the [`IntoToolResult`] conversion and [`Json`].

use std::borrow::Cow;
use std::fmt::Display;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content::{Content, Json};

/// The result of one `tools/call`.
///
/// Tools rarely build this themselves: return a string, a number, [`Content`], [`Json`] or a
/// `Result`, and [`IntoToolResult`] converts it. It is also what
/// [`Client::call_tool`](crate::client::Client::call_tool) returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallToolResult {
    /// The content blocks a client shows.
    #[serde(default)]
    pub content: Vec<Content>,
    /// Structured output, matching the tool's `outputSchema`.
    #[serde(rename = "structuredContent", skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<Value>,
    /// `true` when the tool failed; the content then says why.
    #[serde(rename = "isError", default)]
    pub is_error: bool,
}

impl CallToolResult {
    /// A successful result with the given content.
    pub fn success(content: Vec<Content>) -> Self {
        CallToolResult {
            content,
            structured_content: None,
            is_error: false,
        }
    }

    /// A failed result whose text explains the failure to the model.
    pub fn error(message: impl Into<String>) -> Self {
        CallToolResult {
            content: vec![Content::text(message)],
            structured_content: None,
            is_error: true,
        }
    }

    /// Adds structured output (matching the tool's `outputSchema`) to this result.
    pub fn with_structured_content(mut self, value: Value) -> Self {
        self.structured_content = Some(value);
        self
    }

    /// The text of the text blocks, joined by newlines: what a model reads of this result
    /// (empty when there are none).
    ///
    /// ```
    /// use mcp_runtime::{CallToolResult, Content};
    ///
    /// let result = CallToolResult::success(vec![Content::text("5")]);
    /// assert_eq!(result.text(), "5");
    /// assert_eq!(CallToolResult::error("no such city").text(), "no such city");
    /// ```
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self
            .content
            .iter()
            .filter_map(|block| match block {
                Content::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        texts.join("\n")
    }
}

/// Converts a tool's return value into a [`CallToolResult`].
///
/// Implemented for strings, numbers, `bool`, `char`, `()`, [`Content`], `Vec<Content>`,
/// [`Json<T>`], [`CallToolResult`], `Option<T>` and `Result<T, E: Display>` (an `Err` becomes a
/// result with `isError: true` carrying the message). Implement it for your own types to return
/// them from tools.
pub trait IntoToolResult {
    /// Performs the conversion.
    fn into_tool_result(self) -> CallToolResult;

    /// The JSON Schema of the structured output, if this type produces any.
    ///
    /// Called once per tool at start-up, never per call.
    fn output_schema(_generator: &mut SchemaGenerator) -> Option<Schema> {
        None
    }
}

impl IntoToolResult for CallToolResult {
    fn into_tool_result(self) -> CallToolResult {
        self
    }
}

impl IntoToolResult for Content {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(vec![self])
    }
}

impl IntoToolResult for Vec<Content> {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(self)
    }
}

impl IntoToolResult for () {
    fn into_tool_result(self) -> CallToolResult {
        CallToolResult::success(Vec::new())
    }
}

impl IntoToolResult for String {
    fn into_tool_result(self) -> CallToolResult {
        Content::text(self).into_tool_result()
    }
}

impl IntoToolResult for &str {
    fn into_tool_result(self) -> CallToolResult {
        Content::text(self).into_tool_result()
    }
}

impl IntoToolResult for Cow<'_, str> {
    fn into_tool_result(self) -> CallToolResult {
        Content::text(self).into_tool_result()
    }
}

macro_rules! display_as_text {
    ($($ty:ty),*) => {$(
        impl IntoToolResult for $ty {
            fn into_tool_result(self) -> CallToolResult {
                Content::text(self.to_string()).into_tool_result()
            }
        }
    )*};
}

display_as_text!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, bool, char
);

/// A JSON value is returned as its JSON text.
impl IntoToolResult for Value {
    fn into_tool_result(self) -> CallToolResult {
        Content::text(self.to_string()).into_tool_result()
    }
}

/// `None` is an empty successful result.
impl<T: IntoToolResult> IntoToolResult for Option<T> {
    fn into_tool_result(self) -> CallToolResult {
        match self {
            Some(value) => value.into_tool_result(),
            None => CallToolResult::success(Vec::new()),
        }
    }
}

/// `Err` becomes a result with `isError: true` whose text is the error's `Display`.
impl<T: IntoToolResult, E: Display> IntoToolResult for Result<T, E> {
    fn into_tool_result(self) -> CallToolResult {
        match self {
            Ok(value) => value.into_tool_result(),
            Err(error) => CallToolResult::error(error.to_string()),
        }
    }

    fn output_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        T::output_schema(generator)
    }
}

impl<T: Serialize + JsonSchema> IntoToolResult for Json<T> {
    fn into_tool_result(self) -> CallToolResult {
        match serde_json::to_value(&self.0) {
            Ok(value) => CallToolResult {
                content: Vec::new(),
                structured_content: Some(value),
                is_error: false,
            },
            Err(err) => CallToolResult::error(format!(
                "the tool's result could not be serialized to JSON: {err}"
            )),
        }
    }

    fn output_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        Some(generator.subschema_for::<T>())
    }
}
