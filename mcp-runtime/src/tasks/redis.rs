//! [`RedisTaskStore`]: tasks in Redis (feature `redis`), shared by every replica of a
//! deployment: a task started on one is read, answered and cancelled on any other.
//!
//! | key (under the prefix, `mcp` by default) | holds | expires |
//! |---|---|---|
//! | `task:{id}` | the [`TaskRecord`], as JSON | with the task (its ttl, plus a grace period) |
//! | `tasks:running`, `tasks:kept` | the ids of running and kept tasks, scored by expiry | members drop out as they expire |
//! | `owner:{subject}:running`, `owner:{subject}:kept` | the same, per identity | the same |
//! | channel `tasks:events` | `{event} {id}` after every change | (pub/sub) |
//!
//! Every operation is one atomic step: creation (limits checked, record and counts written) is
//! one Lua script; a change is a read, [`TaskRecord::apply`] (the same code as in memory), and a
//! compare-and-set script, retried when another replica changed the record in between. A
//! change that ends a task takes it out of the running counts in the same script. Events go
//! out on pub/sub, which may lose one (while reconnecting, say): the runner of a task rereads
//! its record every few seconds, so nothing waits for an event for ever.
//!
//! Redis down: each operation fails within seconds (about 2 s; up to about 9 s while Redis does
//! not answer at all) with
//! [`TaskStoreErrorKind::Unavailable`](super::TaskStoreErrorKind::Unavailable) (never a hang),
//! and the connection comes back by itself.

use std::sync::Arc;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};
use serde_json::{Map, Value};

use super::record::{now_ms, TaskChange, TaskRecord};
use super::store::{
    Limit, StoreFuture, TaskEvent, TaskEvents, TaskLimits, TaskStore, TaskStoreError, Watchers,
};
use crate::shared::Redis;

/// How long a task's key outlives its ttl, so that a runner still ending it finds it.
const GRACE_MS: u64 = 30_000;

/// How many times a change is retried when another replica changed the record meanwhile.
const RETRIES: usize = 16;

/// Tasks kept in Redis, shared by every replica that connects to the same Redis with the same
/// prefix.
///
/// ```no_run
/// # async fn run() -> Result<(), mcp_runtime::tasks::TaskStoreError> {
/// use mcp_runtime::tasks::RedisTaskStore;
///
/// let store = RedisTaskStore::connect("redis://127.0.0.1:6379/").await?;
/// let server = mcp_runtime::Server::builder().task_store(store).build().unwrap();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisTaskStore {
    inner: Arc<Inner>,
}

struct Inner {
    redis: Redis,
    events: Watchers,
    create: Script,
    swap: Script,
    count: Script,
}

impl std::fmt::Debug for RedisTaskStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTaskStore")
            .field("redis", &self.inner.redis)
            .finish_non_exhaustive()
    }
}

/// Creates a task unless a limit would be passed. KEYS: record, running, kept, owner running,
/// owner kept (the last two ignored without an owner). ARGV: id, record JSON, now, expiry
/// score, key ttl (ms), has owner, max running, max kept, max running per owner, max kept per
/// owner. Returns 0 when created, else which limit: 1 running, 2 kept, 3 owner running,
/// 4 owner kept, 5 the id exists.
const CREATE: &str = r"
local now = tonumber(ARGV[3])
for i = 2, 5 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[7]) then return 1 end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[8]) then return 2 end
if ARGV[6] == '1' then
  if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[9]) then return 3 end
  if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[10]) then return 4 end
end
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[5]) then return 5 end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
  -- An identity's sets go when its last task does.
  for i = 4, 5 do
    if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[5]) then
      redis.call('PEXPIRE', KEYS[i], ARGV[5])
    end
  end
end
return 0
";

