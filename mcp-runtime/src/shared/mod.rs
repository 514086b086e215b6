//! State shared by the replicas of a deployment, through Redis (feature `redis`): run several
//! servers behind one load balancer, and any of them serves what another started.
//!
//! ```no_run
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), mcp_runtime::shared::ConnectError> {
//! use mcp_runtime::shared::Redis;
//!
//! // `MCP_REDIS_URL` in every example; `Redis::connect(url)` in code of your own.
//! let server = match Redis::from_env().await? {
//!     Some(redis) => mcp_runtime::Server::builder().redis(&redis),
//!     None => mcp_runtime::Server::builder(),
//! }
//! .build()
//! .unwrap();
//! # Ok(()) }
//! ```
//!
//! What is shared so far:
//!
//! | what | how |
//! |---|---|
//! | tasks (MCP's tasks extension) | a [`RedisTaskStore`](crate::tasks::RedisTaskStore): a task started on one replica is read, answered and cancelled on any |
//! | notifications | [`Server::notify_all`](crate::Server::notify_all) and [`Server::notify_resource_updated`](crate::Server::notify_resource_updated), and the list changes of run-time changes, reach the clients of every replica (sessions and `subscriptions/listen` streams) |
//! | `requestState` | signed with one key for the whole deployment (made by the first replica, kept in Redis), so it verifies on every replica; `MCP_STATE_KEY` still wins when set |
//! | HTTP+SSE sessions | a POST that lands on another replica than the stream's is forwarded to it (and so is a client's answer to a request of the server) |
//! | stateful Streamable HTTP sessions | the session record (revision, client capabilities, identity, log level, subscriptions) and its GET stream's event history are in Redis: any replica answers any POST, GET (`Last-Event-ID` resumes anywhere) or DELETE; answers and cancellations reach the replica running the request; idle expiry and `max_sessions` count the whole deployment |
//!
//! No transport needs sticky routing.
//!
//! Run Redis with persistence (`appendonly yes`) in production: a Redis that restarts empty
//! loses the deployment's `requestState` key (replicas running keep theirs, replicas started
//! after would make another), its tasks and its session records (those clients start new
//! sessions). Setting `MCP_STATE_KEY` on every replica avoids the first.

mod bus;
#[cfg(feature = "http")]
mod sessions;
#[cfg(feature = "http")]
mod sse;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub(crate) use bus::{subscribe, Sink};

/// How often a replica says it is alive, and how long that holds.
const BEAT_EVERY: Duration = Duration::from_secs(3);
const ALIVE_FOR: Duration = Duration::from_secs(10);

/// Redis could not be reached, or a replica did not answer: what to answer `503` with.
#[derive(Debug)]
pub(crate) struct Unavailable(pub String);
#[cfg(feature = "http")]
pub(crate) use sessions::{Opened, SessionRecord, SharedSessions};
#[cfg(feature = "http")]
pub(crate) use sse::{ForwardSink, Forwarded};

/// A connection to the Redis a deployment shares: give it to
/// [`ServerBuilder::redis`](crate::ServerBuilder::redis). Cheap to clone.
#[derive(Clone)]
pub struct Redis {
    pub(crate) inner: Arc<RedisInner>,
}

pub(crate) struct RedisInner {
    pub(crate) url: String,
    pub(crate) prefix: String,
    pub(crate) client: redis::Client,
    pub(crate) connection: ConnectionManager,
    /// This process, as the notices it publishes name it (it skips its own).
    origin: String,
    /// The servers of this process that hear the notices of the others.
    sinks: RwLock<Vec<Sink>>,
    /// The secret every replica signs `requestState` with: made by the first replica to
    /// connect, read by the others.
    pub(crate) state_secret: String,
    /// What handles the POSTs other replicas forward to this one (HTTP+SSE).
    #[cfg(feature = "http")]
    forward_sink: std::sync::Mutex<Option<ForwardSink>>,
    /// This replica's forwards waiting for the owner's answer.
    #[cfg(feature = "http")]
    awaiting: sse::Awaiting,
    /// The shared Streamable HTTP sessions that hear this replica's channel.
    #[cfg(feature = "http")]
    session_events: std::sync::Mutex<Option<std::sync::Weak<SharedSessions>>>,
    /// How many notices this replica has published (their ids).
    notices: std::sync::atomic::AtomicU64,
    /// This replica's number in the deployment (1 to 2^20 - 1, from a counter in Redis): the
    /// high bits of its requests' ids.
    pub(crate) number: u32,
    /// The runtime it was connected in, where everything it runs in the background goes.
    pub(crate) runtime: tokio::runtime::Handle,
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redis")
            .field("url", &self.inner.url)
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

/// Redis could not be reached at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    message: String,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {}

impl Redis {
    /// Connects to the Redis at `url` (`redis://host:port/db`), with keys under `mcp:`. Call
    /// it within a Tokio runtime (it starts listening to the other replicas' notices).
    ///
    /// # Errors
    ///
    /// When Redis cannot be reached; the error names the URL.
    pub async fn connect(url: &str) -> Result<Redis, ConnectError> {
        Redis::connect_with_prefix(url, "mcp").await
    }

    /// Connects with keys (and channels) under `{prefix}:`: deployments sharing one Redis use
    /// one prefix each, and see nothing of each other.
    ///
    /// # Errors
    ///
    /// When Redis cannot be reached; the error names the URL.
    pub async fn connect_with_prefix(url: &str, prefix: &str) -> Result<Redis, ConnectError> {
        let unreachable = |err: redis::RedisError| ConnectError {
            message: format!("cannot reach Redis at {url}: {err}"),
        };
        let client = redis::Client::open(url).map_err(unreachable)?;
        // Requests while Redis is away fail within about two seconds, never hang; the
        // connection comes back by itself.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let mut connection = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(unreachable)?;
        let state_secret = shared_secret(&mut connection, &format!("{prefix}:state-key"))
            .await
            .map_err(unreachable)?;
        let origin = crate::session::new_session_id();
        let number = claim_number(&mut connection, prefix, &origin)
            .await
            .map_err(unreachable)?;
        let redis = Redis {
            inner: Arc::new(RedisInner {
                url: url.to_owned(),
                prefix: prefix.to_owned(),
                client,
                connection,
                origin,
                state_secret,
                sinks: RwLock::default(),
                #[cfg(feature = "http")]
                forward_sink: std::sync::Mutex::default(),
                #[cfg(feature = "http")]
                awaiting: sse::Awaiting::default(),
                #[cfg(feature = "http")]
                session_events: std::sync::Mutex::default(),
                number,
                notices: std::sync::atomic::AtomicU64::new(0),
                runtime: tokio::runtime::Handle::current(),
            }),
        };
        bus::listen(&redis);
        redis.heartbeat().await.map_err(|err| ConnectError {
            message: format!("cannot reach Redis at {url}: {}", err.0),
        })?;
        #[cfg(feature = "http")]
        {
            // Sessions are claimed only once this replica hears what is forwarded to it.
            let (ready, subscribed) = tokio::sync::oneshot::channel();
            sse::listen(&redis, ready);
            if tokio::time::timeout(Duration::from_secs(5), subscribed)
                .await
                .is_err()
            {
                return Err(ConnectError {
                    message: format!(
                        "cannot reach Redis at {url}: subscribing to this replica's channel \
                         did not succeed within 5 s"
                    ),
                });
            }
        }
        Ok(redis)
    }

    /// Connects to the Redis that `MCP_REDIS_URL` names, if it names one: `Ok(None)` when it
    /// is unset or empty.
    ///
    /// # Errors
    ///
    /// When it is set and Redis cannot be reached; the error names the URL.
    pub async fn from_env() -> Result<Option<Redis>, ConnectError> {
        match std::env::var("MCP_REDIS_URL") {
            Ok(url) if !url.is_empty() => Redis::connect(&url).await.map(Some),
            _ => Ok(None),
        }
    }

    /// Makes `sessions` hear this replica's channel (one server per process serves shared
    /// Streamable HTTP sessions through a Redis; a later one replaces it).
    #[cfg(feature = "http")]
    pub(crate) fn set_session_events(&self, sessions: std::sync::Weak<SharedSessions>) {
        *self
            .inner
            .session_events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(sessions);
    }

    /// This replica, as the others name it.
    pub(crate) fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// Says, every few seconds for as long as the connection lives, that this replica is
    /// alive (a key that expires when it stops saying it); the first time before returning.
    async fn heartbeat(&self) -> Result<(), Unavailable> {
        self.beat().await?;
        let weak = Arc::downgrade(&self.inner);
        self.inner.runtime.spawn(async move {
            loop {
                tokio::time::sleep(BEAT_EVERY).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                if let Err(err) = (Redis { inner }).beat().await {
                    tracing::debug!(err = %err.0, "this replica's heartbeat was not recorded");
                }
            }
        });
        Ok(())
    }

    async fn beat(&self) -> Result<(), Unavailable> {
        let mut connection = self.inner.connection.clone();
        let ttl = u64::try_from(ALIVE_FOR.as_millis()).unwrap_or(u64::MAX);
        let key = self.key(&format!("alive:{}", self.inner.origin));
        let set: Result<(), _> = redis::pipe()
            .pset_ex(key, 1, ttl)
            .ignore()
            // This replica's number stays its own (after a Redis restarted empty too).
            .pset_ex(
                self.key(&format!("replica-no:{}", self.inner.number)),
                &self.inner.origin,
                ttl,
            )
            .ignore()
            .query_async(&mut connection)
            .await;
        set.map_err(|err| Unavailable(err.to_string()))
    }

    /// Whether the replica `origin` said it was alive lately.
    pub(crate) async fn is_alive(&self, origin: &str) -> Result<bool, Unavailable> {
        if origin == self.inner.origin {
            return Ok(true);
        }
        use redis::AsyncCommands;
        let mut connection = self.inner.connection.clone();
        connection
            .exists(self.key(&format!("alive:{origin}")))
            .await
            .map_err(|err| Unavailable(err.to_string()))
    }

    /// The URL it connects to.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// A task store on this connection (what [`ServerBuilder::redis`](crate::ServerBuilder::redis)
    /// uses).
    pub fn task_store(&self) -> crate::tasks::RedisTaskStore {
        crate::tasks::RedisTaskStore::on(self)
    }

    pub(crate) fn key(&self, what: &str) -> String {
        format!("{}:{what}", self.inner.prefix)
    }
}

/// A number no live replica of the deployment has (1 to 2^20 - 1): counted, and claimed for as
/// long as this replica says it is alive.
async fn claim_number(
    connection: &mut ConnectionManager,
    prefix: &str,
    origin: &str,
) -> Result<u32, redis::RedisError> {
    use redis::AsyncCommands;
    let ttl = u64::try_from(ALIVE_FOR.as_millis()).unwrap_or(u64::MAX);
    loop {
        let counted: u64 = connection.incr(format!("{prefix}:replica-seq"), 1).await?;
        let number =
            u32::try_from(counted.saturating_sub(1) % ((1 << 20) - 1) + 1).expect("below 2^20");
        let claimed: Option<String> = redis::cmd("SET")
            .arg(format!("{prefix}:replica-no:{number}"))
            .arg(origin)
            .arg("NX")
            .arg("PX")
            .arg(ttl)
            .query_async(connection)
            .await?;
        if claimed.is_some() {
            return Ok(number);
        }
    }
}

/// The deployment's secret under `key`: this replica's fresh one if it is the first (kept for
/// good), else the one the first replica wrote.
async fn shared_secret(
    connection: &mut ConnectionManager,
    key: &str,
) -> Result<String, redis::RedisError> {
    use redis::AsyncCommands;
    let fresh = crate::session::new_session_id() + &crate::session::new_session_id();
    let _: bool = connection.set_nx(key, &fresh).await?;
    connection.get(key).await
}
