//! [`MemoryTaskStore`]: the default task store, in this process's memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use foldhash::HashMap as FastMap;
use serde_json::{Map, Value};

use super::record::{now_ms, TaskChange, TaskRecord};
use super::store::{Limit, StoreFuture, TaskEvent, TaskEvents, TaskLimits, TaskStore, Watchers};

/// How often expired tasks are looked for, while there are tasks.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// How long a task still running past its time to live may take to end before it is
/// forgotten anyway: a store keeps nothing forever.
const ENDING_GRACE_MS: u64 = 30_000;

/// Tasks in this process's memory: bounded by the server's
/// [`TaskLimits`], each forgotten once its time to live has passed (a background sweep
/// looks every second while there are tasks). One replica only: for several, use a shared
/// store.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use mcp_runtime::tasks::{MemoryTaskStore, TaskStore};
///
/// let store = MemoryTaskStore::new();
/// assert_eq!(store.len().await.unwrap(), 0);
/// # }
/// ```
#[derive(Default)]
pub struct MemoryTaskStore {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    /// Every server using the store hears of its changes.
    events: Watchers,
    /// A sweep is scheduled.
    sweeping: AtomicBool,
}

#[derive(Default)]
struct State {
    tasks: FastMap<String, TaskRecord>,
    running: usize,
    /// Running and kept tasks of each authenticated identity.
    owners: FastMap<String, Counts>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    running: usize,
    kept: usize,
}

impl MemoryTaskStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryTaskStore::default()
    }
}

impl std::fmt::Debug for MemoryTaskStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryTaskStore")
            .field("tasks", &lock(&self.inner.state).tasks.len())
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each critical section leaves the counts consistent before anything can panic.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    fn counts(&mut self, owner: &Option<String>) -> Option<&mut Counts> {
        owner
            .as_ref()
            .map(|owner| self.owners.entry(owner.clone()).or_default())
    }

    /// Counts a task that stopped running.
    fn ended(&mut self, owner: &Option<String>) {
        self.running -= 1;
        if let Some(counts) = self.counts(owner) {
            counts.running -= 1;
        }
    }

    fn remove(&mut self, id: &str) {
        let Some(task) = self.tasks.remove(id) else {
            return;
        };
        if !task.status.is_terminal() {
            self.ended(&task.owner);
        }
        if let Some(owner) = &task.owner {
            if let Some(counts) = self.owners.get_mut(owner) {
                counts.kept -= 1;
                if counts.kept == 0 {
                    self.owners.remove(owner);
                }
            }
        }
    }

    /// Forgets what expired; asks tasks still running past their time to live to stop.
    /// Returns the ids of those asked.
    fn sweep(&mut self, now: u64) -> Vec<String> {
        let mut forget = Vec::new();
        let mut stop = Vec::new();
        for task in self.tasks.values_mut() {
            let expires = task.expires_ms();
            if now < expires {
                continue;
            }
            if task.status.is_terminal() || now >= expires.saturating_add(ENDING_GRACE_MS) {
                forget.push(task.id.clone());
            } else if !task.cancel_requested {
                task.cancel_requested = true;
                stop.push(task.id.clone());
            }
        }
        for id in &forget {
            self.remove(id);
        }
        stop
    }
}

impl Inner {
    fn tell(&self, id: &str, event: TaskEvent) {
        self.events.tell(id, event);
    }

    /// Schedules sweeps while there are tasks (needs a Tokio runtime: store operations are
    /// called from one).
    fn schedule_sweep(self: &Arc<Self>) {
        if self.sweeping.swap(true, Ordering::AcqRel) {
            return;
        }
        let weak: Weak<Inner> = Arc::downgrade(self);
        tokio::spawn(async move {
            // However the sweep ends (its runtime may stop), the next task schedules another.
            let unmark = Unmark(weak.clone());
            loop {
                tokio::time::sleep(SWEEP_EVERY).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                let (stop, empty) = {
                    let mut state = lock(&inner.state);
                    let stop = state.sweep(now_ms());
                    (stop, state.tasks.is_empty())
                };
                for id in &stop {
                    inner.tell(id, TaskEvent::CancelRequested);
                }
                if empty {
                    inner.sweeping.store(false, Ordering::Release);
                    // A task created since the check schedules its own sweep.
                    if lock(&inner.state).tasks.is_empty()
                        || inner.sweeping.swap(true, Ordering::AcqRel)
                    {
                        // Not ours to clear any more.
                        std::mem::forget(unmark);
                        return;
                    }
                }
            }
        });
    }
}

/// Clears the store's `sweeping` mark when its sweep ends.
struct Unmark(Weak<Inner>);

impl Drop for Unmark {
    fn drop(&mut self) {
        if let Some(inner) = self.0.upgrade() {
            inner.sweeping.store(false, Ordering::Release);
        }
    }
}

