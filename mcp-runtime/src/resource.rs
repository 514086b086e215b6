//! Resources: what `#[resource]` registers, what a resource function may return, the
//! ready-to-serve forms a server builds once, and the `resources/*` methods.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Display};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::catalog::DefinedSet;
use crate::completion::CompleterDefinition;
use crate::content::{base64_encode, ResourceContents};
use crate::context::Context;
use crate::features::{object_params, page, run_isolated, string_param};
use crate::jsonrpc::{ErrorObject, RESOURCE_NOT_FOUND};
use crate::result::Json;
use crate::server::{ordered, BuildError, Server};
use crate::session::Session;
use crate::text_arguments::handler_error;
use crate::tool::SourceLocation;
use crate::uri_template::UriTemplate;

/// The future a resource read runs.
#[doc(hidden)]
pub type ResourceFuture =
    Pin<Box<dyn Future<Output = Result<Vec<ResourceContents>, ErrorObject>> + Send + 'static>>;

/// A resource as `#[resource]` declares it: everything known at compile time.
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
    pub read: fn(ResourceRead) -> ResourceFuture,
    pub completers: &'static [CompleterDefinition],
    pub location: SourceLocation,
}

inventory::collect!(ResourceDefinition);

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

/// Converts what a `#[resource]` function returns into the contents of `resources/read`.
///
/// Implemented for `String`, `&str` and `Cow<str>` (text), `Vec<u8>`, `&[u8]`, `&[u8; N]`
/// (`include_bytes!`) and `Cow<[u8]>` (binary, sent base64-encoded as `blob`), [`Json<T>`] and
/// `serde_json::Value` (JSON text), [`ResourceContents`] and `Vec<ResourceContents>` (as they
/// are, for several contents or per-content MIME types), `Option<T>` (`None` answers
/// "Resource not found") and `Result<T, E: Display>` (`Err` becomes a JSON-RPC error with the
/// message).
#[diagnostic::on_unimplemented(
    message = "a #[resource] function cannot return `{Self}`",
    label = "this return type",
    note = "return a `String` (text), a `Vec<u8>` (binary), `ResourceContents`, \
            `Vec<ResourceContents>`, `Json<T>`, an `Option` or a `Result` of one of these, or \
            implement `mcp_runtime::IntoResourceContents`"
)]
pub trait IntoResourceContents {
    /// Performs the conversion for the resource at `uri`, whose contents are of `mime_type`.
    ///
    /// # Errors
    ///
    /// The JSON-RPC error to answer instead (for example [`RESOURCE_NOT_FOUND`]).
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject>;

    /// The MIME type this type implies when the resource declares none.
    fn default_mime_type() -> Option<&'static str> {
        None
    }
}

fn text(uri: &str, mime_type: Option<&str>, text: String) -> Vec<ResourceContents> {
    vec![ResourceContents::Text {
        uri: uri.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        text,
    }]
}

fn blob(uri: &str, mime_type: Option<&str>, bytes: &[u8]) -> Vec<ResourceContents> {
    vec![ResourceContents::Blob {
        uri: uri.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        blob: base64_encode(bytes),
    }]
}

macro_rules! text_contents {
    ($($ty:ty),*) => {$(
        impl IntoResourceContents for $ty {
            fn into_resource_contents(
                self,
                uri: &str,
                mime_type: Option<&str>,
            ) -> Result<Vec<ResourceContents>, ErrorObject> {
                Ok(text(uri, mime_type, self.into()))
            }

            fn default_mime_type() -> Option<&'static str> {
                Some("text/plain")
            }
        }
    )*};
}

text_contents!(String, &str, Cow<'_, str>);

macro_rules! blob_contents {
    ($($ty:ty),*) => {$(
        impl IntoResourceContents for $ty {
            fn into_resource_contents(
                self,
                uri: &str,
                mime_type: Option<&str>,
            ) -> Result<Vec<ResourceContents>, ErrorObject> {
                Ok(blob(uri, mime_type, &self))
            }

            fn default_mime_type() -> Option<&'static str> {
                Some("application/octet-stream")
            }
        }
    )*};
}

