//! The `resources/*` methods: the two listings, subscriptions, and `resources/read`, which
//! serves the resource with the exact URI, else the first template (most literal text first)
//! that matches it.

use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{not_found, OwnHints, ResourceRead, Resources};
use crate::content::ResourceContents;
use crate::context::Context;
use crate::middleware::Item;
use crate::protocol::wire::{decode, page, Empty, ListParams, ReadResourceResult, UriParams};
use crate::protocol::{encode, ErrorObject};
use crate::session::Session;
use crate::task::run_isolated;

/// Whether the caller may see an item (the server's visibility rule, bound to the caller).
pub(crate) type Visible<'a> = dyn Fn(Item<'_>) -> bool + Send + Sync + 'a;

/// The resources, unless there are none at all: then `method` does not exist here.
fn require<'a>(resources: &'a Resources, method: &str) -> Result<&'a Resources, ErrorObject> {
    if resources.is_empty() {
        Err(ErrorObject::method_not_found(method))
    } else {
        Ok(resources)
    }
}

/// `resources/list`: the resources with a fixed URI, a page at a time.
pub(crate) fn list(
    resources: &Resources,
    params: Value,
    page_size: Option<usize>,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "resources/list";
    let resources = require(resources, METHOD)?;
    let ListParams { cursor } = decode(METHOD, params)?;
    let listings = resources
        .fixed()
        .iter()
        .filter(|resource| resource.listed && visible(Item::Resource(resource)))
        .map(|resource| resource.listing())
        .collect::<Vec<_>>();
    page(METHOD, "resources", listings.into_iter(), cursor, page_size)
}

/// `resources/templates/list`: the resource templates, a page at a time.
pub(crate) fn list_templates(
    resources: &Resources,
    params: Value,
    page_size: Option<usize>,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "resources/templates/list";
    let resources = require(resources, METHOD)?;
    let ListParams { cursor } = decode(METHOD, params)?;
    let listings = resources
        .templates()
        .iter()
        .filter(|template| template.listed && visible(Item::Template(template)))
        .map(|template| template.listing())
        .collect::<Vec<_>>();
    page(
        METHOD,
        "resourceTemplates",
        listings.into_iter(),
        cursor,
        page_size,
    )
}

/// `resources/subscribe`: the session hears `notifications/resources/updated` for `uri`
/// (see [`Server::notify_resource_updated`](crate::Server::notify_resource_updated)) until it
/// unsubscribes.
pub(crate) fn subscribe(
    resources: &Resources,
    session: &Session,
    params: Value,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "resources/subscribe";
    let resources = require(resources, METHOD)?;
    let UriParams { uri } = decode(METHOD, params)?;
    // A resource hidden from the caller is not there for it: refused as an unknown one.
    if !resources.serves_visible(&uri, visible) {
        return Err(not_found(&uri));
    }
    session.subscribe(uri);
    encode(&Empty {})
}

/// `resources/unsubscribe`: ends a subscription (unsubscribing twice is not an error).
pub(crate) fn unsubscribe(
    resources: &Resources,
    session: &Session,
    params: Value,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "resources/unsubscribe";
    require(resources, METHOD)?;
    let UriParams { uri } = decode(METHOD, params)?;
    session.unsubscribe(&uri);
    encode(&Empty {})
}

/// `resources/read`: the result, and the resource's own caching hints if it
/// has any.
pub(crate) async fn read(
    resources: &Resources,
    params: Value,
    context: Context,
    visible: &Visible<'_>,
) -> Result<(Box<RawValue>, Option<OwnHints>), ErrorObject> {
    const METHOD: &str = "resources/read";
    let resources = require(resources, METHOD)?;
    let UriParams { uri } = decode(METHOD, params)?;
    let Read {
        contents,
        cache,
        meta,
    } = read_found(resources, uri, context, visible).await?;
    let result = encode(&ReadResourceResult {
        contents: &contents,
        meta: meta.as_deref(),
    })?;
    Ok((result, cache))
}

impl Context {
    /// Reads one of this server's own resources (static or from a template), as a client's
    /// `resources/read` would; an unknown URI is a `-32002` error.
    pub async fn read_resource(&self, uri: &str) -> Result<Vec<ResourceContents>, ErrorObject> {
        let resources = self.server().resource_set();
        read_contents(&resources, uri.to_owned(), self.clone()).await
    }
}

/// The contents of the resource at `uri`, as `resources/read` (and
/// [`Context::read_resource`]) answer them.
pub(crate) async fn read_contents(
    resources: &Resources,
    uri: String,
    context: Context,
) -> Result<Vec<ResourceContents>, ErrorObject> {
    // The server reads its own resources: no visibility rule applies.
    Ok(read_found(resources, uri, context, &|_| true)
        .await?
        .contents)
}

/// What one read found.
struct Read {
    contents: Vec<ResourceContents>,
    /// The resource's own caching hints.
    cache: Option<OwnHints>,
    /// The resource's `_meta`, for every content.
    meta: Option<Arc<Value>>,
}

async fn read_found(
    resources: &Resources,
    uri: String,
    context: Context,
    visible: &Visible<'_>,
) -> Result<Read, ErrorObject> {
    // A hidden resource is not there for this caller (nor is its URI a template's to serve);
    // nor does a hidden template match.
    let fixed = resources.resource(&uri);
    if fixed.is_some_and(|resource| !visible(Item::Resource(resource))) {
        return Err(not_found(&uri));
    }
    let (read, request, cache, meta) = match fixed {
        Some(resource) => {
            let request = ResourceRead {
                uri,
                variables: Map::new(),
                mime_type: resource.mime_type,
                context,
            };
            let meta = resource.meta.clone();
            (resource.read.clone(), request, resource.cache.clone(), meta)
        }
        None => {
            let found = resources
                .match_order
                .iter()
                .filter(|template| visible(Item::Template(template)))
                .find_map(|template| {
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
            let meta = template.meta.clone();
            (template.read.clone(), request, template.cache.clone(), meta)
        }
    };
    let contents = run_isolated("the resource handler", read(request)).await?;
    Ok(Read {
        contents,
        cache,
        meta,
    })
}
