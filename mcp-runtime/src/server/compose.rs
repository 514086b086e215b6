//! Servers built from servers: the tools of another [`Server`] mounted under a namespace
//! ([`Server::mount`]), and the tools of a server outside the process proxied under one
//! ([`Server::proxy`], feature `remote`). Both stay live: what the child or the upstream adds,
//! removes or hides later, the parent serves and announces (`notifications/tools/list_changed`).
//!
//! The naming rule: a tool `add` mounted under the namespace `calc` is served as `calc_add`;
//! under the empty namespace, as `add`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use super::{Server, ServerInner};
use crate::error::BuildError;
use crate::tool::Tool;

/// The tools a server serves from elsewhere, by namespace, and who to tell when its own tools
/// change (the servers it is mounted in).
#[derive(Default)]
pub(super) struct Mounts(Mutex<MountsInner>);

#[derive(Default)]
struct MountsInner {
    by_namespace: HashMap<String, Mount>,
    watchers: Vec<Arc<dyn Fn() + Send + Sync>>,
}

/// What one namespace holds now.
struct Mount {
    names: Vec<String>,
    /// What the tools came from, in words (for the clash errors).
    source: String,
}

impl Mounts {
    fn lock(&self) -> std::sync::MutexGuard<'_, MountsInner> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The name a tool `name` is served by under `namespace`.
pub(crate) fn namespaced(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}_{name}")
    }
}

impl Server {
    /// Serves the tools of `child` under `namespace` (`calc` serves its `add` as `calc_add`),
    /// calling them through `child`'s handlers with this server's request context. Live:
    /// tools `child` adds, removes, disables or enables later are served (or not) here too,
    /// and announced to this server's clients.
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
    /// A mounted name is already served (by this server's own tools or another mount), or
    /// `namespace` is already used, or makes an invalid tool name; nothing is mounted then.
    pub fn mount(&self, namespace: &str, child: &Server) -> Result<(), BuildError> {
        let source = format!("the server `{}` mounted as `{namespace}`", child.name());
        if Arc::ptr_eq(&self.inner, &child.inner) {
            return Err(BuildError::clash(
                namespace,
                "this server".to_owned(),
                "itself (a server cannot be mounted in itself)".to_owned(),
            ));
        }
        let tools = mounted_tools(namespace, child);
        self.replace_mounted(namespace, &source, tools, true)?;
        let parent: Weak<ServerInner> = Arc::downgrade(&self.inner);
        let weak_child: Weak<ServerInner> = Arc::downgrade(&child.inner);
        let namespace = namespace.to_owned();
        child.inner.mounts.lock().watchers.push(Arc::new(move || {
            let (Some(parent), Some(child)) = (parent.upgrade(), weak_child.upgrade()) else {
                return;
            };
            let (parent, child) = (Server { inner: parent }, Server { inner: child });
            let tools = mounted_tools(&namespace, &child);
            if let Err(error) = parent.replace_mounted(&namespace, &source, tools, false) {
                tracing::warn!(%error, "a mounted server's change was served in part");
            }
        }));
        Ok(())
    }

