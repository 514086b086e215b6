//! Prompts: what `#[prompt]` registers, the messages a prompt returns, the ready-to-serve form
//! a server builds once, and the `prompts/*` methods.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::DefinedSet;
use crate::completion::CompleterDefinition;
use crate::content::Content;
use crate::context::{Context, Role};
use crate::features::{object_params, page, run_isolated, string_param};
use crate::jsonrpc::ErrorObject;
use crate::resource::icons_json;
use crate::server::{ordered, BuildError, Server};
use crate::text_arguments::handler_error;
use crate::tool::SourceLocation;

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

/// Text becomes a text block.
impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::text(text)
    }
}

/// Text becomes a text block.
impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::text(text)
    }
}

/// The result of `prompts/get`: the messages, and optionally a description of this rendering
/// (the prompt's own description is used without one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
            Err(error) => Err(handler_error(error)),
        }
    }
}

/// The future a `prompts/get` runs.
#[doc(hidden)]
pub type PromptFuture =
    Pin<Box<dyn Future<Output = Result<GetPromptResult, ErrorObject>> + Send + 'static>>;

/// A prompt as `#[prompt]` declares it: everything known at compile time.
#[doc(hidden)]
pub struct PromptDefinition {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub icons: &'static [&'static str],
    pub arguments: &'static [PromptArgumentDefinition],
    pub get: fn(PromptGet) -> PromptFuture,
    pub completers: &'static [CompleterDefinition],
    pub location: SourceLocation,
}

/// One argument of a `#[prompt]` function.
#[doc(hidden)]
pub struct PromptArgumentDefinition {
    pub name: &'static str,
    pub description: Option<&'static str>,
    /// Whether the client must give it: computed from the type (`Option<T>` need not be).
    pub required: fn() -> bool,
}

inventory::collect!(PromptDefinition);

/// The input of one `prompts/get`, handed to the generated handler.
#[doc(hidden)]
pub struct PromptGet {
    pub arguments: Map<String, Value>,
    pub context: Context,
}

/// A prompt ready to serve: its `prompts/list` entry is computed once, here.
pub struct Prompt {
    name: &'static str,
    description: Option<&'static str>,
    listing: Value,
    arguments: Vec<&'static str>,
    get: fn(PromptGet) -> PromptFuture,
    completers: &'static [CompleterDefinition],
    location: SourceLocation,
}

impl fmt::Debug for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompt")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish()
    }
}

impl Prompt {
    fn from_definition(definition: &'static PromptDefinition) -> Prompt {
        let arguments: Vec<Value> = definition
            .arguments
            .iter()
            .map(|argument| {
                let mut entry = Map::new();
                entry.insert("name".to_owned(), argument.name.into());
                if let Some(description) = argument.description {
                    entry.insert("description".to_owned(), description.into());
                }
                entry.insert("required".to_owned(), (argument.required)().into());
                Value::Object(entry)
            })
            .collect();
        let mut listing = Map::new();
        listing.insert("name".to_owned(), definition.name.into());
        if let Some(title) = definition.title {
            listing.insert("title".to_owned(), title.into());
        }
        if let Some(description) = definition.description {
            listing.insert("description".to_owned(), description.into());
        }
        listing.insert("arguments".to_owned(), Value::Array(arguments));
        if !definition.icons.is_empty() {
            listing.insert("icons".to_owned(), icons_json(definition.icons));
        }
        Prompt {
            name: definition.name,
            description: definition.description,
            listing: Value::Object(listing),
            arguments: definition.arguments.iter().map(|a| a.name).collect(),
            get: definition.get,
            completers: definition.completers,
            location: definition.location,
        }
    }

    /// The prompt's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Where the prompt was declared.
    pub fn location(&self) -> SourceLocation {
        self.location
    }

    /// The prompt's entry in `prompts/list`: name, title, description, arguments.
    pub fn listing(&self) -> &Value {
        &self.listing
    }

    pub(crate) fn has_argument(&self, name: &str) -> bool {
        self.arguments.contains(&name)
    }