blob_contents!(Vec<u8>, &[u8], Cow<'_, [u8]>);

impl<const N: usize> IntoResourceContents for &[u8; N] {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(blob(uri, mime_type, self))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/octet-stream")
    }
}

impl IntoResourceContents for Value {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(text(uri, mime_type, self.to_string()))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/json")
    }
}

/// `Json(value)` is read as the value's JSON text.
impl<T: Serialize> IntoResourceContents for Json<T> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        let json = serde_json::to_string(&self.0).map_err(|err| {
            ErrorObject::internal(format!("the resource did not serialize to JSON: {err}"))
        })?;
        Ok(text(uri, mime_type, json))
    }

    fn default_mime_type() -> Option<&'static str> {
        Some("application/json")
    }
}

impl IntoResourceContents for ResourceContents {
    fn into_resource_contents(
        self,
        _uri: &str,
        _mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(vec![self])
    }
}

impl IntoResourceContents for Vec<ResourceContents> {
    fn into_resource_contents(
        self,
        _uri: &str,
        _mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        Ok(self)
    }
}

/// `None`: there is no such resource (`-32002`, with the URI in `data`).
impl<T: IntoResourceContents> IntoResourceContents for Option<T> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        match self {
            Some(value) => value.into_resource_contents(uri, mime_type),
            None => Err(not_found(uri)),
        }
    }

    fn default_mime_type() -> Option<&'static str> {
        T::default_mime_type()
    }
}

/// `Err`: a `-32603` error whose message is the error's `Display`.
impl<T: IntoResourceContents, E: Display> IntoResourceContents for Result<T, E> {
    fn into_resource_contents(
        self,
        uri: &str,
        mime_type: Option<&str>,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        match self {
            Ok(value) => value.into_resource_contents(uri, mime_type),
            Err(error) => Err(handler_error(error)),
        }
    }

    fn default_mime_type() -> Option<&'static str> {
        T::default_mime_type()
    }
}

impl ResourceContents {
    /// Text contents of `uri`, without a MIME type.
    ///
    /// ```
    /// use mcp_runtime::ResourceContents;
    ///
    /// let readme = ResourceContents::text("docs://readme", "# Hello").with_mime_type("text/markdown");
    /// assert_eq!(readme.uri(), "docs://readme");
    /// ```
    pub fn text(uri: impl Into<String>, text: impl Into<String>) -> Self {
        ResourceContents::Text {
            uri: uri.into(),
            mime_type: None,
            text: text.into(),
        }
    }

    /// Binary contents of `uri` from raw bytes (encoded to base64 here), without a MIME type.
    pub fn blob(uri: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        ResourceContents::Blob {
            uri: uri.into(),
            mime_type: None,
            blob: base64_encode(bytes.as_ref()),
        }
    }

    /// Sets the MIME type.
    pub fn with_mime_type(mut self, mime: impl Into<String>) -> Self {
        match &mut self {
            ResourceContents::Text { mime_type, .. } | ResourceContents::Blob { mime_type, .. } => {
                *mime_type = Some(mime.into());
            }
        }
        self
    }

    /// The URI these contents belong to.
    pub fn uri(&self) -> &str {
        match self {
            ResourceContents::Text { uri, .. } | ResourceContents::Blob { uri, .. } => uri,
        }
    }
}

/// The `-32002` "Resource not found" error, with the URI in `data` as the specification shows.
pub(crate) fn not_found(uri: &str) -> ErrorObject {
    ErrorObject {
        code: RESOURCE_NOT_FOUND,
        message: format!(
            "Resource not found: no resource or resource template matches `{uri}` (see \
             `resources/list` and `resources/templates/list`)"
        ),
        data: Some(json!({ "uri": uri })),
    }
}

/// A resource with a fixed URI, ready to serve: its `resources/list` entry is computed once.
pub struct Resource {
    uri: &'static str,
    name: &'static str,
    listing: Value,
    mime_type: Option<&'static str>,
    read: fn(ResourceRead) -> ResourceFuture,
    location: SourceLocation,
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
        self.uri
    }

    /// The resource's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Where the resource was declared.
    pub fn location(&self) -> SourceLocation {
        self.location
    }

    /// The resource's entry in `resources/list`.
    pub fn listing(&self) -> &Value {
        &self.listing
    }
}

