//! Resources: fixed URIs and URI templates, ready to serve, what a resource function may
//! return, and the `resources/*` methods.

mod contents;
mod definition;
mod read;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{declared_item_accessors, Item, Set};
use crate::completion::CompleterDefinition;
use crate::error::BuildError;
use crate::protocol::wire::{icons, Described, Icon};
use crate::uri_template::UriTemplate;

pub(crate) use contents::not_found;
pub use contents::IntoResourceContents;
pub use definition::{ResourceDefinition, ResourceFuture, ResourceRead};
pub(crate) use read::{list, list_templates, read, subscribe, unsubscribe};

/// A resource with a fixed URI, ready to serve: its `resources/list` entry is computed once.
pub struct Resource {
    definition: &'static ResourceDefinition,
    /// Declared, or implied by the return type: computed once.
    mime_type: Option<&'static str>,
    listing: Value,
    /// Its own caching hints as JSON members, written once.
    cache: Option<Arc<str>>,
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("uri", &self.definition.uri)
            .field("location", &self.definition.location)
            .finish()
    }
}

impl Resource {
    /// The resource's URI.
    pub fn uri(&self) -> &str {
        self.definition.uri
    }

    declared_item_accessors!("resource", "resources/list");
}

/// A resource template, ready to serve: its `resources/templates/list` entry is computed once.
pub struct ResourceTemplate {
    definition: &'static ResourceDefinition,
    mime_type: Option<&'static str>,
    template: UriTemplate,
    /// The template with its variable names erased: two with one shape match the same URIs.
    shape: String,
    listing: Value,
    /// Its own caching hints as JSON members, written once.
    cache: Option<Arc<str>>,
}

impl fmt::Debug for ResourceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTemplate")
            .field("uri_template", &self.template.as_str())
            .field("location", &self.definition.location)
            .finish()
    }
}

impl ResourceTemplate {
    /// The URI template.
    pub fn uri_template(&self) -> &UriTemplate {
        &self.template
    }

    declared_item_accessors!("template", "resources/templates/list");

    pub(crate) fn has_variable(&self, name: &str) -> bool {
        self.template.variables().any(|variable| variable == name)
    }

    pub(crate) fn completers(&self) -> &'static [CompleterDefinition] {
        self.definition.completers
    }
}

impl Item for Resource {
    fn key(&self) -> &str {
        self.definition.uri
    }
}

impl Item for ResourceTemplate {
    fn key(&self) -> &str {
        self.definition.uri
    }
}

/// A resource's or template's listing entry, as MCP writes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listing<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_template: Option<&'a str>,
    #[serde(flatten)]
    described: Described<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mime_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    icons: Vec<Icon<'a>>,
}

fn listing(definition: &'static ResourceDefinition, is_static: bool) -> Value {
    let uri = definition.uri;
    let listing = Listing {
        uri: is_static.then_some(uri),
        uri_template: (!is_static).then_some(uri),
        described: Described {
            name: definition.name,
            title: definition.title,
            description: definition.description,
        },
        mime_type: definition.mime_type(),
        size: definition.size.filter(|_| is_static),
        icons: icons(definition.icons),
    };
    serde_json::to_value(listing).expect("a resource listing serializes")
}

/// A resource's own caching hints, as the members its reads carry.
fn cache_members(definition: &ResourceDefinition) -> Option<Arc<str>> {
    definition.cache.map(|hints| hints.json_members().into())
}

/// The resources and templates a server serves.
#[derive(Clone, Default)]
pub(crate) struct Resources {
    fixed: Set<Resource>,
    templates: Set<ResourceTemplate>,
    /// The enabled templates, most literal text first: the order URIs are matched in, so that
    /// `files://{name}.txt` wins over `files://{+path}`.
    match_order: Vec<Arc<ResourceTemplate>>,
}

impl Resources {
    /// Serves `definitions`; two templates that match the same URIs are an error.
    pub(crate) fn new(
        definitions: impl IntoIterator<Item = &'static ResourceDefinition>,
    ) -> Result<Resources, BuildError> {
        let mut resources = Resources::default();
        for definition in definitions {
            resources.insert(definition)?;
        }
        Ok(resources)
    }

    /// Adds a definition unless one with its URI (or template) is there; `Ok(false)` then.
    pub(crate) fn insert(
        &mut self,
        definition: &'static ResourceDefinition,
    ) -> Result<bool, BuildError> {
        if self.contains(definition.uri) {
            return Ok(false);
        }
        let template = UriTemplate::parse(definition.uri).map_err(|err| {
            BuildError::invalid_uri_template(definition.uri, err.to_string(), definition.location)
        })?;
        if template.is_static() {
            self.fixed.insert(Resource {
                definition,
                mime_type: definition.mime_type(),
                listing: listing(definition, true),
                cache: cache_members(definition),
            });
            return Ok(true);
        }
        let shape = template.shape();
        if let Some(other) = self.templates.all().find(|other| other.shape == shape) {
            return Err(BuildError::overlapping_templates(
                (other.definition.uri, other.definition.location),
                (definition.uri, definition.location),
            ));
        }
        self.templates.insert(ResourceTemplate {
            definition,
            mime_type: definition.mime_type(),
            template,
            shape,
            listing: listing(definition, false),
            cache: cache_members(definition),
        });
        self.reorder();
        Ok(true)
    }

    /// Removes a resource or template; `false` if there is none with this key.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        let removed = self.fixed.remove(key).is_some() || self.templates.remove(key).is_some();
        self.reorder();
        removed
    }

    /// Sets a resource or template aside, or back; `false` if that changes nothing.
    pub(crate) fn set_enabled(&mut self, key: &str, enabled: bool) -> bool {
        let changed =
            self.fixed.set_enabled(key, enabled) || self.templates.set_enabled(key, enabled);
        self.reorder();
        changed
    }

    fn reorder(&mut self) {
        self.match_order = self.templates.enabled().to_vec();
        self.match_order
            .sort_by_key(|template| std::cmp::Reverse(template.template.literal_len()));
    }

    fn contains(&self, key: &str) -> bool {
        self.fixed.contains(key) || self.templates.contains(key)
    }

    /// `true` when the server has no resources at all (disabled ones count).
    pub(crate) fn is_empty(&self) -> bool {
        self.fixed.is_empty() && self.templates.is_empty()
    }

    pub(crate) fn has_completers(&self) -> bool {
        self.templates
            .enabled()
            .iter()
            .any(|template| !template.completers().is_empty())
    }

    /// The enabled resources with a fixed URI, sorted by URI.
    pub(crate) fn fixed(&self) -> &[Arc<Resource>] {
        self.fixed.enabled()
    }

    /// The enabled templates, sorted by template.
    pub(crate) fn templates(&self) -> &[Arc<ResourceTemplate>] {
        self.templates.enabled()
    }

    /// The enabled resource with this fixed URI.
    pub(crate) fn resource(&self, uri: &str) -> Option<&Arc<Resource>> {
        self.fixed.get(uri)
    }

    /// The enabled template written exactly as `uri_template`.
    pub(crate) fn template(&self, uri_template: &str) -> Option<&Arc<ResourceTemplate>> {
        self.templates.get(uri_template)
    }

    /// Whether `uri` is one this server serves: a fixed URI or one a template matches.
    pub(crate) fn serves(&self, uri: &str) -> bool {
        self.resource(uri).is_some()
            || self
                .match_order
                .iter()
                .any(|template| template.template.matches(uri).is_some())
    }
}