    /// Puts `tools` in place of what `namespace` held. `strict`: a clash refuses everything
    /// (at mount time); otherwise (a live change) the clashing tools are left out, with a
    /// warning, and the rest served.
    pub(crate) fn replace_mounted(
        &self,
        namespace: &str,
        source: &str,
        tools: Vec<Tool>,
        strict: bool,
    ) -> Result<(), BuildError> {
        let mut mounts = self.inner.mounts.lock();
        if strict && mounts.by_namespace.contains_key(namespace) {
            let held = &mounts.by_namespace[namespace];
            return Err(BuildError::clash(
                &namespaced(namespace, "*"),
                held.source.clone(),
                source.to_owned(),
            ));
        }
        for tool in &tools {
            if let Some(problem) = mcp_rules::tool_name_problem(tool.name()) {
                return Err(BuildError::clash(
                    tool.name(),
                    format!("{source} ({problem})"),
                    mcp_rules::TOOL_NAME_RULE.to_owned(),
                ));
            }
        }
        let old: Vec<String> = mounts
            .by_namespace
            .get(namespace)
            .map(|mount| mount.names.clone())
            .unwrap_or_default();
        let mut first_clash = None;
        let mut names = Vec::with_capacity(tools.len());
        let changed = self.change(
            &self.inner.tools,
            "notifications/tools/list_changed",
            |set| -> Result<bool, BuildError> {
                let mut served = Vec::with_capacity(tools.len());
                for tool in tools {
                    let name = tool.name().to_owned();
                    if set.contains(&name) && !old.contains(&name) {
                        let holder = mounts
                            .by_namespace
                            .values()
                            .find(|mount| mount.names.contains(&name))
                            .map(|mount| mount.source.clone())
                            .or_else(|| {
                                set.all()
                                    .find(|held| held.name() == name)
                                    .map(|held| format!("the tool declared at {}", held.location()))
                            })
                            .unwrap_or_default();
                        let error = BuildError::clash(&name, holder, source.to_owned());
                        if strict {
                            return Err(error);
                        }
                        tracing::warn!(%error, "a mounted tool is left out");
                        first_clash.get_or_insert(error);
                        continue;
                    }
                    served.push(tool);
                }
                let same = old.len() == served.len()
                    && served.iter().all(|tool| {
                        set.get(tool.name())
                            .is_some_and(|held| held.listing() == tool.listing())
                    });
                if same {
                    names.extend(old.iter().cloned());
                    return Ok(false);
                }
                for name in &old {
                    set.remove(name);
                }
                for tool in served {
                    names.push(tool.name().to_owned());
                    set.insert(tool);
                }
                Ok(true)
            },
        )?;
        mounts.by_namespace.insert(
            namespace.to_owned(),
            Mount {
                names,
                source: source.to_owned(),
            },
        );
        drop(mounts);
        if changed {
            self.tools_changed();
        }
        first_clash.map_or(Ok(()), Err)
    }

    /// Tells the servers this one is mounted in that its tools changed.
    pub(super) fn tools_changed(&self) {
        let watchers = self.inner.mounts.lock().watchers.clone();
        for watcher in watchers {
            watcher();
        }
    }
}

/// The enabled tools of `child`, renamed for `namespace`.
fn mounted_tools(namespace: &str, child: &Server) -> Vec<Tool> {
    child
        .tools()
        .iter()
        .map(|tool| tool.renamed(&namespaced(namespace, tool.name())))
        .collect()
}

#[cfg(feature = "remote")]
pub use proxy::ProxyError;

#[cfg(feature = "remote")]
mod proxy {
    use std::fmt;
    use std::sync::Arc;

    use serde_json::{json, Value};
    use tokio::sync::{broadcast, mpsc};

    use super::namespaced;
    use crate::client::{CallEvent, ClientError, Remote};
    use crate::error::{BuildError, SourceLocation};
    use crate::protocol::LogLevel;
    use crate::server::Server;
    use crate::tool::{CallToolResult, Handler, Tool, ToolCall, ToolFuture};
    use crate::Context;

