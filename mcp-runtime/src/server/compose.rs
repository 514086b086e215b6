//! Servers built from servers: the tools, resources, prompts and completions of another
//! [`Server`] mounted under a namespace ([`Server::mount`]), and those of a server outside the
//! process proxied under one ([`Server::proxy`], feature `remote`). Both stay live: what the
//! child or the upstream adds, removes or hides later, the parent serves and announces (the
//! `list_changed` notification of each kind).
//!
//! The naming rules, under the namespace `calc` (under the empty namespace, nothing changes):
//!
//! | item | served as | rule |
//! |---|---|---|
//! | tool `add`, prompt `review` | `calc_add`, `calc_review` | `{namespace}_{name}` |
//! | resource `docs://readme` | `docs://calc/readme` | the namespace is the first segment after `://` |
//! | template `weather://{city}` | `weather://calc/{city}` | the same rule |
//! | resource `file:///etc/hosts` | `file://calc//etc/hosts` | the same rule (an empty authority stays empty) |
//! | resource `urn:isbn:123` | `urn:calc/isbn:123` | no `://`: after the scheme's colon |
//!
//! A read of a namespaced URI reaches the child (or the upstream) with the URI it serves, and
//! the contents come back with the URI the client asked for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use super::{Server, ServerInner};
use crate::content::ResourceContents;
use crate::error::{BuildError, ItemKind};
use crate::prompt::Prompt;
use crate::resource::{ReadHandler, Resource, ResourceRead, ResourceTemplate, Resources};
use crate::tool::Tool;

/// What a server serves from elsewhere, by namespace, and who to tell when what it serves
/// changes (the servers it is mounted in).
#[derive(Default)]
pub(super) struct Mounts(Mutex<MountsInner>);

#[derive(Default)]
struct MountsInner {
    by_namespace: HashMap<String, Mount>,
    watchers: Vec<Arc<dyn Fn() + Send + Sync>>,
    /// The servers mounted here (to refuse a mount that would make a cycle).
    children: Vec<Weak<ServerInner>>,
    /// Who to tell when one of this server's resources is updated (the servers it is mounted
    /// in, each mapping the URI to its own).
    updated: Vec<UpdateWatcher>,
}

/// What a parent does with a mounted child's resource update: tells its own subscribers.
type UpdateWatcher = Arc<dyn Fn(&str) + Send + Sync>;

/// Whether `target` is `from`, or mounted in it at any depth.
fn reaches(from: &Arc<ServerInner>, target: &Arc<ServerInner>) -> bool {
    if Arc::ptr_eq(from, target) {
        return true;
    }
    let children: Vec<Arc<ServerInner>> = from
        .mounts
        .lock()
        .children
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    children.iter().any(|child| reaches(child, target))
}

/// What one namespace holds now, by key (tool and prompt names, resource URIs and templates).
#[derive(Default)]
struct Mount {
    tools: Vec<Owned>,
    resources: Vec<Owned>,
    prompts: Vec<Owned>,
    /// What the items came from, in words (for the clash errors).
    source: String,
}

/// One item a mount put in a set: its key, and its listing then, by which the mount knows
/// the item is still its own (the server may have put one of its own in its place since).
#[derive(Clone)]
struct Owned {
    key: String,
    listing: serde_json::Value,
}

impl Mounts {
    fn lock(&self) -> std::sync::MutexGuard<'_, MountsInner> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What one source (a mounted server, a proxied upstream) serves, named for its namespace.
#[derive(Default)]
pub(crate) struct Contribution {
    pub(crate) tools: Vec<Tool>,
    pub(crate) resources: Vec<Resource>,
    pub(crate) templates: Vec<ResourceTemplate>,
    pub(crate) prompts: Vec<Prompt>,
}

/// The name a tool or prompt `name` is served by under `namespace`.
pub(crate) fn namespaced(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}_{name}")
    }
}

/// Where the namespace goes in a URI (or template): after `://`, else after the first `:`,
/// else at the start.
fn namespace_at(uri: &str) -> usize {
    uri.find("://")
        .map(|at| at + 3)
        .or_else(|| uri.find(':').map(|at| at + 1))
        .unwrap_or(0)
}

/// The URI (or template) a resource `uri` is served by under `namespace`.
pub(crate) fn namespaced_uri(namespace: &str, uri: &str) -> String {
    if namespace.is_empty() {
        return uri.to_owned();
    }
    let at = namespace_at(uri);
    format!("{}{namespace}/{}", &uri[..at], &uri[at..])
}

/// The URI a namespaced `uri` stands for where it comes from (the inverse of
/// [`namespaced_uri`]); `uri` itself when it does not carry the namespace.
pub(crate) fn source_uri(namespace: &str, uri: &str) -> String {
    if namespace.is_empty() {
        return uri.to_owned();
    }
    let at = namespace_at(uri);
    match uri[at..]
        .strip_prefix(namespace)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) => format!("{}{rest}", &uri[..at]),
        None => uri.to_owned(),
    }
}