    pub(crate) fn completers(&self) -> &'static [CompleterDefinition] {
        self.completers
    }
}

/// The prompts a server serves: rebuilt from the chosen definitions, less the disabled ones,
/// whenever they change at run time.
#[derive(Clone, Default)]
pub(crate) struct Prompts {
    /// The `#[prompt]`s this server serves, enabled or not.
    definitions: Vec<&'static PromptDefinition>,
    /// Names of the definitions set aside by `Server::disable_prompt`.
    disabled: HashSet<&'static str>,
    /// Sorted by name, so listings are stable whatever order the linker chose.
    prompts: Vec<Arc<Prompt>>,
    by_name: HashMap<&'static str, usize>,
}

impl Prompts {
    /// Every `#[prompt]` of the program, or only those named in `chosen`.
    pub(crate) fn build(chosen: Option<&[String]>) -> Result<Prompts, BuildError> {
        let definitions = registered()?;
        let mut picked: Vec<&'static PromptDefinition> = match chosen {
            None => definitions.values().copied().collect(),
            Some(names) => {
                let mut picked = Vec::with_capacity(names.len());
                for name in names {
                    match definitions.get(name.as_str()) {
                        Some(definition) => picked.push(*definition),
                        None => {
                            let mut available: Vec<&str> = definitions.keys().copied().collect();
                            available.sort_unstable();
                            return Err(BuildError::UnknownPrompt {
                                name: name.clone(),
                                available: available.join(", "),
                            });
                        }
                    }
                }
                picked
            }
        };
        picked.sort_by_key(|definition| definition.name);
        picked.dedup_by_key(|definition| definition.name);
        Ok(Prompts::build_tables(picked, HashSet::new()))
    }

    /// Serves `definitions`, except the `disabled` ones.
    fn build_tables(
        mut definitions: Vec<&'static PromptDefinition>,
        disabled: HashSet<&'static str>,
    ) -> Prompts {
        definitions.sort_by_key(|definition| definition.name);
        let prompts: Vec<Arc<Prompt>> = definitions
            .iter()
            .filter(|definition| !disabled.contains(definition.name))
            .map(|&definition| Arc::new(Prompt::from_definition(definition)))
            .collect();
        let by_name = prompts
            .iter()
            .enumerate()
            .map(|(i, prompt)| (prompt.name, i))
            .collect();
        Prompts {
            definitions,
            disabled,
            prompts,
            by_name,
        }
    }

    /// `true` when the server has no prompts at all (disabled ones count, as for resources).
    pub(crate) fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    pub(crate) fn has_completers(&self) -> bool {
        self.prompts
            .iter()
            .any(|prompt| !prompt.completers.is_empty())
    }
}

impl DefinedSet for Prompts {
    type Definition = PromptDefinition;
    const LIST_CHANGED: &'static str = "notifications/prompts/list_changed";

    fn key(definition: &PromptDefinition) -> &'static str {
        definition.name
    }

    fn definitions(&self) -> &[&'static PromptDefinition] {
        &self.definitions
    }

    fn disabled(&self) -> &HashSet<&'static str> {
        &self.disabled
    }

    fn from_definitions(
        definitions: Vec<&'static PromptDefinition>,
        disabled: HashSet<&'static str>,
    ) -> Result<Self, BuildError> {
        Ok(Prompts::build_tables(definitions, disabled))
    }

    fn registered() -> Result<HashMap<&'static str, &'static PromptDefinition>, BuildError> {
        registered()
    }

    fn unknown(name: &str, available: String) -> BuildError {
        BuildError::UnknownPrompt {
            name: name.to_owned(),
            available,
        }
    }
}

/// Every `#[prompt]` linked into the program, by name; two with one name is an error.
fn registered() -> Result<HashMap<&'static str, &'static PromptDefinition>, BuildError> {
    let mut by_name: HashMap<&'static str, &'static PromptDefinition> = HashMap::new();
    for definition in inventory::iter::<PromptDefinition> {
        if let Some(first) = by_name.insert(definition.name, definition) {
            let (first, second) = ordered(first.location, definition.location);
            return Err(BuildError::DuplicatePrompt {
                name: definition.name.to_owned(),
                first,
                second,
            });
        }
    }
    Ok(by_name)
}

