//! What a prompt renders to: [`PromptMessage`]s in a [`GetPromptResult`], and the
//! [`IntoPromptResult`] conversion of what a `#[prompt]` function returns.

use std::borrow::Cow;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::content::{Content, Role};
use crate::protocol::ErrorObject;

/// One message of a prompt: a role and one block of content (text, image, audio or an
/// embedded resource).
///
/// ```
/// use mcp_runtime::{Content, PromptMessage};
///
/// let conversation = vec![
///     PromptMessage::user("What is in this picture?"),
///     PromptMessage::user(Content::image([0x89, b'P', b'N', b'G'], "image/png")),
///     PromptMessage::assistant("A very small image."),
/// ];
/// # assert_eq!(conversation.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptMessage {
    /// Who says it.
    pub role: Role,
    /// What is said.
    pub content: Content,
}

impl PromptMessage {
    /// A message of `role`.
    pub fn new(role: Role, content: impl Into<Content>) -> Self {
        PromptMessage {
            role,
            content: content.into(),
        }
    }

    /// A message of the user.
    pub fn user(content: impl Into<Content>) -> Self {
        PromptMessage::new(Role::User, content)
    }

    /// A message of the assistant.
    pub fn assistant(content: impl Into<Content>) -> Self {
        PromptMessage::new(Role::Assistant, content)
    }
}

/// The result of `prompts/get`: the messages, and optionally a description of this rendering
/// (the prompt's own description is used without one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetPromptResult {
    /// What the prompt is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The messages.
    pub messages: Vec<PromptMessage>,
}

impl GetPromptResult {
    /// A result with these messages.
    pub fn new(messages: Vec<PromptMessage>) -> Self {
        GetPromptResult {
            description: None,
            messages,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// Converts what a `#[prompt]` function returns into a [`GetPromptResult`].
///
/// Implemented for `String`, `&str` and `Cow<str>` (one user message), [`Content`] (one user
/// message), [`PromptMessage`], `Vec<PromptMessage>`, `[PromptMessage; N]`,
/// [`GetPromptResult`] and `Result<T, E: Display>` (`Err` becomes a JSON-RPC error with the
/// message).
#[diagnostic::on_unimplemented(
    message = "a #[prompt] function cannot return `{Self}`",
    label = "this return type",
    note = "return a `String` (one user message), `PromptMessage`, `Vec<PromptMessage>`, \
            `GetPromptResult`, or a `Result` of one of these"
)]
pub trait IntoPromptResult {
    /// Performs the conversion.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error to answer instead.
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject>;
}

impl IntoPromptResult for GetPromptResult {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        Ok(self)
    }
}

impl IntoPromptResult for Vec<PromptMessage> {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        Ok(GetPromptResult::new(self))
    }
}

impl<const N: usize> IntoPromptResult for [PromptMessage; N] {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        Ok(GetPromptResult::new(self.into()))
    }
}

impl IntoPromptResult for PromptMessage {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        Ok(GetPromptResult::new(vec![self]))
    }
}

macro_rules! one_user_message {
    ($($ty:ty),*) => {$(
        impl IntoPromptResult for $ty {
            fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
                PromptMessage::user(Content::from(self)).into_prompt_result()
            }
        }
    )*};
}

one_user_message!(String, &str, Content);

impl IntoPromptResult for Cow<'_, str> {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        self.into_owned().into_prompt_result()
    }
}

/// `Err`: a `-32603` error whose message is the error's `Display`.
impl<T: IntoPromptResult, E: Display> IntoPromptResult for Result<T, E> {
    fn into_prompt_result(self) -> Result<GetPromptResult, ErrorObject> {
        match self {
            Ok(value) => value.into_prompt_result(),
            Err(error) => Err(ErrorObject::internal(error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json::Value;

    fn rendered<T: IntoPromptResult>(value: T) -> Value {
        match value.into_prompt_result() {
            Ok(result) => serde_json::to_value(result).unwrap(),
            Err(error) => json!({"error": error.code, "message": error.message}),
        }
    }

    #[test]
    fn return_types_become_messages() {
        assert_eq!(
            rendered("Hello"),
            json!({"messages": [{"role": "user", "content": {"type": "text", "text": "Hello"}}]})
        );
        assert_eq!(
            rendered([
                PromptMessage::user("Q"),
                PromptMessage::assistant(Content::embedded_text("x://a", "text/plain", "A")),
            ]),
            json!({"messages": [
                {"role": "user", "content": {"type": "text", "text": "Q"}},
                {"role": "assistant", "content": {"type": "resource", "resource": {"uri": "x://a", "mimeType": "text/plain", "text": "A"}}},
            ]})
        );
        assert_eq!(
            rendered(GetPromptResult::new(vec![]).with_description("empty")),
            json!({"description": "empty", "messages": []})
        );
        assert_eq!(
            rendered(Err::<String, _>("no such language")),
            json!({"error": -32603, "message": "no such language"})
        );
    }
}
