//! Tools: what `#[tool]` registers, and the ready-to-serve form a server builds from it once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use schemars::{Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::result::CallToolResult;
use crate::schema;

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

/// A tool ready to serve: its `tools/list` entry is computed once, here.
pub struct Tool {
    name: &'static str,
    listing: Value,
    wraps_output: bool,
    call: fn(ToolCall) -> ToolFuture,
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
            name: definition.name,
            listing: Value::Object(listing),
            wraps_output: output.is_some_and(|(_, wrapped)| wrapped),
            call: definition.call,
            location: definition.location,
        }
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        self.name
    }

    pub(crate) fn name_static(&self) -> &'static str {
        self.name
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
    pub(crate) fn call(
        &self,
        arguments: Map<String, Value>,
        context: crate::Context,
    ) -> ToolFuture {
        let future = (self.call)(ToolCall { arguments, context });
        let wraps_output = self.wraps_output;
        Box::pin(async move {
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
        })
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

/// Runs a synchronous tool on the blocking thread pool, so it never stalls the async workers.
#[doc(hidden)]
pub async fn run_blocking(
    tool: impl FnOnce() -> CallToolResult + Send + 'static,
) -> CallToolResult {
    match tokio::task::spawn_blocking(tool).await {
        Ok(result) => result,
        Err(err) => join_error_result(err),
    }
}

/// The error result for a tool task that panicked or was cancelled.
pub(crate) fn join_error_result(err: tokio::task::JoinError) -> CallToolResult {
    if err.is_panic() {
        let payload = err.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_owned());
        tracing::warn!(panic = %message, "a tool panicked; the call gets an error result");
        CallToolResult::error(format!("the tool panicked: {message}"))
    } else {
        CallToolResult::error("the tool was cancelled before it finished")
    }
}