/// A resource template, ready to serve: its `resources/templates/list` entry is computed once.
pub struct ResourceTemplate {
    template: UriTemplate,
    name: &'static str,
    listing: Value,
    mime_type: Option<&'static str>,
    read: fn(ResourceRead) -> ResourceFuture,
    completers: &'static [CompleterDefinition],
    location: SourceLocation,
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

    /// The template's name.
    pub fn name(&self) -> &str {
        self.name
    }

    /// Where the template was declared.
    pub fn location(&self) -> SourceLocation {
        self.location
    }

    /// The template's entry in `resources/templates/list`.
    pub fn listing(&self) -> &Value {
        &self.listing
    }

    pub(crate) fn has_variable(&self, name: &str) -> bool {
        self.template.variables().any(|variable| variable == name)
    }

    pub(crate) fn completers(&self) -> &'static [CompleterDefinition] {
        self.completers
    }
}

/// The resources and templates a server serves: rebuilt from the chosen definitions, less the
/// disabled ones, whenever they change at run time.
#[derive(Clone, Default)]
pub(crate) struct Resources {
    /// The `#[resource]`s this server serves, enabled or not.
    definitions: Vec<&'static ResourceDefinition>,
    /// URIs (or templates) of the definitions set aside by `Server::disable_resource`.
    disabled: HashSet<&'static str>,
    /// Sorted by URI, so listings are stable whatever order the linker chose.
    resources: Vec<Arc<Resource>>,
    by_uri: HashMap<&'static str, usize>,
    /// Sorted by template.
    templates: Vec<Arc<ResourceTemplate>>,
    /// Indexes into `templates`, most specific first: the order URIs are matched in.
    match_order: Vec<usize>,
}

impl Resources {
    /// Every `#[resource]` of the program, or only those whose URI (or URI template) is in
    /// `chosen`.
    pub(crate) fn build(chosen: Option<&[String]>) -> Result<Resources, BuildError> {
        let definitions = registered()?;
        let definitions: Vec<&'static ResourceDefinition> = match chosen {
            None => definitions.values().copied().collect(),
            Some(uris) => {
                let mut picked = Vec::with_capacity(uris.len());
                for uri in uris {
                    match definitions.get(uri.as_str()) {
                        Some(definition) => picked.push(*definition),
                        None => {
                            let mut available: Vec<&str> = definitions.keys().copied().collect();
                            available.sort_unstable();
                            return Err(BuildError::UnknownResource {
                                uri: uri.clone(),
                                available: available.join(", "),
                            });
                        }
                    }
                }
                picked.sort_by_key(|definition| definition.uri);
                picked.dedup_by_key(|definition| definition.uri);
                picked
            }
        };

