//! What `#[prompt]` registers: everything known about a prompt at compile time.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::GetPromptResult;
use crate::catalog::Declaration;
use crate::completion::CompleterDefinition;
use crate::context::Context;
use crate::error::ItemKind;
use crate::error::SourceLocation;
use crate::protocol::ErrorObject;

/// The future a `prompts/get` runs.
#[doc(hidden)]
pub type PromptFuture =
    Pin<Box<dyn Future<Output = Result<GetPromptResult, ErrorObject>> + Send + 'static>>;

/// A prompt as `#[prompt]` declares it.
#[doc(hidden)]
pub struct PromptDefinition {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub icons: &'static [&'static str],
    pub arguments: &'static [PromptArgumentDefinition],
    pub get: fn(PromptGet) -> PromptFuture,
    pub completers: &'static [CompleterDefinition],
    /// The `tags` option, for the server's visibility rule.
    pub tags: &'static [&'static str],
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

impl Declaration for PromptDefinition {
    const ITEM: ItemKind = ItemKind::Prompt;

    fn key(&self) -> &'static str {
        self.name
    }

    fn location(&self) -> SourceLocation {
        self.location
    }
}

/// The input of one `prompts/get`, handed to the generated handler.
#[doc(hidden)]
pub struct PromptGet {
    pub arguments: Map<String, Value>,
    pub context: Context,
}
