//! Caching hints of the modern era (MCP 2026-07-28): how long a client, or a shared cache in
//! front of the server, may reuse a result before asking again.
//!
//! | result | hints from |
//! |---|---|
//! | `server/discover`, `tools/list`, `prompts/list`, `resources/list`, `resources/templates/list` | [`ServerBuilder::list_caching`](crate::ServerBuilder::list_caching) |
//! | `resources/read` | the resource's own (`#[resource(.., cache_ttl = "5m", cache_scope = "public")]`), else [`ServerBuilder::read_caching`](crate::ServerBuilder::read_caching) |
//!
//! Both default to `ttlMs: 0` (reuse only after asking again): a server's sets can change
//! while it runs, and a resource's contents at any time. The scope defaults to `public` for
//! lists (they are the same for every client) and `private` for reads (a handler may answer
//! each identity differently).
//!
//! ```
//! use std::time::Duration;
//! use mcp_runtime::{CacheHints, Server};
//!
//! let server = Server::builder()
//!     .list_caching(CacheHints::public(Duration::from_secs(300)))
//!     .build()
//!     .unwrap();
//! # let _ = server;
//! ```

use std::time::Duration;

/// Who may reuse a result (`cacheScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheScope {
    /// The result holds nothing particular to the caller: shared caches may serve it to
    /// anyone.
    Public,
    /// Reuse only within the same authorization context.
    Private,
}

impl CacheScope {
    fn as_str(self) -> &'static str {
        match self {
            CacheScope::Public => "public",
            CacheScope::Private => "private",
        }
    }
}

/// The `ttlMs` and `cacheScope` a cacheable result carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheHints {
    ttl: Duration,
    scope: CacheScope,
}

impl CacheHints {
    /// Reusable by anyone for `ttl`.
    pub const fn public(ttl: Duration) -> Self {
        CacheHints {
            ttl,
            scope: CacheScope::Public,
        }
    }

    /// Reusable within the same authorization context for `ttl`.
    pub const fn private(ttl: Duration) -> Self {
        CacheHints {
            ttl,
            scope: CacheScope::Private,
        }
    }

    /// How long the result stays fresh.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Who may reuse it.
    pub fn scope(&self) -> CacheScope {
        self.scope
    }

    /// The two members as JSON object members, `"ttlMs":N,"cacheScope":"..."`.
    pub(crate) fn json_members(&self) -> String {
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        format!(
            "\"ttlMs\":{ttl_ms},\"cacheScope\":\"{}\"",
            self.scope.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_written_as_the_specification_names_them() {
        let hints = CacheHints::private(Duration::from_millis(1500));
        let object: serde_json::Value =
            serde_json::from_str(&format!("{{{}}}", hints.json_members())).unwrap();
        assert_eq!(
            object,
            serde_json::json!({ "ttlMs": 1500, "cacheScope": "private" })
        );
    }
}
