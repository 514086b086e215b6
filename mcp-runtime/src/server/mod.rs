//! The server object: identity, the tools, resources and prompts it serves (which may change
//! while it runs), its open sessions, and the settings of the protocol core. It knows no
//! transport: transports (in `transport/`) serve it.

mod builder;
mod catalog;
mod compose;
mod lifecycle;
mod state;

use crate::caching::CacheHints;
use crate::input::StateKey;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::catalog::Live;
use crate::prompt::Prompts;
use crate::protocol::outgoing_json;
use crate::protocol::wire::ResourceUpdated;
use crate::resource::Resources;
use crate::session::{Session, SessionRegistry};
use crate::subscriptions::{Change, Listeners};
use crate::tool::{Tool, Tools};

pub use builder::ServerBuilder;
#[cfg(feature = "remote")]
pub use compose::ProxyError;
pub(crate) use lifecycle::{RequestGuard, SessionRefusal};
use state::StateMap;

/// An MCP server: a name, a version, optional instructions and a set of tools, resources and
/// prompts.
///
/// Cheap to clone (all clones share one state), so build it once and clone it into the
/// `HttpServer::new` factory. Most applications use the global server through
/// [`sse_app()`](crate::sse_app) instead, which serves every `#[tool]` in the program.
///
/// ```
/// use mcp_runtime::{tool, Server};
///
/// /// Add two numbers.
/// #[tool]
/// fn add(a: i64, b: i64) -> i64 { a + b }
///
/// let server = Server::builder()
///     .name("calculator")
///     .version("1.2.0")
///     .instructions("Use `add` for sums.")
///     .tools(["add"])
///     .build()
///     .unwrap();
/// assert_eq!(server.tools().len(), 1);
/// ```
#[derive(Clone)]
pub struct Server {
    inner: Arc<ServerInner>,
}

pub(crate) struct ServerInner {
    name: String,
    title: Option<String>,
    version: String,
    instructions: Option<String>,
    tools: Live<Tools>,
    /// The tools mounted or proxied under each namespace, and what they came from.
    mounts: compose::Mounts,
    hooks: Hooks,
    resources: Live<Resources>,
    prompts: Live<Prompts>,
    settings: Settings,
    state: StateMap,
    /// Requests being handled, over every session and transport.
    requests_in_flight: AtomicUsize,
    shutting_down: AtomicBool,
    /// Every open session, on every transport and every HTTP worker thread.
    sessions: Arc<SessionRegistry>,
    /// Every open `subscriptions/listen` stream (the modern era's way to hear of changes).
    listeners: Arc<Listeners>,
    /// What every result of the modern era begins with, written once.
    modern_members: ModernMembers,
    /// Tool calls that outlive their request (MCP's tasks extension).
    tasks: Arc<crate::tasks::Tasks>,
    /// The Agent Skills served (the skills extension), if any.
    skills: Option<Arc<crate::skills::Catalog>>,
    /// The Redis the replicas of a deployment share, when they do.
    #[cfg(feature = "redis")]
    redis: Option<crate::shared::Redis>,
    /// Its stateful Streamable HTTP sessions, shared with the other replicas through Redis.
    #[cfg(all(feature = "redis", feature = "http"))]
    shared_sessions: Option<Arc<crate::shared::SharedSessions>>,
}

/// The middleware and the visibility rule, as [`ServerBuilder`] set them.
#[derive(Clone, Default)]
struct Hooks {
    middleware: Vec<Arc<dyn crate::middleware::Middleware>>,
    visibility: Option<crate::middleware::Visibility>,
}

impl Hooks {
    fn has_visibility(&self) -> bool {
        self.visibility.is_some()
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("middleware", &self.middleware.len())
            .field("visibility", &self.visibility.is_some())
            .finish()
    }
}

/// The members every result of the modern era (2026-07-28) begins with, as JSON text written
/// when the server is built: `resultType`, `_meta` with `serverInfo`, and on cacheable
/// results the caching hints.
#[derive(Debug)]
pub(crate) struct ModernMembers {
    /// Of every result.
    pub result: Box<str>,
    /// Of `server/discover` and the lists.
    pub list: Box<str>,
    /// Of `resources/read`.
    pub read: Box<str>,
    /// Of an `input_required` answer.
    pub input_required: Box<str>,
    /// Of a `CreateTaskResult`.
    pub task: Box<str>,
}

