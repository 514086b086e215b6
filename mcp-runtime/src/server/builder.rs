//! [`ServerBuilder`]: what a server serves and the limits of its protocol core. Transport
//! settings (keep-alives, body sizes, allowed hosts) belong to the transports.

use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

use super::{ModernMembers, Server, ServerInner, Settings, StateMap};
use crate::caching::CacheHints;
use crate::catalog::{choose, declared, Live};
use crate::error::{BuildError, SourceLocation};
use crate::input::StateKey;
use crate::prompt::{Prompt, PromptDefinition, Prompts};
use crate::resource::{ResourceDefinition, Resources};
use crate::session::SessionRegistry;
use crate::tasks::{MemoryTaskStore, TaskLimits, TaskStore, Tasks};
use crate::tool::{Tool, ToolDefinition, Tools};

/// Configures a [`Server`]; see [`Server::builder`].
#[derive(Debug, Clone, Default)]
pub struct ServerBuilder {
    name: Option<String>,
    title: Option<String>,
    version: Option<String>,
    instructions: Option<String>,
    tools: Option<Vec<String>>,
    extra_tools: Vec<Tool>,
    resources: Option<Vec<String>>,
    prompts: Option<Vec<String>>,
    settings: Settings,
    state: StateMap,
    task_store: Option<StoreHandle>,
    #[cfg(feature = "redis")]
    redis: Option<crate::shared::Redis>,
    hooks: super::Hooks,
    skills: Option<SkillsSource>,
}

/// Where the skills come from: read when the server is built, or given ready.
#[derive(Debug, Clone)]
enum SkillsSource {
    Dir(std::path::PathBuf),
    Loaded(crate::skills::Skills),
}

/// The task store given to [`ServerBuilder::task_store`].
#[derive(Clone)]
struct StoreHandle(Arc<dyn TaskStore>);

