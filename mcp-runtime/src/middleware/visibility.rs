//! What a visibility rule ([`ServerBuilder::visibility`](crate::ServerBuilder::visibility))
//! is asked about: one tool, resource, resource template or prompt, with its name and tags.
//! A rule returning `false` hides the item from that caller: it leaves the caller's listing,
//! and using it gets exactly the error of an unknown one.
//!
//! | item | hidden from | refused as unknown in |
//! |---|---|---|
//! | tool | `tools/list` | `tools/call` |
//! | resource | `resources/list` | `resources/read` |
//! | template | `resources/templates/list` | `resources/read` of a URI it matches, `completion/complete` |
//! | prompt | `prompts/list` | `prompts/get`, `completion/complete` |

use std::sync::Arc;

use crate::prompt::Prompt;
use crate::resource::{Resource, ResourceTemplate};
use crate::session::Identity;
use crate::tool::Tool;

/// One item a caller may or may not see.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Item<'a> {
    /// A tool.
    Tool(&'a Tool),
    /// A resource with a fixed URI.
    Resource(&'a Resource),
    /// A resource template.
    Template(&'a ResourceTemplate),
    /// A prompt.
    Prompt(&'a Prompt),
}

impl<'a> Item<'a> {
    /// Its name (a resource's and a template's are their `name`, not their URI).
    pub fn name(&self) -> &'a str {
        match self {
            Item::Tool(tool) => tool.name(),
            Item::Resource(resource) => resource.name(),
            Item::Template(template) => template.name(),
            Item::Prompt(prompt) => prompt.name(),
        }
    }

    /// Its tags (`tags = [..]` on `#[tool]`, `#[resource]` and `#[prompt]`).
    pub fn tags(&self) -> &'a [String] {
        match self {
            Item::Tool(tool) => tool.tags(),
            Item::Resource(resource) => resource.tags(),
            Item::Template(template) => template.tags(),
            Item::Prompt(prompt) => prompt.tags(),
        }
    }

    /// Whether it carries `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags().iter().any(|own| own == tag)
    }
}

/// A rule deciding, per request, whether the caller may see and use an item.
pub(crate) type Visibility = Arc<dyn Fn(Item<'_>, Option<&Identity>) -> bool + Send + Sync>;