/// A read handler for a resource served under `namespace`, whose URI (or template) where it
/// comes from is `source`: `read` gets the URI it serves, and the contents go back with the
/// namespaced URI the client asked for. The namespace is taken off where it was put in
/// `source` (after its literal scheme), not searched for in the URI asked, whose variables
/// may hold `://` or `:` themselves.
pub(crate) fn namespaced_read(namespace: &str, source: &str, read: ReadHandler) -> ReadHandler {
    let at = namespace_at(source);
    let prefix = &source[..at];
    // A variable before the insertion point: only the URI itself can say where it is.
    let fixed = (!prefix.contains('{')).then(|| {
        let inserted: Arc<str> = format!("{prefix}{namespace}/").into();
        (Arc::<str>::from(prefix), inserted)
    });
    let namespace: Arc<str> = namespace.into();
    Arc::new(move |mut request: ResourceRead| {
        let asked = std::mem::take(&mut request.uri);
        request.uri = match &fixed {
            Some((prefix, inserted)) => match asked.strip_prefix(&**inserted) {
                Some(rest) => format!("{prefix}{rest}"),
                None => asked.clone(),
            },
            None => source_uri(&namespace, &asked),
        };
        let (namespace, from) = (Arc::clone(&namespace), request.uri.clone());
        let prefix = fixed.as_ref().map(|(prefix, _)| Arc::clone(prefix));
        let future = read(request);
        Box::pin(async move {
            let mut contents = future.await?;
            for content in &mut contents {
                let (ResourceContents::Text { uri, .. } | ResourceContents::Blob { uri, .. }) =
                    content;
                *uri = if *uri == from {
                    asked.clone()
                } else {
                    match prefix
                        .as_deref()
                        .and_then(|p| Some((p, uri.strip_prefix(p)?)))
                    {
                        Some((prefix, rest)) => format!("{prefix}{namespace}/{rest}"),
                        None => namespaced_uri(&namespace, uri),
                    }
                };
            }
            Ok(contents)
        })
    })
}

/// A tool listing's MCP Apps UI URIs (`_meta.ui.resourceUri` and the flat
/// `_meta["ui/resourceUri"]`), renamed as its resources are under `namespace`.
pub(crate) fn namespace_app(namespace: &str, listing: &mut serde_json::Value) {
    let Some(meta) = listing.get_mut("_meta").and_then(|m| m.as_object_mut()) else {
        return;
    };
    if let Some(uri) = meta.get_mut("ui/resourceUri") {
        if let Some(text) = uri.as_str() {
            *uri = namespaced_uri(namespace, text).into();
        }
    }
    if let Some(uri) = meta.get_mut("ui").and_then(|ui| ui.get_mut("resourceUri")) {
        if let Some(text) = uri.as_str() {
            *uri = namespaced_uri(namespace, text).into();
        }
    }
}

impl Server {
    /// Serves the tools, resources, resource templates and prompts of `child` under
    /// `namespace` (see the module's naming rules: `calc` serves its `add` as `calc_add`),
    /// through `child`'s handlers with this server's request context; completions of its
    /// prompts and templates come from `child`'s completers. Live: what `child` adds, removes,
    /// disables or enables later is served (or not) here too, and announced to this server's
    /// clients.
    ///
    /// ```
    /// use mcp_runtime::{tool, Server};
    ///
    /// /// Add two numbers.
    /// #[tool]
    /// fn add(a: i64, b: i64) -> i64 { a + b }
    ///
    /// let calculator = Server::builder().tools(["add"]).build().unwrap();
    /// let gateway = Server::builder().tools(Vec::<String>::new()).build().unwrap();
    /// gateway.mount("calc", &calculator).unwrap();
    /// assert!(gateway.tool("calc_add").is_some());
    ///
    /// // A name served already is refused, naming both sources.
    /// let own = Server::builder().tools(["add"]).build().unwrap();
    /// let err = own.mount("", &calculator).unwrap_err();
    /// assert!(err.to_string().starts_with("two tools would be served as `add`: the tool declared at"));
    /// ```
    ///
    /// # Errors
    ///
    /// A mounted name or URI is already served (by this server's own items or another
    /// mount), or `namespace` is already used, or makes an invalid tool name; nothing is
    /// mounted then.
    pub fn mount(&self, namespace: &str, child: &Server) -> Result<(), BuildError> {
        let source = format!("the server `{}` mounted as `{namespace}`", child.name());
        if reaches(&child.inner, &self.inner) {
            return Err(BuildError::clash(
                ItemKind::Tool,
                namespace,
                "this server".to_owned(),
                "itself (a server cannot be mounted in itself, nor in a server mounted in it)"
                    .to_owned(),
            ));
        }
        self.replace_mounted(namespace, &source, mounted(namespace, child), true)?;
        self.inner
            .mounts
            .lock()
            .children
            .push(Arc::downgrade(&child.inner));
        // The child's resource updates reach the parent's subscribers, under the parent's URI.
        let parent: Weak<ServerInner> = Arc::downgrade(&self.inner);
        let prefix = namespace.to_owned();
        child
            .inner
            .mounts
            .lock()
            .updated
            .push(Arc::new(move |uri: &str| {
                if let Some(inner) = parent.upgrade() {
                    Server { inner }.notify_resource_updated(&namespaced_uri(&prefix, uri));
                }
            }));
        let parent: Weak<ServerInner> = Arc::downgrade(&self.inner);
        let weak_child: Weak<ServerInner> = Arc::downgrade(&child.inner);
        let namespace = namespace.to_owned();
        child.inner.mounts.lock().watchers.push(Arc::new(move || {
            let (Some(parent), Some(child)) = (parent.upgrade(), weak_child.upgrade()) else {
                return;
            };
            let (parent, child) = (Server { inner: parent }, Server { inner: child });
            let contribution = mounted(&namespace, &child);
            if let Err(error) = parent.replace_mounted(&namespace, &source, contribution, false) {
                tracing::warn!(%error, "a mounted server's change was served in part");
            }
        }));
        Ok(())
    }

