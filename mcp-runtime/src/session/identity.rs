//! Who a request comes from, when the transport authenticates requests.

use std::sync::Arc;

use serde_json::Value;

/// Who made a request, as an authenticator (such as [`BearerAuth`](crate::auth::BearerAuth))
/// established it.
///
/// Reachable from tools as [`Context::identity`](crate::Context::identity); a session belongs
/// to the identity that opened it.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    subject: Arc<str>,
    scopes: Arc<[String]>,
    claims: Arc<Value>,
}

impl Identity {
    /// An identity for this subject (a user or client id), with no scopes.
    pub fn new(subject: impl Into<String>) -> Self {
        Identity {
            subject: subject.into().into(),
            scopes: Arc::new([]),
            claims: Arc::new(Value::Null),
        }
    }

    /// The scopes the token grants.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Any further claims (a decoded JWT, say) for tools to read.
    pub fn with_claims(mut self, claims: Value) -> Self {
        self.claims = Arc::new(claims);
        self
    }

    /// The subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The granted scopes.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// `true` when the token grants `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }

    /// The further claims (`null` when none were given).
    pub fn claims(&self) -> &Value {
        &self.claims
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_know_their_scopes() {
        let identity = Identity::new("alice").with_scopes(["read", "write"]);
        assert_eq!(identity.subject(), "alice");
        assert!(identity.has_scope("write") && !identity.has_scope("admin"));
        assert_eq!(identity.claims(), &Value::Null);
    }
}
