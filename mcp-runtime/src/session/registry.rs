//! The one registry of a server's open sessions, over every transport: where a POST finds its
//! session, where [`Server::notify_all`](crate::Server::notify_all) finds every client, what
//! the session limit counts, and what shutdown closes.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use foldhash::HashMap as FastMap;

use super::Session;

/// How a transport registers its sessions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transport {
    /// Its name: sessions are looked up and counted by it.
    pub name: &'static str,
    /// Its sessions count against `max_sessions` and are closed at shutdown (the network
    /// transports, whose clients come and go).
    pub admitted: bool,
    /// Its sessions expire after this long without a request and without an open stream.
    pub idle_timeout: Option<Duration>,
}

struct Entry {
    session: Session,
    transport: Transport,
}

impl Entry {
    fn is_expired(&self) -> bool {
        self.transport
            .idle_timeout
            .is_some_and(|timeout| self.session.is_expired(timeout))
    }
}

/// A session lookup's answer.
pub(crate) enum Lookup {
    /// The session, just touched (it is not idle).
    Found(Session),
    /// No session has this id on this transport, or it expired (and is gone now).
    Unknown,
}

/// Every open session by id. Ids are random and unguessable, so one table serves every
/// transport; each lookup names its transport, so one transport's id opens nothing on another.
#[derive(Default)]
pub(crate) struct SessionRegistry {
    sessions: Mutex<FastMap<String, Entry>>,
}

impl SessionRegistry {
    fn lock(&self) -> MutexGuard<'_, FastMap<String, Entry>> {
        // Every critical section is one map operation (or a scan that only reads and removes):
        // a poisoned lock holds no half-done update.
        self.sessions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a session of `transport`.
    pub(crate) fn insert(&self, session: Session, transport: Transport) {
        let id = session.id().to_owned();
        self.lock().insert(id, Entry { session, transport });
    }

    /// Adds a session for as long as the returned guard lives (stdio, the in-process client).
    pub(crate) fn register(
        self: &Arc<Self>,
        session: Session,
        transport: Transport,
    ) -> Registration {
        let id = session.id().to_owned();
        self.insert(session, transport);
        Registration {
            registry: Arc::clone(self),
            id,
        }
    }

    /// The session of `transport` with this id, unless it has expired (then it is removed).
    pub(crate) fn lookup(&self, transport: &str, id: &str) -> Lookup {
        let mut sessions = self.lock();
        match sessions.get(id) {
            Some(entry) if entry.transport.name != transport => Lookup::Unknown,
            Some(entry) if entry.is_expired() => {
                sessions.remove(id);
                Lookup::Unknown
            }
            Some(entry) => {
                entry.session.touch();
                Lookup::Found(entry.session.clone())
            }
            None => Lookup::Unknown,
        }
    }

    /// Removes a session; `None` if it was not there.
    pub(crate) fn remove(&self, id: &str) -> Option<Session> {
        self.lock().remove(id).map(|entry| entry.session)
    }

    /// Every open session. Collected first and used after, so that no lock is held while a
    /// message is being sent.
    pub(crate) fn sessions(&self) -> Vec<Session> {
        self.lock()
            .values()
            .map(|entry| entry.session.clone())
            .collect()
    }

    /// How many admitted sessions are open: of `transport`, or of every transport.
    pub(crate) fn count(&self, transport: Option<&str>) -> usize {
        self.lock()
            .values()
            .filter(|entry| entry.transport.admitted)
            .filter(|entry| transport.is_none_or(|name| entry.transport.name == name))
            .count()
    }

    /// Removes the expired sessions. Run before a new session is admitted, so the table never
    /// holds more than the sessions of the last idle period and expired ones never cause a
    /// refusal.
    pub(crate) fn sweep_expired(&self) {
        self.lock().retain(|_, entry| !entry.is_expired());
    }

    /// Closes every admitted session (the server is shutting down): running requests are
    /// cancelled and every stream ends.
    pub(crate) fn close_admitted(&self) {
        let closing: Vec<Session> = {
            let mut sessions = self.lock();
            let ids: Vec<String> = sessions
                .iter()
                .filter(|(_, entry)| entry.transport.admitted)
                .map(|(id, _)| id.clone())
                .collect();
            ids.iter()
                .filter_map(|id| sessions.remove(id))
                .map(|entry| entry.session)
                .collect()
        };
        for session in closing {
            session.close();
        }
    }
}

/// Keeps a session registered; dropping it removes the session.
pub(crate) struct Registration {
    registry: Arc<SessionRegistry>,
    id: String,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETWORK: Transport = Transport {
        name: "network",
        admitted: true,
        idle_timeout: Some(Duration::ZERO),
    };
    const LOCAL: Transport = Transport {
        name: "local",
        admitted: false,
        idle_timeout: None,
    };

    #[test]
    fn lookups_name_their_transport_and_counts_skip_local_sessions() {
        let registry = Arc::new(SessionRegistry::default());
        registry.insert(
            Session::new("a"),
            Transport {
                idle_timeout: None,
                ..NETWORK
            },
        );
        let local = registry.register(Session::new("b"), LOCAL);
        assert!(matches!(registry.lookup("network", "a"), Lookup::Found(_)));
        assert!(matches!(registry.lookup("local", "a"), Lookup::Unknown));
        assert_eq!(registry.count(None), 1);
        assert_eq!(registry.count(Some("local")), 0);
        assert_eq!(registry.sessions().len(), 2);
        drop(local);
        assert_eq!(registry.sessions().len(), 1);
        registry.close_admitted();
        assert!(registry.sessions().is_empty());
    }

    #[test]
    fn expired_sessions_are_unknown_and_swept() {
        let registry = SessionRegistry::default();
        registry.insert(Session::new("idle"), NETWORK);
        registry.insert(Session::new("kept"), LOCAL);
        std::thread::sleep(Duration::from_millis(2));
        assert!(matches!(
            registry.lookup("network", "idle"),
            Lookup::Unknown
        ));
        registry.insert(Session::new("idle2"), NETWORK);
        std::thread::sleep(Duration::from_millis(2));
        registry.sweep_expired();
        assert_eq!(registry.sessions().len(), 1);
    }
}