    /// Puts `contribution` in place of what `namespace` held. `strict`: a clash refuses
    /// everything (at mount time); otherwise (a live change) the clashing items are left out,
    /// with a warning, and the rest served.
    pub(crate) fn replace_mounted(
        &self,
        namespace: &str,
        source: &str,
        contribution: Contribution,
        strict: bool,
    ) -> Result<(), BuildError> {
        let mut mounts = self.inner.mounts.lock();
        if strict && mounts.by_namespace.contains_key(namespace) {
            let held = &mounts.by_namespace[namespace];
            return Err(BuildError::clash(
                ItemKind::Tool,
                &namespaced(namespace, "*"),
                held.source.clone(),
                source.to_owned(),
            ));
        }
        let mut contribution = contribution;
        let mut invalid = None;
        contribution.tools.retain(|tool| {
            let Some(problem) = mcp_rules::tool_name_problem(tool.name()) else {
                return true;
            };
            invalid.get_or_insert_with(|| {
                BuildError::clash(
                    ItemKind::Tool,
                    tool.name(),
                    format!("{source} ({problem})"),
                    mcp_rules::TOOL_NAME_RULE.to_owned(),
                )
            });
            false
        });
        if let Some(error) = &invalid {
            if strict {
                return Err(error.clone());
            }
            // A live change: the rest is served, this one left out.
            tracing::warn!(%error, "a mounted tool is left out");
        }
        let Contribution {
            tools,
            resources,
            templates,
            prompts,
        } = contribution;
        let resources: Vec<MountedResource> = resources
            .into_iter()
            .map(MountedResource::Fixed)
            .chain(templates.into_iter().map(MountedResource::Template))
            .collect();
        let old = mounts.by_namespace.remove(namespace).unwrap_or_default();
        let others = &mounts.by_namespace;
        if strict {
            // Every kind is checked before any is changed: a refused mount changes nothing.
            let clash = first_clash(
                &*self.inner.tools.load(),
                &old.tools,
                &tools,
                others,
                source,
            )
            .or_else(|| {
                let set = self.inner.resources.load();
                first_clash(&*set, &old.resources, &resources, others, source)
            })
            .or_else(|| {
                let set = self.inner.prompts.load();
                first_clash(&*set, &old.prompts, &prompts, others, source)
            });
            // Templates may also overlap one another (or, in a set, fail to go in): tried on
            // a copy first.
            let clash = clash.or_else(|| {
                let mut trial = (*self.inner.resources.load()).clone();
                for held in &old.resources {
                    trial.take(&held.key);
                }
                resources
                    .iter()
                    .filter_map(|item| match item {
                        MountedResource::Template(template) => Some(template.clone()),
                        MountedResource::Fixed(_) => None,
                    })
                    .find_map(|template| trial.insert_template(template).err())
            });
            if let Some(error) = clash {
                mounts.by_namespace.insert(namespace.to_owned(), old);
                return Err(error);
            }
        }
        let mut clashes = Vec::new();
        let mut mount = Mount {
            source: source.to_owned(),
            ..Mount::default()
        };
        let tools_changed = self.change(
            &self.inner.tools,
            "notifications/tools/list_changed",
            |set| {
                swap(
                    set,
                    &old.tools,
                    tools,
                    others,
                    source,
                    &mut mount.tools,
                    &mut clashes,
                )
            },
        )?;
        let resources_changed = self.change(
            &self.inner.resources,
            "notifications/resources/list_changed",
            |set| {
                let held = &old.resources;
                swap(
                    set,
                    held,
                    resources,
                    others,
                    source,
                    &mut mount.resources,
                    &mut clashes,
                )
            },
        )?;
        let prompts_changed = self.change(
            &self.inner.prompts,
            "notifications/prompts/list_changed",
            |set| {
                swap(
                    set,
                    &old.prompts,
                    prompts,
                    others,
                    source,
                    &mut mount.prompts,
                    &mut clashes,
                )
            },
        )?;
        mounts.by_namespace.insert(namespace.to_owned(), mount);
        drop(mounts);
        if tools_changed || resources_changed || prompts_changed {
            self.contents_changed();
        }
        for error in &clashes {
            tracing::warn!(%error, "a mounted item is left out");
        }
        invalid
            .into_iter()
            .chain(clashes)
            .next()
            .map_or(Ok(()), Err)
    }

    /// Tells the servers this one is mounted in that one of its resources was updated.
    pub(super) fn updated_upward(&self, uri: &str) {
        let updated = self.inner.mounts.lock().updated.clone();
        for tell in updated {
            tell(uri);
        }
    }

    /// Tells the servers this one is mounted in that what it serves changed.
    pub(super) fn contents_changed(&self) {
        let watchers = self.inner.mounts.lock().watchers.clone();
        for watcher in watchers {
            watcher();
        }
    }
}

/// A resource or a template, as mounting handles them (one set holds both).
enum MountedResource {
    Fixed(Resource),
    Template(ResourceTemplate),
}

