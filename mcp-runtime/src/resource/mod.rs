//! Resources: fixed URIs and URI templates, ready to serve, what a resource function may
//! return, and the `resources/*` methods.

mod contents;
mod definition;
mod read;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::caching::CacheHints;
use crate::catalog::{declared_item_accessors, Item, Set};
use crate::completion::Completers;
use crate::error::{BuildError, SourceLocation};
use crate::protocol::wire::{icons, Described, Icon};
use crate::uri_template::UriTemplate;

pub(crate) use contents::not_found;

pub use contents::IntoResourceContents;
pub use definition::{ResourceDefinition, ResourceFuture, ResourceRead};
pub(crate) use read::{list, list_templates, read, subscribe, unsubscribe, Visible};

/// What reads a resource: the function `#[resource]` declared, or one serving another
/// server's resource (mounted or proxied).
pub(crate) type ReadHandler = Arc<dyn Fn(ResourceRead) -> ResourceFuture + Send + Sync>;

/// A resource with a fixed URI, ready to serve: its `resources/list` entry is computed once.
#[derive(Clone)]
pub struct Resource {
    uri: Arc<str>,
    name: Arc<str>,
    location: SourceLocation,
    pub(crate) read: ReadHandler,
    /// Declared, or implied by the return type: computed once.
    pub(crate) mime_type: Option<&'static str>,
    listing: Value,
    /// Its own caching hints, if it declares any.
    pub(crate) cache: Option<OwnHints>,
    tags: Arc<[String]>,
    /// Its `_meta` (an MCP Apps UI's), on its listing and every content it reads.
    pub(crate) meta: Option<Arc<Value>>,
    /// Whether `resources/list` shows it (`listed = false`: read by its URI only).
    pub(crate) listed: bool,
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("uri", &self.uri)
            .field("location", &self.location)
            .finish()
    }
}

impl Resource {
    /// The resource's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    declared_item_accessors!("resource", "resources/list");

    /// Its tags (`#[resource(tags = [..])]`), for visibility rules.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// This resource served as `uri` (its listing saying so), read by `read`.
    pub(crate) fn renamed(&self, uri: &str, read: ReadHandler) -> Resource {
        let mut listing = self.listing.clone();
        listing["uri"] = Value::String(uri.to_owned());
        Resource {
            uri: uri.into(),
            listing,
            read,
            ..self.clone()
        }
    }

    /// The same resource, left out of `resources/list` (read by its URI only).
    pub(crate) fn unlisted(mut self) -> Resource {
        self.listed = false;
        self
    }

    /// A resource served from elsewhere, as its `resources/list` entry describes it.
    pub(crate) fn from_listing(
        listing: Value,
        read: ReadHandler,
        location: SourceLocation,
    ) -> Option<Resource> {
        let uri: Arc<str> = listing["uri"].as_str()?.into();
        let name = listing["name"]
            .as_str()
            .map_or_else(|| uri.clone(), Arc::from);
        Some(Resource {
            uri,
            name,
            location,
            read,
            mime_type: None,
            cache: None,
            tags: Arc::new([]),
            meta: listing.get("_meta").cloned().map(Arc::new),
            listed: true,
            listing,
        })
    }
}

/// A resource template, ready to serve: its `resources/templates/list` entry is computed once.
#[derive(Clone)]
pub struct ResourceTemplate {
    name: Arc<str>,
    location: SourceLocation,
    pub(crate) read: ReadHandler,
    pub(crate) mime_type: Option<&'static str>,
    pub(crate) template: UriTemplate,
    /// The template with its variable names erased: two with one shape match the same URIs.
    shape: String,
    listing: Value,
    /// Its own caching hints, if it declares any.
    pub(crate) cache: Option<OwnHints>,
    completers: Completers,
    tags: Arc<[String]>,
    /// Its `_meta` (an MCP Apps UI's), on its listing and every content it reads.
    pub(crate) meta: Option<Arc<Value>>,
    /// Whether `resources/templates/list` shows it.
    pub(crate) listed: bool,
}

