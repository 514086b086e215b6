//! Stateful Streamable HTTP sessions shared by replicas: the session lives in Redis, so any
//! replica answers any POST, GET or DELETE of it; no replica owns it.
//!
//! | key / channel (under the prefix) | holds |
//! |---|---|
//! | `sh:{id}` (hash) | revision, client info and capabilities, identity, log level, subscriptions, the last event id, which replica holds the GET stream (and its generation), which replica is the session's home, how often its stream was opened; expires after the idle timeout |
//! | `sh:{id}:ev` (list) | the GET stream's bounded event history (`"{id} {message}"`), for `Last-Event-ID` |
//! | `sh:{id}:seen` (set) | the notices for every session recorded in the history in the last minute, so that one sent by two replicas (while the session's home moves) is recorded once |
//! | `sessions` (sorted set) | every shared session, scored by when it expires: what `max_sessions` counts |
//! | channel `replica:{origin}` | events for one replica: a message for its GET stream, "your stream moved", "the session ended", "the session changed" |
//! | notices `$cancel`, `$reply` | a cancellation, or a client's answer, for the replica running (or awaiting) it |
//!
//! Every replica keeps a *view* of the sessions it served (a [`Session`] built from the
//! record, revalidated on every request by the record's revision). The session's *home* is the
//! replica that last opened its GET stream (at first, the one that ran `initialize`): it alone
//! registers the view with its server, so that notifications to every session
//! ([`Server::notify_all`](crate::Server::notify_all), list changes, resource updates) are sent
//! once per session, into the shared history and so to the stream wherever it is.
//!
//! Requests to the client are numbered from a base unique to each replica (its number, claimed
//! in Redis for as long as it is alive), so a client's answer names the request unambiguously,
//! whichever replica it lands on. Changes of log level and subscriptions travel as operations,
//! so changes made at once on several replicas all hold; a session started without an identity
//! belongs to the first one seen on any replica. A replica keeps one view per session, for as
//! long as anything uses it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use foldhash::HashMap as FastMap;
use redis::Script;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;

use super::{Redis, Unavailable};
use crate::protocol::{ErrorObject, RequestId};
use crate::session::{
    ClientReply, Identity, Remote, Session, SessionChange, SessionRegistry, Transport,
};

/// How many messages may wait to be written to the shared histories; beyond, a message is
/// refused (the caller hears it was not delivered).
const APPEND_QUEUE: usize = 4096;

/// How long an admitted session holds its place before its `initialize` succeeds.
const ADMIT_HOLD_MS: u64 = 30_000;

/// Creates a session's record, counting it among the deployment's sessions.
const CREATE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'info', ARGV[4], 'caps', ARGV[5], 'level', ARGV[6],
  'subs', '[]', 'rev', 1, 'last', 0, 'ttl', ARGV[2], 'hist', ARGV[7], 'home', ARGV[8])
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'identity', ARGV[9]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
return 1
";

/// Admits a session unless the deployment holds `limit` already.
const ADMIT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
return 1
";

/// A request of the session: it is not idle. Returns its revision, or nil when it is gone.
const TOUCH: &str = r"
local ttl = redis.call('HGET', KEYS[1], 'ttl')
if not ttl then return false end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[3], 'XX', now + tonumber(ttl), ARGV[1])
return tonumber(redis.call('HGET', KEYS[1], 'rev'))
";

/// Applies changes of log level or subscriptions made on one replica (in order: `L{level}`,
/// `+{uri}`, `-{uri}`), so that changes made at once on several replicas all hold, and tells the
/// home to read them again. Returns the new revision, and the one before.
const CHANGE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local before = tonumber(redis.call('HGET', KEYS[1], 'rev'))
local subs = {}
for _, uri in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'subs') or '[]')) do subs[uri] = true end
for i = 4, #ARGV do
  local op, rest = string.sub(ARGV[i], 1, 1), string.sub(ARGV[i], 2)
  if op == 'L' then redis.call('HSET', KEYS[1], 'level', rest)
  elseif op == '+' then subs[rest] = true
  else subs[rest] = nil end
