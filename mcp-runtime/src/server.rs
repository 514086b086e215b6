//! The server object: identity, the tools, resources and prompts it serves, and its settings.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::catalog::Live;
use crate::context::StateMap;
use crate::prompt::Prompts;
use crate::resource::Resources;
use crate::tool::{SourceLocation, Tool, ToolDefinition, Tools};
use crate::transport::http::HostPolicy;
use crate::transport::registry::SessionRegistry;
use crate::transport::sse::SseSessions;
use crate::transport::streamable_http::HttpSessions;

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
///
/// // Inside `HttpServer::new(move || App::new().service(server.sse_app()))`.
/// let _service = server.sse_app();
/// ```
#[derive(Clone)]
pub struct Server {
    pub(crate) inner: Arc<ServerInner>,
}

pub(crate) struct ServerInner {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) version: String,
    pub(crate) instructions: Option<String>,
    /// Sorted by name, so listings are stable whatever order the linker chose; may change at
    /// run time.
    pub(crate) tools: Live<Tools>,
    pub(crate) resources: Live<Resources>,
    pub(crate) prompts: Live<Prompts>,
    pub(crate) page_size: Option<usize>,
    pub(crate) sse_keep_alive: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) outbound_capacity: usize,
    pub(crate) host_policy: HostPolicy,
    pub(crate) session_idle_timeout: Duration,
    pub(crate) stream_history: usize,
    pub(crate) sse_retry: Duration,
    pub(crate) client_request_timeout: Duration,
    pub(crate) max_requests_per_session: usize,
    pub(crate) tool_timeout: Option<Duration>,
    pub(crate) max_sessions: usize,
    pub(crate) state: StateMap,
    /// Requests being handled, over every session and transport.
    pub(crate) requests_in_flight: AtomicUsize,
    pub(crate) shutting_down: AtomicBool,
    /// Live sessions, shared by every actix worker that mounted this server.
    pub(crate) sse_sessions: SseSessions,
    pub(crate) http_sessions: HttpSessions,
    /// Sessions of stdio and in-process clients.
    pub(crate) standalone_sessions: SessionRegistry,
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

    /// The tools served now (enabled ones), sorted by name.
    pub fn tools(&self) -> Vec<Arc<Tool>> {
        self.inner.tools.load().enabled().to_vec()
    }

    /// Every open session, on every transport. Collected first and used after, so no session
    /// table stays locked while a message is being sent.
    pub(crate) fn sessions(&self) -> Vec<crate::Session> {
        let mut sessions = self.inner.sse_sessions.sessions();
        sessions.extend(
            self.inner
                .http_sessions
                .lock()
                .values()
                .map(|http| http.session.clone()),
        );
        sessions.extend(self.inner.standalone_sessions.sessions());
        sessions
    }

    /// Sends a notification to every connected session, on every transport; returns how many
    /// sessions it reached.
    pub fn notify_all(&self, method: &str, params: serde_json::Value) -> usize {
        self.sessions()
            .iter()
            .filter(|session| session.notify(method, params.clone()))
            .count()
    }

    /// Tells the sessions subscribed to `uri` (`resources/subscribe`) that the resource changed
    /// (`notifications/resources/updated`), so they can read it again; returns how many were
    /// told. Call it whenever your code changes what a resource returns.
    pub fn notify_resource_updated(&self, uri: &str) -> usize {
        let params = serde_json::json!({ "uri": uri });
        self.sessions()
            .iter()
            .filter(|session| session.is_subscribed(uri))
            .filter(|session| session.notify("notifications/resources/updated", params.clone()))
            .count()
    }

    /// The shared value of type `T` given to [`ServerBuilder::state`].
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.inner.state.get::<T>()
    }

    /// The enabled tool with this name.
    pub fn tool(&self, name: &str) -> Option<Arc<Tool>> {
        self.inner.tools.load().get(name).cloned()
    }
}