impl ModernMembers {
    /// `per_caller`: a visibility rule decides what each caller sees, so no list or read may
    /// be kept for another caller (`cacheScope: "private"`, whatever the settings say).
    fn new(
        name: &str,
        version: &str,
        title: Option<&str>,
        settings: &Settings,
        per_caller: bool,
    ) -> Self {
        let server_info = crate::protocol::wire::Implementation {
            name,
            version,
            title,
        };
        let server_info =
            serde_json::to_string(&server_info).expect("serverInfo always serializes");
        let meta = format!(
            "\"_meta\":{{\"{}\":{server_info}}}",
            crate::protocol::meta::SERVER_INFO
        );
        let result = format!("\"resultType\":\"complete\",{meta}");
        let scoped = |hints: CacheHints| match per_caller {
            true => CacheHints::private(hints.ttl()),
            false => hints,
        };
        ModernMembers {
            input_required: format!("\"resultType\":\"input_required\",{meta}").into(),
            task: format!("\"resultType\":\"task\",{meta}").into(),
            list: format!("{result},{}", scoped(settings.list_caching).json_members()).into(),
            read: format!("{result},{}", scoped(settings.read_caching).json_members()).into(),
            result: result.into(),
        }
    }
}

const UPDATED: &str = "notifications/resources/updated";