        Resources::build_tables(definitions, HashSet::new())
    }

    /// Serves `definitions`, except the `disabled` ones.
    fn build_tables(
        definitions: Vec<&'static ResourceDefinition>,
        disabled: HashSet<&'static str>,
    ) -> Result<Resources, BuildError> {
        let mut resources = Vec::new();
        let mut templates = Vec::new();
        let mut shapes: HashMap<String, &'static ResourceDefinition> = HashMap::new();
        for &definition in definitions.iter().filter(|d| !disabled.contains(d.uri)) {
            let template = UriTemplate::parse(definition.uri).map_err(|err| {
                BuildError::InvalidUriTemplate {
                    message: err.to_string(),
                    location: definition.location,
                }
            })?;
            let mime_type = definition
                .mime_type
                .or_else(|| (definition.default_mime_type)());
            if template.is_static() {
                resources.push(Arc::new(Resource {
                    uri: definition.uri,
                    name: definition.name,
                    listing: listing(definition, mime_type, true),
                    mime_type,
                    read: definition.read,
                    location: definition.location,
                }));
                continue;
            }
            if let Some(other) = shapes.insert(template.shape(), definition) {
                let (first, second) = ordered(other.location, definition.location);
                let (first_uri, second_uri) = if first == other.location {
                    (other.uri, definition.uri)
                } else {
                    (definition.uri, other.uri)
                };
                return Err(BuildError::OverlappingResourceTemplates {
                    first_template: first_uri.to_owned(),
                    first,
                    second_template: second_uri.to_owned(),
                    second,
                });
            }
            templates.push(Arc::new(ResourceTemplate {
                listing: listing(definition, mime_type, false),
                template,
                name: definition.name,
                mime_type,
                read: definition.read,
                completers: definition.completers,
                location: definition.location,
            }));
        }
        resources.sort_by_key(|resource| resource.uri);
        templates.sort_by(|a, b| a.template.as_str().cmp(b.template.as_str()));
        let by_uri = resources
            .iter()
            .enumerate()
            .map(|(i, resource)| (resource.uri, i))
            .collect();
        let mut match_order: Vec<usize> = (0..templates.len()).collect();
        match_order.sort_by_key(|&i| std::cmp::Reverse(templates[i].template.literal_len()));
        Ok(Resources {
            definitions,
            disabled,
            resources,
            by_uri,
            templates,
            match_order,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }

    pub(crate) fn has_completers(&self) -> bool {
        self.templates
            .iter()
            .any(|template| !template.completers.is_empty())
    }

    /// The template written exactly as `uri_template`.
    pub(crate) fn template(&self, uri_template: &str) -> Option<&Arc<ResourceTemplate>> {
        self.templates
            .binary_search_by(|template| template.template.as_str().cmp(uri_template))
            .ok()
            .map(|i| &self.templates[i])
    }
}

impl DefinedSet for Resources {
    type Definition = ResourceDefinition;
    const LIST_CHANGED: &'static str = "notifications/resources/list_changed";

    fn key(definition: &ResourceDefinition) -> &'static str {
        definition.uri
    }

    fn definitions(&self) -> &[&'static ResourceDefinition] {
        &self.definitions
    }

    fn disabled(&self) -> &HashSet<&'static str> {
        &self.disabled
    }

    fn from_definitions(
        definitions: Vec<&'static ResourceDefinition>,
        disabled: HashSet<&'static str>,
    ) -> Result<Self, BuildError> {
        Resources::build_tables(definitions, disabled)
    }

    fn registered() -> Result<HashMap<&'static str, &'static ResourceDefinition>, BuildError> {
        registered()
    }

    fn unknown(uri: &str, available: String) -> BuildError {
        BuildError::UnknownResource {
            uri: uri.to_owned(),
            available,
        }
    }
}

/// Every `#[resource]` linked into the program, by URI (or template); two with one is an error.
fn registered() -> Result<HashMap<&'static str, &'static ResourceDefinition>, BuildError> {
    let mut by_uri: HashMap<&'static str, &'static ResourceDefinition> = HashMap::new();
    for definition in inventory::iter::<ResourceDefinition> {
        if let Some(first) = by_uri.insert(definition.uri, definition) {
            let (first, second) = ordered(first.location, definition.location);
            return Err(BuildError::DuplicateResource {
                uri: definition.uri.to_owned(),
                first,
                second,
            });
        }
    }
    Ok(by_uri)
}

fn listing(definition: &ResourceDefinition, mime_type: Option<&str>, is_static: bool) -> Value {
    let mut listing = Map::new();
    let uri_key = if is_static { "uri" } else { "uriTemplate" };
    listing.insert(uri_key.to_owned(), definition.uri.into());
    listing.insert("name".to_owned(), definition.name.into());
    if let Some(title) = definition.title {
        listing.insert("title".to_owned(), title.into());
    }
    if let Some(description) = definition.description {
        listing.insert("description".to_owned(), description.into());
    }
    if let Some(mime_type) = mime_type {
        listing.insert("mimeType".to_owned(), mime_type.into());
    }
    if let (Some(size), true) = (definition.size, is_static) {
        listing.insert("size".to_owned(), size.into());
    }
    if !definition.icons.is_empty() {
        listing.insert("icons".to_owned(), icons_json(definition.icons));
    }
    Value::Object(listing)
}

/// `[{"src": ..}, ..]`: the `icons` of a listing.
pub(crate) fn icons_json(icons: &[&str]) -> Value {
    Value::Array(icons.iter().map(|src| json!({ "src": src })).collect())
}