/// Configures a [`Server`]; see [`Server::builder`].
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    name: Option<String>,
    title: Option<String>,
    version: Option<String>,
    instructions: Option<String>,
    tools: Option<Vec<String>>,
    extra_tools: Vec<Tool>,
    resources: Option<Vec<String>>,
    prompts: Option<Vec<String>>,
    page_size: Option<usize>,
    sse_keep_alive: Duration,
    max_body_bytes: usize,
    outbound_capacity: usize,
    host_policy: HostPolicy,
    session_idle_timeout: Duration,
    stream_history: usize,
    sse_retry: Duration,
    client_request_timeout: Duration,
    max_requests_per_session: usize,
    tool_timeout: Option<Duration>,
    max_sessions: usize,
    state: StateMap,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            name: None,
            title: None,
            version: None,
            instructions: None,
            tools: None,
            extra_tools: Vec::new(),
            resources: None,
            prompts: None,
            page_size: None,
            sse_keep_alive: Duration::from_secs(15),
            max_body_bytes: 4 * 1024 * 1024,
            outbound_capacity: 64,
            host_policy: HostPolicy::default(),
            session_idle_timeout: Duration::from_secs(30 * 60),
            stream_history: 256,
            sse_retry: Duration::from_secs(1),
            client_request_timeout: Duration::from_secs(60),
            max_requests_per_session: 64,
            tool_timeout: Some(Duration::from_secs(300)),
            max_sessions: 10_000,
            state: StateMap::default(),
        }
    }
}

impl ServerBuilder {
    /// The name sent in `serverInfo`. Default: the executable's file name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A human-readable title sent in `serverInfo`.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The version sent in `serverInfo`. Default: this runtime's version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Instructions for the model, sent in the `initialize` result.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Serves only these `#[tool]`s (by tool name) instead of all of them.
    pub fn tools<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tools = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Serves only these `#[resource]`s (by URI, or URI template as written) instead of all of
    /// them.
    pub fn resources<I, S>(mut self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.resources = Some(uris.into_iter().map(Into::into).collect());
        self
    }

    /// Serves only these `#[prompt]`s (by prompt name) instead of all of them.
    pub fn prompts<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.prompts = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Also serves a tool made with [`Tool::builder`](crate::Tool::builder). A name already
    /// taken (by a `#[tool]` or another added tool) is a [`BuildError::DuplicateTool`].
    pub fn tool(mut self, tool: Tool) -> Self {
        self.extra_tools.push(tool);
        self
    }

    /// Splits `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`
    /// into pages of this many entries, linked by `nextCursor`.
    /// Default: one page, because several clients never ask for a second one.
    pub fn page_size(mut self, tools_per_page: usize) -> Self {
        self.page_size = Some(tools_per_page);
        self
    }

    /// How often an idle SSE stream gets a keep-alive comment. Default: 15 seconds.
    pub fn sse_keep_alive(mut self, interval: Duration) -> Self {
        self.sse_keep_alive = interval;
        self
    }

    /// The largest request body accepted; larger ones get `413`. Default: 4 MiB.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Also accepts requests whose `Host` is one of these (`name` for any port, or
    /// `name:port`). DNS-rebinding protection is on by default when the server listens on a
    /// loopback address, and then only loopback names are accepted; naming hosts here turns it
    /// on whatever the address.
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.host_policy
            .allowed_hosts
            .extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Also accepts browser requests from these origins (for example
    /// `https://app.example.com`); see [`allowed_hosts`](Self::allowed_hosts).
    pub fn allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.host_policy
            .allowed_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Forces the `Host`/`Origin` checks on or off, instead of on-when-on-loopback.
    pub fn dns_rebinding_protection(mut self, enabled: bool) -> Self {
        self.host_policy.enforce = Some(enabled);
        self
    }

    /// How long a Streamable HTTP session may stay without requests (and without an open
    /// stream) before it expires; its client then gets `404` and initializes again.
    /// Default: 30 minutes.
    pub fn session_idle_timeout(mut self, timeout: Duration) -> Self {
        self.session_idle_timeout = timeout;
        self
    }

    /// How many recent server-initiated messages a Streamable HTTP session keeps for clients
    /// that resume their stream with `Last-Event-ID`. Default: 256.
    pub fn stream_history(mut self, messages: usize) -> Self {
        self.stream_history = messages.max(1);
        self
    }

    /// How long a tool waits for the client to answer a request sent through
    /// [`Context`](crate::Context) (sampling, elicitation, roots) before giving up with
    /// [`ClientRequestError::Timeout`](crate::ClientRequestError::Timeout). Default: 60 seconds.
    pub fn client_request_timeout(mut self, timeout: Duration) -> Self {
        self.client_request_timeout = timeout;
        self
    }

    /// How many requests one session may have running at once; more are refused with a
    /// JSON-RPC error until some finish. Default: 64.
    pub fn max_requests_per_session(mut self, limit: usize) -> Self {
        self.max_requests_per_session = limit.max(1);
        self
    }

    /// How many messages may wait, per session, for a client that reads its stream slowly.
    /// When an HTTP+SSE client stops reading and its queue fills, its session is closed (and
    /// logged) rather than letting the server hold ever more for it; a Streamable HTTP GET
    /// stream is closed and the client resumes it with `Last-Event-ID`. Default: 64.
    pub fn outbound_queue(mut self, messages: usize) -> Self {
        self.outbound_capacity = messages.max(1);
        self
    }

    /// How many sessions may be open at once over the HTTP transports; a client asking for
    /// one more gets `503` with `Retry-After`. Default: 10,000.
    pub fn max_sessions(mut self, limit: usize) -> Self {
        self.max_sessions = limit;
        self
    }

    /// How long a tool call may run before it is stopped and answered with an error result;
    /// `None` lets calls run forever. Default: 5 minutes. An async tool is dropped at its next
    /// `.await`; a synchronous one cannot be interrupted, so its thread runs on, but its result
    /// is discarded.
    pub fn tool_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.tool_timeout = timeout;
        self
    }

