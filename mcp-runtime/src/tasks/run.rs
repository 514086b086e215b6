//! Running tasks: [`Tasks`], the server's side of its task store (what this process runs,
//! and what it hears from the store), and [`TaskSlot`], a task call's link from its
//! [`Context`](crate::Context) (where its questions and status messages go).

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use foldhash::HashMap as FastMap;
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use super::record::{now_ms, TaskChange, TaskEnding, TaskRecord};
use super::store::{TaskEvent, TaskStore, TaskStoreError, TaskStoreErrorKind};
use super::TaskSettings;
use crate::protocol::{ErrorObject, INTERNAL_ERROR, SERVER_UNAVAILABLE};
use crate::session::CancelToken;
use crate::subscriptions::{Change, Listeners};
use crate::tool::CallToolResult;

/// A task call's future: the tool's result, or why it failed ("panicked: ..").
pub(crate) type TaskFuture = Pin<Box<dyn Future<Output = Result<CallToolResult, String>> + Send>>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The tasks of a server: its store, its settings, and the tasks this process runs.
pub(crate) struct Tasks {
    store: Arc<dyn TaskStore>,
    settings: TaskSettings,
    running: Mutex<FastMap<String, Arc<Running>>>,
    listeners: Arc<Listeners>,
}

/// A task this process runs.
struct Running {
    slot: Arc<TaskSlot>,
    cancel: CancelToken,
    /// How it ends when it is stopped.
    stopped: Mutex<Option<TaskEnding>>,
}

impl Running {
    fn stop(&self, ending: TaskEnding) {
        lock(&self.stopped).get_or_insert(ending);
        self.cancel.cancel();
    }
}

impl Tasks {
    pub(crate) fn new(
        store: Arc<dyn TaskStore>,
        settings: TaskSettings,
        listeners: Arc<Listeners>,
    ) -> Arc<Tasks> {
        let tasks = Arc::new(Tasks {
            store,
            settings,
            running: Mutex::default(),
            listeners,
        });
        let weak = Arc::downgrade(&tasks);
        tasks.store.watch(Arc::new(move |id: &str, event| {
            if let Some(tasks) = weak.upgrade() {
                tasks.heard(id, event);
            }
        }));
        tasks
    }

    pub(crate) fn store(&self) -> &Arc<dyn TaskStore> {
        &self.store
    }

    /// How many tasks this process runs now.
    pub(crate) fn running(&self) -> usize {
        lock(&self.running).len()
    }

    /// What the store says changed: listeners hear of new states; the runner of the task, if
    /// it runs here, gets its answers or is stopped.
    fn heard(self: &Arc<Self>, id: &str, event: TaskEvent) {
        if matches!(event, TaskEvent::Updated | TaskEvent::Answered) {
            self.listeners.announce(Change::Task(id));
        }
        if event == TaskEvent::Updated {
            return;
        }
        let Some(running) = lock(&self.running).get(id).cloned() else {
            return;
        };
        let (tasks, id) = (Arc::clone(self), id.to_owned());
        tokio::spawn(async move {
            match event {
                TaskEvent::CancelRequested => {
                    let expired = matches!(
                        tasks.store.get(&id).await,
                        Ok(Some(task)) if now_ms() >= task.expires_ms()
                    );
                    running.stop(if expired {
                        TaskEnding::Failed(json!({
                            "code": INTERNAL_ERROR,
                            "message": "the task outlived its time to live and was stopped \
                                        (ServerBuilder::task_ttl sets it)",
                        }))
                    } else {
                        TaskEnding::Cancelled("cancelled by the client".to_owned())
                    });
                }
                _ => match tasks.store.take_answers(&id).await {
                    Ok(answers) => running.slot.deliver(answers),
                    Err(err) => tracing::warn!(task = %id, %err, "a task's answers are unread"),
                },
            }
        });
    }

    /// Makes a task of a call that has to wait: keeps it in the store (so that `tasks/get`
    /// finds it before the client hears of it), then runs `future` in a task of its own.
    pub(crate) async fn start(
        self: &Arc<Self>,
        slot: Arc<TaskSlot>,
        owner: Option<String>,
        tool: &str,
        cancel: CancelToken,
        future: TaskFuture,
    ) -> Result<TaskRecord, ErrorObject> {
        let id = crate::session::new_session_id();
        let (input_requests, message) = slot.take_first();
        let mut record = TaskRecord::new(id.clone(), owner, tool, &self.settings, input_requests);
        record.status_message = message;
        self.store
            .create(record.clone(), &self.settings.limits)
            .await
            .map_err(|err| store_error(&err))?;
        let running = Arc::new(Running {
            slot: Arc::clone(&slot),
            cancel,
            stopped: Mutex::new(None),
        });
        lock(&self.running).insert(id.clone(), Arc::clone(&running));
        // The future is not polled until it is spawned: nothing it asks is missed.
        slot.started(id.clone());
        tracing::debug!(task = %id, %tool, "a tool call became a task");
        tokio::spawn(Arc::clone(self).drive(id, running, future));
        Ok(record)
    }

