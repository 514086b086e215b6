//! Tools: what `#[tool]` registers, and the ready-to-serve form a server builds from it once.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use schemars::{Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::result::CallToolResult;
use crate::schema;
use foldhash::HashMap as FastMap;

/// The future a tool call runs.
pub type ToolFuture = Pin<Box<dyn Future<Output = CallToolResult> + Send + 'static>>;

/// Where a tool was declared, for error reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceLocation {
    /// The source file.
    pub file: &'static str,
    /// The line of the `#[tool]` attribute.
    pub line: u32,
    /// The column of the `#[tool]` attribute.
    pub column: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Behaviour hints a client may show or use to decide whether to ask before calling.
///
/// Unset hints are left out, so the specification's defaults apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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

/// A tool as `#[tool]` declares it: everything known at compile time.
///
/// Generated code builds these; the server turns each into a [`Tool`] once, at start-up.
#[doc(hidden)]
pub struct ToolDefinition {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub annotations: ToolAnnotations,
    pub params: &'static [ParamDefinition],
    pub output_schema: fn(&mut SchemaGenerator) -> Option<Schema>,
    pub call: fn(ToolCall) -> ToolFuture,
    pub location: SourceLocation,
}

/// One schema parameter of a `#[tool]` function.
#[doc(hidden)]
pub struct ParamDefinition {
    pub name: &'static str,
    pub description: Option<&'static str>,
    pub schema: fn(&mut SchemaGenerator) -> Schema,
    /// The default value as JSON, for the schema; `None` inside when it does not serialize.
    pub default: Option<fn() -> Option<Value>>,
}

inventory::collect!(ToolDefinition);

/// The input of one tool call, handed to the generated handler.
#[doc(hidden)]
pub struct ToolCall {
    pub arguments: Map<String, Value>,
    pub context: crate::Context,
}

/// How a tool is called: the function `#[tool]` generated, or a programmatic handler.
type Handler = Arc<dyn Fn(ToolCall) -> ToolFuture + Send + Sync>;

/// A tool ready to serve: its `tools/list` entry is computed once, when it is made.
#[derive(Clone)]
///
/// `#[tool]` functions become tools when the server is built; [`Tool::builder`] makes one from
/// a hand-written schema and a closure, to register with
/// [`ServerBuilder::tool`](crate::ServerBuilder::tool) or, at run time,
/// [`Server::add_tool`](crate::Server::add_tool).
pub struct Tool {
    name: Arc<str>,
    listing: Value,
    wraps_output: bool,
    call: Handler,
    location: SourceLocation,
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish()
    }
}

impl Tool {
    /// Builds a tool from its definition, computing its schemas.
    pub(crate) fn from_definition(definition: &'static ToolDefinition) -> Tool {
        let mut generator = schema::input_generator();
        let properties: Vec<_> = definition
            .params
            .iter()
            .map(|param| schema::Property {
                name: param.name,
                schema: (param.schema)(&mut generator).to_value(),
                description: param.description,
                default: param.default.and_then(|default| default()),
                has_default: param.default.is_some(),
            })
            .collect();
        let input_schema = schema::input_schema(properties, generator.take_definitions(true));

        let mut generator = schema::output_generator();
        let output = (definition.output_schema)(&mut generator)
            .map(|output| schema::output_schema(output, generator.take_definitions(true)));

        let mut listing = Map::new();
        listing.insert("name".to_owned(), definition.name.into());
        if let Some(title) = definition.title {
            listing.insert("title".to_owned(), title.into());
        }
        if let Some(description) = definition.description {
            listing.insert("description".to_owned(), description.into());
        }
        listing.insert("inputSchema".to_owned(), input_schema);
        if let Some((output_schema, _)) = &output {
            listing.insert("outputSchema".to_owned(), output_schema.clone());
        }
        let annotations = annotations_json(definition.title, &definition.annotations);
        if !annotations.is_empty() {
            listing.insert("annotations".to_owned(), Value::Object(annotations));
        }
        Tool {
            name: definition.name.into(),
            listing: Value::Object(listing),
            wraps_output: output.is_some_and(|(_, wrapped)| wrapped),
            call: Arc::new(definition.call),
            location: definition.location,
        }
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
        let caller = std::panic::Location::caller();
        ToolBuilder {
            name: name.into(),
            title: None,
            description: None,
            input_schema: serde_json::json!({ "type": "object", "properties": {} }),
            output_schema: None,
            annotations: ToolAnnotations::default(),
            handler: None,
            location: SourceLocation {
                file: caller.file(),
                line: caller.line(),
                column: caller.column(),
            },
        }
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

fn annotations_json(title: Option<&str>, annotations: &ToolAnnotations) -> Map<String, Value> {
    let mut object = Map::new();
    if let Some(title) = title {
        object.insert("title".to_owned(), title.into());
    }
    let hints = [
        ("readOnlyHint", annotations.read_only),
        ("destructiveHint", annotations.destructive),
        ("idempotentHint", annotations.idempotent),
        ("openWorldHint", annotations.open_world),
    ];
    for (key, hint) in hints {
        if let Some(hint) = hint {
            object.insert(key.to_owned(), Value::Bool(hint));
        }
    }
    object
}

/// Makes a [`Tool`] by hand; see [`Tool::builder`].
pub struct ToolBuilder {
    name: String,
    title: Option<String>,
    description: Option<String>,
    input_schema: Value,
    output_schema: Option<Value>,
    annotations: ToolAnnotations,
    handler: Option<Handler>,
    location: SourceLocation,
}

impl fmt::Debug for ToolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolBuilder")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ToolBuilder {
    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// What the tool does, for the model.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The JSON Schema of the arguments, sent exactly as given. Default: no arguments.
    pub fn input_schema(mut self, schema: Value) -> Self {
        self.input_schema = schema;
        self
    }

    /// The JSON Schema of the structured output, sent exactly as given; the handler must then
    /// return `structuredContent` matching it (for example with [`Json`](crate::Json)).
    pub fn output_schema(mut self, schema: Value) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Behaviour hints.
    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.annotations = annotations;
        self
    }