impl Server {
    /// The prompts served now, sorted by name.
    pub fn prompts(&self) -> Vec<Arc<Prompt>> {
        self.inner.prompts.load().prompts.clone()
    }

    /// The enabled prompt with this name.
    pub fn prompt(&self, name: &str) -> Option<Arc<Prompt>> {
        let prompts = self.inner.prompts.load();
        prompts
            .by_name
            .get(name)
            .map(|&i| Arc::clone(&prompts.prompts[i]))
    }

    /// Serves, while the server runs, a registered `#[prompt]` that the builder left out, and
    /// tells connected clients (`notifications/prompts/list_changed`); `Ok(false)` if it is
    /// already served.
    pub fn add_prompt(&self, name: &str) -> Result<bool, BuildError> {
        self.change_set(&self.inner.prompts, |prompts| prompts.with_added(name))
    }

    /// Stops serving a prompt; `false` if it was not served.
    pub fn remove_prompt(&self, name: &str) -> bool {
        let change = self.change_set(&self.inner.prompts, |prompts| prompts.without(name));
        change.expect("prompts rebuild infallibly")
    }

    /// Hides a prompt from listings until [`enable_prompt`](Self::enable_prompt); `false` if
    /// no enabled prompt has that name.
    pub fn disable_prompt(&self, name: &str) -> bool {
        let change = |prompts: &Prompts| prompts.with_enabled(name, false);
        self.change_set(&self.inner.prompts, change)
            .expect("prompts rebuild infallibly")
    }

    /// Serves a disabled prompt again; `false` if none has that name.
    pub fn enable_prompt(&self, name: &str) -> bool {
        let change = |prompts: &Prompts| prompts.with_enabled(name, true);
        self.change_set(&self.inner.prompts, change)
            .expect("prompts rebuild infallibly")
    }

    /// `prompts/list`: the prompts, a page at a time.
    pub(crate) fn list_prompts(
        &self,
        params: &Value,
    ) -> Result<Box<serde_json::value::RawValue>, ErrorObject> {
        const METHOD: &str = "prompts/list";
        let prompts = self.inner.prompts.load();
        if prompts.is_empty() {
            return Err(ErrorObject::method_not_found(METHOD));
        }
        let listings = prompts.prompts.iter().map(|prompt| prompt.listing());
        page(METHOD, "prompts", listings, params, self.inner.page_size)
    }

    /// `prompts/get`: renders a prompt with the client's arguments.
    pub(crate) async fn get_prompt(
        &self,
        params: Value,
        context: Context,
    ) -> Result<Value, ErrorObject> {
        const METHOD: &str = "prompts/get";
        if self.inner.prompts.load().is_empty() {
            return Err(ErrorObject::method_not_found(METHOD));
        }
        let mut params = object_params(METHOD, "a `name` and `arguments`", params)?;
        let name = string_param(METHOD, &mut params, "name")?;
        let Some(prompt) = self.prompt(&name) else {
            return Err(ErrorObject::invalid_params(format!(
                "unknown prompt `{name}`: call `prompts/list` to see the available prompts"
            )));
        };
        let arguments = match params.remove("arguments") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(arguments)) => arguments,
            Some(other) => {
                return Err(ErrorObject::invalid_params(format!(
                    "invalid arguments for prompt `{name}`: `arguments` must be an object of \
                     strings, got {}",
                    crate::jsonrpc::type_name(&other)
                )))
            }
        };
        let future = (prompt.get)(PromptGet { arguments, context });
        let mut result = run_isolated("the prompt handler", future).await?;
        if result.description.is_none() {
            result.description = prompt.description.map(str::to_owned);
        }
        serde_json::to_value(result).map_err(|err| {
            ErrorObject::internal(format!("the prompt result did not serialize: {err}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
