//! Prompts: the ready-to-serve [`Prompt`], the messages a prompt renders to, and the
//! `prompts/*` methods.

mod definition;
mod get;
mod message;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{declared_item_accessors, Item, Set};
use crate::completion::Completers;
use crate::error::SourceLocation;
use crate::protocol::wire::{icons, Described, Icon};

pub use definition::{PromptArgumentDefinition, PromptDefinition, PromptFuture, PromptGet};
pub(crate) use get::{get, list};
pub use message::{GetPromptResult, IntoPromptResult, PromptMessage};

/// What renders a prompt: the function `#[prompt]` declared, or one serving another server's
/// prompt (mounted or proxied).
pub(crate) type GetHandler = Arc<dyn Fn(PromptGet) -> PromptFuture + Send + Sync>;

/// A prompt ready to serve: its `prompts/list` entry is computed once, here.
#[derive(Clone)]
pub struct Prompt {
    name: Arc<str>,
    location: SourceLocation,
    description: Option<Arc<str>>,
    arguments: Arc<[String]>,
    pub(crate) get: GetHandler,
    completers: Completers,
    listing: Value,
    tags: Arc<[String]>,
}

impl fmt::Debug for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompt")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish()
    }
}

/// A prompt's `prompts/list` entry, as MCP writes it.
#[derive(Serialize)]
struct Listing<'a> {
    #[serde(flatten)]
    described: Described<'a>,
    arguments: Vec<Argument<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    icons: Vec<Icon<'a>>,
}

#[derive(Serialize)]
struct Argument<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    required: bool,
}

impl Prompt {
    pub(crate) fn from_definition(definition: &'static PromptDefinition) -> Prompt {
        let listing = Listing {
            described: Described {
                name: definition.name,
                title: definition.title,
                description: definition.description,
            },
            arguments: definition
                .arguments
                .iter()
                .map(|argument| Argument {
                    name: argument.name,
                    description: argument.description,
                    required: (argument.required)(),
                })
                .collect(),
            icons: icons(definition.icons),
        };
        let get = definition.get;
        Prompt {
            name: definition.name.into(),
            location: definition.location,
            description: definition.description.map(Arc::from),
            arguments: definition
                .arguments
                .iter()
                .map(|a| a.name.to_owned())
                .collect(),
            get: Arc::new(get),
            completers: Completers::Declared(definition.completers),
            listing: serde_json::to_value(listing).expect("a prompt listing serializes"),
            tags: crate::resource::declared_tags(definition.tags),
        }
    }

    /// This prompt served as `name`, rendered by `get` and completed by `completers`.
    pub(crate) fn renamed(
        &self,
        name: &str,
        get: GetHandler,
        completers: Option<Completers>,
    ) -> Prompt {
        let mut listing = self.listing.clone();
        listing["name"] = Value::String(name.to_owned());
        Prompt {
            name: name.into(),
            get,
            completers: completers.unwrap_or_else(|| self.completers.clone()),
            listing,
            ..self.clone()
        }
    }

    /// A prompt served from elsewhere, as its `prompts/list` entry describes it.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn from_listing(
        listing: Value,
        get: GetHandler,
        completers: Completers,
        location: SourceLocation,
    ) -> Option<Prompt> {
        let name = listing["name"].as_str()?.into();
        let arguments = listing["arguments"]
            .as_array()
            .map(|arguments| {
                arguments
                    .iter()
                    .filter_map(|argument| argument["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Some(Prompt {
            name,
            location,
            description: listing["description"].as_str().map(Arc::from),
            arguments,
            get,
            completers,
            listing,
            tags: Arc::new([]),
        })
    }

    /// Its description, which a rendering without one of its own is given.
    pub(crate) fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    declared_item_accessors!("prompt", "prompts/list");

    /// Its tags (`#[prompt(tags = [..])]`), for visibility rules.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    pub(crate) fn has_argument(&self, name: &str) -> bool {
        self.arguments.iter().any(|argument| argument == name)
    }

    pub(crate) fn completers(&self) -> Completers {
        self.completers.clone()
    }
}

impl Item for Prompt {
    fn key(&self) -> &str {
        &self.name
    }
}

/// The prompts a server serves.
pub(crate) type Prompts = Set<Prompt>;

/// `true` when a prompt has a completer.
pub(crate) fn has_completers(prompts: &Prompts) -> bool {
    prompts
        .enabled()
        .iter()
        .any(|prompt| !prompt.completers().is_empty())
}
