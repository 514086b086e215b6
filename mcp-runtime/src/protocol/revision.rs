//! MCP protocol revisions and version negotiation.

/// Every protocol revision this runtime speaks, newest first.
pub const SUPPORTED_VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// The newest revision this runtime speaks.
pub const LATEST_VERSION: &str = SUPPORTED_VERSIONS[0];

/// The revision to answer a client that asked for `requested`: the same one when it is known,
/// otherwise the newest, which the client may then refuse (as the specification says).
pub(crate) fn negotiate_version(requested: &str) -> &'static str {
    SUPPORTED_VERSIONS
        .iter()
        .copied()
        .find(|known| *known == requested)
        .unwrap_or(LATEST_VERSION)
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
        for version in SUPPORTED_VERSIONS {
            assert_eq!(negotiate_version(version), *version);
        }
        assert_eq!(negotiate_version("2099-01-01"), LATEST_VERSION);
        assert_eq!(negotiate_version(""), LATEST_VERSION);
    }

    #[test]
    fn batches_end_with_2025_03_26() {
        assert!(has_batches("2024-11-05") && has_batches("2025-03-26"));
        assert!(!has_batches("2025-06-18") && !has_batches("2025-11-25"));
    }
}
