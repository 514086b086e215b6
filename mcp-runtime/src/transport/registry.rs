//! The sessions of transports that keep no session table of their own (stdio, the in-process
//! client), so that [`Server::notify_all`](crate::Server::notify_all) reaches them too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::server::Server;
use crate::session::Session;

/// Live sessions by registration number. Only weak references: a registration never keeps a
/// session (or the channel behind its outbound) alive.
#[derive(Default)]
pub(crate) struct SessionRegistry {
    next_key: AtomicU64,
    sessions: Mutex<HashMap<u64, Weak<Session>>>,
}

impl SessionRegistry {
    /// Adds `session` until the returned guard is dropped.
    pub(crate) fn register(server: &Server, session: &Arc<Session>) -> Registration {
        let registry = &server.inner.standalone_sessions;
        let key = registry.next_key.fetch_add(1, Ordering::Relaxed);
        registry.lock().insert(key, Arc::downgrade(session));
        Registration {
            server: server.clone(),
            key,
        }
    }

    /// Every live registered session.
    pub(crate) fn sessions(&self) -> Vec<Session> {
        self.lock()
            .values()
            .filter_map(Weak::upgrade)
            .map(|session| Session::clone(&session))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Weak<Session>>> {
        // Every operation is one HashMap call: a poisoned lock holds no half-done update.
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Keeps a session registered; dropping it removes the session.
pub(crate) struct Registration {
    server: Server,
    key: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.server
            .inner
            .standalone_sessions
            .lock()
            .remove(&self.key);
    }
}