impl fmt::Debug for ResourceTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTemplate")
            .field("uri_template", &self.template.as_str())
            .field("location", &self.location)
            .finish()
    }
}

impl ResourceTemplate {
    /// The URI template.
    pub fn uri_template(&self) -> &UriTemplate {
        &self.template
    }

    declared_item_accessors!("template", "resources/templates/list");

    /// Its tags (`#[resource(tags = [..])]`), for visibility rules.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    pub(crate) fn has_variable(&self, name: &str) -> bool {
        self.template.variables().any(|variable| variable == name)
    }

    pub(crate) fn completers(&self) -> Completers {
        self.completers.clone()
    }

    /// This template served as `template` (which must match the same variables), read by
    /// `read` and completed by `completers`.
    pub(crate) fn renamed(
        &self,
        template: &str,
        read: ReadHandler,
        completers: Option<Completers>,
    ) -> Result<ResourceTemplate, String> {
        let parsed = UriTemplate::parse(template).map_err(|err| err.to_string())?;
        let mut listing = self.listing.clone();
        listing["uriTemplate"] = Value::String(template.to_owned());
        Ok(ResourceTemplate {
            shape: parsed.shape(),
            template: parsed,
            listing,
            read,
            completers: completers.unwrap_or_else(|| self.completers.clone()),
            ..self.clone()
        })
    }

    /// A template served from elsewhere, as its `resources/templates/list` entry describes it.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn from_listing(
        listing: Value,
        read: ReadHandler,
        completers: Completers,
        location: SourceLocation,
    ) -> Result<ResourceTemplate, String> {
        let text = listing["uriTemplate"]
            .as_str()
            .ok_or("a template listing without `uriTemplate`")?;
        let template = UriTemplate::parse(text).map_err(|err| err.to_string())?;
        let name = listing["name"].as_str().unwrap_or(text).into();
        Ok(ResourceTemplate {
            name,
            location,
            read,
            mime_type: None,
            shape: template.shape(),
            template,
            listing,
            cache: None,
            completers,
            tags: Arc::new([]),
            meta: None,
            listed: true,
        })
    }
}

impl Item for Resource {
    fn key(&self) -> &str {
        &self.uri
    }
}

impl Item for ResourceTemplate {
    fn key(&self) -> &str {
        self.template.as_str()
    }
}

/// The `_meta` a declaration implies: an MCP Apps UI's `ui` object for a `ui://` resource.
fn declared_meta(definition: &ResourceDefinition) -> Option<Arc<Value>> {
    if !crate::apps::is_ui_uri(definition.uri) {
        return None;
    }
    let ui = definition.ui.unwrap_or_default();
    Some(Arc::new(crate::apps::resource_meta(&ui)))
}

/// Tags as a declaration writes them.
pub(crate) fn declared_tags(tags: &[&str]) -> Arc<[String]> {
    tags.iter().map(|tag| (*tag).to_owned()).collect()
}

/// The handler `#[resource]` declared, as the server calls it.
fn declared_read(definition: &'static ResourceDefinition) -> ReadHandler {
    let read = definition.read;
    Arc::new(read)
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
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    meta: Option<&'a Value>,
}

fn listing(definition: &'static ResourceDefinition, is_static: bool) -> Value {
    let uri = definition.uri;
    let meta = declared_meta(definition);
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
        meta: meta.as_deref(),
    };
    serde_json::to_value(listing).expect("a resource listing serializes")
}

/// A resource's own caching hints, and the members its reads carry, written once: as declared,
/// and private (for a server whose visibility rule makes what a caller reads its own).
#[derive(Clone, Debug)]
pub(crate) struct OwnHints {
    pub(crate) hints: CacheHints,
    declared: Arc<str>,
    private: Arc<str>,
}

