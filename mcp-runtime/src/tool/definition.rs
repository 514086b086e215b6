//! What `#[tool]` registers: everything known about a tool at compile time, turned into a
//! ready-to-serve [`Tool`] once, when a server is built.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

use super::{Tool, ToolAnnotations};
use crate::catalog::Declaration;
use crate::error::ItemKind;
use crate::error::{BuildError, SourceLocation};
use crate::schema;
use crate::tool::CallToolResult;

/// The future a tool call runs.
pub type ToolFuture = Pin<Box<dyn Future<Output = CallToolResult> + Send + 'static>>;

/// A tool as `#[tool]` declares it.
#[doc(hidden)]
pub struct ToolDefinition {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub annotations: ToolAnnotations,
    pub params: &'static [ParamDefinition],
    pub output_schema: fn(&mut SchemaGenerator) -> Option<Schema>,
    pub call: fn(ToolCall) -> ToolFuture,
    /// Whether the function takes a `Context`: only then can it ask the client anything.
    pub takes_context: bool,
    /// `#[tool(task = "..")]`.
    pub task: crate::tasks::TaskSupport,
    /// `#[tool(tags = [..])]`.
    pub tags: &'static [&'static str],
    /// `#[tool(app = "ui://..")]`: its MCP Apps UI.
    pub app: Option<crate::apps::ToolApp>,
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
    /// `#[arg(header = "..")]`: the `Mcp-Param-*` header that mirrors it.
    pub header: Option<&'static str>,
}

inventory::collect!(ToolDefinition);

impl Declaration for ToolDefinition {
    const ITEM: ItemKind = ItemKind::Tool;

    fn key(&self) -> &'static str {
        self.name
    }

    fn location(&self) -> SourceLocation {
        self.location
    }
}

/// The input of one tool call, handed to the generated handler.
#[doc(hidden)]
pub struct ToolCall {
    pub arguments: Map<String, Value>,
    pub context: crate::Context,
}

impl Tool {
    /// Builds a tool from its definition, computing its schemas.
    pub(crate) fn from_definition(definition: &'static ToolDefinition) -> Result<Tool, BuildError> {
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
                header: param.header,
            })
            .collect();
        let input_schema = schema::input_schema(properties, generator.take_definitions(true));

        let mut generator = schema::output_generator();
        let output = (definition.output_schema)(&mut generator)
            .map(|output| schema::output_schema(output, generator.take_definitions(true)));
        let wraps_output = output.as_ref().is_some_and(|(_, wrapped)| *wrapped);

        Tool::new(
            super::Listing {
                name: definition.name,
                title: definition.title,
                description: definition.description,
                input_schema,
                output_schema: output.map(|(schema, _)| schema),
                annotations: definition.annotations,
                meta: definition
                    .app
                    .map(|app| crate::apps::tool_meta(app.resource_uri, app.visibility)),
            },
            wraps_output,
            Arc::new(definition.call),
            definition.takes_context,
            definition.task,
            definition.location,
        )
        .map(|tool| {
            tool.with_tags(
                definition
                    .tags
                    .iter()
                    .map(|tag| (*tag).to_owned())
                    .collect(),
            )
        })
        .map_err(|reason| BuildError::invalid_tool(definition.name, reason, definition.location))
    }
}
