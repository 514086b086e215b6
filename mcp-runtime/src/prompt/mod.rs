//! Prompts: the ready-to-serve [`Prompt`], the messages a prompt renders to, and the
//! `prompts/*` methods.

mod definition;
mod get;
mod message;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{declared_item_accessors, Item, Set};
use crate::completion::CompleterDefinition;
use crate::protocol::wire::{icons, Described, Icon};

pub use definition::{PromptArgumentDefinition, PromptDefinition, PromptFuture, PromptGet};
pub(crate) use get::{get, list};
pub use message::{GetPromptResult, IntoPromptResult, PromptMessage};

/// A prompt ready to serve: its `prompts/list` entry is computed once, here.
pub struct Prompt {
    definition: &'static PromptDefinition,
    listing: Value,
}

impl fmt::Debug for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompt")
            .field("name", &self.definition.name)
            .field("location", &self.definition.location)
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
        Prompt {
            definition,
            listing: serde_json::to_value(listing).expect("a prompt listing serializes"),
        }
    }

    declared_item_accessors!("prompt", "prompts/list");

    pub(crate) fn has_argument(&self, name: &str) -> bool {
        self.definition.arguments.iter().any(|a| a.name == name)
    }

    pub(crate) fn completers(&self) -> &'static [CompleterDefinition] {
        self.definition.completers
    }
}

impl Item for Prompt {
    fn key(&self) -> &str {
        self.definition.name
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