/// Replaces a record if it is still what was read. KEYS: record, running, kept, owner
/// running, owner kept. ARGV: id, old JSON, new JSON, key ttl (ms), expiry score, ended (1:
/// the change ended the task), has owner. Returns 1 when replaced, 0 when the record changed
/// meanwhile (or is gone).
const SWAP: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
-- The record exists: it is kept until its (maybe extended) expiry.
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
if ARGV[7] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
  if redis.call('PTTL', KEYS[5]) < tonumber(ARGV[4]) then
    redis.call('PEXPIRE', KEYS[5], ARGV[4])
  end
end
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  if ARGV[7] == '1' then redis.call('ZREM', KEYS[4], ARGV[1]) end
end
return 1
";

/// How many tasks are kept. KEYS: kept. ARGV: now.
const COUNT: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
";

/// What a change of the record does, once read.
enum Edit {
    Apply(TaskChange),
    Answer(Map<String, Value>),
    TakeAnswers,
    Cancel,
}

impl RedisTaskStore {
    /// Connects to the Redis at `url` (`redis://host:port/db`), with keys under `mcp:`
    /// ([`Redis::connect`], then [`Redis::task_store`]).
    ///
    /// # Errors
    ///
    /// When Redis cannot be reached (the error names the URL).
    pub async fn connect(url: &str) -> Result<RedisTaskStore, TaskStoreError> {
        RedisTaskStore::connect_with_prefix(url, "mcp").await
    }

    /// Connects to the Redis that `MCP_REDIS_URL` names, if it names one: `Ok(None)` when it
    /// is unset or empty.
    ///
    /// # Errors
    ///
    /// When it is set and Redis cannot be reached (the error names the URL).
    pub async fn from_env() -> Result<Option<RedisTaskStore>, TaskStoreError> {
        match std::env::var("MCP_REDIS_URL") {
            Ok(url) if !url.is_empty() => RedisTaskStore::connect(&url).await.map(Some),
            _ => Ok(None),
        }
    }

    /// Connects with keys under `{prefix}:` (deployments sharing one Redis use one prefix
    /// each).
    ///
    /// # Errors
    ///
    /// When Redis cannot be reached (the error names the URL).
    pub async fn connect_with_prefix(
        url: &str,
        prefix: &str,
    ) -> Result<RedisTaskStore, TaskStoreError> {
        let redis = Redis::connect_with_prefix(url, prefix)
            .await
            .map_err(|err| TaskStoreError::unavailable(err.to_string()))?;
        Ok(RedisTaskStore::on(&redis))
    }

    /// A store on a connection of a deployment's [`Redis`].
    pub(crate) fn on(redis: &Redis) -> RedisTaskStore {
        let store = RedisTaskStore {
            inner: Arc::new(Inner {
                redis: redis.clone(),
                events: Watchers::default(),
                create: Script::new(CREATE),
                swap: Script::new(SWAP),
                count: Script::new(COUNT),
            }),
        };
        store.subscribe();
        store
    }

    fn key(&self, what: &str) -> String {
        self.inner.redis.key(what)
    }

    fn connection(&self) -> ConnectionManager {
        self.inner.redis.inner.connection.clone()
    }

    fn url(&self) -> &str {
        self.inner.redis.url()
    }

    /// The record's key, then the running and kept sets, overall and of the owner.
    fn keys(&self, id: &str, owner: Option<&str>) -> [String; 5] {
        let owner = owner.unwrap_or("");
        [
            self.key(&format!("task:{id}")),
            self.key("tasks:running"),
            self.key("tasks:kept"),
            self.key(&format!("owner:{owner}:running")),
            self.key(&format!("owner:{owner}:kept")),
        ]
    }

    fn failed(&self, err: &redis::RedisError) -> TaskStoreError {
        TaskStoreError::unavailable(format!("Redis at {}: {err}", self.url()))
    }

    async fn read(&self, id: &str) -> Result<Option<(String, TaskRecord)>, TaskStoreError> {
        let mut connection = self.connection();
        let key = self.key(&format!("task:{id}"));
        let text: Option<String> = connection
            .get(&key)
            .await
            .map_err(|err| self.failed(&err))?;
        Ok(text.and_then(|text| {
            let record = serde_json::from_str(&text).ok()?;
            Some((text, record))
        }))
    }

