//! [`TaskStore`]: where tasks live, behind a small trait, so that a store shared by several
//! replicas (Redis) can take the in-memory one's place: a task started on one replica is then
//! read, answered and cancelled on any other.
//!
//! Every operation names one task and is one atomic step of the store (a shared store does
//! each as one transaction or script). The replica that runs a task hears of what clients do
//! to it (answers, cancellation) through the store's [`TaskEvents`], wherever they arrived.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::record::{TaskChange, TaskRecord};

/// The future a store operation returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TaskStoreError>> + Send + 'a>>;

/// Told of every change to a task (its id, and what changed), whichever replica made it.
pub type TaskEvents = Arc<dyn Fn(&str, TaskEvent) + Send + Sync>;

/// What changed in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskEvent {
    /// Its runner changed its state ([`TaskStore::update`]).
    Updated,
    /// A client answered some of its questions ([`TaskStore::answer`]): its runner takes them.
    Answered,
    /// It is to stop: a client cancelled it, or it outlived its time to live.
    CancelRequested,
}

/// Limits on tasks, checked by the store when one is created: running tasks and tasks kept
/// (running or ended, until their time to live passes), overall and per identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskLimits {
    /// Tasks running at once, overall.
    pub max_running: usize,
    /// Tasks running at once for one authenticated identity.
    pub max_running_per_identity: usize,
    /// Tasks kept at once, overall.
    pub max_kept: usize,
    /// Tasks kept at once for one authenticated identity.
    pub max_kept_per_identity: usize,
}

impl Default for TaskLimits {
    fn default() -> Self {
        TaskLimits {
            max_running: 1024,
            max_running_per_identity: 64,
            max_kept: 10_000,
            max_kept_per_identity: 1_000,
        }
    }
}

/// Which of the [`TaskLimits`] a new task would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`TaskLimits::max_running`].
    Running,
    /// [`TaskLimits::max_kept`].
    Kept,
    /// [`TaskLimits::max_running_per_identity`].
    RunningPerIdentity,
    /// [`TaskLimits::max_kept_per_identity`].
    KeptPerIdentity,
}

impl TaskLimits {
    /// The error for a task refused by `limit`, saying which and what to do: what every
    /// store answers.
    pub fn reached(&self, limit: Limit) -> TaskStoreError {
        let message = match limit {
            Limit::Running => format!(
                "the server already runs {} tasks, its limit: try again when some have ended \
                 (ServerBuilder::task_limits sets it)",
                self.max_running
            ),
            Limit::Kept => format!(
                "the server already keeps {} tasks, its limit: try again when some have \
                 expired (ServerBuilder::task_limits sets it)",
                self.max_kept
            ),
            Limit::RunningPerIdentity => format!(
                "you already run {} tasks, the limit for one identity: try again when some \
                 have ended",
                self.max_running_per_identity
            ),
            Limit::KeptPerIdentity => format!(
                "you already have {} tasks kept, the limit for one identity: try again when \
                 some have expired",
                self.max_kept_per_identity
            ),
        };
        TaskStoreError::limit_reached(message)
    }

    /// These limits with `max_running` overall and `per_identity` for each identity.
    pub const fn running(mut self, max_running: usize, per_identity: usize) -> Self {
        self.max_running = max_running;
        self.max_running_per_identity = per_identity;
        self
    }

    /// These limits with `max_kept` overall and `per_identity` for each identity.
    pub const fn kept(mut self, max_kept: usize, per_identity: usize) -> Self {
        self.max_kept = max_kept;
        self.max_kept_per_identity = per_identity;
        self
    }
}