end
local list = {}
for uri in pairs(subs) do table.insert(list, uri) end
table.sort(list)
redis.call('HSET', KEYS[1], 'subs', #list == 0 and '[]' or cjson.encode(list))
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
local home = redis.call('HGET', KEYS[1], 'home')
if home and home ~= ARGV[2] then
  redis.call('PUBLISH', ARGV[1] .. ':replica:' .. home,
    cjson.encode({kind = 'changed', session = ARGV[3]}))
end
return {rev, before}
";

/// Binds a session that had no identity to the first one seen on any replica: 1 when the
/// session is (now) that subject's, 0 when it is another's, nil when it is gone. A new owner is
/// a new revision: the other replicas' views learn it on their next request.
const CLAIM: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local held = redis.call('HGET', KEYS[1], 'identity')
if not held then
  redis.call('HSET', KEYS[1], 'identity', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  return 1
end
if cjson.decode(held).subject == ARGV[1] then return 1 end
return 0
";

/// Adds messages to their sessions' histories (KEYS: record, history and notices seen, of
/// each; ARGV: the prefix, then session, notice id or '', and message of each), in order, and
/// sends each to the replica holding its session's stream. A notification for every session
/// that several replicas send (while the session's home moves) is recorded once, by its notice
/// id (kept for a minute).
const APPEND: &str = r"
for k = 1, #KEYS / 3 do
  local rec, ev, seen = KEYS[3 * k - 2], KEYS[3 * k - 1], KEYS[3 * k]
  local session, notice, message = ARGV[3 * k - 1], ARGV[3 * k], ARGV[3 * k + 1]
  local f = redis.call('HMGET', rec, 'ttl', 'hist', 'stream', 'gen')
  local fresh = true
  if f[1] and notice ~= '' then
    fresh = redis.call('SADD', seen, notice) == 1
    redis.call('PEXPIRE', seen, 60000)
  end
  if f[1] and fresh then
    local id = redis.call('HINCRBY', rec, 'last', 1)
    redis.call('RPUSH', ev, id .. ' ' .. message)
    redis.call('LTRIM', ev, -tonumber(f[2]), -1)
    redis.call('PEXPIRE', ev, f[1])
    if f[3] then
      redis.call('PUBLISH', ARGV[1] .. ':replica:' .. f[3], cjson.encode({kind = 'deliver',
        session = session, id = id, gen = tonumber(f[4]), message = message}))
    end
  end
end
return 1
";

/// Opens the session's GET stream on this replica, which becomes its home: `{'gone'}`,
/// `{'conflict'}` (a stream is open on a live replica and this is no resumption), or
/// `{'ok', last id, opening number, missed entries...}`. The replicas it moves from hear the
/// opening's number, so that a notice overtaken by a later opening is ignored.
const OPEN: &str = r"
local f = redis.call('HMGET', KEYS[1], 'ttl', 'stream', 'home', 'last')
if not f[1] then return {'gone'} end
if f[2] and f[2] ~= ARGV[1] and ARGV[4] == '0' then
  if redis.call('EXISTS', ARGV[5] .. ':alive:' .. f[2]) == 1 then return {'conflict'} end
end
local seq = redis.call('HINCRBY', KEYS[1], 'opens', 1)
local moved = cjson.encode({kind = 'moved', session = ARGV[6], seq = seq})
if f[3] and f[3] ~= ARGV[1] then redis.call('PUBLISH', ARGV[5] .. ':replica:' .. f[3], moved) end
if f[2] and f[2] ~= ARGV[1] and f[2] ~= f[3] then
  redis.call('PUBLISH', ARGV[5] .. ':replica:' .. f[2], moved)
end
redis.call('HSET', KEYS[1], 'stream', ARGV[1], 'gen', ARGV[2], 'home', ARGV[1])
local out = {'ok', f[4] or '0', tostring(seq)}
local after = tonumber(ARGV[3])
if after >= 0 then
  for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
    local space = string.find(entry, ' ', 1, true)
    if tonumber(string.sub(entry, 1, space - 1)) > after then table.insert(out, entry) end
  end
end
return out
";

/// The GET stream of generation ARGV[2] on replica ARGV[1] ended.
const CLOSE: &str = r"
local f = redis.call('HMGET', KEYS[1], 'stream', 'gen')
if f[1] == ARGV[1] and f[2] == ARGV[2] then redis.call('HDEL', KEYS[1], 'stream', 'gen') end
return 1
";

/// Ends the session everywhere (DELETE): its home and stream hear it.
const END: &str = r"
local f = redis.call('HMGET', KEYS[1], 'home', 'stream')
local existed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
if existed == 1 then
  local ended = cjson.encode({kind = 'ended', session = ARGV[2]})
  if f[1] then redis.call('PUBLISH', ARGV[1] .. ':replica:' .. f[1], ended) end
  if f[2] and f[2] ~= f[1] then redis.call('PUBLISH', ARGV[1] .. ':replica:' .. f[2], ended) end
end
return existed
";

/// A message waiting to be written to a session's shared history: session id, the id of the
/// replicas' notice it comes from (a notification for every session), the message.
type Append = (String, Option<String>, String);

/// A session as the replicas share it.
pub(crate) struct SessionRecord {
    pub(crate) protocol_version: String,
    pub(crate) client_info: Value,
    pub(crate) client_capabilities: Value,
    pub(crate) identity: Option<Identity>,
    pub(crate) log_level: u8,
    pub(crate) subscriptions: Vec<String>,
    pub(crate) revision: i64,
}

/// What opening a GET stream found.
pub(crate) enum Opened {
    /// The session is gone.
    Gone,
    /// A stream is open on another live replica, and this is no resumption.
    Conflict,
    /// Open here: the last event id so far, and the events after `Last-Event-ID`.
    Open {
        last: u64,
        missed: Vec<(u64, String)>,
    },
}

/// What arrives on this replica's channel for its sessions.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Event {
    Deliver {
        session: String,
        id: u64,
        gen: u64,
        message: String,
    },
    Moved {
        session: String,
        seq: u64,
    },
    Ended {
        session: String,
    },
    Changed {
        session: String,
    },
}

/// A cancellation or a client's answer, as the `$cancel` / `$reply` notices carry it.
#[derive(Serialize, Deserialize)]
struct Routed {
    session: String,
    id: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<WireError>,
}

/// A client's error answer, as it travels between replicas.
#[derive(Serialize, Deserialize)]
struct WireError {
    code: i64,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
}

pub(crate) const CANCEL_NOTICE: &str = "$cancel";
pub(crate) const REPLY_NOTICE: &str = "$reply";

/// A session this replica served, as it knows it.
struct View {
    session: Session,
    revision: i64,
    last_used: Instant,
    idle: Duration,
    /// The opening number of this replica's latest stream of the session, and the latest
    /// opening elsewhere it heard of: whichever is later says where the session's home is.
    opened: u64,
    moved: u64,
}

/// A GET stream open here, whose session's record this replica keeps from expiring.
struct Held {
    generation: u64,
    every: Duration,
    next: Instant,
}

/// One server's shared Streamable HTTP sessions on one Redis.
pub(crate) struct SharedSessions {
    redis: Redis,
    registry: Arc<SessionRegistry>,
    views: Mutex<FastMap<String, View>>,
    held: Mutex<FastMap<String, Held>>,
    /// Ends of streams not yet recorded in Redis (it was away): retried until they are.
    closing: Mutex<Vec<(String, u64)>>,
    appends: mpsc::Sender<Append>,
    generation: AtomicU64,
    remote: Arc<dyn Remote>,
    scripts: Scripts,
}

struct Scripts {
    create: Script,
    admit: Script,
    touch: Script,
    change: Script,
    claim: Script,
    append: Script,
    open: Script,
    close: Script,
    end: Script,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is a map operation: a poisoned lock holds no broken state.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Hands cancellations and answers to the other replicas, as notices.
struct Notices(Redis);

impl Remote for Notices {
    fn cancel(&self, session: &str, id: &RequestId) {
        let routed = Routed {
            session: session.to_owned(),
            id: serde_json::to_value(id).unwrap_or(Value::Null),
            result: None,
            error: None,
        };
        if let Ok(params) = serde_json::to_value(routed) {
            self.0.publish(CANCEL_NOTICE, &params);
        }
    }

    fn reply(&self, session: &str, id: i64, reply: ClientReply) {
        let (result, error) = match reply {
            Ok(result) => (Some(result), None),
            Err(error) => (
                None,
                Some(WireError {
                    code: error.code,
                    message: error.message,
                    data: error.data,
                }),
            ),
        };
        let routed = Routed {
            session: session.to_owned(),
            id: Value::from(id),
            result,
            error,
        };
        if let Ok(params) = serde_json::to_value(routed) {
            self.0.publish(REPLY_NOTICE, &params);
        }
    }
}

impl SharedSessions {
    /// The shared sessions of the server whose registry is `registry`, on `redis`; they hear
    /// their events from now on.
    pub(crate) fn new(redis: &Redis, registry: Arc<SessionRegistry>) -> Arc<Self> {
        let (appends, queue) = mpsc::channel(APPEND_QUEUE);
        let shared = Arc::new(SharedSessions {
            redis: redis.clone(),
            registry,
            views: Mutex::default(),
            held: Mutex::default(),
            closing: Mutex::default(),
            appends,
            generation: AtomicU64::new(1),
            remote: Arc::new(Notices(redis.clone())),
            scripts: Scripts {
                create: Script::new(CREATE),
                admit: Script::new(ADMIT),
                touch: Script::new(TOUCH),
                change: Script::new(CHANGE),
                claim: Script::new(CLAIM),
                append: Script::new(APPEND),
                open: Script::new(OPEN),
                close: Script::new(CLOSE),
                end: Script::new(END),
            },
        });
        redis.set_session_events(Arc::downgrade(&shared));
        let weak = Arc::downgrade(&shared);
        redis.add_sink(Arc::new(
            move |method: &str, params: &Value, _notice: &str| {
                if let Some(shared) = weak.upgrade() {
                    shared.routed(method, params);
                }
            },
        ));
        redis
            .inner
            .runtime
            .spawn(write_appends(Arc::downgrade(&shared), queue));
        redis
            .inner
            .runtime
            .spawn(keep_held(Arc::downgrade(&shared)));
        shared
    }

    fn key(&self, id: &str) -> String {
        self.redis.key(&format!("sh:{id}"))
    }

    fn events_key(&self, id: &str) -> String {
        self.redis.key(&format!("sh:{id}:ev"))
    }

    fn connection(&self) -> redis::aio::ConnectionManager {
        self.redis.inner.connection.clone()
    }

    fn unavailable(&self, err: &redis::RedisError) -> Unavailable {
        self.redis.unavailable(err)
    }

    /// Where a shared session's requests elsewhere go.
    pub(crate) fn remote(&self) -> Arc<dyn Remote> {
        Arc::clone(&self.remote)
    }

    /// The first id of this replica's requests to a client: unique to it in the deployment.
    pub(crate) fn first_request_id(&self) -> i64 {
        (i64::from(self.redis.inner.number) << 32) | 1
    }

    /// A number for a GET stream opened here.
    pub(crate) fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::Relaxed)
    }

    /// Admits a new session unless the deployment holds `limit`.
    pub(crate) async fn admit(&self, id: &str, limit: usize) -> Result<bool, Unavailable> {
        let admitted: Result<i64, _> = self
            .scripts
            .admit
            .key(self.redis.key("sessions"))
            .arg(limit)
            .arg(id)
            .arg(ADMIT_HOLD_MS)
            .invoke_async(&mut self.connection())
            .await;
        admitted
            .map(|admitted| admitted == 1)
            .map_err(|err| self.unavailable(&err))
    }

    /// Records a session whose `initialize` succeeded here (its home, at first).
    pub(crate) async fn create(
        &self,
        session: &Session,
        idle: Duration,
        history: usize,
    ) -> Result<(), Unavailable> {
        let Some(negotiated) = session.negotiated() else {
            return Ok(());
        };
        let identity = session
            .identity()
            .map(|identity| super::sse::wire_identity(&identity))
            .unwrap_or_default();
        let created: Result<i64, _> = self
            .scripts
            .create
            .key(self.key(session.id()))
            .key(self.redis.key("sessions"))
            .arg(session.id())
            .arg(millis(idle).max(1))
            .arg(negotiated.protocol_version)
            .arg(negotiated.client_info.to_string())
            .arg(negotiated.client_capabilities.to_string())
            .arg(session.log_level_code())
            .arg(history)
            .arg(self.redis.origin())
            .arg(identity)
            .invoke_async(&mut self.connection())
            .await;
        created.map_err(|err| self.unavailable(&err))?;
        self.keep_view(session.clone(), 1, idle);
        Ok(())
    }

    /// Notes a request of session `id`: its revision, or `None` when it is gone (expired,
    /// ended, or never existed).
    pub(crate) async fn touch(&self, id: &str) -> Result<Option<i64>, Unavailable> {
        let revision: Result<Option<i64>, _> = self
            .scripts
            .touch
            .key(self.key(id))
            .key(self.events_key(id))
            .key(self.redis.key("sessions"))
            .arg(id)
            .invoke_async(&mut self.connection())
            .await;
        let revision = revision.map_err(|err| self.unavailable(&err))?;
        if revision.is_none() {
            self.forget(id);
        }
        Ok(revision)
    }

    /// The session's record, if it exists.
    pub(crate) async fn fetch(&self, id: &str) -> Result<Option<SessionRecord>, Unavailable> {
        let fields: Result<FastMap<String, String>, _> =
            redis::AsyncCommands::hgetall(&mut self.connection(), self.key(id)).await;
        let fields = fields.map_err(|err| self.unavailable(&err))?;
        let Some(protocol_version) = fields.get("v").cloned() else {
            return Ok(None);
        };
        let json = |name: &str| {
            fields
                .get(name)
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
                .unwrap_or(Value::Null)
        };
        Ok(Some(SessionRecord {
            protocol_version,
            client_info: json("info"),
            client_capabilities: json("caps"),
            identity: fields
                .get("identity")
                .and_then(|text| super::sse::parse_identity(text)),
            log_level: fields
                .get("level")
                .and_then(|level| level.parse().ok())
                .unwrap_or(u8::MAX),
            subscriptions: fields
                .get("subs")
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_default(),
            revision: fields
                .get("rev")
                .and_then(|rev| rev.parse().ok())
                .unwrap_or(0),
        }))
    }

    /// This replica's view of session `id` and the revision it reflects.
    pub(crate) fn view(&self, id: &str) -> Option<(Session, i64)> {
        let mut views = lock(&self.views);
        let view = views.get_mut(id)?;
        view.last_used = Instant::now();
        Some((view.session.clone(), view.revision))
    }

    /// Keeps a view of a session, unless one is kept already (two requests that both found
    /// none): the view kept is returned, so every request of the session here shares one.
    /// Views unused for longer than their session's idle timeout, and used by nothing else
    /// (no running request, no stream, no registration), are forgotten.
    pub(crate) fn keep_view(&self, session: Session, revision: i64, idle: Duration) -> Session {
        let mut views = lock(&self.views);
        let now = Instant::now();
        views.retain(|_, view| {
            now.duration_since(view.last_used) <= view.idle || view.session.is_in_use()
        });
        views
            .entry(session.id().to_owned())
            .or_insert(View {
                session,
                revision,
                last_used: now,
                idle,
                opened: 0,
                moved: 0,
            })
            .session
            .clone()
    }

    /// Brings a view up to the record another replica changed, unless the view is newer.
    pub(crate) fn refresh_view(&self, session: &Session, record: SessionRecord) {
        let mut views = lock(&self.views);
        if let Some(view) = views.get_mut(session.id()) {
            if view.revision > record.revision {
                return;
            }
            view.revision = record.revision;
        }
        session.set_log_level_code(record.log_level);
        session.set_subscriptions(record.subscriptions);
        if session.identity().is_none() {
            // Claimed on another replica since this view was made.
            let _ = session.bind_identity(record.identity);
        }
    }

    /// Forgets a session that is gone: its view, its registration, its stream here.
    fn forget(&self, id: &str) {
        let view = lock(&self.views).remove(id);
        lock(&self.held).remove(id);
        if let Some(session) = self.registry.remove(id) {
            session.close_stream();
        }
        if let Some(view) = view {
            view.session.close_stream();
        }
    }

    /// Shares the changes of the session's log level or subscriptions made here; on failure
    /// they are kept, to be shared with the next request.
    pub(crate) async fn share_changes(&self, session: &Session) -> Result<(), Unavailable> {
        let changes = session.take_changes();
        if changes.is_empty() {
            return Ok(());
        }
        let mut invocation = self.scripts.change.key(self.key(session.id()));
        invocation
            .arg(&self.redis.inner.prefix)
            .arg(self.redis.origin())
            .arg(session.id());
        for change in &changes {
            match change {
                SessionChange::LogLevel(level) => invocation.arg(format!("L{level}")),
                SessionChange::Subscribe(uri) => invocation.arg(format!("+{uri}")),
                SessionChange::Unsubscribe(uri) => invocation.arg(format!("-{uri}")),
            };
        }
        let revisions: Result<Option<(i64, i64)>, _> =
            invocation.invoke_async(&mut self.connection()).await;
        let revisions = match revisions {
            Ok(revisions) => revisions,
            Err(err) => {
                session.restore_changes(changes);
                return Err(self.unavailable(&err));
            }
        };
        if let Some((revision, before)) = revisions {
            if let Some(view) = lock(&self.views).get_mut(session.id()) {
                // Changed elsewhere meanwhile too: the next request reads the whole record.
                view.revision = if before == view.revision { revision } else { 0 };
            }
        }
        Ok(())
    }

    /// Binds session `id`, which had no identity, to `identity` for the whole deployment:
    /// `Ok(false)` when another identity has it already.
    pub(crate) async fn claim_identity(
        &self,
        id: &str,
        identity: &Identity,
    ) -> Result<bool, Unavailable> {
        let claimed: Result<Option<i64>, _> = self
            .scripts
            .claim
            .key(self.key(id))
            .arg(identity.subject())
            .arg(super::sse::wire_identity(identity))
            .invoke_async(&mut self.connection())
            .await;
        Ok(claimed.map_err(|err| self.unavailable(&err))? == Some(1))
    }

    /// Queues a server-initiated message of session `id` for its shared history (and its
    /// stream, wherever it is open); `false` when the queue is full.
    pub(crate) fn append(&self, id: &str, message: String, notice: Option<&str>) -> bool {
        let queued = self
            .appends
            .try_send((id.to_owned(), notice.map(str::to_owned), message))
            .is_ok();
        if !queued {
            tracing::warn!(
                session = id,
                "a message for a shared session was dropped: too many are waiting for Redis"
            );
        }
        queued
    }

    /// Opens the session's GET stream here (of `generation`), after `Last-Event-ID` if the
    /// client resumes; a resumption takes the stream over from another replica.
    pub(crate) async fn open_stream(
        &self,
        session: &Session,
        generation: u64,
        after: Option<u64>,
        transport: Transport,
        every: Duration,
    ) -> Result<Opened, Unavailable> {
        let id = session.id();
        let reply: Result<Vec<String>, _> = self
            .scripts
            .open
            .key(self.key(id))
            .key(self.events_key(id))
            .arg(self.redis.origin())
            .arg(generation)
            .arg(after.map_or(-1, |after| i64::try_from(after).unwrap_or(i64::MAX)))
            .arg(u8::from(after.is_some()))
            .arg(&self.redis.inner.prefix)
            .arg(id)
            .invoke_async(&mut self.connection())
            .await;
        let reply = reply.map_err(|err| self.unavailable(&err))?;
        match reply.first().map(String::as_str) {
            Some("ok") => {}
            Some("conflict") => return Ok(Opened::Conflict),
            _ => {
                self.forget(id);
                return Ok(Opened::Gone);
            }
        }
        let last = reply.get(1).and_then(|id| id.parse().ok()).unwrap_or(0);
        let opening: u64 = reply.get(2).and_then(|seq| seq.parse().ok()).unwrap_or(0);
        {
            let mut views = lock(&self.views);
            if let Some(view) = views.get_mut(id) {
                if view.moved > opening {
                    // Another replica opened the session's stream right after this one.
                    return Ok(Opened::Conflict);
                }
                view.opened = opening;
            }
        }
        let missed = reply[3..]
            .iter()
            .filter_map(|entry| {
                let (id, message) = entry.split_once(' ')?;
                Some((id.parse().ok()?, message.to_owned()))
            })
            .collect();
        // Home now: this replica sends the session what is sent to every session.
        self.registry.insert(session.clone(), transport);
        lock(&self.held).insert(
            id.to_owned(),
            Held {
                generation,
                every,
                next: Instant::now() + every,
            },
        );
        Ok(Opened::Open { last, missed })
    }

    /// The GET stream of `generation` ended here.
    pub(crate) fn close_stream(self: &Arc<Self>, id: &str, generation: u64) {
        {
            let mut held = lock(&self.held);
            if held.get(id).is_some_and(|h| h.generation == generation) {
                held.remove(id);
            }
        }
        let (shared, id) = (Arc::clone(self), id.to_owned());
        self.redis
            .inner
            .runtime
            .spawn(async move { shared.record_close(id, generation).await });
    }

    /// Records in Redis that the stream of `generation` ended here; when Redis is away, it is
    /// retried (left recorded, it would refuse other replicas' streams while this one lives).
    async fn record_close(&self, id: String, generation: u64) {
        let closed: Result<i64, _> = self
            .scripts
            .close
            .key(self.key(&id))
            .arg(self.redis.origin())
            .arg(generation)
            .invoke_async(&mut self.connection())
            .await;
        if let Err(err) = closed {
            tracing::debug!(%err, "the end of a shared session's stream is retried");
            lock(&self.closing).push((id, generation));
        }
    }

    /// Records the ends of streams that Redis missed.
    async fn retry_closes(&self) {
        let closing = std::mem::take(&mut *lock(&self.closing));
        for (id, generation) in closing {
            self.record_close(id, generation).await;
        }
    }

    /// Ends the session everywhere; `false` if it did not exist.
    pub(crate) async fn end(&self, id: &str) -> Result<bool, Unavailable> {
        let existed: Result<i64, _> = self
            .scripts
            .end
            .key(self.key(id))
            .key(self.events_key(id))
            .key(self.redis.key("sessions"))
            .arg(&self.redis.inner.prefix)
            .arg(id)
            .invoke_async(&mut self.connection())
            .await;
        let existed = existed.map_err(|err| self.unavailable(&err))?;
        self.forget(id);
        Ok(existed == 1)
    }

    /// An event of this replica's channel.
    pub(crate) fn on_event(self: &Arc<Self>, event: Event) {
        match event {
            Event::Deliver {
                session,
                id,
                gen,
                message,
            } => {
                if let Some(view) = lock(&self.views).get(&session) {
                    view.session.deliver_event(gen, id, message);
                }
            }
            Event::Moved { session, seq } => {
                // Another replica holds the stream now, and is the session's home, unless this
                // replica opened it again since.
                if let Some(view) = lock(&self.views).get_mut(&session) {
                    if view.opened > seq {
                        return;
                    }
                    view.moved = view.moved.max(seq);
                    view.session.close_stream();
                }
                lock(&self.held).remove(&session);
                self.registry.remove(&session);
            }
            Event::Ended { session } => self.forget(&session),
            Event::Changed { session } => {
                let Some((view, _)) = self.view(&session) else {
                    return;
                };
                let shared = Arc::clone(self);
                self.redis.inner.runtime.spawn(async move {
                    if let Ok(Some(record)) = shared.fetch(view.id()).await {
                        shared.refresh_view(&view, record);
                    }
                });
            }
        }
    }

    /// This replica's subscription to its channel was lost: what was sent on it meanwhile is
    /// lost to its streams, so they end, and their clients resume from the shared history
    /// (on whichever replica).
    pub(crate) fn on_disconnect(&self) {
        lock(&self.held).clear();
        let views: Vec<Session> = lock(&self.views)
            .values()
            .map(|view| view.session.clone())
            .collect();
        for session in views {
            session.close_stream();
            // A "moved" notice may have been missed too: this replica stops being any
            // session's home until a stream of it opens here again (two homes would send
            // every broadcast twice).
            self.registry.remove(session.id());
        }
    }

    /// A cancellation or an answer another replica received.
    fn routed(&self, method: &str, params: &Value) {
        if method != CANCEL_NOTICE && method != REPLY_NOTICE {
            return;
        }
        let Ok(routed) = Routed::deserialize(params) else {
            return;
        };
        let Some(session) = lock(&self.views)
            .get(&routed.session)
            .map(|view| view.session.clone())
        else {
            return;
        };
        if method == CANCEL_NOTICE {
            let id = match routed.id {
                Value::String(id) => Some(RequestId::String(id)),
                Value::Number(n) => n.as_i64().map(RequestId::Number),
                _ => None,
            };
            if let Some(id) = id {
                session.cancel_here(&id);
            }
        } else if let Some(id) = routed.id.as_i64() {
            let reply = match (routed.result, routed.error) {
                (_, Some(error)) => Err(ErrorObject {
                    code: error.code,
                    message: error.message,
                    data: error.data,
                }),
                (result, None) => Ok(result.unwrap_or(Value::Null)),
            };
            session.deliver_reply_here(id, reply);
        }
    }

    /// Writes queued messages in one script run, in order.
    async fn write_appends(&self, batch: &[Append]) -> Result<(), Unavailable> {
        let mut invocation = self.scripts.append.prepare_invoke();
        invocation.arg(&self.redis.inner.prefix);
        for (id, notice, message) in batch {
            invocation
                .key(self.key(id))
                .key(self.events_key(id))
                .key(self.redis.key(&format!("sh:{id}:seen")))
                .arg(id)
                .arg(notice.as_deref().unwrap_or(""))
                .arg(message);
        }
        let appended: Result<i64, _> = invocation.invoke_async(&mut self.connection()).await;
        appended.map(drop).map_err(|err| self.unavailable(&err))
    }

    /// Keeps the records of the sessions whose streams are open here from expiring.
    async fn refresh_held(&self) {
        let now = Instant::now();
        let due: Vec<String> = {
            let mut held = lock(&self.held);
            held.iter_mut()
                .filter(|(_, held)| held.next <= now)
                .map(|(id, held)| {
                    held.next = now + held.every;
                    id.clone()
                })
                .collect()
        };
        for id in due {
            if let Ok(None) = self.touch(&id).await {
                tracing::debug!(session = %id, "a shared session with a stream here is gone");
            }
        }
    }
}

/// How many queued messages one script run writes at most.
const APPEND_BATCH: usize = 64;

/// Writes queued messages to the shared histories, in the order they were sent: what queued up
/// while one batch was being written goes in the next, in one round trip.
async fn write_appends(shared: Weak<SharedSessions>, mut queue: mpsc::Receiver<Append>) {
    let mut batch = Vec::with_capacity(APPEND_BATCH);
    while queue.recv_many(&mut batch, APPEND_BATCH).await > 0 {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if let Err(err) = shared.write_appends(&batch).await {
            tracing::warn!(
                messages = batch.len(),
                err = %err.0,
                "messages for shared sessions were not recorded"
            );
        }
        batch.clear();
    }
}

/// Refreshes the records of sessions with a stream open here, for as long as they exist.
async fn keep_held(shared: Weak<SharedSessions>) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        shared.refresh_held().await;
        shared.retry_closes().await;
    }
}