impl OwnHints {
    fn new(hints: CacheHints) -> OwnHints {
        OwnHints {
            hints,
            declared: hints.json_members().into(),
            private: CacheHints::private(hints.ttl()).json_members().into(),
        }
    }

    /// The members a read carries; `per_caller`: the server has a visibility rule.
    pub(crate) fn members(&self, per_caller: bool) -> Arc<str> {
        Arc::clone(if per_caller {
            &self.private
        } else {
            &self.declared
        })
    }
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
                uri: definition.uri.into(),
                name: definition.name.into(),
                location: definition.location,
                read: declared_read(definition),
                mime_type: definition.mime_type(),
                listing: listing(definition, true),
                cache: definition.cache.map(OwnHints::new),
                tags: declared_tags(definition.tags),
                meta: declared_meta(definition),
                listed: definition.listed,
            });
            return Ok(true);
        }
        self.insert_template(ResourceTemplate {
            name: definition.name.into(),
            location: definition.location,
            read: declared_read(definition),
            mime_type: definition.mime_type(),
            shape: template.shape(),
            template,
            listing: listing(definition, false),
            cache: definition.cache.map(OwnHints::new),
            completers: Completers::Declared(definition.completers),
            tags: declared_tags(definition.tags),
            meta: declared_meta(definition),
            listed: definition.listed,
        })?;
        Ok(true)
    }

    /// Adds a ready resource, replacing one with its URI.
    pub(crate) fn insert_fixed(&mut self, resource: Resource) {
        self.fixed.insert(resource);
    }

    /// Adds a ready template, replacing one written the same way; one of the same shape (one
    /// matching the same URIs) is an error.
    pub(crate) fn insert_template(&mut self, template: ResourceTemplate) -> Result<(), BuildError> {
        let key = template.template.as_str();
        if let Some(other) = self
            .templates
            .all()
            .find(|other| other.shape == template.shape && other.template.as_str() != key)
        {
            return Err(BuildError::overlapping_templates(
                (other.template.as_str(), other.location),
                (key, template.location),
            ));
        }
        self.templates.insert(template);
        self.reorder();
        Ok(())
    }

    /// A template (other than one written as `template` is) that matches the same URIs.
    pub(crate) fn overlapping(
        &self,
        template: &ResourceTemplate,
    ) -> Option<&Arc<ResourceTemplate>> {
        let key = template.template.as_str();
        self.templates
            .all()
            .find(|other| other.shape == template.shape && other.template.as_str() != key)
    }

    /// Every resource and template, disabled ones too.
    pub(crate) fn all_fixed(&self) -> impl Iterator<Item = &Arc<Resource>> {
        self.fixed.all()
    }

    pub(crate) fn all_templates(&self) -> impl Iterator<Item = &Arc<ResourceTemplate>> {
        self.templates.all()
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

    pub(crate) fn contains(&self, key: &str) -> bool {
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

    /// The caching hints a read of `uri` is answered with: the resource's own, or those of the
    /// template that serves it; `None` when it has none (or is not served).
    pub(crate) fn hints_for(&self, uri: &str) -> Option<CacheHints> {
        if let Some(resource) = self.resource(uri) {
            return resource.cache.as_ref().map(|own| own.hints);
        }
        let template = self
            .match_order
            .iter()
            .find(|template| template.template.matches(uri).is_some())?;
        template.cache.as_ref().map(|own| own.hints)
    }

    /// Whether `uri` is one this caller may read: a visible fixed resource, or (when no
    /// resource has that URI) a visible template that matches it.
    pub(crate) fn serves_visible(&self, uri: &str, visible: &Visible<'_>) -> bool {
        use crate::middleware::Item;
        match self.resource(uri) {
            Some(resource) => visible(Item::Resource(resource)),
            None => self.match_order.iter().any(|template| {
                visible(Item::Template(template)) && template.template.matches(uri).is_some()
            }),
        }
    }
}
