//! The dispatcher: one method table, and the one pipeline every transport hands what it reads
//! to. It knows no transport: HTTP+SSE, Streamable HTTP, stdio and the in-process client all
//! share this code, and differ only in how they carry messages.

mod complete;
mod handshake;
mod modern;
mod pipeline;

use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use serde_json::value::RawValue;
use tracing::Instrument;

use crate::context::{Context, RelatedStream};
use crate::middleware::Item;
use crate::protocol::wire::{Empty, RequestMeta};
use crate::protocol::{encode, ErrorObject, Message, Request, Response, INVALID_REQUEST};
use crate::server::{RequestGuard, Server};
use crate::session::{CancelToken, RequestRefused, Session};
use crate::task::poll_once;

pub(crate) use pipeline::{modern_session_on, serve_read, Accepted, Incoming, Rejected, Reply};

impl Server {
    /// Handles one message of a session; returns the response to send, if any.
    ///
    /// Requests get a response unless the client cancelled them (`notifications/cancelled`);
    /// notifications and client responses never do. Messages a request produces on the way
    /// (logs, progress, requests to the client) go to the session's own stream.
    pub async fn handle_message(&self, session: &Session, message: Message) -> Option<Response> {
        self.receive(session, message)?.run(None).await
    }

    /// Runs a request until it answers or the client cancels it (then nothing is answered),
    /// inside a `mcp.request` tracing span (method, id, session, tool; never argument values).
    async fn run_request(
        &self,
        session: &Session,
        request: Request,
        related: Option<Arc<RelatedStream>>,
        counted: RequestGuard,
    ) -> Option<Response> {
        let span = tracing::info_span!(
            "mcp.request",
            method = %request.method,
            id = %request.id,
            session = %session.id(),
            tool = tracing::field::Empty,
        );
        let started = Instant::now();
        let response = self
            .run_request_in_span(session, request, related, counted)
            .instrument(span.clone())
            .await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
        span.in_scope(|| match &response {
            None => tracing::debug!(elapsed_ms, "cancelled by the client: no response sent"),
            Some(Response { outcome: Ok(_), .. }) => tracing::debug!(elapsed_ms, "answered"),
            Some(Response {
                outcome: Err(error),
                ..
            }) => tracing::debug!(elapsed_ms, code = error.code, "answered with an error"),
        });
        response
    }

    async fn run_request_in_span(
        &self,
        session: &Session,
        request: Request,
        related: Option<Arc<RelatedStream>>,
        _counted: RequestGuard,
    ) -> Option<Response> {
        let id = request.id.clone();
        // While shutting down, the tasks still running may be followed (and answered, or
        // cancelled) until they end.
        if self.is_shutting_down() && !request.method.starts_with("tasks/") {
            return Some(Response::error(
                Some(id),
                ErrorObject::new(
                    crate::protocol::SERVER_UNAVAILABLE,
                    "the server is shutting down and takes no new requests",
                ),
            ));
        }
        let token = CancelToken::default();
        if request.method != "initialize" {
            let limit = self.max_requests_per_session();
            if let Err(refused) = session.start_request(&id, token.clone(), limit) {
                let message = match refused {
                    RequestRefused::DuplicateId => format!(
                        "a request with id {id} is already running in this session: use a new id"
                    ),
                    RequestRefused::TooMany => format!(
                        "this session already runs {limit} requests: wait for some to finish \
                         (ServerBuilder::max_requests_per_session sets the limit)"
                    ),
                };
                return Some(Response::error(
                    Some(id),
                    ErrorObject::new(INVALID_REQUEST, message),
                ));
            }
        }
        let progress_token = progress_token(&request);
        let modern = session.negotiated().is_some_and(|n| n.is_modern());
        let rounds = if modern {
            match modern::rounds_for(self, session, &request) {
                Ok(rounds) => rounds,
                Err(error) => {
                    session.finish_request(&id);
                    return Some(Response::error(Some(id), error));
                }
            }
        } else {
            None
        };
        let context = Context::new(
            self.clone(),
            session.clone(),
            id.clone(),
            progress_token,
            related,
            token.clone(),
            rounds.as_ref().map(|of| Arc::clone(&of.rounds)),
        );
        // Most requests answer in their first poll: only one that waits also waits for its
        // cancellation (registering that wait showed in the profile). Biased towards the
        // cancellation: a request cancelled as it completes gets no response.
        let mut handling = std::pin::pin!(self.handle_request(session, request, context, rounds));
        let response = match poll_once(handling.as_mut()).await {
            Poll::Ready(response) => (!token.is_cancelled()).then_some(response),
            Poll::Pending => tokio::select! {
                biased;
                () = token.cancelled() => None,
                response = handling => Some(response),
            },
        };
        session.finish_request(&id);
        response
    }