    /// Reads, edits and writes back a record, retried while another replica changes it
    /// meanwhile. `None`: no such task. Else whether it changed, and the answers taken.
    async fn edit(
        &self,
        id: &str,
        edit: Edit,
    ) -> Result<Option<(bool, Map<String, Value>)>, TaskStoreError> {
        for _ in 0..RETRIES {
            let Some((old, mut record)) = self.read(id).await? else {
                return Ok(None);
            };
            let was_running = !record.status.is_terminal();
            let now = now_ms();
            let mut taken = Map::new();
            let changed = match &edit {
                Edit::Apply(change) => record.apply(change.clone(), now),
                Edit::Answer(responses) => record.answer(responses.clone(), now) > 0,
                Edit::TakeAnswers => {
                    taken = std::mem::take(&mut record.answers);
                    !taken.is_empty()
                }
                Edit::Cancel => {
                    let asked = was_running && !record.cancel_requested;
                    record.cancel_requested |= asked;
                    asked
                }
            };
            if !changed {
                return Ok(Some((false, taken)));
            }
            let new = serde_json::to_string(&record).expect("a task record serializes");
            let ended = was_running && record.status.is_terminal();
            let expiry = record.expires_ms();
            let keys = self.keys(id, record.owner.as_deref());
            let mut connection = self.connection();
            let swapped: i64 = self
                .inner
                .swap
                .key(&keys[0])
                .key(&keys[1])
                .key(&keys[2])
                .key(&keys[3])
                .key(&keys[4])
                .arg(id)
                .arg(&old)
                .arg(&new)
                .arg(key_ttl(expiry, now))
                .arg(expiry)
                .arg(u8::from(ended))
                .arg(u8::from(record.owner.is_some()))
                .invoke_async(&mut connection)
                .await
                .map_err(|err| self.failed(&err))?;
            if swapped == 1 {
                return Ok(Some((true, taken)));
            }
        }
        Err(TaskStoreError::unavailable(format!(
            "task {id} kept changing in Redis at {}: gave up after {RETRIES} tries",
            self.url()
        )))
    }

    /// Tells the other replicas (and this one) of a change.
    async fn publish(&self, id: &str, event: TaskEvent) {
        let name = match event {
            TaskEvent::Answered => "answered",
            TaskEvent::CancelRequested => "cancel",
            _ => "updated",
        };
        let mut connection = self.connection();
        let channel = self.key("tasks:events");
        let sent: Result<i64, _> = connection.publish(channel, format!("{name} {id}")).await;
        if let Err(err) = sent {
            // The runners reread their records: a lost event only delays.
            tracing::debug!(task = %id, %err, "a task event was not published");
        }
    }

    /// Listens to the events channel for as long as the store lives.
    fn subscribe(&self) {
        let weak = Arc::downgrade(&self.inner);
        let client = self.inner.redis.inner.client.clone();
        let runtime = self.inner.redis.inner.runtime.clone();
        crate::shared::subscribe(
            &runtime,
            client,
            self.key("tasks:events"),
            None,
            move |payload| {
                let Some(inner) = weak.upgrade() else {
                    return false;
                };
                let Some((name, id)) = payload.split_once(' ') else {
                    return true;
                };
                let event = match name {
                    "answered" => TaskEvent::Answered,
                    "cancel" => TaskEvent::CancelRequested,
                    _ => TaskEvent::Updated,
                };
                inner.events.tell(id, event);
                true
            },
        );
    }
}

/// How long a record's key lives from `now`: to its expiry, plus the grace period.
fn key_ttl(expiry: u64, now: u64) -> u64 {
    expiry.saturating_add(GRACE_MS).saturating_sub(now).max(1)
}

