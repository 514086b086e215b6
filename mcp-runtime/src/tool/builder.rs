//! [`ToolBuilder`]: a tool made by hand, from a hand-written schema and a closure.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Handler, Listing, Tool, ToolAnnotations, ToolCall, ToolFuture};
use crate::error::BuildError;
use crate::error::SourceLocation;
use crate::tasks::TaskSupport;

/// Makes a [`Tool`] by hand; see [`Tool::builder`].
pub struct ToolBuilder {
    pub(super) name: String,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) input_schema: Value,
    pub(super) output_schema: Option<Value>,
    pub(super) annotations: ToolAnnotations,
    pub(super) handler: Option<Handler>,
    pub(super) task: TaskSupport,
    pub(super) location: SourceLocation,
    pub(super) tags: Vec<String>,
    /// Its MCP Apps UI: the `ui://` URI, and who may call it (empty: the default).
    pub(super) app: Option<(String, Vec<String>)>,
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

    /// Whether its calls may run as tasks, as `#[tool(task = "..")]` says (see
    /// [`tasks`](crate::tasks)). Default: [`TaskSupport::Never`].
    pub fn task(mut self, support: TaskSupport) -> Self {
        self.task = support;
        self
    }

    /// Tags, for the server's [`visibility`](crate::ServerBuilder::visibility) rule.
    pub fn tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Shows `resource_uri`, a `ui://` resource, as the tool's UI (MCP Apps; see
    /// [`apps`](crate::apps)), as `#[tool(app = "..")]` does; `visibility` (`"model"`,
    /// `"app"`; empty for both) says who may call it, as `#[tool(visibility = [..])]` does.
    pub fn app<I, S>(mut self, resource_uri: impl Into<String>, visibility: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let visibility = visibility.into_iter().map(Into::into).collect();
        self.app = Some((resource_uri.into(), visibility));
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
    pub fn build(self) -> Result<Tool, BuildError> {
        let invalid = |reason: String| BuildError::invalid_tool(&self.name, reason, self.location);
        if let Some(problem) = mcp_rules::tool_name_problem(&self.name) {
            return Err(invalid(format!("{problem}: {}", mcp_rules::TOOL_NAME_RULE)));
        }
        if self.input_schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid(
                "the input schema's root must be `{\"type\": \"object\", ..}`".to_owned(),
            ));
        }
        let Some(handler) = self.handler.clone() else {
            return Err(invalid("it has no handler: call `.handler(..)`".to_owned()));
        };
        if let Some((uri, visibility)) = &self.app {
            if !crate::apps::is_ui_uri(uri) || uri.len() == "ui://".len() {
                return Err(invalid(format!(
                    "its app {uri:?} is not a `ui://` URI (MCP Apps UIs are `ui://` resources)"
                )));
            }
            if let Some(who) = visibility
                .iter()
                .find(|who| *who != "model" && *who != "app")
            {
                return Err(invalid(format!(
                    "its app's visibility lists {who:?}: only \"model\" and \"app\" may call a tool"
                )));
            }
        }
        let listing = Listing {
            name: self.name.as_str(),
            title: self.title.as_deref(),
            description: self.description.as_deref(),
            input_schema: self.input_schema.clone(),
            output_schema: self.output_schema.clone(),
            annotations: self.annotations,
            meta: self.app.as_ref().map(|(uri, visibility)| {
                let visibility: Vec<&str> = visibility.iter().map(String::as_str).collect();
                crate::apps::tool_meta(uri, &visibility)
            }),
        };
        // A handler is given the request's `Context`, and so may ask the client.
        let tags = self.tags.clone().into();
        Tool::new(listing, false, handler, true, self.task, self.location)
            .map(|tool| tool.with_tags(tags))
            .map_err(invalid)
    }
}