    /// Runs a task to its end, or until it is stopped, and records how it ended.
    async fn drive(self: Arc<Self>, id: String, running: Arc<Running>, future: TaskFuture) {
        let ending = tokio::select! {
            biased;
            () = running.cancel.cancelled() => lock(&running.stopped)
                .take()
                .unwrap_or_else(|| TaskEnding::Cancelled("cancelled".to_owned())),
            outcome = future => match outcome {
                Ok(result) => match serde_json::to_value(&result) {
                    Ok(mut result) => {
                        // A `CallToolResult` of the revision, as the call itself would have
                        // answered it.
                        result["resultType"] = Value::from("complete");
                        TaskEnding::Completed(result)
                    }
                    Err(err) => failed(format!("the tool's result did not serialize: {err}")),
                },
                Err(failure) => failed(format!("the tool {failure}")),
            },
        };
        // Dropped above, so the tool's own clean-up has run.
        running.slot.close();
        if let Err(err) = self.store.update(&id, TaskChange::Finish(ending)).await {
            tracing::warn!(task = %id, %err, "a task's end could not be recorded");
        }
        lock(&self.running).remove(&id);
    }

    /// Shutdown: lets running tasks finish until `deadline`, then stops the rest, recording
    /// them cancelled.
    pub(crate) async fn shutdown(&self, deadline: Instant) {
        while self.running() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let left: Vec<_> = lock(&self.running).values().cloned().collect();
        if left.is_empty() {
            return;
        }
        tracing::warn!(
            tasks = left.len(),
            "tasks still running after the grace period are cancelled"
        );
        for running in left {
            running.stop(TaskEnding::Cancelled(
                "the server shut down before the task finished".to_owned(),
            ));
        }
        // Each records its end once dropped; a moment is enough.
        let until = Instant::now() + Duration::from_secs(2);
        while self.running() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn failed(message: String) -> TaskEnding {
    TaskEnding::Failed(json!({ "code": INTERNAL_ERROR, "message": message }))
}

/// A store failure as the client hears it.
pub(crate) fn store_error(err: &TaskStoreError) -> ErrorObject {
    let message = match err.kind() {
        TaskStoreErrorKind::LimitReached => format!("no task can be started now: {err}"),
        _ => format!("the task store is unavailable, try again later: {err}"),
    };
    ErrorObject::new(SERVER_UNAVAILABLE, message)
}

/// A task call's link from its context: where its questions wait for answers and its status
/// messages go; before the call becomes a task, what it asked and said so far.
pub(crate) struct TaskSlot {
    tasks: Weak<Tasks>,
    id: OnceLock<String>,
    first: Mutex<First>,
    /// Questions waiting for their answer, by key.
    waiting: Mutex<FastMap<String, oneshot::Sender<Value>>>,
    /// Every key used: keys are unique over a task's life.
    keys: Mutex<HashSet<String>>,
    asked: AtomicUsize,
}

/// What a call asked and said before it became a task.
#[derive(Default)]
struct First {
    input_requests: Map<String, Value>,
    message: Option<String>,
}

/// A question of a task that will not be answered: the task ended.
#[derive(Debug)]
pub(crate) struct Unanswered;

impl TaskSlot {
    pub(crate) fn new(tasks: &Arc<Tasks>) -> Self {
        TaskSlot {
            tasks: Arc::downgrade(tasks),
            id: OnceLock::new(),
            first: Mutex::default(),
            waiting: Mutex::default(),
            keys: Mutex::default(),
            asked: AtomicUsize::new(0),
        }
    }

    /// The task's id, once the call is one.
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.get().map(String::as_str)
    }

    fn started(&self, id: String) {
        let _ = self.id.set(id);
    }

    fn take_first(&self) -> (Map<String, Value>, Option<String>) {
        let first = std::mem::take(&mut *lock(&self.first));
        (first.input_requests, first.message)
    }

    /// Asks the client: the task waits for input until `tasks/update` brings the answer.
    pub(crate) async fn ask(
        &self,
        key: Option<&str>,
        kind: &str,
        method: &str,
        params: Value,
    ) -> Result<Value, Unanswered> {
        let position = self.asked.fetch_add(1, Ordering::Relaxed) + 1;
        let mut key = key.map_or_else(|| format!("{kind}-{position}"), str::to_owned);
        {
            let mut keys = lock(&self.keys);
            if !keys.insert(key.clone()) {
                key = format!("{key}-{position}");
                keys.insert(key.clone());
            }
        }
        let (answer, answered) = oneshot::channel();
        lock(&self.waiting).insert(key.clone(), answer);
        let request = json!({ "method": method, "params": params });
        match self.id() {
            None => {
                lock(&self.first).input_requests.insert(key, request);
            }
            Some(id) => {
                let tasks = self.tasks.upgrade().ok_or(Unanswered)?;
                let change = TaskChange::Ask { key, request };
                if let Err(err) = tasks.store.update(id, change).await {
                    tracing::warn!(task = %id, %err, "a task's question could not be recorded");
                    return Err(Unanswered);
                }
            }
        }
        answered.await.map_err(|_| Unanswered)
    }

    /// Sets the task's status message.
    pub(crate) async fn say(&self, message: String) {
        let Some(id) = self.id() else {
            lock(&self.first).message = Some(message);
            return;
        };
        if let Some(tasks) = self.tasks.upgrade() {
            if let Err(err) = tasks.store.update(id, TaskChange::Message(message)).await {
                tracing::debug!(task = %id, %err, "a task's status message was not recorded");
            }
        }
    }

    fn deliver(&self, answers: Map<String, Value>) {
        let mut waiting = lock(&self.waiting);
        for (key, answer) in answers {
            if let Some(waiter) = waiting.remove(&key) {
                let _ = waiter.send(answer);
            }
        }
    }

    /// The task ended: questions still waiting are dropped.
    fn close(&self) {
        lock(&self.waiting).clear();
    }
}