fn ready<T: Send + 'static>(value: T) -> StoreFuture<'static, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl TaskStore for MemoryTaskStore {
    fn create<'a>(&'a self, task: TaskRecord, limits: &'a TaskLimits) -> StoreFuture<'a, ()> {
        let outcome = {
            let mut state = lock(&self.inner.state);
            let owned = task
                .owner
                .as_ref()
                .map(|owner| state.owners.get(owner).copied().unwrap_or_default());
            let refused = if state.running >= limits.max_running {
                Some(Limit::Running)
            } else if state.tasks.len() >= limits.max_kept {
                Some(Limit::Kept)
            } else if owned.is_some_and(|counts| counts.running >= limits.max_running_per_identity)
            {
                Some(Limit::RunningPerIdentity)
            } else if owned.is_some_and(|counts| counts.kept >= limits.max_kept_per_identity) {
                Some(Limit::KeptPerIdentity)
            } else {
                None
            };
            match refused {
                Some(limit) => Err(limits.reached(limit)),
                None => {
                    let running = !task.status.is_terminal();
                    if let Some(counts) = state.counts(&task.owner) {
                        counts.kept += 1;
                        counts.running += usize::from(running);
                    }
                    state.running += usize::from(running);
                    state.tasks.insert(task.id.clone(), task);
                    Ok(())
                }
            }
        };
        if outcome.is_ok() {
            self.inner.schedule_sweep();
        }
        Box::pin(std::future::ready(outcome))
    }

    fn get<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<TaskRecord>> {
        let state = lock(&self.inner.state);
        // An expired task is gone, even before the sweep forgets it.
        let found = state
            .tasks
            .get(id)
            .filter(|task| !task.status.is_terminal() || now_ms() < task.expires_ms())
            .cloned();
        ready(found)
    }

    fn update<'a>(&'a self, id: &'a str, change: TaskChange) -> StoreFuture<'a, bool> {
        let (found, changed) = {
            let mut state = lock(&self.inner.state);
            match state.tasks.get_mut(id) {
                None => (false, false),
                Some(task) => {
                    let was_running = !task.status.is_terminal();
                    let changed = task.apply(change, now_ms());
                    let ended = was_running && task.status.is_terminal();
                    let owner = task.owner.clone();
                    if ended {
                        state.ended(&owner);
                    }
                    (true, changed)
                }
            }
        };
        if changed {
            self.inner.tell(id, TaskEvent::Updated);
        }
        ready(found)
    }

    fn answer<'a>(&'a self, id: &'a str, responses: Map<String, Value>) -> StoreFuture<'a, bool> {
        let (found, taken) = {
            let mut state = lock(&self.inner.state);
            match state.tasks.get_mut(id) {
                None => (false, 0),
                Some(task) => (true, task.answer(responses, now_ms())),
            }
        };
        if taken > 0 {
            self.inner.tell(id, TaskEvent::Answered);
        }
        ready(found)
    }

    fn take_answers<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Map<String, Value>> {
        let mut state = lock(&self.inner.state);
        let answers = state
            .tasks
            .get_mut(id)
            .map(|task| std::mem::take(&mut task.answers))
            .unwrap_or_default();
        ready(answers)
    }

    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool> {
        let (found, asked) = {
            let mut state = lock(&self.inner.state);
            match state.tasks.get_mut(id) {
                None => (false, false),
                Some(task) => {
                    let asked = !task.status.is_terminal() && !task.cancel_requested;
                    task.cancel_requested |= asked;
                    (true, asked)
                }
            }
        };
        if asked {
            self.inner.tell(id, TaskEvent::CancelRequested);
        }
        ready(found)
    }

    fn watch(&self, events: TaskEvents) {
        self.inner.events.add(events);
    }

    fn len(&self) -> StoreFuture<'_, usize> {
        ready(lock(&self.inner.state).tasks.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::record::{TaskEnding, TaskStatus};
    use crate::tasks::TaskSettings;
    use serde_json::json;

    fn task(id: &str, owner: Option<&str>, ttl: Duration) -> TaskRecord {
        let settings = TaskSettings {
            ttl,
            ..TaskSettings::default()
        };
        TaskRecord::new(id.into(), owner.map(Into::into), "t", &settings, Map::new())
    }

    fn finish() -> TaskChange {
        TaskChange::Finish(TaskEnding::Completed(json!({"content": []})))
    }

    #[tokio::test]
    async fn limits_count_running_and_kept_tasks_overall_and_per_identity() {
        let store = MemoryTaskStore::new();
        let hour = Duration::from_secs(3600);
        let limits = TaskLimits::default().running(3, 2).kept(4, 3);
        store
            .create(task("a1", Some("alice"), hour), &limits)
            .await
            .unwrap();
        store
            .create(task("a2", Some("alice"), hour), &limits)
            .await
            .unwrap();
        let refused = store
            .create(task("a3", Some("alice"), hour), &limits)
            .await
            .unwrap_err();
        assert_eq!(
            refused.kind(),
            crate::tasks::TaskStoreErrorKind::LimitReached
        );
        assert!(
            refused.to_string().contains("you already run 2 tasks"),
            "{refused}"
        );
        // Another identity is not held back by alice's.
        store
            .create(task("b1", Some("bob"), hour), &limits)
            .await
            .unwrap();
        let full = store
            .create(task("c1", None, hour), &limits)
            .await
            .unwrap_err();
        assert!(full.to_string().contains("already runs 3 tasks"), "{full}");
        // An ended task no longer runs, but is kept.
        assert!(store.update("a1", finish()).await.unwrap());
        store
            .create(task("a3", Some("alice"), hour), &limits)
            .await
            .unwrap();
        assert!(store.update("b1", finish()).await.unwrap());
        let kept = store
            .create(task("c2", None, hour), &limits)
            .await
            .unwrap_err();
        assert!(kept.to_string().contains("keeps 4 tasks"), "{kept}");
        assert_eq!(store.len().await.unwrap(), 4);
    }

    #[tokio::test]
    async fn ended_tasks_are_forgotten_after_their_ttl_and_running_ones_are_asked_to_stop() {
        let store = MemoryTaskStore::new();
        let told = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&told);
        store.watch(Arc::new(move |id: &str, event| {
            lock(&seen).push(format!("{id} {event:?}"))
        }));
        let limits = TaskLimits::default();
        let short = Duration::from_millis(200);
        store
            .create(task("done", None, short), &limits)
            .await
            .unwrap();
        store
            .create(task("running", None, short), &limits)
            .await
            .unwrap();
        store.update("done", finish()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        // Expired: gone for readers at once.
        assert!(store.get("done").await.unwrap().is_none());
        tokio::time::sleep(SWEEP_EVERY + Duration::from_millis(200)).await;
        assert_eq!(store.len().await.unwrap(), 1);
        let running = store.get("running").await.unwrap().unwrap();
        assert!(running.cancel_requested);
        assert_eq!(running.status, TaskStatus::Working);
        assert_eq!(*lock(&told), ["done Updated", "running CancelRequested"]);
        // Once it ends, it goes too.
        store
            .update(
                "running",
                TaskChange::Finish(TaskEnding::Cancelled("ttl".into())),
            )
            .await
            .unwrap();
        tokio::time::sleep(SWEEP_EVERY + Duration::from_millis(200)).await;
        assert!(store.is_empty().await.unwrap());
        assert!(lock(&store.inner.state).owners.is_empty());
    }

    #[tokio::test]
    async fn answers_wait_for_the_runner_and_cancelling_an_ended_task_changes_nothing() {
        let store = MemoryTaskStore::new();
        let limits = TaskLimits::default();
        store
            .create(task("t", None, Duration::from_secs(60)), &limits)
            .await
            .unwrap();
        let ask = TaskChange::Ask {
            key: "k".into(),
            request: json!({"method": "elicitation/create"}),
        };
        store.update("t", ask).await.unwrap();
        let answers = json!({"k": {"action": "accept"}});
        assert!(store
            .answer("t", answers.as_object().unwrap().clone())
            .await
            .unwrap());
        assert!(!store.answer("nope", Map::new()).await.unwrap());
        let taken = store.take_answers("t").await.unwrap();
        assert_eq!(taken["k"]["action"], "accept");
        assert!(store.take_answers("t").await.unwrap().is_empty());
        store.update("t", finish()).await.unwrap();
        assert!(store.cancel("t").await.unwrap());
        let ended = store.get("t").await.unwrap().unwrap();
        assert!(!ended.cancel_requested);
        assert_eq!(ended.status, TaskStatus::Completed);
    }

    #[test]
    fn every_watcher_hears_and_the_sweep_outlives_the_runtime_that_started_it() {
        let store = MemoryTaskStore::new();
        let heard = Arc::new(Mutex::new(0));
        for _ in 0..2 {
            let heard = Arc::clone(&heard);
            store.watch(Arc::new(move |_: &str, _| *lock(&heard) += 1));
        }
        let limits = TaskLimits::default();
        let short = Duration::from_millis(100);
        // The first sweep starts on a runtime that is then dropped.
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            store.create(task("a", None, short), &limits).await.unwrap();
            store.update("a", finish()).await.unwrap();
        });
        assert_eq!(*lock(&heard), 2, "both watchers heard the change");
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            store.create(task("b", None, short), &limits).await.unwrap();
            store.update("b", finish()).await.unwrap();
            tokio::time::sleep(SWEEP_EVERY * 2 + Duration::from_millis(300)).await;
            assert!(store.is_empty().await.unwrap(), "a new sweep forgot both");
        });
    }
}
