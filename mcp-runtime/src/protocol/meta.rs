//! The per-request `_meta` of the modern era (2026-07-28): with no handshake, every request
//! says which revision it speaks, what the client can do and who it is.
//!
//! | key in `params._meta` | | |
//! |---|---|---|
//! | `io.modelcontextprotocol/protocolVersion` | required | the revision; unknown: `-32022` |
//! | `io.modelcontextprotocol/clientCapabilities` | required | what the client can answer (`{}`: nothing optional) |
//! | `io.modelcontextprotocol/clientInfo` | optional | name and version, for logs only |
//! | `io.modelcontextprotocol/logLevel` | optional | without it, the request hears no log messages |
//!
//! A missing required key is `-32602`. Results carry `io.modelcontextprotocol/serverInfo`.

use serde_json::{json, Map, Value};

use super::jsonrpc::{ErrorObject, INVALID_PARAMS, UNSUPPORTED_PROTOCOL_VERSION};
use super::log_level::LogLevel;
use super::revision::{modern_version, MODERN_VERSIONS};

pub(crate) const PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub(crate) const CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub(crate) const CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
pub(crate) const LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
pub(crate) const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// `true` when a request's params name a protocol revision in `_meta`: the mark of the modern
/// era (legacy clients never send the key; a bare `_meta` with a `progressToken` is not one).
pub(crate) fn is_modern_request(params: &Value) -> bool {
    params
        .get("_meta")
        .and_then(Value::as_object)
        .is_some_and(|meta| meta.contains_key(PROTOCOL_VERSION))
}

/// What a modern request declares about itself.
#[derive(Debug, Clone)]
pub(crate) struct ModernMeta {
    /// The revision as the request wrote it (checked by [`ModernMeta::version`]).
    pub requested: Value,
    pub client_capabilities: Value,
    pub client_info: Value,
    /// The least severe log message the request wants; `None`: it wants none.
    pub log_level: Option<LogLevel>,
}

impl ModernMeta {
    /// Takes the keys of the era out of `params._meta` (what else it holds, a
    /// `progressToken`, stays): `-32602` when it or a required key is missing or malformed,
    /// and for an `initialize` (of a client of an earlier revision, at a server that speaks
    /// only this one) `-32022` with the revisions it speaks. Taken, not copied: every modern
    /// request pays for this.
    pub(crate) fn take(method: &str, params: &mut Value) -> Result<ModernMeta, ErrorObject> {
        let log_level = Self::check(method, params).map_err(|error| {
            match (
                method,
                params.get("protocolVersion").and_then(Value::as_str),
            ) {
                ("initialize", Some(requested)) => unsupported_version(requested),
                _ => error,
            }
        })?;
        let meta = params
            .get_mut("_meta")
            .and_then(Value::as_object_mut)
            .expect("checked");
        Ok(ModernMeta {
            requested: meta.remove(PROTOCOL_VERSION).expect("checked"),
            client_capabilities: meta.remove(CLIENT_CAPABILITIES).expect("checked"),
            client_info: meta.remove(CLIENT_INFO).unwrap_or(Value::Null),
            log_level,
        })
    }

    /// Checks `params._meta`; returns the log level it names.
    fn check(method: &str, params: &Value) -> Result<Option<LogLevel>, ErrorObject> {
        let missing = |what: &str| {
            ErrorObject::invalid_params(format!(
                "`{method}` lacks {what}: every request of MCP 2026-07-28 carries `params._meta` \
                 with `{PROTOCOL_VERSION}` and `{CLIENT_CAPABILITIES}`"
            ))
        };
        let meta: &Map<String, Value> = params
            .get("_meta")
            .ok_or_else(|| missing("`params._meta`"))?
            .as_object()
            .ok_or_else(|| missing("a `params._meta` object"))?;
        if !meta.contains_key(PROTOCOL_VERSION) {
            return Err(missing(&format!("`{PROTOCOL_VERSION}`")));
        }
        match meta.get(CLIENT_CAPABILITIES) {
            Some(Value::Object(_)) => {}
            Some(_) => {
                return Err(ErrorObject::invalid_params(format!(
                    "`{CLIENT_CAPABILITIES}` must be an object (`{{}}` declares no optional \
                     capability)"
                )))
            }
            None => return Err(missing(&format!("`{CLIENT_CAPABILITIES}`"))),
        }
        let log_level = match meta.get(LOG_LEVEL) {
            None | Some(Value::Null) => None,
            Some(level) => Some(level.as_str().and_then(LogLevel::parse).ok_or_else(|| {
                ErrorObject::invalid_params(format!(
                    "unknown `{LOG_LEVEL}` {level}: use debug, info, notice, warning, \
                             error, critical, alert or emergency"
                ))
            })?),
        };
        Ok(log_level)
    }