    /// Shares a value with every tool, reachable as `ctx.state::<T>()` (one value per type).
    ///
    /// ```
    /// struct Database { url: String }
    ///
    /// let server = mcp_runtime::Server::builder()
    ///     .state(Database { url: "postgres://localhost/app".into() })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(server.state::<Database>().unwrap().url, "postgres://localhost/app");
    /// ```
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Builds the server, computing every tool's schemas now rather than per request.
    pub fn build(self) -> Result<Server, BuildError> {
        if self.page_size == Some(0) {
            return Err(BuildError::ZeroPageSize);
        }
        let definitions = registered_tools()?;
        let mut chosen: Vec<&'static ToolDefinition> = match &self.tools {
            None => definitions.values().copied().collect(),
            Some(names) => {
                let mut chosen = Vec::with_capacity(names.len());
                for name in names {
                    match definitions.get(name.as_str()) {
                        Some(definition) => chosen.push(*definition),
                        None => {
                            let mut available: Vec<&str> = definitions.keys().copied().collect();
                            available.sort_unstable();
                            return Err(BuildError::UnknownTool {
                                name: name.clone(),
                                available: available.join(", "),
                            });
                        }
                    }
                }
                chosen
            }
        };
        chosen.sort_by_key(|definition| definition.name);
        chosen.dedup_by_key(|definition| definition.name);
        let mut tools: Vec<Tool> = chosen.into_iter().map(Tool::from_definition).collect();
        for extra in self.extra_tools {
            if let Some(existing) = tools.iter().find(|tool| tool.name() == extra.name()) {
                let (first, second) = ordered(existing.location(), extra.location());
                return Err(BuildError::DuplicateTool {
                    name: extra.name().to_owned(),
                    first,
                    second,
                });
            }
            tools.push(extra);
        }
        let tools = Live::new(Tools::new(tools));
        let resources = Live::new(Resources::build(self.resources.as_deref())?);
        let prompts = Live::new(Prompts::build(self.prompts.as_deref())?);
        Ok(Server {
            inner: Arc::new(ServerInner {
                name: self.name.unwrap_or_else(default_name),
                title: self.title,
                version: self
                    .version
                    .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned()),
                instructions: self.instructions,
                tools,
                resources,
                prompts,
                page_size: self.page_size,
                sse_keep_alive: self.sse_keep_alive,
                max_body_bytes: self.max_body_bytes,
                outbound_capacity: self.outbound_capacity,
                host_policy: self.host_policy,
                session_idle_timeout: self.session_idle_timeout,
                stream_history: self.stream_history,
                sse_retry: self.sse_retry,
                client_request_timeout: self.client_request_timeout,
                max_requests_per_session: self.max_requests_per_session,
                tool_timeout: self.tool_timeout,
                max_sessions: self.max_sessions,
                state: self.state,
                requests_in_flight: AtomicUsize::new(0),
                shutting_down: AtomicBool::new(false),
                sse_sessions: SseSessions::default(),
                http_sessions: HttpSessions::default(),
                standalone_sessions: SessionRegistry::default(),
            }),
        })
    }
}

/// Every `#[tool]` linked into the program, by name; two with one name is an error.
fn registered_tools() -> Result<HashMap<&'static str, &'static ToolDefinition>, BuildError> {
    let mut by_name: HashMap<&'static str, &'static ToolDefinition> = HashMap::new();
    for definition in inventory::iter::<ToolDefinition> {
        if let Some(first) = by_name.insert(definition.name, definition) {
            let (first, second) = ordered(first.location, definition.location);
            return Err(BuildError::DuplicateTool {
                name: definition.name.to_owned(),
                first,
                second,
            });
        }
    }
    Ok(by_name)
}

