//! Subscriptions of the modern era (MCP 2026-07-28): a client opens a `subscriptions/listen`
//! stream naming the notifications it wants, and the server sends those (and only those) on
//! it, each tagged with the subscription's id, until the client closes it or the server ends
//! it. Legacy sessions hear the same changes on their own stream (`resources/subscribe` and
//! the GET stream); this module serves the listeners.
//!
//! A listener keeps what it has yet to send as a few flags and a set of URIs, not a queue: a
//! burst of changes to one set becomes one notification, a slow client costs no memory, and
//! no change is lost.

mod listen;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use foldhash::HashMap as FastMap;
use tokio::sync::Notify;

use crate::protocol::wire::SubscriptionFilter;

pub(crate) use listen::listen;

/// A change the listeners may want to hear of.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Change<'a> {
    /// The tool set changed (`notifications/tools/list_changed`).
    Tools,
    /// The prompt set changed (`notifications/prompts/list_changed`).
    Prompts,
    /// The resource set changed (`notifications/resources/list_changed`).
    Resources,
    /// What this resource returns changed (`notifications/resources/updated`).
    Updated(&'a str),
    /// This task changed (`notifications/tasks`).
    Task(&'a str),
}

/// Every open `subscriptions/listen` stream of a server, on every transport.
#[derive(Default)]
pub(crate) struct Listeners {
    table: Mutex<FastMap<u64, Arc<Listener>>>,
    next_id: AtomicU64,
    /// The server is shutting down: listeners end, and new ones end at once.
    closed: AtomicBool,
}

/// One open stream: what it agreed to carry and what it has yet to send.
struct Listener {
    wants: Wants,
    /// The connection it was opened on, when one carries several requests (stdio).
    connection: Option<String>,
    pending: Mutex<Pending>,
    wake: Notify,
}

/// A filter, as the listener looks it up.
struct Wants {
    tools: bool,
    prompts: bool,
    resources: bool,
    uris: HashSet<String>,
    tasks: HashSet<String>,
}

/// What a listener has yet to send, and whether it is to end.
#[derive(Default)]
struct Pending {
    tools: bool,
    prompts: bool,
    resources: bool,
    updated: Vec<String>,
    tasks: Vec<String>,
    /// Why the server ends the subscription, once it does.
    ended: Option<&'static str>,
}

/// What a listener does next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Sends these notifications.
    Send(Vec<Notice>),
    /// Ends the subscription, for this reason.
    End(&'static str),
}

/// A notification a listener sends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    ToolsChanged,
    PromptsChanged,
    ResourcesChanged,
    Updated(String),
    /// A task changed: its current state is sent.
    Task(String),
}