    /// Handles a call: the arguments as sent (check them yourself: the schema is not enforced)
    /// and the request's [`Context`](crate::Context); returns anything
    /// [`IntoToolResult`](crate::IntoToolResult).
    pub fn handler<F, Fut, R>(mut self, handler: F) -> Self
    where
        F: Fn(Map<String, Value>, crate::Context) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: crate::IntoToolResult,
    {
        self.handler = Some(Arc::new(move |call: ToolCall| {
            let future = handler(call.arguments, call.context);
            Box::pin(async move { future.await.into_tool_result() }) as ToolFuture
        }));
        self
    }

    /// The tool, or why it cannot be one: a name outside the MCP rule (1-128 characters of
    /// `A-Z a-z 0-9 _ - .`), an input schema whose root is not an object, or no handler.
    pub fn build(self) -> Result<Tool, crate::BuildError> {
        let invalid = |reason: &str| crate::BuildError::InvalidTool {
            name: self.name.clone(),
            reason: reason.to_owned(),
            location: self.location,
        };
        if let Some(problem) = mcp_rules::tool_name_problem(&self.name) {
            return Err(invalid(&format!(
                "{problem}: {}",
                mcp_rules::TOOL_NAME_RULE
            )));
        }
        if self.input_schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid(
                "the input schema's root must be `{\"type\": \"object\", ..}`",
            ));
        }
        let Some(handler) = self.handler.clone() else {
            return Err(invalid("it has no handler: call `.handler(..)`"));
        };
        let mut listing = Map::new();
        listing.insert("name".to_owned(), self.name.clone().into());
        if let Some(title) = &self.title {
            listing.insert("title".to_owned(), title.clone().into());
        }
        if let Some(description) = self.description {
            listing.insert("description".to_owned(), description.into());
        }
        listing.insert("inputSchema".to_owned(), self.input_schema);
        if let Some(output_schema) = self.output_schema {
            listing.insert("outputSchema".to_owned(), output_schema);
        }
        let annotations = annotations_json(self.title.as_deref(), &self.annotations);
        if !annotations.is_empty() {
            listing.insert("annotations".to_owned(), Value::Object(annotations));
        }
        Ok(Tool {
            name: self.name.into(),
            listing: Value::Object(listing),
            wraps_output: false,
            call: handler,
            location: self.location,
        })
    }
}

impl crate::Server {
    /// Adds a tool while the server runs (replacing one of the same name) and tells every
    /// connected client (`notifications/tools/list_changed`).
    pub fn add_tool(&self, tool: Tool) {
        self.inner.tools.update(|tools| tools.insert(tool));
        self.tools_changed();
    }

    /// Removes a tool while the server runs; `false` if there was none by that name.
    pub fn remove_tool(&self, name: &str) -> bool {
        let removed = self
            .inner
            .tools
            .update(|tools| tools.remove(name).is_some());
        if removed {
            self.tools_changed();
        }
        removed
    }

    /// Hides a tool from listings and calls until [`enable_tool`](Self::enable_tool); `false`
    /// if no enabled tool has that name.
    pub fn disable_tool(&self, name: &str) -> bool {
        let changed = self
            .inner
            .tools
            .update(|tools| tools.set_enabled(name, false));
        if changed {
            self.tools_changed();
        }
        changed
    }

    /// Serves a disabled tool again; `false` if no disabled tool has that name.
    pub fn enable_tool(&self, name: &str) -> bool {
        let changed = self
            .inner
            .tools
            .update(|tools| tools.set_enabled(name, true));
        if changed {
            self.tools_changed();
        }
        changed
    }

