//! Tasks: tool calls that outlive their request, as MCP's tasks extension
//! (`io.modelcontextprotocol/tasks`, SEP-2663, with MCP 2026-07-28) defines them.
//!
//! A tool declared with `#[tool(task = "optional")]` (or `"required"`, or
//! [`ToolBuilder::task`](crate::ToolBuilder::task)) and called by a client that names the
//! extension in its request's capabilities starts like any call. If it finishes without
//! waiting, its result is the answer, as usual. If it has to wait (a timer, I/O, a question to
//! the client), the call becomes a task: the request is answered at once with the task's id
//! (`resultType: "task"`), the tool runs on, and the client follows it:
//!
//! | method | what it does |
//! |---|---|
//! | `tasks/get` | the task's status, with its result, error or open questions inline |
//! | `tasks/update` | answers the questions the tool asked (`ctx.elicit`, `ctx.sample`, ..) |
//! | `tasks/cancel` | stops the tool: its future is dropped, the task ends `cancelled` |
//! | `subscriptions/listen` with `taskIds` | `notifications/tasks` on every change |
//!
//! Inside a task the same [`Context`](crate::Context) calls work: questions wait for
//! `tasks/update` instead of stopping the call; progress and log messages become the task's
//! status message; [`Context::is_cancelled`](crate::Context::is_cancelled) tells of
//! `tasks/cancel`. Questions asked with
//! [`Context::input_required`](crate::Context::input_required) before the call became a task
//! are asked synchronously, as multi-round-trip input, and the task starts after them.
//!
//! A task belongs to the identity that started it: any other sees "not found". Tasks live in
//! a [`TaskStore`] (in memory by default, [`MemoryTaskStore`]), bounded by [`TaskLimits`] and
//! forgotten once their time to live has passed; [`ServerBuilder::task_store`] plugs in
//! another.
//!
//! [`ServerBuilder::task_store`]: crate::ServerBuilder::task_store

mod call;
mod memory;
mod methods;
mod record;
#[cfg(feature = "redis")]
mod redis;
mod run;
mod store;

use std::time::Duration;

#[cfg(feature = "redis")]
pub use self::redis::RedisTaskStore;
pub use memory::MemoryTaskStore;
pub use record::{TaskChange, TaskEnding, TaskRecord, TaskStatus};
pub use store::{
    Limit, StoreFuture, TaskEvent, TaskEvents, TaskLimits, TaskStore, TaskStoreError,
    TaskStoreErrorKind,
};

pub(crate) use call::{arguments, call, Called};
pub(crate) use methods::{handle, own_task, TaskMethod};
pub(crate) use run::{Question, TaskSlot, Tasks};

/// The extension's identifier, as clients and servers name it in their capabilities.
pub const EXTENSION: &str = "io.modelcontextprotocol/tasks";

/// Whether a tool's calls may run as tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TaskSupport {
    /// Never: every call is answered with its result (the default).
    #[default]
    Never,
    /// When the client supports tasks and the call has to wait; otherwise an ordinary call.
    Optional,
    /// Never as an ordinary call of a 2026-07-28 client: one that does not support tasks gets
    /// `-32021` (missing required client capability); one that does gets a task when the call
    /// has to wait (and its result when it finishes at once, as the extension allows).
    /// Earlier revisions, which have no tasks, run the call as an ordinary one.
    Required,
}

/// How tasks are kept and announced; see [`ServerBuilder::task_ttl`](crate::ServerBuilder::task_ttl).
#[derive(Debug, Clone)]
pub(crate) struct TaskSettings {
    /// How long after its creation a task is kept (and may run).
    pub ttl: Duration,
    /// How often clients are asked to poll.
    pub poll_interval: Duration,
    pub limits: TaskLimits,
}

impl Default for TaskSettings {
    fn default() -> Self {
        TaskSettings {
            ttl: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(1),
            limits: TaskLimits::default(),
        }
    }
}

/// Whether the client capabilities of a request name the extension.
pub(crate) fn declared(client_capabilities: &serde_json::Value) -> bool {
    client_capabilities
        .get("extensions")
        .and_then(|extensions| extensions.get(EXTENSION))
        .is_some()
}

/// `-32021`: what was asked needs the tasks extension, which the request did not declare.
pub(crate) fn missing_extension(what: &str) -> crate::protocol::ErrorObject {
    crate::protocol::ErrorObject {
        code: crate::protocol::MISSING_REQUIRED_CLIENT_CAPABILITY,
        message: format!(
            "{what} needs the `{EXTENSION}` extension: declare it in the request's \
             `io.modelcontextprotocol/clientCapabilities` (`extensions`)"
        ),
        data: Some(serde_json::json!({
            "requiredCapabilities": { "extensions": { EXTENSION: {} } }
        })),
    }
}