const SHUTTING_DOWN: &str = "the server is shutting down";

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each critical section is a few assignments: a poisoned lock holds no broken state.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Listeners {
    /// Opens a listener for what `agreed` names, on `connection` if the transport has one
    /// for several requests; it is removed when the registration drops.
    pub(crate) fn register(
        self: &Arc<Self>,
        agreed: &SubscriptionFilter,
        connection: Option<&str>,
    ) -> Registration {
        let listener = Arc::new(Listener {
            wants: Wants {
                tools: agreed.tools_list_changed,
                prompts: agreed.prompts_list_changed,
                resources: agreed.resources_list_changed,
                uris: agreed.resource_subscriptions.iter().cloned().collect(),
                tasks: agreed.task_ids.iter().cloned().collect(),
            },
            connection: connection.map(str::to_owned),
            pending: Mutex::default(),
            wake: Notify::new(),
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.table).insert(id, Arc::clone(&listener));
        // Checked after inserting: a shutdown that began in between has either seen this
        // listener or is seen here.
        if self.closed.load(Ordering::SeqCst) {
            listener.end(SHUTTING_DOWN);
        }
        Registration {
            listeners: Arc::clone(self),
            id,
            listener,
        }
    }

    /// Tells the listeners that want it of `change`; returns how many.
    pub(crate) fn announce(&self, change: Change<'_>) -> usize {
        let table = lock(&self.table);
        table
            .values()
            .filter(|listener| listener.note(change))
            .count()
    }

    /// Ends every listener (the server is shutting down): each sends what it has pending,
    /// then ends its stream gracefully.
    pub(crate) fn close_all(&self) {
        self.closed.store(true, Ordering::SeqCst);
        for listener in lock(&self.table).values() {
            listener.end(SHUTTING_DOWN);
        }
    }

    /// Ends the listeners opened on `connection` (its client sends nothing more), as
    /// [`close_all`](Self::close_all) does.
    pub(crate) fn close_connection(&self, connection: &str) {
        let table = lock(&self.table);
        let on_it = table
            .values()
            .filter(|listener| listener.connection.as_deref() == Some(connection));
        for listener in on_it {
            listener.end("the client's input ended");
        }
    }

    /// How many streams are open.
    pub(crate) fn count(&self) -> usize {
        lock(&self.table).len()
    }
}

impl Listener {
    /// Records `change` if the listener wants it; `true` if it does.
    fn note(&self, change: Change<'_>) -> bool {
        let wants = &self.wants;
        let mut pending = lock(&self.pending);
        match change {
            Change::Tools if wants.tools => pending.tools = true,
            Change::Prompts if wants.prompts => pending.prompts = true,
            Change::Resources if wants.resources => pending.resources = true,
            Change::Updated(uri) if wants.uris.contains(uri) => {
                // At most one of each URI waits: bounded by the filter.
                if !pending.updated.iter().any(|waiting| waiting == uri) {
                    pending.updated.push(uri.to_owned());
                }
            }
            Change::Task(id) if wants.tasks.contains(id) => {
                // At most one of each task waits: its state is read when it is sent.
                if !pending.tasks.iter().any(|waiting| waiting == id) {
                    pending.tasks.push(id.to_owned());
                }
            }
            _ => return false,
        }
        drop(pending);
        // A permit is kept when the stream is busy sending: the next wait returns at once.
        self.wake.notify_one();
        true
    }

    /// Records notices again (they could not be sent yet).
    fn put_back(&self, notices: &[Notice]) {
        let mut pending = lock(&self.pending);
        for notice in notices {
            match notice {
                Notice::ToolsChanged => pending.tools = true,
                Notice::PromptsChanged => pending.prompts = true,
                Notice::ResourcesChanged => pending.resources = true,
                Notice::Updated(uri) => {
                    if !pending.updated.contains(uri) {
                        pending.updated.push(uri.clone());
                    }
                }
                Notice::Task(id) => {
                    if !pending.tasks.contains(id) {
                        pending.tasks.push(id.clone());
                    }
                }
            }
        }
    }

    fn end(&self, reason: &'static str) {
        lock(&self.pending).ended.get_or_insert(reason);
        self.wake.notify_one();
    }
}

/// An open listener, removed from the server's listeners when dropped (the stream closed,
/// the request was cancelled, or it ended).
pub(crate) struct Registration {
    listeners: Arc<Listeners>,
    id: u64,
    listener: Arc<Listener>,
}

impl Registration {
    /// Waits for what to send next, in the order changes are listed in [`Notice`] (list
    /// changes first, then updated resources in the order they changed); the end once the
    /// server ends the subscription and nothing is left to send.
    pub(crate) async fn next(&self) -> Next {
        loop {
            {
                let mut pending = lock(&self.listener.pending);
                let mut notices = Vec::new();
                if std::mem::take(&mut pending.tools) {
                    notices.push(Notice::ToolsChanged);
                }
                if std::mem::take(&mut pending.prompts) {
                    notices.push(Notice::PromptsChanged);
                }
                if std::mem::take(&mut pending.resources) {
                    notices.push(Notice::ResourcesChanged);
                }
                notices.extend(pending.updated.drain(..).map(Notice::Updated));
                notices.extend(pending.tasks.drain(..).map(Notice::Task));
                if !notices.is_empty() {
                    return Next::Send(notices);
                }
                if let Some(reason) = pending.ended {
                    return Next::End(reason);
                }
            }
            self.listener.wake.notified().await;
        }
    }
}

impl Registration {
    /// Keeps notices that could not be sent, for the next [`next`](Self::next).
    pub(crate) fn put_back(&self, notices: &[Notice]) {
        self.listener.put_back(notices);
    }

    /// Sends the current state of these tasks next: a listener learns where its tasks are
    /// without polling once more, however they changed before it was opened.
    pub(crate) fn send_tasks_now(&self, tasks: &[String]) {
        for task in tasks {
            self.listener.note(Change::Task(task));
        }
    }

    /// Whether the server has ended the subscription.
    pub(crate) fn is_ended(&self) -> bool {
        lock(&self.listener.pending).ended.is_some()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.listeners.table).remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(tools: bool, uris: &[&str]) -> SubscriptionFilter {
        SubscriptionFilter {
            tools_list_changed: tools,
            resource_subscriptions: uris.iter().map(|uri| (*uri).to_owned()).collect(),
            ..SubscriptionFilter::default()
        }
    }

    #[tokio::test]
    async fn a_listener_hears_what_it_asked_for_once_per_burst() {
        let listeners = Arc::new(Listeners::default());
        let registration = listeners.register(&filter(true, &["a://x"]), None);
        assert_eq!(listeners.announce(Change::Prompts), 0);
        assert_eq!(listeners.announce(Change::Updated("a://other")), 0);
        for _ in 0..3 {
            assert_eq!(listeners.announce(Change::Tools), 1);
            assert_eq!(listeners.announce(Change::Updated("a://x")), 1);
        }
        assert_eq!(
            registration.next().await,
            Next::Send(vec![Notice::ToolsChanged, Notice::Updated("a://x".into())])
        );
    }

    #[tokio::test]
    async fn closing_sends_what_is_pending_then_ends_and_dropping_deregisters() {
        let listeners = Arc::new(Listeners::default());
        let registration = listeners.register(&filter(true, &[]), None);
        listeners.announce(Change::Tools);
        listeners.close_all();
        assert_eq!(
            registration.next().await,
            Next::Send(vec![Notice::ToolsChanged])
        );
        assert_eq!(registration.next().await, Next::End(SHUTTING_DOWN));
        assert_eq!(listeners.count(), 1);
        drop(registration);
        assert_eq!(listeners.count(), 0);
        // A listener opened after the shutdown began ends at once.
        let late = listeners.register(&filter(true, &[]), None);
        assert_eq!(late.next().await, Next::End(SHUTTING_DOWN));
    }

    #[tokio::test]
    async fn a_waiting_listener_wakes_on_a_change() {
        let listeners = Arc::new(Listeners::default());
        let registration = listeners.register(&filter(true, &[]), None);
        let waiting = tokio::spawn(async move { registration.next().await });
        tokio::task::yield_now().await;
        listeners.announce(Change::Tools);
        assert_eq!(
            waiting.await.unwrap(),
            Next::Send(vec![Notice::ToolsChanged])
        );
    }

    #[tokio::test]
    async fn notices_put_back_are_sent_next_without_duplicates() {
        let listeners = Arc::new(Listeners::default());
        let registration = listeners.register(&filter(true, &["a://x"]), None);
        listeners.announce(Change::Updated("a://x"));
        registration.put_back(&[Notice::ToolsChanged, Notice::Updated("a://x".into())]);
        assert_eq!(
            registration.next().await,
            Next::Send(vec![Notice::ToolsChanged, Notice::Updated("a://x".into())])
        );
        assert!(!registration.is_ended());
        listeners.close_all();
        assert!(registration.is_ended());
    }

    #[tokio::test]
    async fn a_connection_ends_its_own_listeners_only() {
        let listeners = Arc::new(Listeners::default());
        let mine = listeners.register(&filter(true, &[]), Some("c1"));
        let other = listeners.register(&filter(true, &[]), Some("c2"));
        listeners.close_connection("c1");
        assert_eq!(mine.next().await, Next::End("the client's input ended"));
        listeners.announce(Change::Tools);
        assert_eq!(other.next().await, Next::Send(vec![Notice::ToolsChanged]));
    }
}
