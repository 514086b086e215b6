//! Tools: the ready-to-serve [`Tool`] (from a `#[tool]`, or made with [`Tool::builder`]), what
//! a tool returns, and the `tools/*` methods.

mod builder;
mod call;
mod definition;
mod headers;
mod result;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::{Item, Set};
use crate::error::SourceLocation;
use crate::protocol::wire::Described;
use crate::tasks::TaskSupport;

pub use builder::ToolBuilder;
pub(crate) use call::{call, list};
pub use definition::{ParamDefinition, ToolCall, ToolDefinition, ToolFuture};
#[cfg(feature = "remote")]
pub(crate) use headers::header_params;
pub(crate) use headers::HeaderParam;
pub use result::{CallToolResult, IntoToolResult};

/// Behaviour hints a client may show or use to decide whether to ask before calling.
///
/// Unset hints are left out, so the specification's defaults apply.
///
/// ```
/// let hints = mcp_runtime::ToolAnnotations::new().read_only(true).open_world(false);
/// assert_eq!(hints.read_only, Some(true));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ToolAnnotations {
    /// The tool does not modify its environment.
    pub read_only: Option<bool>,
    /// The tool may perform destructive updates.
    pub destructive: Option<bool>,
    /// Calling the tool again with the same arguments has no further effect.
    pub idempotent: Option<bool>,
    /// The tool interacts with an open world of external entities.
    pub open_world: Option<bool>,
}

impl ToolAnnotations {
    /// No hints.
    pub const fn new() -> Self {
        ToolAnnotations {
            read_only: None,
            destructive: None,
            idempotent: None,
            open_world: None,
        }
    }

    /// Every hint at once (what `#[tool]` writes).
    #[doc(hidden)]
    pub const fn from_hints(
        read_only: Option<bool>,
        destructive: Option<bool>,
        idempotent: Option<bool>,
        open_world: Option<bool>,
    ) -> Self {
        ToolAnnotations {
            read_only,
            destructive,
            idempotent,
            open_world,
        }
    }

    /// Whether the tool leaves its environment unchanged.
    pub const fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = Some(read_only);
        self
    }

    /// Whether the tool may perform destructive updates.
    pub const fn destructive(mut self, destructive: bool) -> Self {
        self.destructive = Some(destructive);
        self
    }

    /// Whether calling again with the same arguments has no further effect.
    pub const fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Whether the tool reaches an open world of external entities.
    pub const fn open_world(mut self, open_world: bool) -> Self {
        self.open_world = Some(open_world);
        self
    }
}

/// How a tool is called: the function `#[tool]` generated, or a programmatic handler.
pub(crate) type Handler = Arc<dyn Fn(ToolCall) -> ToolFuture + Send + Sync>;

/// A tool ready to serve: its `tools/list` entry is computed once, when it is made.
///
/// `#[tool]` functions become tools when the server is built; [`Tool::builder`] makes one from
/// a hand-written schema and a closure, to register with
/// [`ServerBuilder::tool`](crate::ServerBuilder::tool) or, at run time,
/// [`Server::add_tool`](crate::Server::add_tool).
#[derive(Clone)]
pub struct Tool {
    name: Arc<str>,
    listing: Value,
    wraps_output: bool,
    call: Handler,
    /// Whether its handler gets a `Context`, without which it cannot ask the client anything.
    may_ask: bool,
    location: SourceLocation,
    /// The parameters mirrored in `Mcp-Param-*` headers (MCP 2026-07-28).
    header_params: Box<[HeaderParam]>,
    /// Whether its calls may run as tasks.
    task: TaskSupport,
    /// Its tags, for visibility rules.
    tags: Arc<[String]>,
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish()
    }
}

/// A tool's `tools/list` entry, as MCP writes it.
pub(crate) struct Listing<'a> {
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub input_schema: Value,
    pub output_schema: Option<Value>,
    pub annotations: ToolAnnotations,
    /// `_meta` (an MCP Apps tool's UI).
    pub meta: Option<Value>,
}

impl Serialize for Listing<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            #[serde(flatten)]
            described: Described<'a>,
            input_schema: &'a Value,
            #[serde(skip_serializing_if = "Option::is_none")]
            output_schema: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            annotations: Option<Annotations<'a>>,
            #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
            meta: Option<&'a Value>,
        }
        /// MCP puts the title among the annotations too.
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Annotations<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            title: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            read_only_hint: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            destructive_hint: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            idempotent_hint: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            open_world_hint: Option<bool>,
        }
        let hints = self.annotations;
        let annotations =
            (self.title.is_some() || hints != ToolAnnotations::new()).then_some(Annotations {
                title: self.title,
                read_only_hint: hints.read_only,
                destructive_hint: hints.destructive,
                idempotent_hint: hints.idempotent,
                open_world_hint: hints.open_world,
            });
        Wire {
            described: Described {
                name: self.name,
                title: self.title,
                description: self.description,
            },
            input_schema: &self.input_schema,
            output_schema: self.output_schema.as_ref(),
            annotations,
            meta: self.meta.as_ref(),
        }
        .serialize(serializer)
    }
}

