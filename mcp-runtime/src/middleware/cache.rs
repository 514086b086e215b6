//! [`ResponseCache`]: answers repeated requests from memory for as long as their caching hints
//! allow, never handing one caller's private entry to another.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::value::RawValue;

use super::{BoxFuture, Middleware, Next, Operation, Outcome};
use crate::caching::{CacheHints, CacheScope};

/// Keeps the results of the listings (`tools/list`, `resources/list`,
/// `resources/templates/list`, `prompts/list`) for the time the server's
/// [`list_caching`](crate::ServerBuilder::list_caching) hints give (`ttlMs`, `cacheScope`), the
/// reads of resources declaring their own hints (`#[resource(cache_ttl = "5m", cache_scope =
/// "public")]`) for the time and scope they give, and, with [`tool_calls`](Self::tool_calls),
/// the successful results of tools annotated both read-only and idempotent.
///
/// An entry of `cacheScope: "private"` (every tool result, and every listing and read when the
/// server has a [`visibility`](crate::ServerBuilder::visibility) rule) is kept per identity and served
/// to that identity only; a request without an identity never reads or writes a private entry.
/// A `ttlMs` of 0 caches nothing. At most [`max_entries`](Self::max_entries) are kept (expired
/// ones are dropped first; beyond, new results are not kept).
#[derive(Debug)]
pub struct ResponseCache {
    tool_ttl: Option<Duration>,
    max_entries: usize,
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug)]
struct Entry {
    result: Box<RawValue>,
    expires: Instant,
}

impl Default for ResponseCache {
    fn default() -> Self {
        ResponseCache {
            tool_ttl: None,
            max_entries: 10_000,
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl ResponseCache {
    /// Caches the listings, as the server's hints allow.
    pub fn new() -> Self {
        ResponseCache::default()
    }

    /// Also caches, privately and for `ttl`, the results of tools annotated `read_only` and
    /// `idempotent` (a call with the same arguments by the same identity is answered from
    /// memory). Error results are never cached.
    pub fn tool_calls(mut self, ttl: Duration) -> Self {
        self.tool_ttl = Some(ttl);
        self
    }

    /// How many entries are kept at most (default 10,000).
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// How long and for whom `op`'s result may be kept, if at all.
    fn hints(&self, op: &Operation<'_>) -> Option<CacheHints> {
        let hints = match op.method() {
            "tools/list" | "resources/list" | "resources/templates/list" | "prompts/list" => {
                let hints = op.server().list_caching();
                if op.server().has_visibility() {
                    // What a caller sees depends on who it is.
                    CacheHints::private(hints.ttl())
                } else {
                    hints
                }
            }
            "resources/read" => {
                let hints = op.server().resource_set().hints_for(op.uri()?)?;
                if op.server().has_visibility() {
                    // Who may read it depends on who asks: never shared.
                    CacheHints::private(hints.ttl())
                } else {
                    hints
                }
            }
            "tools/call" => {
                let ttl = self.tool_ttl?;
                let tool = op.server().tool(op.name()?)?;
                let annotations = &tool.listing()["annotations"];
                let cacheable =
                    annotations["readOnlyHint"] == true && annotations["idempotentHint"] == true;
                cacheable.then(|| CacheHints::private(ttl))?
            }
            _ => return None,
        };
        (!hints.ttl().is_zero()).then_some(hints)
    }

    fn lookup(&self, key: &str) -> Option<Box<RawValue>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(key)?;
        (entry.expires > Instant::now()).then(|| entry.result.clone())
    }

    fn keep(&self, key: String, result: Box<RawValue>, ttl: Duration) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.max_entries {
            entries.retain(|_, entry| entry.expires > now);
            if entries.len() >= self.max_entries {
                return;
            }
        }
        entries.insert(
            key,
            Entry {
                result,
                expires: now + ttl,
            },
        );
    }
}

impl Middleware for ResponseCache {
    fn on_request<'a>(&'a self, op: Operation<'a>, next: Next<'a>) -> BoxFuture<'a, Outcome> {
        let Some(hints) = self.hints(&op) else {
            return next.run(op);
        };
        let scope = match (hints.scope(), op.identity()) {
            (CacheScope::Public, _) => "public".to_owned(),
            (CacheScope::Private, Some(who)) => format!("private:{}", who.subject()),
            // Nobody to keep it for.
            (CacheScope::Private, None) => return next.run(op),
        };
        let key = format!("{scope}\n{}\n{}", op.method(), op.params());
        if let Some(result) = self.lookup(&key) {
            return Box::pin(async move { Ok(result) });
        }
        let tool_call = op.method() == "tools/call";
        Box::pin(async move {
            let outcome = next.run(op).await;
            if let Ok(result) = &outcome {
                let failed = tool_call && is_error_result(result);
                if !failed {
                    self.keep(key, result.clone(), hints.ttl());
                }
            }
            outcome
        })
    }
}

/// Whether a tool result is flagged `isError`.
fn is_error_result(result: &RawValue) -> bool {
    #[derive(serde::Deserialize)]
    struct Flag {
        #[serde(default, rename = "isError")]
        is_error: bool,
    }
    serde_json::from_str::<Flag>(result.get()).map_or(true, |flag| flag.is_error)
}