    /// The revision the request speaks: `-32022` (with what the server speaks) when it is not
    /// one of [`MODERN_VERSIONS`], `-32602` when it is not a string.
    pub(crate) fn version(&self) -> Result<&'static str, ErrorObject> {
        let Some(requested) = self.requested.as_str() else {
            return Err(ErrorObject::invalid_params(format!(
                "`{PROTOCOL_VERSION}` must be a string, such as \"{}\"",
                MODERN_VERSIONS[0]
            )));
        };
        modern_version(requested).ok_or_else(|| unsupported_version(requested))
    }
}

/// `-32022`: the server does not speak `requested`; `data` lists what it does.
pub(crate) fn unsupported_version(requested: &str) -> ErrorObject {
    ErrorObject {
        code: UNSUPPORTED_PROTOCOL_VERSION,
        message: format!(
            "Unsupported protocol version `{requested}`: this server speaks {} without a \
             handshake (and {} after `initialize`)",
            MODERN_VERSIONS.join(", "),
            super::revision::HANDSHAKE_VERSIONS.join(", "),
        ),
        data: Some(json!({ "supported": MODERN_VERSIONS, "requested": requested })),
    }
}

/// A `-32602` of the modern era: resource not found was `-32002` before 2026-07-28.
pub(crate) fn modern_error_code(code: i64) -> i64 {
    if code == super::jsonrpc::RESOURCE_NOT_FOUND {
        INVALID_PARAMS
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(value: Value) -> Value {
        json!({ "_meta": value })
    }

    #[test]
    fn modern_requests_are_told_by_their_protocol_version() {
        assert!(is_modern_request(&meta(
            json!({ PROTOCOL_VERSION: "2026-07-28" })
        )));
        assert!(!is_modern_request(&meta(json!({ "progressToken": 1 }))));
        assert!(!is_modern_request(&json!({ "name": "add" })));
        assert!(!is_modern_request(&Value::Null));
    }

    #[test]
    fn required_keys_and_versions_get_the_errors_the_specification_names() {
        let full = meta(json!({
            PROTOCOL_VERSION: "2026-07-28",
            CLIENT_CAPABILITIES: {},
            CLIENT_INFO: { "name": "c", "version": "1" },
            LOG_LEVEL: "warning",
        }));
        let mut taken = full.clone();
        let read = ModernMeta::take("tools/list", &mut taken).unwrap();
        assert_eq!(
            taken["_meta"],
            json!({ LOG_LEVEL: "warning" }),
            "the era's keys are taken out"
        );
        assert_eq!(read.version().unwrap(), "2026-07-28");
        assert_eq!(read.log_level, Some(LogLevel::Warning));
        assert_eq!(read.client_info["name"], "c");

        for params in [
            json!({}),
            meta(json!({ CLIENT_CAPABILITIES: {} })),
            meta(json!({ PROTOCOL_VERSION: "2026-07-28" })),
            meta(json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: [] })),
            meta(
                json!({ PROTOCOL_VERSION: "2026-07-28", CLIENT_CAPABILITIES: {}, LOG_LEVEL: "loud" }),
            ),
        ] {
            let error = ModernMeta::take("tools/list", &mut params.clone()).unwrap_err();
            assert_eq!(error.code, INVALID_PARAMS, "{params}");
        }

        let old = ModernMeta::take(
            "tools/list",
            &mut meta(json!({ PROTOCOL_VERSION: "v999.0.0", CLIENT_CAPABILITIES: {} })),
        )
        .unwrap();
        let error = old.version().unwrap_err();
        assert_eq!(error.code, UNSUPPORTED_PROTOCOL_VERSION);
        assert_eq!(
            error.data,
            Some(json!({ "supported": ["2026-07-28"], "requested": "v999.0.0" }))
        );
        let number = ModernMeta::take(
            "tools/list",
            &mut meta(json!({ PROTOCOL_VERSION: 2026, CLIENT_CAPABILITIES: {} })),
        )
        .unwrap();
        assert_eq!(number.version().unwrap_err().code, INVALID_PARAMS);
    }
}
