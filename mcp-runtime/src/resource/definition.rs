//! What `#[resource]` registers: everything known about a resource (or a resource template)
//! at compile time.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use crate::catalog::Declaration;
use crate::completion::CompleterDefinition;
use crate::content::ResourceContents;
use crate::context::Context;
use crate::error::ItemKind;
use crate::error::SourceLocation;
use crate::protocol::ErrorObject;

/// The future a resource read runs.
#[doc(hidden)]
pub type ResourceFuture =
    Pin<Box<dyn Future<Output = Result<Vec<ResourceContents>, ErrorObject>> + Send + 'static>>;

/// A resource as `#[resource]` declares it.
#[doc(hidden)]
pub struct ResourceDefinition {
    /// A URI, or a URI template with `{variables}`.
    pub uri: &'static str,
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    /// The `mime_type` option.
    pub mime_type: Option<&'static str>,
    /// The MIME type the return type implies (`text/plain` for strings...), used without one.
    pub default_mime_type: fn() -> Option<&'static str>,
    pub size: Option<u64>,
    pub icons: &'static [&'static str],
    /// The `cache_ttl` and `cache_scope` options: this resource's own caching hints.
    pub cache: Option<crate::CacheHints>,
    pub read: fn(ResourceRead) -> ResourceFuture,
    pub completers: &'static [CompleterDefinition],
    /// The `tags` option, for the server's visibility rule.
    pub tags: &'static [&'static str],
    /// `listed = false`: left out of `resources/list`.
    pub listed: bool,
    /// `ui(...)`: the MCP Apps metadata of a `ui://` resource.
    pub ui: Option<crate::apps::UiMeta>,
    pub location: SourceLocation,
}

inventory::collect!(ResourceDefinition);

impl Declaration for ResourceDefinition {
    const ITEM: ItemKind = ItemKind::Resource;

    fn key(&self) -> &'static str {
        self.uri
    }

    fn location(&self) -> SourceLocation {
        self.location
    }
}

impl ResourceDefinition {
    /// The MIME type of its contents: declared, or implied by the return type.
    pub(crate) fn mime_type(&self) -> Option<&'static str> {
        self.mime_type.or_else(|| (self.default_mime_type)())
    }
}

/// The input of one read, handed to the generated handler.
#[doc(hidden)]
pub struct ResourceRead {
    /// The URI asked for.
    pub uri: String,
    /// The template variables matched in it, as text.
    pub variables: Map<String, Value>,
    /// The MIME type to give text and blob contents.
    pub mime_type: Option<&'static str>,
    pub context: Context,
}