    fn tools_changed(&self) {
        self.notify_all(
            "notifications/tools/list_changed",
            Value::Object(Map::new()),
        );
    }
}

/// The tools a server serves, sorted by name; disabled ones are set aside, not forgotten.
#[derive(Clone, Default)]
pub(crate) struct Tools {
    tools: Vec<Arc<Tool>>,
    index: FastMap<Arc<str>, usize>,
    disabled: HashMap<Arc<str>, Arc<Tool>>,
}

impl Tools {
    pub(crate) fn new(tools: impl IntoIterator<Item = Tool>) -> Tools {
        let mut set = Tools {
            tools: tools.into_iter().map(Arc::new).collect(),
            ..Tools::default()
        };
        set.reindex();
        set
    }

    fn reindex(&mut self) {
        self.tools.sort_by(|a, b| a.name.cmp(&b.name));
        self.index = self
            .tools
            .iter()
            .enumerate()
            .map(|(i, tool)| (Arc::clone(&tool.name), i))
            .collect();
    }

    /// The enabled tools, sorted by name.
    pub(crate) fn enabled(&self) -> &[Arc<Tool>] {
        &self.tools
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Tool>> {
        self.index.get(name).map(|&i| &self.tools[i])
    }

    /// Adds a tool, replacing an enabled or disabled one of the same name; returns the
    /// replaced one.
    pub(crate) fn insert(&mut self, tool: Tool) -> Option<Arc<Tool>> {
        let replaced = self.remove(&tool.name);
        self.tools.push(Arc::new(tool));
        self.reindex();
        replaced
    }

    pub(crate) fn remove(&mut self, name: &str) -> Option<Arc<Tool>> {
        if let Some(tool) = self.disabled.remove(name) {
            return Some(tool);
        }
        let i = *self.index.get(name)?;
        let tool = self.tools.remove(i);
        self.reindex();
        Some(tool)
    }

    /// Sets a tool aside (`false`) or back (`true`); returns whether anything changed.
    pub(crate) fn set_enabled(&mut self, name: &str, enabled: bool) -> bool {
        if enabled {
            let Some(tool) = self.disabled.remove(name) else {
                return false;
            };
            self.tools.push(tool);
            self.reindex();
            true
        } else {
            let Some(&i) = self.index.get(name) else {
                return false;
            };
            let tool = self.tools.remove(i);
            self.disabled.insert(Arc::clone(&tool.name), tool);
            self.reindex();
            true
        }
    }
}

/// The arguments of one call, taken one parameter at a time by generated code.
///
/// Every problem is collected, so a model that got three arguments wrong learns about all three
/// from one error result.
#[doc(hidden)]
pub struct Arguments {
    tool: &'static str,
    params: &'static [ParamDefinition],
    map: Map<String, Value>,
    problems: Vec<String>,
}

impl Arguments {
    pub fn new(
        tool: &'static str,
        params: &'static [ParamDefinition],
        arguments: Map<String, Value>,
    ) -> Self {
        Arguments {
            tool,
            params,
            map: arguments,
            problems: Vec::new(),
        }
    }

    /// Takes a parameter without a default; a missing one is accepted only by types that
    /// deserialize from `null` (`Option<T>`).
    pub fn take<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        match self.map.remove(name) {
            Some(value) => self.deserialize(name, value),
            None => match T::deserialize(Value::Null) {
                Ok(value) => Some(value),
                Err(_) => {
                    self.problems
                        .push(format!("missing required argument `{name}`"));
                    None
                }
            },
        }
    }

    /// Takes a parameter with a default, used when the argument is missing or `null`.
    pub fn take_or<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
        default: impl FnOnce() -> T,
    ) -> Option<T> {
        match self.map.remove(name) {
            None | Some(Value::Null) => Some(default()),
            Some(value) => self.deserialize(name, value),
        }
    }

    fn deserialize<T: DeserializeOwned>(&mut self, name: &str, value: Value) -> Option<T> {
        let got = crate::jsonrpc::type_name(&value);
        match serde_json::from_value(value) {
            Ok(value) => Some(value),
            Err(err) => {
                self.problems
                    .push(format!("argument `{name}` (got {got}): {err}"));
                None
            }
        }
    }

    /// The error result for everything wrong with the arguments, or `None` if all is well.
    pub fn into_error(self) -> Option<CallToolResult> {
        let mut problems = self.problems;
        if !self.map.is_empty() {
            let expected: Vec<&str> = self.params.iter().map(|p| p.name).collect();
            let takes = if expected.is_empty() {
                "it takes no arguments".to_owned()
            } else {
                format!("it takes: {}", expected.join(", "))
            };
            for name in self.map.keys() {
                problems.push(format!("unknown argument `{name}` ({takes})"));
            }
        }
        if problems.is_empty() {
            return None;
        }
        Some(CallToolResult::error(format!(
            "invalid arguments for tool `{}`: {}",
            self.tool,
            problems.join("; ")
        )))
    }
}
