//! The `requestState` of a multi-round-trip request: what the server must remember between
//! rounds (the answers so far, the questions just asked), carried by the client.
//!
//! It comes back from the client, so it is signed: `v1.<payload>.<mac>`, both base64, the MAC
//! an HMAC-SHA-256 of the payload under the server's [`StateKey`]. The payload binds the state
//! to the request it belongs to (method and a digest of its params), to who sent it, and to an
//! expiry; a state that fails any of these is refused with `-32602`, never trusted.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::content::{base64_decode, base64_encode};
use crate::protocol::ErrorObject;

/// The secret that signs `requestState`. Every replica of a deployment must share it (a retry
/// may reach any of them): set it with
/// [`ServerBuilder::state_key`](crate::ServerBuilder::state_key); without one, each process
/// draws a random key, and states it issued do not survive a restart.
#[derive(Clone)]
pub struct StateKey([u8; 32]);

impl StateKey {
    /// A key derived from `secret` (any length; at least 32 random bytes are advised).
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        StateKey(Sha256::digest(secret.as_ref()).into())
    }

    /// A random key, from the operating system.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source is available");
        StateKey(bytes)
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateKey(..)")
    }
}

/// What the state remembers.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Remembered {
    /// The method and a digest of the params it belongs to.
    #[serde(rename = "r")]
    pub request: String,
    /// Who it was issued to (the identity's subject), if anyone authenticated.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Until when it is good, in milliseconds since the Unix epoch.
    #[serde(rename = "e")]
    pub expires_ms: u64,
    /// The answers of earlier rounds, by key.
    #[serde(rename = "a", default)]
    pub answers: Map<String, Value>,
    /// The keys asked in the last round, whose answers the retry brings.
    #[serde(rename = "q", default)]
    pub asked: Vec<String>,
    /// What the handler chose to carry to its next round ([`InputRequired::state`]).
    ///
    /// [`InputRequired::state`]: crate::context::InputRequired::state
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    pub handler_state: Option<Value>,
}

/// What a request is, for binding a state to it: its method and a digest of its params,
/// leaving out what changes between rounds (`_meta`, `inputResponses`, `requestState`).
/// Every modern request that may ask questions computes it, so the params are hashed as they
/// are walked, with no copy of them.
pub(crate) fn request_binding(method: &str, params: &Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    if let Value::Object(members) = params {
        hash_members(&mut hasher, members, |name| {
            !matches!(name, "_meta" | "inputResponses" | "requestState")
        });
    }
    let digest = hasher.finalize();
    format!("{method}:{}", base64_encode(&digest[..18]))
}