impl Server {
    /// The resources served now with a fixed URI, sorted by URI.
    pub fn resources(&self) -> Vec<Arc<Resource>> {
        self.inner.resources.load().resources.clone()
    }

    /// The resource templates served now, sorted by template.
    pub fn resource_templates(&self) -> Vec<Arc<ResourceTemplate>> {
        self.inner.resources.load().templates.clone()
    }

    /// The enabled resource with this fixed URI.
    pub fn resource(&self, uri: &str) -> Option<Arc<Resource>> {
        let resources = self.inner.resources.load();
        resources
            .by_uri
            .get(uri)
            .map(|&i| Arc::clone(&resources.resources[i]))
    }

    /// Serves, while the server runs, a registered `#[resource]` (by URI or template) that
    /// the builder left out, and tells connected clients
    /// (`notifications/resources/list_changed`); `Ok(false)` if it is already served.
    pub fn add_resource(&self, uri: &str) -> Result<bool, BuildError> {
        self.change_set(&self.inner.resources, |resources| resources.with_added(uri))
    }

    /// Stops serving a resource (by URI or template); `false` if it was not served.
    pub fn remove_resource(&self, uri: &str) -> bool {
        let change = self.change_set(&self.inner.resources, |resources| resources.without(uri));
        change.expect("removing from a valid set leaves a valid set")
    }

    /// Hides a resource from listings and reads until [`enable_resource`](Self::enable_resource);
    /// `false` if no enabled resource has that URI (or template).
    pub fn disable_resource(&self, uri: &str) -> bool {
        let change = |resources: &Resources| resources.with_enabled(uri, false);
        self.change_set(&self.inner.resources, change)
            .expect("a subset of a valid set is valid")
    }

    /// Serves a disabled resource again; `false` if none has that URI (or template).
    pub fn enable_resource(&self, uri: &str) -> bool {
        let change = |resources: &Resources| resources.with_enabled(uri, true);
        self.change_set(&self.inner.resources, change)
            .expect("the set was valid with it")
    }

    fn require_resources(&self, method: &str) -> Result<Arc<Resources>, ErrorObject> {
        let resources = self.inner.resources.load();
        if resources.is_empty() {
            Err(ErrorObject::method_not_found(method))
        } else {
            Ok(resources)
        }
    }

    /// `resources/list`: the resources with a fixed URI, a page at a time.
    pub(crate) fn list_resources(
        &self,
        params: &Value,
    ) -> Result<Box<serde_json::value::RawValue>, ErrorObject> {
        const METHOD: &str = "resources/list";
        let resources = self.require_resources(METHOD)?;
        let listings = resources
            .resources
            .iter()
            .map(|resource| resource.listing());
        page(METHOD, "resources", listings, params, self.inner.page_size)
    }

    /// `resources/templates/list`: the resource templates, a page at a time.
    pub(crate) fn list_resource_templates(
        &self,
        params: &Value,
    ) -> Result<Box<serde_json::value::RawValue>, ErrorObject> {
        const METHOD: &str = "resources/templates/list";
        let resources = self.require_resources(METHOD)?;
        let listings = resources
            .templates
            .iter()
            .map(|template| template.listing());
        page(
            METHOD,
            "resourceTemplates",
            listings,
            params,
            self.inner.page_size,
        )
    }

    /// `resources/subscribe`: the session hears `notifications/resources/updated` for `uri`
    /// (see [`Server::notify_resource_updated`]) until it unsubscribes.
    pub(crate) fn subscribe(&self, session: &Session, params: Value) -> Result<Value, ErrorObject> {
        const METHOD: &str = "resources/subscribe";
        let resources = self.require_resources(METHOD)?;
        let mut params = object_params(METHOD, "a `uri`", params)?;
        let uri = string_param(METHOD, &mut params, "uri")?;
        let known = resources.by_uri.contains_key(uri.as_str())
            || resources
                .templates
                .iter()
                .any(|template| template.template.matches(&uri).is_some());
        if !known {
            return Err(not_found(&uri));
        }
        session.subscribe(uri);
        Ok(json!({}))
    }