    /// The method table. Results are encoded once, into JSON text, straight from their types.
    async fn handle_request(
        &self,
        session: &Session,
        request: Request,
        context: Context,
        rounds: Option<modern::RoundsOf>,
    ) -> Response {
        let Request { id, method, params } = request;
        let modern = session.negotiated().is_some_and(|n| n.is_modern());
        // A resource's own caching hints, when it has any.
        let mut cache = None;
        let outcome = if modern {
            let answered = match modern::ModernMethod::of(&method) {
                modern::ModernMethod::Discover => Answered::Dress(modern::discover(self)),
                modern::ModernMethod::Listen => {
                    // Its result (the server ended it) is complete as it is.
                    let outcome =
                        crate::subscriptions::listen(self, session, &id, params, &context).await;
                    Answered::AsIs(outcome.map_err(modern::era_error))
                }
                modern::ModernMethod::Removed(why) => {
                    Answered::Dress(Err(modern::removed(&method, why)))
                }
                modern::ModernMethod::Task(which) => {
                    Answered::Dress(crate::tasks::handle(self, session, which, params).await)
                }
                modern::ModernMethod::Shared => match self.task_tool(session, &method, &params) {
                    Some(Ok(tool)) => self.call_as_task(&tool, params, &context, rounds).await,
                    Some(Err(error)) => Answered::Dress(Err(error)),
                    None => {
                        let handling =
                            self.handle_shared(session, &method, params, context, &mut cache);
                        modern::run_rounds(self, rounds, handling).await
                    }
                },
            };
            match answered {
                Answered::Dress(outcome) => modern::dress(self, &method, outcome, cache.as_deref()),
                Answered::AsIs(outcome) => outcome,
            }
        } else {
            match method.as_str() {
                "initialize" => handshake::initialize(self, session, params),
                "ping" => encode(&Empty {}),
                _ if session.negotiated().is_none() => Err(ErrorObject::new(
                    INVALID_REQUEST,
                    format!(
                        "`{method}` was sent before `initialize`: initialize the session first"
                    ),
                )),
                "resources/subscribe" => {
                    let identity = session.identity();
                    let visible = |item: Item<'_>| self.is_visible(item, identity.as_ref());
                    crate::resource::subscribe(&self.resource_set(), session, params, &visible)
                }
                "resources/unsubscribe" => {
                    crate::resource::unsubscribe(&self.resource_set(), session, params)
                }
                "logging/setLevel" => handshake::set_log_level(session, params),
                _ => {
                    let handling =
                        self.handle_shared(session, &method, params, context, &mut cache);
                    handling.await
                }
            }
        };
        Response {
            id: Some(id),
            outcome,
        }
    }

    /// The methods both eras share, through the middleware; `cache` receives a read
    /// resource's own caching hints.
    async fn handle_shared<'a>(
        &'a self,
        session: &'a Session,
        method: &'a str,
        params: serde_json::Value,
        context: Context,
        cache: &'a mut Option<Arc<str>>,
    ) -> Outcome {
        let chain = self.middleware();
        if chain.is_empty() {
            return self
                .handle_catalogue(session, method, params, context, cache)
                .await;
        }
        let op = crate::middleware::Operation {
            server: self,
            method,
            params,
            identity: session.identity(),
            modern: session.negotiated().is_some_and(|n| n.is_modern()),
            session_id: session.id(),
        };
        let inner = Box::new(move |op: crate::middleware::Operation<'a>| {
            Box::pin(self.handle_catalogue(session, op.method, op.params, context, cache))
                as crate::middleware::BoxFuture<'a, Outcome>
        });
        crate::middleware::Next::new(chain, inner).run(op).await
    }

    /// The methods both eras share.
    async fn handle_catalogue(
        &self,
        session: &Session,
        method: &str,
        params: serde_json::Value,
        context: Context,
        cache: &mut Option<Arc<str>>,
    ) -> Outcome {
        let identity = if self.has_visibility() {
            session.identity()
        } else {
            None
        };
        let visible = |item: Item<'_>| self.is_visible(item, identity.as_ref());
        let visible_tool = |tool: &crate::tool::Tool| visible(Item::Tool(tool));
        let page_size = self.page_size();
        match method {
            "tools/list" => crate::tool::list(&self.tool_set(), params, page_size, visible_tool),
            "tools/call" => {
                let tools = self.tool_set();
                let timeout = self.tool_timeout();
                crate::tool::call(&tools, params, context, timeout, visible_tool).await
            }
            "resources/list" => {
                crate::resource::list(&self.resource_set(), params, page_size, &visible)
            }
            "resources/templates/list" => {
                let resources = self.resource_set();
                crate::resource::list_templates(&resources, params, page_size, &visible)
            }
            "resources/read" => {
                let resources = self.resource_set();
                let (result, hints) =
                    crate::resource::read(&resources, params, context, &visible).await?;
                *cache = hints.map(|own| own.members(self.has_visibility()));
                Ok(result)
            }
            "prompts/list" => crate::prompt::list(&self.prompt_set(), params, page_size, &visible),
            "prompts/get" => {
                let prompts = self.prompt_set();
                crate::prompt::get(&prompts, params, context, &visible).await
            }
            "completion/complete" => {
                let (resources, prompts) = (self.resource_set(), self.prompt_set());
                complete::complete(&resources, &prompts, params, &visible).await
            }
            "skills/list" | "skills/get" | "resources/directory/read" => {
                let catalog = self.skill_catalog();
                let outcome = match method {
                    "skills/list" => crate::skills::list(catalog, params, page_size),
                    "skills/get" => crate::skills::get(catalog, params),
                    _ => crate::skills::directory_read(catalog, params, page_size),
                };
                if let (Ok(_), Some(catalog)) = (&outcome, catalog) {
                    *cache = Some(Arc::clone(&catalog.cache));
                }
                outcome
            }
            _ => Err(ErrorObject::method_not_found(method)),
        }
    }
}