/// Hashes a value with every object's members sorted by name (`preserve_order` keeps them as
/// the client wrote them, which the digest must not depend on).
fn hash_value(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Object(members) => {
            hasher.update(b"{");
            hash_members(hasher, members, |_| true);
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for item in items {
                hash_value(hasher, item);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        Value::String(text) => {
            hasher.update(b"s");
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        Value::Number(number) => {
            hasher.update(b"n");
            hasher.update(number.to_string().as_bytes());
            hasher.update(b";");
        }
        Value::Bool(flag) => hasher.update(if *flag { b"t" } else { b"f" }),
        Value::Null => hasher.update(b"z"),
    }
}

fn hash_members(hasher: &mut Sha256, members: &Map<String, Value>, keep: impl Fn(&str) -> bool) {
    let mut names: Vec<&String> = members.keys().filter(|name| keep(name)).collect();
    names.sort_unstable();
    for name in names {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hash_value(hasher, &members[name]);
    }
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Signs `remembered` as a `requestState`.
pub(crate) fn seal(key: &StateKey, remembered: &Remembered) -> String {
    let payload = serde_json::to_vec(remembered).expect("the remembered state serializes");
    let payload = base64_encode(&payload);
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("v1.{payload}.{}", base64_encode(&tag))
}

/// Verifies a `requestState` the client sent back for `binding`, by `subject`.
pub(crate) fn open(
    key: &StateKey,
    state: &str,
    binding: &str,
    subject: Option<&str>,
) -> Result<Remembered, ErrorObject> {
    let refused = |why: &str| {
        ErrorObject::invalid_params(format!(
            "requestState refused: {why}. Send the requestState of the last answer unchanged, \
             or call again without one to start over"
        ))
    };
    let mut parts = state.split('.');
    let (Some("v1"), Some(payload), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused("it is not a state this server issued"));
    };
    let tag = base64_decode(tag).ok_or_else(|| refused("its signature is malformed"))?;
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&tag).map_err(|_| {
        refused("its signature does not match (it was altered, or issued with another key)")
    })?;
    let payload = base64_decode(payload).ok_or_else(|| refused("its payload is malformed"))?;
    let remembered: Remembered =
        serde_json::from_slice(&payload).map_err(|_| refused("its payload is malformed"))?;
    if remembered.request != binding {
        return Err(refused(
            "it belongs to another request (method or arguments differ)",
        ));
    }
    if remembered.subject.as_deref() != subject {
        return Err(refused("it was issued to someone else"));
    }
    if remembered.expires_ms < now_ms() {
        return Err(refused("it has expired"));
    }
    Ok(remembered)
}

/// How long a state stays good unless the server says otherwise.
pub(crate) const DEFAULT_STATE_TTL: Duration = Duration::from_secs(10 * 60);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn remembered(binding: &str) -> Remembered {
        Remembered {
            request: binding.to_owned(),
            subject: Some("alice".into()),
            expires_ms: now_ms() + 60_000,
            answers: json!({"user_name": {"action": "accept"}})
                .as_object()
                .unwrap()
                .clone(),
            asked: vec!["greeting".into()],
            handler_state: Some(json!({"step": 2})),
        }
    }

    #[test]
    fn a_sealed_state_opens_only_for_its_request_its_sender_and_in_time() {
        let key = StateKey::random();
        let params = json!({"name": "greet", "arguments": {"b": 1, "a": [2, {"y": 1, "x": 2}]}});
        let binding = request_binding("tools/call", &params);
        let original = remembered(&binding);
        let sealed = seal(&key, &original);
        assert_eq!(
            open(&key, &sealed, &binding, Some("alice")).unwrap(),
            original
        );

        // The same request written in another order, with other `_meta` and responses.
        let reordered = json!({"arguments": {"a": [2, {"x": 2, "y": 1}], "b": 1}, "name": "greet",
            "_meta": {"k": 1}, "inputResponses": {}, "requestState": "x"});
        assert_eq!(request_binding("tools/call", &reordered), binding);

        let other = request_binding(
            "tools/call",
            &json!({"name": "greet", "arguments": {"b": 2}}),
        );
        for (what, result) in [
            (
                "another request",
                open(&key, &sealed, &other, Some("alice")),
            ),
            (
                "another sender",
                open(&key, &sealed, &binding, Some("mallory")),
            ),
            ("nobody", open(&key, &sealed, &binding, None)),
            (
                "another key",
                open(&StateKey::new("other"), &sealed, &binding, Some("alice")),
            ),
            ("garbage", open(&key, "tampered", &binding, Some("alice"))),
        ] {
            assert_eq!(
                result.unwrap_err().code,
                crate::protocol::INVALID_PARAMS,
                "{what}"
            );
        }
        // A flipped character of the payload breaks the signature.
        let mut tampered = sealed.clone().into_bytes();
        tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(open(&key, &tampered, &binding, Some("alice")).is_err());

        let mut expired = remembered(&binding);
        expired.expires_ms = now_ms() - 1;
        let expired = seal(&key, &expired);
        let error = open(&key, &expired, &binding, Some("alice")).unwrap_err();
        assert!(error.message.contains("expired"), "{}", error.message);
    }
}