/// One of a server's sets, as mounting adds to it and takes from it.
trait Contributed {
    type Item;
    const KIND: ItemKind;
    fn key(item: &Self::Item) -> &str;
    fn listing(item: &Self::Item) -> &serde_json::Value;
    /// Who serves what `item` would be served as, in words, if anyone does.
    fn holder(&self, item: &Self::Item) -> Option<String>;
    /// The listing of the item with `key` (enabled or not), and whether it is enabled.
    fn current(&self, key: &str) -> Option<(&serde_json::Value, bool)>;
    fn take(&mut self, key: &str);
    fn put(&mut self, item: Self::Item) -> Result<(), BuildError>;
    fn disable(&mut self, key: &str);
    fn owned(mount: &Mount) -> &[Owned];

    /// Whether `item` is served now, enabled, exactly so.
    fn serves(&self, item: &Self::Item) -> bool {
        self.current(Self::key(item))
            .is_some_and(|(listing, enabled)| enabled && listing == Self::listing(item))
    }

    /// Whether what the mount put as `held` is still there, unreplaced.
    fn still_holds(&self, held: &Owned) -> bool {
        self.current(&held.key)
            .is_some_and(|(listing, _)| *listing == held.listing)
    }
}

/// Tools and prompts: each kind one [`Set`](crate::catalog::Set) of named items.
trait Named: crate::catalog::Item {
    const KIND: ItemKind;
    /// What the clash errors call one.
    const NOUN: &'static str;
    fn listing(&self) -> &serde_json::Value;
    fn location(&self) -> crate::SourceLocation;
    fn owned(mount: &Mount) -> &[Owned];
}

impl Named for Tool {
    const KIND: ItemKind = ItemKind::Tool;
    const NOUN: &'static str = "tool";
    fn listing(&self) -> &serde_json::Value {
        self.listing()
    }
    fn location(&self) -> crate::SourceLocation {
        self.location()
    }
    fn owned(mount: &Mount) -> &[Owned] {
        &mount.tools
    }
}

impl Named for Prompt {
    const KIND: ItemKind = ItemKind::Prompt;
    const NOUN: &'static str = "prompt";
    fn listing(&self) -> &serde_json::Value {
        self.listing()
    }
    fn location(&self) -> crate::SourceLocation {
        self.location()
    }
    fn owned(mount: &Mount) -> &[Owned] {
        &mount.prompts
    }
}

impl<T: Named> Contributed for crate::catalog::Set<T> {
    type Item = T;
    const KIND: ItemKind = T::KIND;
    fn key(item: &T) -> &str {
        item.key()
    }
    fn listing(item: &T) -> &serde_json::Value {
        Named::listing(item)
    }
    fn holder(&self, item: &T) -> Option<String> {
        let held = self.get_any(item.key())?;
        Some(format!(
            "the {} declared at {}",
            T::NOUN,
            Named::location(&**held)
        ))
    }
    fn current(&self, key: &str) -> Option<(&serde_json::Value, bool)> {
        let held = self.get_any(key)?;
        Some((Named::listing(&**held), self.get(key).is_some()))
    }
    fn take(&mut self, key: &str) {
        self.remove(key);
    }
    fn put(&mut self, item: T) -> Result<(), BuildError> {
        self.insert(item);
        Ok(())
    }
    fn disable(&mut self, key: &str) {
        self.set_enabled(key, false);
    }
    fn owned(mount: &Mount) -> &[Owned] {
        T::owned(mount)
    }
}

impl Contributed for Resources {
    type Item = MountedResource;
    const KIND: ItemKind = ItemKind::Resource;
    fn key(item: &MountedResource) -> &str {
        match item {
            MountedResource::Fixed(resource) => resource.uri(),
            MountedResource::Template(template) => template.uri_template().as_str(),
        }
    }
    fn holder(&self, item: &MountedResource) -> Option<String> {
        let key = Self::key(item);
        let declared = |location| format!("the resource declared at {location}");
        if let Some(held) = self.all_fixed().find(|held| held.uri() == key) {
            return Some(declared(held.location()));
        }
        let same = |held: &&Arc<ResourceTemplate>| held.uri_template().as_str() == key;
        if let Some(held) = self.all_templates().find(same) {
            return Some(declared(held.location()));
        }
        let MountedResource::Template(template) = item else {
            return None;
        };
        self.overlapping(template)
            .map(|held| declared(held.location()))
    }
    fn take(&mut self, key: &str) {
        self.remove(key);
    }
    fn put(&mut self, item: MountedResource) -> Result<(), BuildError> {
        match item {
            MountedResource::Fixed(resource) => {
                self.insert_fixed(resource);
                Ok(())
            }
            MountedResource::Template(template) => self.insert_template(template),
        }
    }
    fn owned(mount: &Mount) -> &[Owned] {
        &mount.resources
    }
    fn listing(item: &MountedResource) -> &serde_json::Value {
        match item {
            MountedResource::Fixed(resource) => resource.listing(),
            MountedResource::Template(template) => template.listing(),
        }
    }
    fn current(&self, key: &str) -> Option<(&serde_json::Value, bool)> {
        if let Some(held) = self.all_fixed().find(|held| held.uri() == key) {
            return Some((held.listing(), self.resource(key).is_some()));
        }
        let held = self
            .all_templates()
            .find(|held| held.uri_template().as_str() == key)?;
        Some((held.listing(), self.template(key).is_some()))
    }
    fn disable(&mut self, key: &str) {
        self.set_enabled(key, false);
    }
}