    /// Why [`Server::proxy`] could not serve an upstream.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum ProxyError {
        /// The upstream could not be listed.
        Upstream(ClientError),
        /// Its tools clash with tools served already.
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
        /// Serves the tools of a server outside the process under `namespace`, over the
        /// connection `upstream` keeps (no handshake per call): each call is forwarded with
        /// its arguments, and what the upstream sends while it runs (progress, logs, its
        /// questions to the client: sampling, elicitation, roots) goes to this server's
        /// client through the call's [`Context`], in either era on either side. A cancelled
        /// call is cancelled upstream. The upstream's `tools/list_changed` (and a reconnection)
        /// re-lists its tools.
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
        /// The upstream's tools cannot be listed, or clash with tools served already.
        pub async fn proxy(&self, namespace: &str, upstream: Remote) -> Result<(), ProxyError> {
            let source = format!(
                "the upstream {} proxied as `{namespace}`",
                upstream.upstream()
            );
            // Subscribed before listing, so a change in between is not missed.
            let changes = upstream.subscribe();
            let tools = proxied_tools(namespace, &upstream)
                .await
                .map_err(ProxyError::Upstream)?;
            self.replace_mounted(namespace, &source, tools, true)
                .map_err(ProxyError::Build)?;
            let parent = Arc::downgrade(&self.inner);
            let namespace = namespace.to_owned();
            tokio::spawn(follow(parent, namespace, source, upstream, changes));
            Ok(())
        }
    }

    /// Re-lists the upstream's tools whenever it says they changed, for as long as the
    /// server lives.
    async fn follow(
        parent: std::sync::Weak<crate::server::ServerInner>,
        namespace: String,
        source: String,
        upstream: Remote,
        mut changes: broadcast::Receiver<crate::protocol::Notification>,
    ) {
        loop {
            match changes.recv().await {
                Ok(notification) if notification.method == "notifications/tools/list_changed" => {}
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            }
            let Some(inner) = parent.upgrade() else {
                return;
            };
            let server = Server { inner };
            match proxied_tools(&namespace, &upstream).await {
                Ok(tools) => {
                    if let Err(error) = server.replace_mounted(&namespace, &source, tools, false) {
                        tracing::warn!(%error, "the upstream's new tools are served in part");
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, %source, "the upstream's tools could not be re-listed")
                }
            }
        }
    }

    /// The upstream's tools, as this server serves them.
    async fn proxied_tools(namespace: &str, upstream: &Remote) -> Result<Vec<Tool>, ClientError> {
        let listings = upstream.list_tools().await?;
        let location = SourceLocation::of_caller(std::panic::Location::caller());
        let mut tools = Vec::with_capacity(listings.len());
        for mut listing in listings {
            let Some(name) = listing["name"].as_str().map(str::to_owned) else {
                continue;
            };
            listing["name"] = json!(namespaced(namespace, &name));
            if !listing["inputSchema"].is_object() {
                listing["inputSchema"] = json!({"type": "object"});
            }
            let remote = upstream.clone();
            let upstream_name: Arc<str> = name.into();
            let handler: Handler = Arc::new(move |call: ToolCall| -> ToolFuture {
                Box::pin(forward(remote.clone(), Arc::clone(&upstream_name), call))
            });
            match Tool::from_listing(listing, handler, location) {
                Ok(tool) => tools.push(tool),
                Err(reason) => tracing::warn!(%reason, "an upstream tool is left out"),
            }
        }
        Ok(tools)
    }

    /// One proxied call: forwarded, with what the upstream sends meanwhile passed on.
    async fn forward(remote: Remote, name: Arc<str>, call: ToolCall) -> CallToolResult {
        let ToolCall { arguments, context } = call;
        let (events, mut received) = mpsc::channel(64);
        let params = json!({ "name": &*name, "arguments": arguments });
        let answer = remote.request_streaming("tools/call", params, events);
        let mut answer = std::pin::pin!(answer);
        let result = loop {
            tokio::select! {
                result = &mut answer => break result,
                Some(event) = received.recv() => pass_on(&context, event).await,
            }
        };
        // What the upstream sent before its result may still be queued when both are ready
        // at once (`select!` picks either); it goes out before the result does.
        while let Ok(event) = received.try_recv() {
            pass_on(&context, event).await;
        }
        match result {
            Ok(result) => serde_json::from_value(result).unwrap_or_else(|err| {
                CallToolResult::error(format!("the upstream answered with no tool result: {err}"))
            }),
            Err(error) => CallToolResult::error(format!("the upstream server: {error}")),
        }
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
