//! Running tasks: [`Tasks`], the server's side of its task store (what this process runs,
//! and what it hears from the store), and [`TaskSlot`], a task call's link from its
//! [`Context`](crate::Context) (where its questions and status messages go).

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use foldhash::HashMap as FastMap;
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use super::record::{now_ms, TaskChange, TaskEnding, TaskRecord};
use super::store::{TaskEvent, TaskStore, TaskStoreError, TaskStoreErrorKind};
use super::TaskSettings;
use crate::context::Context;
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
        // Outside a runtime (a store told from a thread of its own), the runner's own rereading
        // of its record picks the change up.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            match event {
                TaskEvent::CancelRequested => {
                    // A time to live that passed is `drive`'s to see; this is the client's.
                    running.stop(TaskEnding::Cancelled("cancelled by the client".to_owned()));
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
        let first = slot.take_first();
        let mut record = TaskRecord::new(
            id.clone(),
            owner,
            tool,
            &self.settings,
            first.input_requests,
        );
        record.status_message = first.message;
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
        // From here on, what the call asks or says goes to the store; what it asked or said
        // while the task was being created (a subtask of its own may have) goes there now.
        let late = slot.started(id.clone());
        for (key, request) in late.input_requests {
            self.record(&id, TaskChange::Ask { key, request }).await;
        }
        if let Some(message) = late.message {
            self.record(&id, TaskChange::Message(message)).await;
        }
        tracing::debug!(task = %id, %tool, "a tool call became a task");
        let expires = record.expires_ms();
        tokio::spawn(Arc::clone(self).drive(id, running, future, expires));
        Ok(record)
    }

    async fn record(&self, id: &str, change: TaskChange) {
        if let Err(err) = self.store.update(id, change).await {
            tracing::warn!(task = %id, %err, "a change of a task could not be recorded");
        }
    }

    /// Reads what the store holds for a task this process runs, in case an event about it was
    /// missed (a shared store may lose one): its answers, and whether it is to stop.
    async fn recheck(&self, id: &str, running: &Running) {
        match self.store.get(id).await {
            Ok(Some(task)) if task.cancel_requested => {
                running.stop(TaskEnding::Cancelled("cancelled by the client".to_owned()));
            }
            Ok(Some(task)) if !task.answers.is_empty() => {
                if let Ok(answers) = self.store.take_answers(id).await {
                    running.slot.deliver(answers);
                }
            }
            _ => {}
        }
    }

    /// Runs a task to its end, until it is stopped, or until its time to live has passed, and
    /// records how it ended.
    async fn drive(
        self: Arc<Self>,
        id: String,
        running: Arc<Running>,
        mut future: TaskFuture,
        expires_ms: u64,
    ) {
        // However this ends (even dropped with its runtime), the task no longer runs here.
        let _entry = RunningEntry {
            tasks: Arc::clone(&self),
            id: id.clone(),
        };
        let left = Duration::from_millis(expires_ms.saturating_sub(now_ms()));
        let expiry = tokio::time::sleep(left);
        tokio::pin!(expiry);
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
        let ending = loop {
            tokio::select! {
                biased;
                () = running.cancel.cancelled() => break lock(&running.stopped)
                    .take()
                    .unwrap_or_else(|| TaskEnding::Cancelled("cancelled".to_owned())),
                () = &mut expiry => break failed(
                    "the task outlived its time to live and was stopped \
                     (ServerBuilder::task_ttl sets it)".to_owned(),
                ),
                outcome = &mut future => break match outcome {
                    Ok(result) => match serde_json::to_value(&result) {
                        Ok(mut result) => {
                            // A `CallToolResult` of the revision, as the call itself would
                            // have answered it.
                            result["resultType"] = Value::from("complete");
                            TaskEnding::Completed(result)
                        }
                        Err(err) => failed(format!("the tool's result did not serialize: {err}")),
                    },
                    Err(failure) => failed(format!("the tool {failure}")),
                },
                _ = recheck.tick() => self.recheck(&id, &running).await,
            }
        };
        // Its questions are no longer waited for; the tool's own clean-up runs before its end
        // is recorded.
        running.slot.close();
        drop(future);
        self.record(&id, TaskChange::Finish(ending)).await;
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

/// How often a running task reads its record, in case an event about it was missed.
const RECHECK: Duration = Duration::from_secs(2);

/// Removes a task from those this process runs when dropped.
struct RunningEntry {
    tasks: Arc<Tasks>,
    id: String,
}

impl Drop for RunningEntry {
    fn drop(&mut self) {
        lock(&self.tasks.running).remove(&self.id);
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
    /// The task's id, once the call is one (read without the lock; set under it).
    id: OnceLock<String>,
    state: Mutex<SlotState>,
    /// Questions waiting for their answer, by key.
    waiting: Mutex<FastMap<String, oneshot::Sender<Value>>>,
    /// The request's own context, until the call becomes a task: what the call reports
    /// before then reaches the request's client as usual.
    request: Mutex<Option<Context>>,
}

#[derive(Default)]
struct SlotState {
    started: bool,
    first: First,
    /// Every key used: keys are unique over a task's life.
    keys: HashSet<String>,
    asked: usize,
}

/// What a call asked and said before it became a task.
#[derive(Default)]
pub(crate) struct First {
    pub(crate) input_requests: Map<String, Value>,
    pub(crate) message: Option<String>,
}

/// A question of a task: its key (the handler's, or by default its kind and position), kind,
/// method and params.
pub(crate) struct Question {
    pub key: Option<String>,
    pub kind: String,
    pub method: String,
    pub params: Value,
}

/// A question of a task that will not be answered: the task ended.
#[derive(Debug)]
pub(crate) struct Unanswered;

impl TaskSlot {
    pub(crate) fn new(tasks: &Arc<Tasks>, request: Context) -> Self {
        TaskSlot {
            tasks: Arc::downgrade(tasks),
            id: OnceLock::new(),
            state: Mutex::default(),
            waiting: Mutex::default(),
            request: Mutex::new(Some(request)),
        }
    }

    /// The task's id, once the call is one.
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.get().map(String::as_str)
    }

    /// The request's context, while the call is not (yet) a task.
    pub(crate) fn request(&self) -> Option<Context> {
        lock(&self.request).clone()
    }

    fn take_first(&self) -> First {
        std::mem::take(&mut lock(&self.state).first)
    }

    /// The call is the task `id` from now on; returns what it asked or said since
    /// [`take_first`](Self::take_first).
    fn started(&self, id: String) -> First {
        let mut state = lock(&self.state);
        state.started = true;
        let _ = self.id.set(id);
        lock(&self.request).take();
        std::mem::take(&mut state.first)
    }

    /// Asks the client: the task waits for input until `tasks/update` brings the answer.
    pub(crate) async fn ask(
        &self,
        key: Option<&str>,
        kind: &str,
        method: &str,
        params: Value,
    ) -> Result<Value, Unanswered> {
        let question = Question {
            key: key.map(str::to_owned),
            kind: kind.to_owned(),
            method: method.to_owned(),
            params,
        };
        let mut answers = self.ask_all(vec![question]).await?;
        Ok(answers.remove(0))
    }

    /// Asks several questions at once (the task's `inputRequests` hold them together, and the
    /// client may answer them one at a time); returns their answers in order. A question
    /// given up on (this future dropped) is withdrawn from the task.
    pub(crate) async fn ask_all(&self, questions: Vec<Question>) -> Result<Vec<Value>, Unanswered> {
        let mut asked = Vec::with_capacity(questions.len());
        let mut record = Vec::new();
        {
            let mut state = lock(&self.state);
            let mut waiting = lock(&self.waiting);
            for question in questions {
                state.asked += 1;
                let position = state.asked;
                let base = question
                    .key
                    .unwrap_or_else(|| format!("{}-{position}", question.kind));
                let mut key = base.clone();
                let mut suffix = 1;
                while !state.keys.insert(key.clone()) {
                    suffix += 1;
                    key = format!("{base}-{suffix}");
                }
                let (answer, answered) = oneshot::channel();
                waiting.insert(key.clone(), answer);
                let request = json!({ "method": question.method, "params": question.params });
                if state.started {
                    record.push((key.clone(), request));
                } else {
                    state.first.input_requests.insert(key.clone(), request);
                }
                asked.push((key, answered));
            }
        }
        let withdraw = Withdraw {
            slot: self,
            keys: asked.iter().map(|(key, _)| key.clone()).collect(),
        };
        if let Some(id) = self.id() {
            let tasks = self.tasks.upgrade().ok_or(Unanswered)?;
            for (key, request) in record {
                if let Err(err) = tasks
                    .store
                    .update(id, TaskChange::Ask { key, request })
                    .await
                {
                    tracing::warn!(task = %id, %err, "a task's question could not be recorded");
                    return Err(Unanswered);
                }
            }
        }
        let mut answers = Vec::with_capacity(asked.len());
        for (_, answered) in asked {
            answers.push(answered.await.map_err(|_| Unanswered)?);
        }
        drop(withdraw);
        Ok(answers)
    }

    /// Sets the task's status message (kept for the task, before the call is one).
    pub(crate) async fn say(&self, message: String) {
        let id = {
            let mut state = lock(&self.state);
            if !state.started {
                state.first.message = Some(message);
                return;
            }
            self.id().map(str::to_owned)
        };
        let (Some(id), Some(tasks)) = (id, self.tasks.upgrade()) else {
            return;
        };
        if let Err(err) = tasks.store.update(&id, TaskChange::Message(message)).await {
            tracing::debug!(task = %id, %err, "a task's status message was not recorded");
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

/// Withdraws the questions of an [`TaskSlot::ask_all`] still unanswered when it is dropped
/// (the tool gave up on them): the task no longer shows them.
struct Withdraw<'a> {
    slot: &'a TaskSlot,
    keys: Vec<String>,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        let open: Vec<String> = {
            let mut waiting = lock(&self.slot.waiting);
            self.keys
                .drain(..)
                .filter(|key| waiting.remove(key).is_some())
                .collect()
        };
        if open.is_empty() {
            return;
        }
        {
            let mut state = lock(&self.slot.state);
            if !state.started {
                for key in &open {
                    state.first.input_requests.remove(key);
                }
                return;
            }
        }
        let (Some(id), Some(tasks)) = (self.slot.id(), self.slot.tasks.upgrade()) else {
            return;
        };
        let id = id.to_owned();
        // Dropped in a task of the runtime: the store is told there.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for key in open {
                    tasks.record(&id, TaskChange::Withdraw(key)).await;
                }
            });
        }
    }
}