/// Two locations in a stable order, so the report does not depend on link order.
pub(crate) fn ordered(a: SourceLocation, b: SourceLocation) -> (SourceLocation, SourceLocation) {
    if (a.file, a.line, a.column) <= (b.file, b.line, b.column) {
        (a, b)
    } else {
        (b, a)
    }
}

fn default_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "mcp-server".to_owned())
}

/// Why a [`Server`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// Two `#[tool]` functions declare the same tool name.
    DuplicateTool {
        /// The shared name.
        name: String,
        /// One declaration.
        first: SourceLocation,
        /// The other declaration.
        second: SourceLocation,
    },
    /// [`Tool::builder`](crate::Tool::builder) was given something that cannot be a tool.
    InvalidTool {
        /// The tool's name.
        name: String,
        /// What is wrong and how to fix it.
        reason: String,
        /// Where the builder was called.
        location: SourceLocation,
    },
    /// [`ServerBuilder::tools`] named a tool that no `#[tool]` declares.
    UnknownTool {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        available: String,
    },
    /// [`ServerBuilder::page_size`] was 0.
    ZeroPageSize,
    /// Two `#[resource]` functions declare the same URI (or URI template).
    DuplicateResource {
        /// The shared URI.
        uri: String,
        /// One declaration.
        first: SourceLocation,
        /// The other declaration.
        second: SourceLocation,
    },
    /// Two `#[resource]` templates differ only in their variable names, so they match the
    /// same URIs.
    OverlappingResourceTemplates {
        /// The template declared first (by location).
        first_template: String,
        /// Its declaration.
        first: SourceLocation,
        /// The other template.
        second_template: String,
        /// Its declaration.
        second: SourceLocation,
    },
    /// A `#[resource]` URI template does not parse (the macro checks templates, so this only
    /// happens to definitions built by hand).
    InvalidUriTemplate {
        /// What is wrong.
        message: String,
        /// The declaration.
        location: SourceLocation,
    },
    /// [`ServerBuilder::resources`] named a URI that no `#[resource]` declares.
    UnknownResource {
        /// The URI asked for.
        uri: String,
        /// The URIs and templates that exist, comma-separated.
        available: String,
    },
    /// Two `#[prompt]` functions declare the same prompt name.
    DuplicatePrompt {
        /// The shared name.
        name: String,
        /// One declaration.
        first: SourceLocation,
        /// The other declaration.
        second: SourceLocation,
    },
    /// [`ServerBuilder::prompts`] named a prompt that no `#[prompt]` declares.
    UnknownPrompt {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        available: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::DuplicateTool {
                name,
                first,
                second,
            } => write!(
                f,
                "two tools are named `{name}`: one at {first}, one at {second}; \
                 rename one with #[tool(name = \"...\")]"
            ),
            BuildError::InvalidTool {
                name,
                reason,
                location,
            } => {
                write!(
                    f,
                    "the tool `{name}` built at {location} is invalid: {reason}"
                )
            }
            BuildError::UnknownTool { name, available } => write!(
                f,
                "no #[tool] is named `{name}` (available: {available}); check the spelling, \
                 and that the crate declaring it is linked into this program"
            ),
            BuildError::ZeroPageSize => f.write_str("page_size must be at least 1"),
            BuildError::DuplicateResource { uri, first, second } => write!(
                f,
                "two resources have the URI `{uri}`: one at {first}, one at {second}; \
                 change one of the #[resource(\"...\")] URIs"
            ),
            BuildError::OverlappingResourceTemplates {
                first_template,
                first,
                second_template,
                second,
            } => write!(
                f,
                "the resource templates `{first_template}` (at {first}) and \
                 `{second_template}` (at {second}) match the same URIs; change one of them"
            ),
            BuildError::InvalidUriTemplate { message, location } => {
                write!(f, "{message} (the #[resource] at {location})")
            }
            BuildError::UnknownResource { uri, available } => write!(
                f,
                "no #[resource] has the URI `{uri}` (available: {available}); check the \
                 spelling, and that the crate declaring it is linked into this program"
            ),
            BuildError::DuplicatePrompt {
                name,
                first,
                second,
            } => write!(
                f,
                "two prompts are named `{name}`: one at {first}, one at {second}; \
                 rename one with #[prompt(name = \"...\")]"
            ),
            BuildError::UnknownPrompt { name, available } => write!(
                f,
                "no #[prompt] is named `{name}` (available: {available}); check the \
                 spelling, and that the crate declaring it is linked into this program"
            ),
        }
    }
}

impl std::error::Error for BuildError {}
