//! MCP protocol revisions, their two eras, and version negotiation.
//!
//! | era | revisions | how a client starts |
//! |---|---|---|
//! | legacy (handshake) | 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25 | `initialize`, then a session |
//! | modern (stateless) | 2026-07-28 | every request names its revision in `params._meta` |
//!
//! One endpoint serves both: a request whose `_meta` names a revision is served statelessly,
//! an `initialize` opens a legacy session.

/// Every protocol revision this runtime speaks, newest first.
pub const SUPPORTED_VERSIONS: &[&str] = &[
    "2026-07-28",
    "2025-11-25",
    "2025-06-18",
    "2025-03-26",
    "2024-11-05",
];

/// The newest revision this runtime speaks.
pub const LATEST_VERSION: &str = SUPPORTED_VERSIONS[0];

/// The revisions of the modern era (per-request `_meta`, no handshake), newest first.
pub const MODERN_VERSIONS: &[&str] = &["2026-07-28"];

/// The revisions of the handshake era (`initialize`, sessions), newest first.
pub const HANDSHAKE_VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// The newest revision an `initialize` can settle on.
pub const LATEST_HANDSHAKE_VERSION: &str = HANDSHAKE_VERSIONS[0];

/// The eras a server serves ([`ServerBuilder::eras`](crate::ServerBuilder::eras)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Eras {
    /// Both, on every endpoint: a request naming a revision in its `_meta` is served
    /// statelessly (2026-07-28), an `initialize` opens a session of an earlier revision.
    #[default]
    Both,
    /// Only 2026-07-28: every request must carry its `_meta`; `initialize` is refused with
    /// the revisions the server speaks, and Streamable HTTP has no GET or DELETE.
    Modern,
    /// Only the handshake era (up to 2025-11-25), as before 2026-07-28: modern clients fall
    /// back to `initialize`.
    Legacy,
}

impl Eras {
    /// Whether a request is served in the modern era, given whether it names a revision in
    /// its `_meta` (or, over HTTP, in its header).
    pub(crate) fn serves_as_modern(self, names_a_revision: bool) -> bool {
        match self {
            Eras::Both => names_a_revision,
            Eras::Modern => true,
            Eras::Legacy => false,
        }
    }
}

/// The revision to answer an `initialize` that asked for `requested`: the same one when it is
/// a handshake revision, otherwise the newest of those (which the client may then refuse, as
/// the specification says). Never a modern revision: those have no handshake.
pub(crate) fn negotiate_version(requested: &str) -> &'static str {
    HANDSHAKE_VERSIONS
        .iter()
        .copied()
        .find(|known| *known == requested)
        .unwrap_or(LATEST_HANDSHAKE_VERSION)
}

/// The modern revision named `version`, as a `'static` string, if this runtime speaks it.
pub(crate) fn modern_version(version: &str) -> Option<&'static str> {
    MODERN_VERSIONS
        .iter()
        .copied()
        .find(|known| *known == version)
}

/// `true` for a revision of the modern era.
pub(crate) fn is_modern(version: &str) -> bool {
    // Revisions are dates, so they compare as strings.
    version >= MODERN_VERSIONS[MODERN_VERSIONS.len() - 1]
}

/// The last revision with JSON-RPC batches: 2025-03-26 requires servers to accept them, and
/// 2025-06-18 removed them.
pub(crate) const LAST_VERSION_WITH_BATCHES: &str = "2025-03-26";

/// `true` when `version` (a known revision) has JSON-RPC batches.
pub(crate) fn has_batches(version: &str) -> bool {
    // Revisions are dates, so they compare as strings.
    version <= LAST_VERSION_WITH_BATCHES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_known_versions_and_answers_unknown_ones_with_the_latest() {
        for version in HANDSHAKE_VERSIONS {
            assert_eq!(negotiate_version(version), *version);
        }
        assert_eq!(negotiate_version("2099-01-01"), LATEST_HANDSHAKE_VERSION);
        assert_eq!(negotiate_version(""), LATEST_HANDSHAKE_VERSION);
        // A modern revision has no handshake: `initialize` never settles on one.
        assert_eq!(negotiate_version("2026-07-28"), LATEST_HANDSHAKE_VERSION);
    }

    #[test]
    fn every_revision_belongs_to_one_era() {
        for version in SUPPORTED_VERSIONS {
            assert_ne!(
                MODERN_VERSIONS.contains(version),
                HANDSHAKE_VERSIONS.contains(version),
                "{version}"
            );
            assert_eq!(is_modern(version), MODERN_VERSIONS.contains(version));
        }
        assert_eq!(modern_version("2026-07-28"), Some("2026-07-28"));
        assert_eq!(modern_version("2025-11-25"), None);
    }

    #[test]
    fn batches_end_with_2025_03_26() {
        assert!(has_batches("2024-11-05") && has_batches("2025-03-26"));
        assert!(!has_batches("2025-06-18") && !has_batches("2025-11-25"));
    }
}