impl Tool {
    fn new(
        listing: Listing<'_>,
        wraps_output: bool,
        call: Handler,
        may_ask: bool,
        task: TaskSupport,
        location: SourceLocation,
    ) -> Result<Tool, String> {
        let header_params = headers::header_params(&listing.input_schema)?.into();
        Ok(Tool {
            name: listing.name.into(),
            listing: serde_json::to_value(&listing).expect("a tool listing serializes"),
            wraps_output,
            call,
            may_ask,
            location,
            header_params,
            task,
            tags: Arc::new([]),
        })
    }

    /// Whether a call may ask the client something (its handler gets a `Context`).
    pub(crate) fn may_ask(&self) -> bool {
        self.may_ask
    }

    /// Whether its calls may run as tasks.
    pub fn task_support(&self) -> TaskSupport {
        self.task
    }

    /// The parameters mirrored in `Mcp-Param-*` headers.
    pub(crate) fn header_params(&self) -> &[HeaderParam] {
        &self.header_params
    }

    /// Starts a tool made by hand: its input schema is used exactly as given (no
    /// normalisation), and a closure handles its calls.
    ///
    /// ```
    /// use mcp_runtime::{Context, Tool};
    /// use serde_json::{json, Map, Value};
    ///
    /// let echo = Tool::builder("echo")
    ///     .description("Repeat the text.")
    ///     .input_schema(json!({
    ///         "type": "object",
    ///         "properties": { "text": { "type": "string" } },
    ///         "required": ["text"],
    ///     }))
    ///     .handler(|arguments: Map<String, Value>, _ctx: Context| async move {
    ///         arguments.get("text").and_then(Value::as_str).unwrap_or_default().to_owned()
    ///     })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(echo.name(), "echo");
    /// ```
    #[track_caller]
    pub fn builder(name: impl Into<String>) -> ToolBuilder {
        ToolBuilder {
            name: name.into(),
            title: None,
            description: None,
            input_schema: serde_json::json!({ "type": "object", "properties": {} }),
            output_schema: None,
            annotations: ToolAnnotations::default(),
            handler: None,
            task: TaskSupport::Never,
            location: SourceLocation::of_caller(std::panic::Location::caller()),
            tags: Vec::new(),
            app: None,
        }
    }

    /// A tool whose `tools/list` entry is given whole (a proxied server's, renamed), handled
    /// by `call`; `Err` when its input schema has malformed `x-mcp-header` markings.
    #[cfg(feature = "remote")]
    pub(crate) fn from_listing(
        listing: Value,
        call: Handler,
        location: SourceLocation,
    ) -> Result<Tool, String> {
        let name = listing["name"].as_str().unwrap_or_default().into();
        let header_params = headers::header_params(&listing["inputSchema"])?.into();
        Ok(Tool {
            name,
            listing,
            wraps_output: false,
            call,
            may_ask: true,
            location,
            header_params,
            task: TaskSupport::Never,
            tags: Arc::new([]),
        })
    }

    /// The same tool under another name (mounted in a namespace): its handler is shared.
    pub(crate) fn renamed(&self, name: &str) -> Tool {
        let mut tool = self.clone();
        tool.name = name.into();
        if let Value::Object(listing) = &mut tool.listing {
            listing.insert("name".to_owned(), Value::String(name.to_owned()));
        }
        tool
    }

    /// The same tool with its listing edited (a mounted tool's app URI renamed).
    pub(crate) fn with_listing(mut self, edit: impl FnOnce(&mut Value)) -> Tool {
        edit(&mut self.listing);
        self
    }

    /// The same tool with these tags.
    pub(crate) fn with_tags(mut self, tags: Arc<[String]>) -> Tool {
        self.tags = tags;
        self
    }

    /// Its tags (`#[tool(tags = [..])]`, [`ToolBuilder::tags`]), for the server's
    /// [`visibility`](crate::ServerBuilder::visibility) rule.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// Whether it has this tag.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|held| held == tag)
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the tool was declared.
    pub fn location(&self) -> SourceLocation {
        self.location
    }

    /// The tool's entry in `tools/list`: name, title, description, schemas and annotations.
    pub fn listing(&self) -> &Value {
        &self.listing
    }

    /// Runs the tool; the result's structured output is shaped to the declared `outputSchema`.
    /// (Not boxed again: the tool's own future already is.)
    pub(crate) fn call(
        &self,
        arguments: Map<String, Value>,
        context: crate::Context,
    ) -> impl Future<Output = CallToolResult> + Send + 'static {
        let future = (self.call)(ToolCall { arguments, context });
        let wraps_output = self.wraps_output;
        async move {
            let mut result = future.await;
            if let Some(structured) = result.structured_content.take() {
                let structured = if wraps_output {
                    serde_json::json!({ "result": structured })
                } else {
                    structured
                };
                if result.content.is_empty() {
                    result
                        .content
                        .push(crate::Content::text(structured.to_string()));
                }
                result.structured_content = Some(structured);
            }
            result
        }
    }
}

impl Item for Tool {
    fn key(&self) -> &str {
        &self.name
    }
}

/// The tools a server serves.
pub(crate) type Tools = Set<Tool>;