/// Why `item`, from `source`, cannot be served: who serves its name already (another mount,
/// or the server's own), unless it is what `namespace` held before.
fn clash_of<S: Contributed>(
    set: &S,
    old: &[Owned],
    item: &S::Item,
    others: &HashMap<String, Mount>,
    source: &str,
) -> Option<BuildError> {
    let key = S::key(item);
    let by_mount = others
        .values()
        .find(|mount| S::owned(mount).iter().any(|held| held.key == key))
        .map(|mount| mount.source.clone());
    let holder = match by_mount {
        Some(holder) => holder,
        // Still the one this mount put there: no clash. (One the server put in its place
        // since is the server's own now.)
        None if old
            .iter()
            .any(|held| held.key == key && set.still_holds(held)) =>
        {
            return None
        }
        None => set.holder(item)?,
    };
    Some(BuildError::clash(S::KIND, key, holder, source.to_owned()))
}

fn first_clash<S: Contributed>(
    set: &S,
    old: &[Owned],
    items: &[S::Item],
    others: &HashMap<String, Mount>,
    source: &str,
) -> Option<BuildError> {
    items
        .iter()
        .find_map(|item| clash_of(set, old, item, others, source))
}

/// Replaces in `set` what a namespace held (`old`) by `items`, leaving out (into `clashes`)
/// those whose names are taken; `held` gets the keys served now. `Ok(false)`: nothing changed.
fn swap<S: Contributed>(
    set: &mut S,
    old: &[Owned],
    items: Vec<S::Item>,
    others: &HashMap<String, Mount>,
    source: &str,
    held: &mut Vec<Owned>,
    clashes: &mut Vec<BuildError>,
) -> Result<bool, BuildError> {
    let mut served = Vec::with_capacity(items.len());
    for item in items {
        match clash_of(set, old, &item, others, source) {
            Some(error) => clashes.push(error),
            None => served.push(item),
        }
    }
    let same = old.len() == served.len() && served.iter().all(|item| set.serves(item));
    if same {
        held.extend(old.iter().cloned());
        return Ok(false);
    }
    // Only what is still the mount's own goes; what the server disabled stays disabled.
    let mut disabled = Vec::new();
    for owned in old {
        if let Some((_, enabled)) = set.current(&owned.key).filter(|_| set.still_holds(owned)) {
            if !enabled {
                disabled.push(owned.key.clone());
            }
            set.take(&owned.key);
        }
    }
    for item in served {
        let owned = Owned {
            key: S::key(&item).to_owned(),
            listing: S::listing(&item).clone(),
        };
        match set.put(item) {
            Ok(()) => {
                if disabled.contains(&owned.key) {
                    set.disable(&owned.key);
                }
                held.push(owned);
            }
            Err(error) => clashes.push(error),
        }
    }
    Ok(true)
}

/// What `child` serves now, named for `namespace`.
fn mounted(namespace: &str, child: &Server) -> Contribution {
    let tools = child
        .tools()
        .iter()
        .map(|tool| {
            tool.renamed(&namespaced(namespace, tool.name()))
                .with_listing(|listing| namespace_app(namespace, listing))
        })
        .collect();
    let resources = child
        .resources()
        .iter()
        .map(|resource| {
            let source = resource.uri();
            let read = namespaced_read(namespace, source, Arc::clone(&resource.read));
            resource.renamed(&namespaced_uri(namespace, source), read)
        })
        .collect();
    let templates = child
        .resource_templates()
        .iter()
        .filter_map(|template| {
            let source = template.uri_template().as_str();
            let read = namespaced_read(namespace, source, Arc::clone(&template.read));
            let served = namespaced_uri(namespace, source);
            template
                .renamed(&served, read, None)
                .map_err(|reason| tracing::warn!(%reason, "a mounted template is left out"))
                .ok()
        })
        .collect();
    let prompts = child
        .prompts()
        .iter()
        .map(|prompt| {
            prompt.renamed(
                &namespaced(namespace, prompt.name()),
                Arc::clone(&prompt.get),
                None,
            )
        })
        .collect();
    Contribution {
        tools,
        resources,
        templates,
        prompts,
    }
}

#[cfg(feature = "remote")]
pub use proxy::ProxyError;

#[cfg(feature = "remote")]
mod proxy {
    use std::fmt;
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::{json, Value};
    use tokio::sync::{broadcast, mpsc};

    use super::{namespace_app, namespaced, namespaced_read, namespaced_uri, Contribution};
    use crate::client::{CallEvent, ClientError, Remote};
    use crate::completion::{Completers, Completion, CompletionRequest};
    use crate::content::ResourceContents;
    use crate::error::{BuildError, SourceLocation};
    use crate::prompt::{GetHandler, GetPromptResult, Prompt, PromptGet};
    use crate::protocol::{ErrorObject, LogLevel};
    use crate::resource::{ReadHandler, Resource, ResourceRead, ResourceTemplate};
    use crate::server::Server;
    use crate::tool::{CallToolResult, Handler, Tool, ToolCall, ToolFuture};
    use crate::Context;