impl Server {
    /// The tool a modern `tools/call` names, when its call may become a task: `Some(Ok)` when
    /// the request declares the tasks extension, `Some(Err)` (`-32021`) when the tool needs
    /// it and the request does not; `None` for an ordinary call.
    fn task_tool(
        &self,
        session: &Session,
        method: &str,
        params: &serde_json::Value,
    ) -> Option<Result<Arc<crate::tool::Tool>, ErrorObject>> {
        use crate::tasks::TaskSupport;
        if method != "tools/call" {
            return None;
        }
        let name = params.get("name").and_then(serde_json::Value::as_str)?;
        let tools = self.tool_set();
        let tool = tools.get(name)?;
        if self.has_visibility() && !self.is_visible(Item::Tool(tool), session.identity().as_ref())
        {
            // Called like an unknown tool, and refused as one.
            return None;
        }
        let support = tool.task_support();
        if support == TaskSupport::Never {
            return None;
        }
        let declared = session
            .negotiated()
            .is_some_and(|negotiated| crate::tasks::declared(&negotiated.client_capabilities));
        match support {
            TaskSupport::Never => None,
            _ if declared => Some(Ok(Arc::clone(tool))),
            TaskSupport::Required => Some(Err(crate::tasks::missing_extension(&format!(
                "the tool `{name}` runs only as a task, and so"
            )))),
            TaskSupport::Optional => None,
        }
    }

    /// A `tools/call` that becomes a task if it has to wait.
    async fn call_as_task(
        &self,
        tool: &crate::tool::Tool,
        params: serde_json::Value,
        context: &Context,
        rounds: Option<modern::RoundsOf>,
    ) -> Answered {
        use crate::protocol::wire::{decode, CallToolParams};
        use crate::tasks::Called;
        let CallToolParams { name, arguments } = match decode("tools/call", params) {
            Ok(params) => params,
            Err(error) => return Answered::Dress(Err(error)),
        };
        tracing::Span::current().record("tool", name.as_str());
        let arguments = match crate::tasks::arguments(&name, arguments) {
            Ok(arguments) => arguments,
            Err(result) => return Answered::Dress(encode(&result)),
        };
        match crate::tasks::call(self, tool, arguments, context).await {
            Called::Finished(result) => Answered::Dress(encode(&result)),
            Called::InputRequired => match rounds {
                Some(of) => Answered::AsIs(modern::input_required(self, &of)),
                None => Answered::Dress(Err(ErrorObject::internal(
                    "a tool without rounds asked for input",
                ))),
            },
            Called::Task(task) => Answered::AsIs(modern::task_created(self, &task)),
            Called::Refused(error) => Answered::Dress(Err(error)),
        }
    }
}

/// A modern answer: to dress with the era's members, or complete as it is.
pub(super) enum Answered {
    Dress(Outcome),
    AsIs(Outcome),
}

/// The request's `_meta.progressToken`, if the client asked for progress.
fn progress_token(request: &Request) -> Option<serde_json::Value> {
    use serde::Deserialize;
    let meta = request.params.get("_meta")?;
    RequestMeta::deserialize(meta).ok()?.progress_token
}

/// What every answered method returns: the result as JSON text, or the error.
type Outcome = Result<Box<RawValue>, ErrorObject>;