    /// `resources/unsubscribe`: ends a subscription (unsubscribing twice is not an error).
    pub(crate) fn unsubscribe(
        &self,
        session: &Session,
        params: Value,
    ) -> Result<Value, ErrorObject> {
        const METHOD: &str = "resources/unsubscribe";
        self.require_resources(METHOD)?;
        let mut params = object_params(METHOD, "a `uri`", params)?;
        let uri = string_param(METHOD, &mut params, "uri")?;
        session.unsubscribe(&uri);
        Ok(json!({}))
    }

    /// `resources/read`: the resource with this exact URI, else the first template (most
    /// literal text first) that matches it.
    pub(crate) async fn read_resource(
        &self,
        params: Value,
        context: Context,
    ) -> Result<Value, ErrorObject> {
        const METHOD: &str = "resources/read";
        let resources = self.require_resources(METHOD)?;
        let mut params = object_params(METHOD, "a `uri`", params)?;
        let uri = string_param(METHOD, &mut params, "uri")?;
        let contents = self.read_contents(&resources, uri, context).await?;
        Ok(json!({ "contents": contents }))
    }

    /// The contents of the resource at `uri`, as `resources/read` (and
    /// [`Context::read_resource`]) answer them.
    pub(crate) async fn read_contents(
        &self,
        resources: &Resources,
        uri: String,
        context: Context,
    ) -> Result<Vec<ResourceContents>, ErrorObject> {
        let (read, request) = match resources.by_uri.get(uri.as_str()) {
            Some(&i) => {
                let resource = &resources.resources[i];
                let request = ResourceRead {
                    uri,
                    variables: Map::new(),
                    mime_type: resource.mime_type,
                    context,
                };
                (resource.read, request)
            }
            None => {
                let found = resources.match_order.iter().find_map(|&i| {
                    let template = &resources.templates[i];
                    template
                        .template
                        .matches(&uri)
                        .map(|values| (template, values))
                });
                let Some((template, values)) = found else {
                    return Err(not_found(&uri));
                };
                let variables = values
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), Value::String(value)))
                    .collect();
                let request = ResourceRead {
                    uri,
                    variables,
                    mime_type: template.mime_type,
                    context,
                };
                (template.read, request)
            }
        };
        run_isolated("the resource handler", read(request)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents<T: IntoResourceContents>(value: T) -> Value {
        match value.into_resource_contents("x://a", T::default_mime_type()) {
            Ok(contents) => serde_json::to_value(contents).unwrap(),
            Err(error) => json!({"error": error.code, "message": error.message}),
        }
    }

    #[test]
    fn return_types_become_text_or_blob_contents() {
        assert_eq!(
            contents("hi"),
            json!([{"uri": "x://a", "mimeType": "text/plain", "text": "hi"}])
        );
        assert_eq!(
            contents(vec![1u8, 2, 3]),
            json!([{"uri": "x://a", "mimeType": "application/octet-stream", "blob": "AQID"}])
        );
        assert_eq!(contents(b"\x01\x02\x03")[0]["blob"], "AQID");
        assert_eq!(
            contents(Json(json!({"a": 1})))[0],
            json!({"uri": "x://a", "mimeType": "application/json", "text": "{\"a\":1}"})
        );
        assert_eq!(
            contents(vec![
                ResourceContents::text("x://a/1", "one"),
                ResourceContents::blob("x://a/2", [0u8]).with_mime_type("image/png"),
            ]),
            json!([
                {"uri": "x://a/1", "text": "one"},
                {"uri": "x://a/2", "mimeType": "image/png", "blob": "AA=="},
            ])
        );
        assert_eq!(
            contents(None::<String>),
            json!({"error": -32002, "message": "Resource not found: no resource or resource template matches `x://a` (see `resources/list` and `resources/templates/list`)"})
        );
        assert_eq!(
            contents(Err::<String, _>("disk on fire")),
            json!({"error": -32603, "message": "disk on fire"})
        );
        assert_eq!(
            <Result<Option<Vec<u8>>, String>>::default_mime_type(),
            Some("application/octet-stream")
        );
        assert_eq!(ResourceContents::default_mime_type(), None);
    }
}