impl TaskStore for RedisTaskStore {
    fn create<'a>(&'a self, mut task: TaskRecord, limits: &'a TaskLimits) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            // The replica that creates a task runs it.
            task.runner = Some(self.inner.redis.origin().to_owned());
            let now = now_ms();
            let expiry = task.expires_ms();
            let keys = self.keys(&task.id, task.owner.as_deref());
            let json = serde_json::to_string(&task).expect("a task record serializes");
            let mut connection = self.connection();
            let outcome: i64 = self
                .inner
                .create
                .key(&keys[0])
                .key(&keys[1])
                .key(&keys[2])
                .key(&keys[3])
                .key(&keys[4])
                .arg(&task.id)
                .arg(&json)
                .arg(now)
                .arg(expiry)
                .arg(key_ttl(expiry, now))
                .arg(u8::from(task.owner.is_some()))
                .arg(limits.max_running)
                .arg(limits.max_kept)
                .arg(limits.max_running_per_identity)
                .arg(limits.max_kept_per_identity)
                .invoke_async(&mut connection)
                .await
                .map_err(|err| self.failed(&err))?;
            let refused = match outcome {
                0 => None,
                1 => Some(Limit::Running),
                2 => Some(Limit::Kept),
                3 => Some(Limit::RunningPerIdentity),
                4 => Some(Limit::KeptPerIdentity),
                _ => {
                    return Err(TaskStoreError::unavailable(format!(
                        "task {} already exists in Redis at {}",
                        task.id,
                        self.url()
                    )))
                }
            };
            match refused {
                Some(limit) => Err(limits.reached(limit)),
                None => Ok(()),
            }
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<TaskRecord>> {
        Box::pin(async move {
            let mut found = self.read(id).await?.map(|(_, record)| record);
            // A running task whose replica is gone will not end by itself: it ends here.
            let orphaned = match &found {
                Some(task) if !task.status.is_terminal() => match &task.runner {
                    Some(runner) => !self.inner.redis.is_alive(runner).await.map_err(|err| {
                        TaskStoreError::unavailable(format!("Redis at {}: {}", self.url(), err.0))
                    })?,
                    None => false,
                },
                _ => false,
            };
            if orphaned {
                let ending =
                    TaskChange::Finish(super::record::TaskEnding::Failed(serde_json::json!({
                        "code": crate::protocol::INTERNAL_ERROR,
                        "message": "the replica running this task stopped before it finished",
                    })));
                self.update(id, ending).await?;
                found = self.read(id).await?.map(|(_, record)| record);
            }
            // An ended task past its time to live is gone, even while its key lingers.
            Ok(found.filter(|task| !task.status.is_terminal() || now_ms() < task.expires_ms()))
        })
    }

    fn update<'a>(&'a self, id: &'a str, change: TaskChange) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            match self.edit(id, Edit::Apply(change)).await? {
                None => Ok(false),
                Some((changed, _)) => {
                    if changed {
                        self.publish(id, TaskEvent::Updated).await;
                    }
                    Ok(true)
                }
            }
        })
    }

    fn answer<'a>(&'a self, id: &'a str, responses: Map<String, Value>) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            match self.edit(id, Edit::Answer(responses)).await? {
                None => Ok(false),
                Some((changed, _)) => {
                    if changed {
                        self.publish(id, TaskEvent::Answered).await;
                    }
                    Ok(true)
                }
            }
        })
    }

    fn take_answers<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Map<String, Value>> {
        Box::pin(async move {
            Ok(self
                .edit(id, Edit::TakeAnswers)
                .await?
                .map(|(_, taken)| taken)
                .unwrap_or_default())
        })
    }

    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            match self.edit(id, Edit::Cancel).await? {
                None => Ok(false),
                Some((asked, _)) => {
                    if asked {
                        self.publish(id, TaskEvent::CancelRequested).await;
                    }
                    Ok(true)
                }
            }
        })
    }

    fn watch(&self, events: TaskEvents) {
        self.inner.events.add(events);
    }

    fn len(&self) -> StoreFuture<'_, usize> {
        Box::pin(async move {
            let mut connection = self.connection();
            let count: usize = self
                .inner
                .count
                .key(self.key("tasks:kept"))
                .arg(now_ms())
                .invoke_async(&mut connection)
                .await
                .map_err(|err| self.failed(&err))?;
            Ok(count)
        })
    }
}