/// The settings of the protocol core, as [`ServerBuilder`] set them.
#[derive(Debug, Clone)]
struct Settings {
    page_size: Option<usize>,
    client_request_timeout: Duration,
    max_requests_per_session: usize,
    tool_timeout: Option<Duration>,
    max_sessions: usize,
    list_caching: CacheHints,
    read_caching: CacheHints,
    state_key: StateKey,
    request_state_ttl: Duration,
    eras: crate::protocol::Eras,
    tasks: crate::tasks::TaskSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            page_size: None,
            client_request_timeout: Duration::from_secs(60),
            max_requests_per_session: 64,
            tool_timeout: Some(Duration::from_secs(300)),
            max_sessions: 10_000,
            list_caching: CacheHints::public(Duration::ZERO),
            read_caching: CacheHints::private(Duration::ZERO),
            // Every replica of a deployment must share the key: `MCP_STATE_KEY` gives it
            // without code.
            state_key: std::env::var("MCP_STATE_KEY")
                .ok()
                .filter(|secret| !secret.is_empty())
                .map_or_else(StateKey::random, StateKey::new),
            request_state_ttl: crate::input::state::DEFAULT_STATE_TTL,
            eras: crate::protocol::Eras::Both,
            tasks: crate::tasks::TaskSettings::default(),
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.inner.name)
            .field("version", &self.inner.version)
            .field("tools", &self.tools())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts configuring a server. Without further calls it serves every `#[tool]`,
    /// `#[resource]` and `#[prompt]`.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The process-wide default server: every `#[tool]`, `#[resource]` and `#[prompt]` in the
    /// program, named after the executable. Built on first use.
    ///
    /// # Panics
    ///
    /// When two tools (or two prompts) share a name, or two resources a URI, with both
    /// locations in the message: that is a start-up error, not something to serve around.
    pub fn global() -> &'static Server {
        static GLOBAL: OnceLock<Server> = OnceLock::new();
        GLOBAL.get_or_init(|| match Server::builder().build() {
            Ok(server) => server,
            Err(err) => panic!("cannot start the MCP server: {err}"),
        })
    }

    /// The server's name, as sent in `serverInfo`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The server's version, as sent in `serverInfo`.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The human-readable title sent in `serverInfo`, if any.
    pub fn title(&self) -> Option<&str> {
        self.inner.title.as_deref()
    }

    /// The instructions for the model, sent in the `initialize` result, if any.
    pub fn instructions(&self) -> Option<&str> {
        self.inner.instructions.as_deref()
    }

    /// The shared value of type `T` given to [`ServerBuilder::state`].
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.inner.state.get::<T>()
    }

    /// Sends a notification to every session a handshake opened (MCP up to 2025-11-25), on
    /// every transport; a list change (`notifications/tools/list_changed` and those of
    /// prompts and resources) also reaches the `subscriptions/listen` streams that asked for
    /// it. Returns how many sessions and streams it reached.
    pub fn notify_all(&self, method: &str, params: Value) -> usize {
        let notice = self.publish(method, &params);
        self.deliver(method, &params, notice.as_deref())
    }

    /// Tells the other replicas (if any) of a notification for every session: the notice's id.
    fn publish(&self, _method: &str, _params: &Value) -> Option<String> {
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.inner.redis {
            return Some(redis.publish(_method, _params));
        }
        None
    }

    /// Tells the clients subscribed to `uri` that the resource changed
    /// (`notifications/resources/updated`), so they can read it again: sessions that sent
    /// `resources/subscribe`, and `subscriptions/listen` streams that name it. Returns how many
    /// were told (here: with [`ServerBuilder::redis`], the other replicas tell their own).
    /// Call it whenever your code changes what a resource returns.
    pub fn notify_resource_updated(&self, uri: &str) -> usize {
        let notice = self.publish(UPDATED, &serde_json::json!({ "uri": uri }));
        self.updated_upward(uri);
        self.resource_updated(uri, notice.as_deref())
    }

    /// Delivers a notification to this process's own clients: what [`notify_all`] does here,
    /// and what a notice of another replica does.
    ///
    /// [`notify_all`]: Self::notify_all
    ///
    /// `notice` is the id of the replicas' notice for it, which sessions shared by replicas
    /// record so that it reaches each of them once.
    fn deliver(&self, method: &str, params: &Value, notice: Option<&str>) -> usize {
        if method == UPDATED {
            if let Some(uri) = params.get("uri").and_then(Value::as_str) {
                return self.resource_updated(uri, notice);
            }
        }
        let change = match method {
            "notifications/tools/list_changed" => Some(Change::Tools),
            "notifications/prompts/list_changed" => Some(Change::Prompts),
            "notifications/resources/list_changed" => Some(Change::Resources),
            _ => None,
        };
        let listeners = change.map_or(0, |change| self.inner.listeners.announce(change));
        self.broadcast(method, params, notice, |_| true) + listeners
    }

    fn resource_updated(&self, uri: &str, notice: Option<&str>) -> usize {
        let params = ResourceUpdated { uri };
        let sessions = self.broadcast(UPDATED, &params, notice, |session| {
            session.is_subscribed(uri)
        });
        sessions + self.inner.listeners.announce(Change::Updated(uri))
    }

    /// Every open `subscriptions/listen` stream.
    pub(crate) fn listeners(&self) -> &Arc<Listeners> {
        &self.inner.listeners
    }

    /// Sends a notification to the sessions `to` picks of those a handshake opened; returns
    /// how many it reached. (A connection that has not initialized, a stdio process serving
    /// modern requests, hears of changes on its listen streams only.)
    fn broadcast<P: Serialize + ?Sized>(
        &self,
        method: &str,
        params: &P,
        notice: Option<&str>,
        to: impl Fn(&Session) -> bool,
    ) -> usize {
        let Ok(message) = outgoing_json(None, method, params) else {
            tracing::warn!(%method, "a notification did not serialize and was not sent");
            return 0;
        };
        self.inner
            .sessions
            .sessions()
            .iter()
            .filter(|session| session.negotiated().is_some() && to(session))
            .filter(|session| session.send_notice(message.clone(), notice))
            .count()
    }

    /// Every open session, on every transport.
    pub(crate) fn sessions(&self) -> &Arc<SessionRegistry> {
        &self.inner.sessions
    }

    /// The middleware, outermost first.
    pub(crate) fn middleware(&self) -> &[Arc<dyn crate::middleware::Middleware>] {
        &self.inner.hooks.middleware
    }

    /// The skills served, if any.
    pub(crate) fn skill_catalog(&self) -> Option<&crate::skills::Catalog> {
        self.inner.skills.as_deref()
    }

    /// Whether a visibility rule decides what each caller sees.
    pub(crate) fn has_visibility(&self) -> bool {
        self.inner.hooks.visibility.is_some()
    }

    /// Whether `identity` may see and use `item`.
    pub(crate) fn is_visible(
        &self,
        item: crate::middleware::Item<'_>,
        identity: Option<&crate::auth::Identity>,
    ) -> bool {
        self.inner
            .hooks
            .visibility
            .as_ref()
            .is_none_or(|rule| rule(item, identity))
    }

    /// The caching hints of the listings.
    pub(crate) fn list_caching(&self) -> CacheHints {
        self.inner.settings.list_caching
    }

    pub(crate) fn page_size(&self) -> Option<usize> {
        self.inner.settings.page_size
    }

    pub(crate) fn client_request_timeout(&self) -> Duration {
        self.inner.settings.client_request_timeout
    }

    pub(crate) fn max_requests_per_session(&self) -> usize {
        self.inner.settings.max_requests_per_session
    }

    /// The eras this server serves.
    pub fn eras(&self) -> crate::protocol::Eras {
        self.inner.settings.eras
    }

    pub(crate) fn state_key(&self) -> &StateKey {
        &self.inner.settings.state_key
    }

    pub(crate) fn request_state_ttl(&self) -> Duration {
        self.inner.settings.request_state_ttl
    }

    pub(crate) fn modern_members(&self) -> &ModernMembers {
        &self.inner.modern_members
    }

    /// Hears the notices of the other replicas sharing `redis`, for as long as it lives.
    #[cfg(feature = "redis")]
    fn hear_replicas(&self, redis: &crate::shared::Redis) {
        let weak = Arc::downgrade(&self.inner);
        redis.add_sink(Arc::new(
            move |method: &str, params: &Value, notice: &str| {
                // `$...`: what replicas hand each other about shared sessions, no notification.
                if method.starts_with('$') {
                    return;
                }
                if let Some(inner) = weak.upgrade() {
                    let notice = (!notice.is_empty()).then_some(notice);
                    Server { inner }.deliver(method, params, notice);
                }
            },
        ));
        #[cfg(feature = "http")]
        {
            let weak = Arc::downgrade(&self.inner);
            redis.set_forward_sink(Arc::new(move |session, identity, body| {
                let weak = weak.clone();
                Box::pin(async move {
                    match weak.upgrade() {
                        Some(inner) => {
                            let server = Server { inner };
                            crate::transport::sse::deliver_forwarded(
                                &server, &session, identity, body,
                            )
                            .await
                        }
                        None => crate::shared::Forwarded::Unknown,
                    }
                })
            }));
        }
    }

    /// Its stateful Streamable HTTP sessions, when they are shared with other replicas.
    #[cfg(all(feature = "redis", feature = "http"))]
    pub(crate) fn shared_sessions(&self) -> Option<&Arc<crate::shared::SharedSessions>> {
        self.inner.shared_sessions.as_ref()
    }

    /// The Redis this server shares with its replicas, if it does.
    #[cfg(feature = "redis")]
    pub(crate) fn redis(&self) -> Option<&crate::shared::Redis> {
        self.inner.redis.as_ref()
    }

    pub(crate) fn tasks(&self) -> &Arc<crate::tasks::Tasks> {
        &self.inner.tasks
    }

    /// How many tasks (tool calls that outlive their request) this process runs now.
    pub fn running_tasks(&self) -> usize {
        self.inner.tasks.running()
    }

    /// How many tasks the task store keeps now, running or ended (each until its time to
    /// live has passed), for monitoring and tests.
    ///
    /// # Errors
    ///
    /// When the store cannot be reached.
    pub async fn kept_tasks(&self) -> Result<usize, crate::tasks::TaskStoreError> {
        self.inner.tasks.store().len().await
    }

    pub(crate) fn tool_timeout(&self) -> Option<Duration> {
        self.inner.settings.tool_timeout
    }

    /// The tools served now.
    pub(crate) fn tool_set(&self) -> Arc<Tools> {
        self.inner.tools.load()
    }

    /// The resources served now.
    pub(crate) fn resource_set(&self) -> Arc<Resources> {
        self.inner.resources.load()
    }

    /// The prompts served now.
    pub(crate) fn prompt_set(&self) -> Arc<Prompts> {
        self.inner.prompts.load()
    }

    /// The enabled tool with this name.
    pub fn tool(&self, name: &str) -> Option<Arc<Tool>> {
        self.tool_set().get(name).cloned()
    }

    /// The tools served now (enabled ones), sorted by name.
    pub fn tools(&self) -> Vec<Arc<Tool>> {
        self.tool_set().enabled().to_vec()
    }
}
