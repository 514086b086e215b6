//! What `#[tool]`, `#[resource]` and `#[prompt]`-generated code reaches. Not public API: it may
//! change in any release.

pub use inventory;
pub use schemars::{Schema, SchemaGenerator};
pub use serde_json;

pub use crate::arguments::{
    Arguments, ArgumentsOf, IsOptional, IsOptionalFallback, Optional, TextArguments,
};
pub use crate::catalog::SourceLocation;
pub use crate::completion::{
    into_completion, Completer, CompleterDefinition, CompletionFuture, CompletionRequest, Resolve,
    ResolveFuture, ResolveValue,
};
pub use crate::prompt::{
    IntoPromptResult, PromptArgumentDefinition, PromptDefinition, PromptFuture, PromptGet,
};
pub use crate::protocol::ErrorObject;
pub use crate::resource::{IntoResourceContents, ResourceDefinition, ResourceFuture, ResourceRead};
pub use crate::task::run_sync;
pub use crate::tool::{
    CallToolResult, IntoToolResult, ParamDefinition, ToolAnnotations, ToolCall, ToolDefinition,
    ToolFuture,
};

/// The schema of one parameter type.
pub fn schema_of<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// A parameter's default value, shown in the schema when its type is `Serialize`.
///
/// Method resolution picks [`DefaultJsonSerialize`] when `T: Serialize` and falls back to
/// [`DefaultJsonFallback`] (no default shown) otherwise, so no bound is imposed on `T`.
pub struct DefaultJson<'a, T>(pub &'a T);

pub trait DefaultJsonSerialize {
    fn default_json(&self) -> Option<serde_json::Value>;
}

impl<T: serde::Serialize> DefaultJsonSerialize for DefaultJson<'_, T> {
    fn default_json(&self) -> Option<serde_json::Value> {
        serde_json::to_value(self.0).ok()
    }
}

pub trait DefaultJsonFallback {
    fn default_json(&self) -> Option<serde_json::Value>;
}

impl<T> DefaultJsonFallback for &DefaultJson<'_, T> {
    fn default_json(&self) -> Option<serde_json::Value> {
        None
    }
}