impl std::fmt::Debug for StoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TaskStore")
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

    /// Serves the Agent Skills under `root` (the skills extension; see
    /// [`skills`](crate::skills)): every directory holding a `SKILL.md` is a skill. They are
    /// read, checked and digested when the server is built; an invalid one is an
    /// [`InvalidSkills`](crate::BuildErrorKind::InvalidSkills) error naming the file.
    pub fn skills_dir(mut self, root: impl Into<std::path::PathBuf>) -> Self {
        self.skills = Some(SkillsSource::Dir(root.into()));
        self
    }

    /// Serves skills loaded already: [`Skills::from_files`](crate::skills::Skills::from_files),
    /// or compiled into the binary with [`embed_skills!`](crate::embed_skills).
    pub fn skills(mut self, skills: crate::skills::Skills) -> Self {
        self.skills = Some(SkillsSource::Loaded(skills));
        self
    }

    /// Also serves a tool made with [`Tool::builder`](crate::Tool::builder). A name already
    /// taken (by a `#[tool]` or another added tool) is a
    /// [`DuplicateTool`](crate::BuildErrorKind::DuplicateTool) error.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.extra_tools.push(tool);
        self
    }

    /// Splits `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`
    /// into pages of this many entries, linked by `nextCursor`.
    /// Default: one page, because several clients never ask for a second one.
    pub fn page_size(mut self, entries_per_page: usize) -> Self {
        self.settings.page_size = Some(entries_per_page);
        self
    }

    /// How long a tool waits for the client to answer a request sent through
    /// [`Context`](crate::Context) (sampling, elicitation, roots) before giving up with
    /// [`ClientRequestError::Timeout`](crate::context::ClientRequestError::Timeout).
    /// Default: 60 seconds.
    pub fn client_request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.client_request_timeout = timeout;
        self
    }

    /// How many requests one session may have running at once; more are refused with a
    /// JSON-RPC error until some finish. Default: 64.
    pub fn max_requests_per_session(mut self, limit: usize) -> Self {
        self.settings.max_requests_per_session = limit.max(1);
        self
    }

    /// How many sessions may be open at once over the network transports (HTTP+SSE and
    /// Streamable HTTP); a client asking for one more is refused (`503` with `Retry-After`).
    /// Default: 10,000.
    pub fn max_sessions(mut self, limit: usize) -> Self {
        self.settings.max_sessions = limit;
        self
    }

    /// The caching hints (`ttlMs`, `cacheScope`) of `server/discover` and the four lists, for
    /// clients of MCP 2026-07-28. Default: public, `ttlMs: 0` (the sets may change while the
    /// server runs). See [`CacheHints`].
    pub fn list_caching(mut self, hints: CacheHints) -> Self {
        self.settings.list_caching = hints;
        self
    }

    /// The caching hints of `resources/read`, for clients of MCP 2026-07-28. Default: private,
    /// `ttlMs: 0`. See [`CacheHints`].
    pub fn read_caching(mut self, hints: CacheHints) -> Self {
        self.settings.read_caching = hints;
        self
    }

    /// The protocol eras to serve. Default: [`Eras::Both`](crate::protocol::Eras::Both), on
    /// every transport (HTTP+SSE is of the handshake era alone).
    pub fn eras(mut self, eras: crate::protocol::Eras) -> Self {
        self.settings.eras = eras;
        self
    }

    /// The key that signs the `requestState` of multi-round-trip requests (MCP 2026-07-28),
    /// which the client carries between rounds. Every replica serving one endpoint must share
    /// it, since a retry may reach any of them. Default: from the `MCP_STATE_KEY` environment
    /// variable when set, else random per process (states then end with it).
    pub fn state_key(mut self, key: StateKey) -> Self {
        self.settings.state_key = key;
        self
    }

    /// How long a `requestState` stays good: a retry after that starts over. Default: 10
    /// minutes.
    pub fn request_state_ttl(mut self, ttl: Duration) -> Self {
        self.settings.request_state_ttl = ttl;
        self
    }

    /// How long a tool call may run before it is stopped and answered with an error result;
    /// `None` lets calls run forever. Default: 5 minutes. An async tool is dropped at its next
    /// `.await`; a synchronous one cannot be interrupted, so its thread runs on, but its result
    /// is discarded. A call that became a task (see [`tasks`](crate::tasks)) is bound by its
    /// time to live ([`task_ttl`](Self::task_ttl)) instead.
    pub fn tool_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.tool_timeout = timeout;
        self
    }

    /// How long a task (a tool call that outlives its request: see [`tasks`](crate::tasks))
    /// is kept after it was created, its result with it; a task still running then is
    /// stopped and fails. Clients see it as `ttlMs`. Default: 1 hour.
    pub fn task_ttl(mut self, ttl: Duration) -> Self {
        self.settings.tasks.ttl = ttl;
        self
    }

    /// How often clients are asked to poll a task (`pollIntervalMs`). Default: 1 second.
    pub fn task_poll_interval(mut self, interval: Duration) -> Self {
        self.settings.tasks.poll_interval = interval;
        self
    }

    /// How many tasks may run, and be kept, at once, overall and per identity; a call
    /// beyond them gets an error saying which limit it met. Default: [`TaskLimits::default`]
    /// (1,024 running, 64 per identity; 10,000 kept, 1,000 per identity).
    pub fn task_limits(mut self, limits: TaskLimits) -> Self {
        self.settings.tasks.limits = limits;
        self
    }

    /// Where tasks live. Default: a [`MemoryTaskStore`] of this server's own; a store shared
    /// by several replicas lets any of them serve any task.
    pub fn task_store(mut self, store: impl TaskStore) -> Self {
        self.task_store = Some(StoreHandle(Arc::new(store)));
        self
    }

    /// Shares state with the other replicas of a deployment through `redis` (feature
    /// `redis`; see [`shared`](crate::shared)): tasks live in it, notifications raised on any
    /// replica reach every replica's clients, HTTP+SSE and stateful Streamable HTTP sessions
    /// are served whichever replica a request lands on, and `requestState` is signed with the
    /// deployment's key (call [`state_key`](Self::state_key) after this to choose another).
    /// Give each server of a process a `Redis` of its own: one connection serves one server's
    /// sessions.
    #[cfg(feature = "redis")]
    pub fn redis(mut self, redis: &crate::shared::Redis) -> Self {
        self.task_store = Some(StoreHandle(Arc::new(redis.task_store())));
        self.redis = Some(redis.clone());
        // One `requestState` key for the deployment, unless `MCP_STATE_KEY` names one.
        if std::env::var("MCP_STATE_KEY").map_or(true, |secret| secret.is_empty()) {
            self.settings.state_key = StateKey::new(&redis.inner.state_secret);
        }
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

    /// Runs `middleware` around every catalogue request and notification, on every transport
    /// and in both eras (see [`middleware`](crate::middleware)); middleware added first runs
    /// outermost.
    pub fn middleware(mut self, middleware: impl crate::middleware::Middleware) -> Self {
        self.hooks.middleware.push(Arc::new(middleware));
        self
    }

    /// Decides, per request, which tools, resources, resource templates and prompts a caller
    /// may see and use: `rule(item, identity)` returning `false` leaves the item out of that
    /// caller's listings, and using it (a call, a read, a `prompts/get`, a completion) is
    /// refused exactly as using an unknown one is (see [`middleware::Item`](crate::middleware::Item)).
    /// Items carry tags for such rules (`#[tool(tags = ["admin"])]`, also on `#[resource]`
    /// and `#[prompt]`; [`ToolBuilder::tags`](crate::ToolBuilder::tags)).
    ///
    /// ```
    /// use mcp_runtime::Server;
    ///
    /// let server = Server::builder()
    ///     .visibility(|item, who| {
    ///         !item.has_tag("admin") || who.is_some_and(|who| who.has_scope("admin"))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn visibility<F>(mut self, rule: F) -> Self
    where
        F: Fn(crate::middleware::Item<'_>, Option<&crate::auth::Identity>) -> bool
            + Send
            + Sync
            + 'static,
    {
        self.hooks.visibility = Some(Arc::new(rule));
        self
    }

    /// Builds the server, computing every tool's schemas now rather than per request.
    pub fn build(self) -> Result<Server, BuildError> {
        if self.settings.page_size == Some(0) {
            return Err(BuildError::zero_page_size());
        }
        let declared_tools = declared::<ToolDefinition>()?;
        let chosen = choose(&declared_tools, self.tools.as_deref())?;
        let chosen: Vec<Tool> = chosen
            .into_iter()
            .map(Tool::from_definition)
            .collect::<Result<_, _>>()?;
        let mut tools = Tools::new(chosen);
        for extra in self.extra_tools {
            if let Some(existing) = tools.get(extra.name()) {
                let (name, a, b) = (extra.name(), existing.location(), extra.location());
                return Err(BuildError::duplicate(
                    crate::error::ItemKind::Tool,
                    name,
                    a,
                    b,
                ));
            }
            tools.insert(extra);
        }
        let declared_resources = declared::<ResourceDefinition>()?;
        let mut resources =
            Resources::new(choose(&declared_resources, self.resources.as_deref())?)?;
        let skills = match self.skills {
            None => None,
            Some(SkillsSource::Loaded(skills)) => Some(skills.catalog),
            Some(SkillsSource::Dir(root)) => Some(
                crate::skills::Skills::from_dir(&root)
                    .map_err(|err| BuildError::invalid_skills(&root, err))?
                    .catalog,
            ),
        };
        if let Some(catalog) = &skills {
            let location = SourceLocation::of_caller(std::panic::Location::caller());
            for file in crate::skills::resources(catalog, location) {
                if resources.contains(file.uri()) {
                    return Err(BuildError::duplicate(
                        crate::error::ItemKind::Resource,
                        file.uri(),
                        location,
                        location,
                    ));
                }
                resources.insert_fixed(file);
            }
        }
        let declared_prompts = declared::<PromptDefinition>()?;
        let chosen_prompts = choose(&declared_prompts, self.prompts.as_deref())?;
        let prompts = Prompts::new(chosen_prompts.into_iter().map(Prompt::from_definition));
        let name = self.name.unwrap_or_else(default_name);
        let version = self
            .version
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned());
        let listeners = Arc::default();
        let sessions = Arc::new(SessionRegistry::default());
        let store = self.task_store.map_or_else(
            || Arc::new(MemoryTaskStore::new()) as Arc<dyn TaskStore>,
            |s| s.0,
        );
        let tasks = Tasks::new(store, self.settings.tasks.clone(), Arc::clone(&listeners));
        let server = Server {
            inner: Arc::new(ServerInner {
                modern_members: ModernMembers::new(
                    &name,
                    &version,
                    self.title.as_deref(),
                    &self.settings,
                    self.hooks.has_visibility(),
                ),
                name,
                title: self.title,
                version,
                instructions: self.instructions,
                tools: Live::new(tools),
                mounts: Default::default(),
                hooks: self.hooks,
                resources: Live::new(resources),
                prompts: Live::new(prompts),
                settings: self.settings,
                state: self.state,
                requests_in_flight: AtomicUsize::new(0),
                shutting_down: AtomicBool::new(false),
                sessions: Arc::clone(&sessions),
                listeners,
                tasks,
                skills,
                #[cfg(feature = "redis")]
                redis: self.redis.clone(),
                #[cfg(all(feature = "redis", feature = "http"))]
                shared_sessions: self
                    .redis
                    .as_ref()
                    .map(|redis| crate::shared::SharedSessions::new(redis, Arc::clone(&sessions))),
            }),
        };
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis {
            server.hear_replicas(redis);
        }
        Ok(server)
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