/// Where tasks live.
///
/// The server calls it; a tool never does. Implement it to keep tasks elsewhere (the
/// in-memory [`MemoryTaskStore`](super::MemoryTaskStore) is the default and the reference).
/// A store forgets each task once its [`expires_ms`](TaskRecord::expires_ms) has passed, on
/// its own (a task is never kept forever), and calls the [`TaskEvents`] given to
/// [`watch`](Self::watch) after each change it makes.
pub trait TaskStore: Send + Sync + 'static {
    /// Keeps a new task, unless that would pass one of `limits` (then
    /// [`TaskStoreErrorKind::LimitReached`], saying which). Once this returns, [`get`](Self::get)
    /// finds the task on every replica.
    fn create<'a>(&'a self, task: TaskRecord, limits: &'a TaskLimits) -> StoreFuture<'a, ()>;

    /// The task, if the store has it.
    fn get<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<TaskRecord>>;

    /// Applies a change of the task's runner ([`TaskRecord::apply`]); `false` when there is no
    /// such task.
    fn update<'a>(&'a self, id: &'a str, change: TaskChange) -> StoreFuture<'a, bool>;

    /// Records a client's answers ([`TaskRecord::answer`]); `false` when there is no such task.
    fn answer<'a>(&'a self, id: &'a str, responses: Map<String, Value>) -> StoreFuture<'a, bool>;

    /// Takes the answers recorded for the task and not yet taken, for its runner.
    fn take_answers<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Map<String, Value>>;

    /// Records that a client asked to cancel the task (nothing changes for one that ended);
    /// `false` when there is no such task.
    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool>;

    /// Adds what hears of every change (each server using the store adds its own). Called
    /// from within a Tokio runtime (a shared store's subscriber task, say): the server spawns
    /// what an event needs on it. Events may be lost (a shared store's pub/sub is at most
    /// once): the runner of a task also reads its record every few seconds.
    fn watch(&self, events: TaskEvents);

    /// How many tasks it keeps now (running or ended), for monitoring and tests.
    fn len(&self) -> StoreFuture<'_, usize>;

    /// Whether it keeps no task.
    fn is_empty(&self) -> StoreFuture<'_, bool> {
        Box::pin(async move { Ok(self.len().await? == 0) })
    }
}

/// What a store's [`TaskStore::watch`] added: every watcher, told of each change.
#[derive(Default)]
pub(crate) struct Watchers(std::sync::RwLock<Vec<TaskEvents>>);

impl Watchers {
    pub(crate) fn add(&self, events: TaskEvents) {
        self.0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(events);
    }

    /// Tells every watcher (outside the lock: a watcher may call the store again).
    pub(crate) fn tell(&self, id: &str, event: TaskEvent) {
        let watchers = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        for watcher in watchers {
            watcher(id, event);
        }
    }
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStoreError {
    kind: TaskStoreErrorKind,
    message: String,
}

/// What kind of failure a [`TaskStoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskStoreErrorKind {
    /// A [`TaskLimits`] limit would be passed: try again once tasks have ended or expired.
    LimitReached,
    /// The store cannot be reached now (a shared store is down): try again later.
    Unavailable,
}

impl TaskStoreError {
    /// A limit would be passed; `message` says which, and how to change it.
    pub fn limit_reached(message: impl Into<String>) -> Self {
        TaskStoreError {
            kind: TaskStoreErrorKind::LimitReached,
            message: message.into(),
        }
    }

    /// The store cannot be reached; `message` says why.
    pub fn unavailable(message: impl Into<String>) -> Self {
        TaskStoreError {
            kind: TaskStoreErrorKind::Unavailable,
            message: message.into(),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> TaskStoreErrorKind {
        self.kind
    }
}

impl fmt::Display for TaskStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TaskStoreError {}

/// A store shared by reference: the server uses it, and the program keeps a handle to it.
impl<T: TaskStore> TaskStore for Arc<T> {
    fn create<'a>(&'a self, task: TaskRecord, limits: &'a TaskLimits) -> StoreFuture<'a, ()> {
        (**self).create(task, limits)
    }

    fn get<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<TaskRecord>> {
        (**self).get(id)
    }

    fn update<'a>(&'a self, id: &'a str, change: TaskChange) -> StoreFuture<'a, bool> {
        (**self).update(id, change)
    }

    fn answer<'a>(&'a self, id: &'a str, responses: Map<String, Value>) -> StoreFuture<'a, bool> {
        (**self).answer(id, responses)
    }

    fn take_answers<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Map<String, Value>> {
        (**self).take_answers(id)
    }

    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool> {
        (**self).cancel(id)
    }

    fn watch(&self, events: TaskEvents) {
        (**self).watch(events);
    }

    fn len(&self) -> StoreFuture<'_, usize> {
        (**self).len()
    }
}