    /// Why [`Server::proxy`] could not serve an upstream.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum ProxyError {
        /// The upstream could not be listed.
        Upstream(ClientError),
        /// What it serves clashes with what is served already.
        Build(BuildError),
    }

    impl fmt::Display for ProxyError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                ProxyError::Upstream(error) => write!(f, "the upstream failed: {error}"),
                ProxyError::Build(error) => error.fmt(f),
            }
        }
    }

    impl std::error::Error for ProxyError {}

    impl Server {
        /// Serves the tools, resources, resource templates and prompts of a server outside
        /// the process under `namespace` (the module's naming rules), over the connection
        /// `upstream` keeps (no handshake per call): each call, read, prompt and completion
        /// is forwarded, and what the upstream sends while it runs (progress, logs, its
        /// questions to the client: sampling, elicitation, roots) goes to this server's
        /// client through the request's [`Context`], in either era on either side. A
        /// cancelled request is cancelled upstream. The upstream's `list_changed`
        /// notifications (and a reconnection) re-list what it serves.
        ///
        /// ```no_run
        /// use mcp_runtime::client::{Remote, Upstream};
        /// use mcp_runtime::Server;
        ///
        /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let gateway = Server::builder().build()?;
        /// let everything = Remote::connect(Upstream::parse("npx -y @modelcontextprotocol/server-everything")).await?;
        /// gateway.proxy("up", everything).await?;  // its `echo` is served as `up_echo`
        /// # Ok(()) }
        /// ```
        ///
        /// # Errors
        ///
        /// The upstream cannot be listed, or what it serves clashes with what is served
        /// already.
        pub async fn proxy(&self, namespace: &str, upstream: Remote) -> Result<(), ProxyError> {
            let source = format!(
                "the upstream {} proxied as `{namespace}`",
                upstream.upstream()
            );
            // Subscribed before listing, so a change in between is not missed.
            let changes = upstream.subscribe();
            let contribution = proxied(namespace, &upstream)
                .await
                .map_err(ProxyError::Upstream)?;
            self.replace_mounted(namespace, &source, contribution, true)
                .map_err(ProxyError::Build)?;
            let parent = Arc::downgrade(&self.inner);
            let namespace = namespace.to_owned();
            tokio::spawn(follow(parent, namespace, source, upstream, changes));
            Ok(())
        }
    }

    /// Re-lists what the upstream serves whenever it says a list changed, for as long as
    /// the server lives.
    async fn follow(
        parent: std::sync::Weak<crate::server::ServerInner>,
        namespace: String,
        source: String,
        upstream: Remote,
        mut changes: broadcast::Receiver<crate::protocol::Notification>,
    ) {
        loop {
            // The upstream's notifications never end while this task holds it: whether the
            // server is still there is checked now and then, so that a server dropped lets
            // its upstream connection (or child process) go.
            let received = tokio::time::timeout(Duration::from_secs(5), changes.recv()).await;
            match received {
                Err(_elapsed) if parent.strong_count() == 0 => return,
                Err(_elapsed) => continue,
                Ok(Ok(notification)) if is_list_change(&notification.method) => {}
                Ok(Ok(notification))
                    if notification.method == "notifications/resources/updated" =>
                {
                    let uri = notification.params["uri"].as_str().unwrap_or_default();
                    if let Some(inner) = parent.upgrade() {
                        Server { inner }.notify_resource_updated(&namespaced_uri(&namespace, uri));
                    }
                    continue;
                }
                Ok(Ok(_)) => continue,
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) => return,
            }
            let Some(inner) = parent.upgrade() else {
                return;
            };
            let server = Server { inner };
            match proxied(&namespace, &upstream).await {
                Ok(contribution) => {
                    if let Err(error) =
                        server.replace_mounted(&namespace, &source, contribution, false)
                    {
                        tracing::warn!(%error, "what the upstream serves now is served in part");
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, %source, "the upstream could not be re-listed")
                }
            }
        }
    }

    fn is_list_change(method: &str) -> bool {
        matches!(
            method,
            "notifications/tools/list_changed"
                | "notifications/resources/list_changed"
                | "notifications/prompts/list_changed"
        )
    }

    /// What the upstream serves now (each kind it declares a capability for), as this
    /// server serves it.
    async fn proxied(namespace: &str, upstream: &Remote) -> Result<Contribution, ClientError> {
        let opening = upstream.opening().await?;
        let capabilities = &opening["capabilities"];
        let location = SourceLocation::of_caller(std::panic::Location::caller());
        let mut contribution = Contribution::default();
        let has = |kind: &str| capabilities.get(kind).is_some_and(Value::is_object);
        // Tools are listed unless the upstream says it has none of any kind.
        let mut apps = Vec::new();
        if has("tools") || !capabilities.is_object() {
            let (tools, uis) = proxied_tools(namespace, upstream, location).await?;
            contribution.tools = tools;
            apps = uis;
        }
        let completing = has("completions").then(|| upstream.clone());
        let forward = forward_read(upstream.clone());
        // Handshake-era subscriptions are made upstream for every listed resource, so that
        // its updates reach this server's subscribers (`follow` relays them).
        let subscribe = capabilities["resources"]["subscribe"] == true
            && !upstream.is_modern().await.unwrap_or(true);
        if has("resources") {
            for mut listing in upstream.list_all("resources/list", "resources").await? {
                let Some(uri) = listing["uri"].as_str().map(str::to_owned) else {
                    continue;
                };
                if subscribe {
                    let subscribed = upstream.request("resources/subscribe", json!({ "uri": uri }));
                    if let Err(error) = subscribed.await {
                        tracing::debug!(%error, %uri, "the upstream refused a subscription");
                    }
                }
                apps.retain(|app| *app != uri);
                listing["uri"] = json!(namespaced_uri(namespace, &uri));
                let read = namespaced_read(namespace, &uri, Arc::clone(&forward));
                contribution
                    .resources
                    .extend(Resource::from_listing(listing, read, location));
            }
        }
        // The UIs of the upstream's apps, which hosts read by the URI the tool names and
        // servers often leave out of `resources/list`: their metadata is read once, now.
        for uri in apps {
            let read = upstream
                .request("resources/read", json!({ "uri": uri }))
                .await;
            let content = read.ok().map(|mut read| read["contents"][0].take());
            let content = content.unwrap_or(Value::Null);
            let mut listing = json!({
                "uri": namespaced_uri(namespace, &uri),
                "name": uri.rsplit('/').next().unwrap_or(&uri),
            });
            for key in ["mimeType", "_meta"] {
                if let Some(value) = content.get(key) {
                    listing[key] = value.clone();
                }
            }
            let read = namespaced_read(namespace, &uri, Arc::clone(&forward));
            if let Some(resource) = Resource::from_listing(listing, read, location) {
                contribution.resources.push(resource.unlisted());
            }
        }
        if has("resources") {
            let listed = upstream.list_all("resources/templates/list", "resourceTemplates");
            for mut listing in listed.await? {
                let Some(template) = listing["uriTemplate"].as_str() else {
                    continue;
                };
                let template = template.to_owned();
                listing["uriTemplate"] = json!(namespaced_uri(namespace, &template));
                let read = namespaced_read(namespace, &template, Arc::clone(&forward));
                let completers = forwarded_for(
                    &completing,
                    json!({"type": "ref/resource", "uri": template}),
                );
                match ResourceTemplate::from_listing(listing, read, completers, location) {
                    Ok(template) => contribution.templates.push(template),
                    Err(reason) => tracing::warn!(%reason, "an upstream template is left out"),
                }
            }
        }
        if has("prompts") {
            for mut listing in upstream.list_all("prompts/list", "prompts").await? {
                let Some(name) = listing["name"].as_str().map(str::to_owned) else {
                    continue;
                };
                listing["name"] = json!(namespaced(namespace, &name));
                let get = forward_get(upstream.clone(), name.clone());
                let completers =
                    forwarded_for(&completing, json!({"type": "ref/prompt", "name": name}));
                contribution
                    .prompts
                    .extend(Prompt::from_listing(listing, get, completers, location));
            }
        }
        Ok(contribution)
    }

    /// The upstream's tools, as this server serves them, and the URIs of their apps' UIs.
    async fn proxied_tools(
        namespace: &str,
        upstream: &Remote,
        location: SourceLocation,
    ) -> Result<(Vec<Tool>, Vec<String>), ClientError> {
        let listings = upstream.list_tools().await?;
        let mut tools = Vec::with_capacity(listings.len());
        let mut apps = Vec::new();
        for mut listing in listings {
            let Some(name) = listing["name"].as_str().map(str::to_owned) else {
                continue;
            };
            listing["name"] = json!(namespaced(namespace, &name));
            let app = listing
                .pointer("/_meta/ui/resourceUri")
                .or_else(|| listing.pointer("/_meta/ui~1resourceUri"))
                .and_then(Value::as_str);
            if let Some(app) = app.filter(|app| !apps.iter().any(|known| known == app)) {
                apps.push(app.to_owned());
            }
            namespace_app(namespace, &mut listing);
            if !listing["inputSchema"].is_object() {
                listing["inputSchema"] = json!({"type": "object"});
            }
            let remote = upstream.clone();
            let upstream_name: Arc<str> = name.into();
            let handler: Handler = Arc::new(move |call: ToolCall| -> ToolFuture {
                Box::pin(forward_call(
                    remote.clone(),
                    Arc::clone(&upstream_name),
                    call,
                ))
            });
            match Tool::from_listing(listing, handler, location) {
                Ok(tool) => tools.push(tool),
                Err(reason) => tracing::warn!(%reason, "an upstream tool is left out"),
            }
        }
        Ok((tools, apps))
    }

    /// One proxied call: forwarded, with what the upstream sends meanwhile passed on.
    async fn forward_call(remote: Remote, name: Arc<str>, call: ToolCall) -> CallToolResult {
        let ToolCall { arguments, context } = call;
        let params = json!({ "name": &*name, "arguments": arguments });
        match relay(&remote, "tools/call", params, &context).await {
            Ok(result) => serde_json::from_value(result).unwrap_or_else(|err| {
                CallToolResult::error(format!("the upstream answered with no tool result: {err}"))
            }),
            Err(error) => CallToolResult::error(format!("the upstream server: {error}")),
        }
    }

    /// Reads an upstream resource (the URI is the upstream's own: the namespaced read around
    /// this one maps it).
    fn forward_read(remote: Remote) -> ReadHandler {
        Arc::new(move |read: ResourceRead| {
            let remote = remote.clone();
            Box::pin(async move {
                let ResourceRead { uri, context, .. } = read;
                let params = json!({ "uri": uri });
                let mut result = relay(&remote, "resources/read", params, &context)
                    .await
                    .map_err(upstream_error)?;
                serde_json::from_value::<Vec<ResourceContents>>(result["contents"].take()).map_err(
                    |err| {
                        ErrorObject::internal(format!(
                            "the upstream answered `resources/read` with no contents: {err}"
                        ))
                    },
                )
            })
        })
    }

    /// Renders an upstream prompt.
    fn forward_get(remote: Remote, name: String) -> GetHandler {
        let name: Arc<str> = name.into();
        Arc::new(move |get: PromptGet| {
            let (remote, name) = (remote.clone(), Arc::clone(&name));
            Box::pin(async move {
                let PromptGet { arguments, context } = get;
                let params = json!({ "name": &*name, "arguments": arguments });
                let result = relay(&remote, "prompts/get", params, &context)
                    .await
                    .map_err(upstream_error)?;
                serde_json::from_value::<GetPromptResult>(result).map_err(|err| {
                    ErrorObject::internal(format!(
                        "the upstream answered `prompts/get` with no prompt: {err}"
                    ))
                })
            })
        })
    }

    /// What completes one proxied prompt's or template's arguments: the upstream, asked
    /// about `reference` (when it completes at all).
    fn forwarded_for(upstream: &Option<Remote>, reference: Value) -> Completers {
        let Some(remote) = upstream.clone() else {
            return Completers::Declared(&[]);
        };
        Completers::Forwarded(Arc::new(move |request: CompletionRequest| {
            let (remote, reference) = (remote.clone(), reference.clone());
            Box::pin(async move {
                let context = request.context;
                let params = json!({
                    "ref": reference,
                    "argument": {"name": context.completing(), "value": request.value},
                    "context": {"arguments": context.arguments()},
                });
                match remote.request("completion/complete", params).await {
                    Ok(result) => completion_of(&result["completion"]),
                    Err(error) => {
                        tracing::warn!(%error, "the upstream could not complete");
                        Completion::default()
                    }
                }
            })
        }))
    }

    /// The upstream's `completion` object, as this server answers it.
    fn completion_of(completion: &Value) -> Completion {
        let values = completion["values"]
            .as_array()
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let mut out = Completion::new(values);
        if let Some(total) = completion["total"].as_u64() {
            out = out.with_total(total as usize);
        }
        if completion["hasMore"].as_bool() == Some(true) {
            out = out.with_more();
        }
        out
    }

    fn upstream_error(error: ClientError) -> ErrorObject {
        ErrorObject {
            code: error.code,
            message: format!("the upstream server: {}", error.message),
            data: error.data,
        }
    }

    /// Sends one request upstream and passes on, through `context`, what the upstream sends
    /// before its answer: progress, logs, and its questions (answered by this server's
    /// client).
    async fn relay(
        remote: &Remote,
        method: &str,
        params: Value,
        context: &Context,
    ) -> Result<Value, ClientError> {
        let (events, mut received) = mpsc::channel(64);
        let answer = remote.request_streaming(method, params, events);
        let mut answer = std::pin::pin!(answer);
        let result = loop {
            tokio::select! {
                result = &mut answer => break result,
                Some(event) = received.recv() => pass_on(context, event).await,
            }
        };
        // What the upstream sent before its result may still be queued when both are ready
        // at once (`select!` picks either); it goes out before the result does.
        while let Ok(event) = received.try_recv() {
            pass_on(context, event).await;
        }
        result
    }

    /// Hands one thing the upstream sent during a call to this server's client.
    async fn pass_on(context: &Context, event: CallEvent) {
        match event {
            CallEvent::Progress(params) => {
                let progress = params["progress"].as_f64().unwrap_or_default();
                let total = params["total"].as_f64();
                context
                    .report_progress(progress, total, params["message"].as_str())
                    .await;
            }
            CallEvent::Log(params) => {
                let level = params["level"]
                    .as_str()
                    .and_then(LogLevel::parse)
                    .unwrap_or(LogLevel::Info);
                let data = params.get("data").cloned().unwrap_or(Value::Null);
                context.log(level, params["logger"].as_str(), data).await;
            }
            CallEvent::Request {
                method,
                params,
                reply,
            } => {
                let answer = context.request(&method, params).await.map_err(|error| {
                    ClientError::new(crate::protocol::INTERNAL_ERROR, error.to_string())
                });
                let _ = reply.send(answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{namespaced_uri, source_uri};

    #[test]
    fn the_namespace_goes_after_the_scheme_and_comes_off_again() {
        let table = [
            ("docs://readme", "docs://calc/readme"),
            ("weather://{city}", "weather://calc/{city}"),
            ("file:///etc/hosts", "file://calc//etc/hosts"),
            ("urn:isbn:123", "urn:calc/isbn:123"),
            ("{+anything}", "calc/{+anything}"),
        ];
        for (uri, served) in table {
            assert_eq!(namespaced_uri("calc", uri), served);
            assert_eq!(source_uri("calc", served), uri);
            assert_eq!(namespaced_uri("", uri), uri);
            assert_eq!(source_uri("", uri), uri);
        }
        // A URI that does not carry the namespace is left as it is.
        assert_eq!(
            source_uri("calc", "docs://other/readme"),
            "docs://other/readme"
        );
    }
}
