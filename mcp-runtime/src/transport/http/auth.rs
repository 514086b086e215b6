//! Authentication: a bearer-token guard for both HTTP transports, and the OAuth 2.1
//! resource-server pieces MCP specifies (RFC 9728 protected-resource metadata, and the
//! `WWW-Authenticate` challenge that points to it).
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use mcp_runtime::auth::{AuthError, BearerAuth, Identity, ProtectedResource};
//!
//! async fn verify(token: String) -> Result<Identity, AuthError> {
//!     // Look the token up, or check a JWT's signature, audience and expiry.
//!     match token.as_str() {
//!         "secret-token" => Ok(Identity::new("alice").with_scopes(["files:read"])),
//!         _ => Err(AuthError::invalid_token("unknown token")),
//!     }
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! HttpServer::new(|| {
//!     let metadata = ProtectedResource::new("https://mcp.example.com/mcp")
//!         .authorization_server("https://auth.example.com")
//!         .scopes(["files:read", "files:write"]);
//!     App::new()
//!         .service(metadata.service())
//!         .service(
//!             web::scope("/mcp")
//!                 .wrap(BearerAuth::new(verify).resource_metadata(metadata.metadata_url()))
//!                 .service(mcp_runtime::streamable_http_app()),
//!         )
//! })
//! .bind(("127.0.0.1", 8000))?
//! .run()
//! .await
//! # }
//! ```

use std::fmt;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::EitherBody;
use actix_web::dev::{
    AppService, HttpServiceFactory, Service, ServiceRequest, ServiceResponse, Transform,
};
use actix_web::http::{header, Method};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::session::Identity;

/// Why a token was refused; answered `401` with a `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    description: String,
}

impl AuthError {
    /// The token is unknown, expired, revoked, or for another audience.
    pub fn invalid_token(description: impl Into<String>) -> Self {
        AuthError {
            description: description.into(),
        }
    }

    /// What was wrong.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid token: {}", self.description)
    }
}

impl std::error::Error for AuthError {}

type VerifyFuture = Pin<Box<dyn Future<Output = Result<Identity, AuthError>>>>;
type Verifier = dyn Fn(String) -> VerifyFuture + Send + Sync;

/// Middleware that admits only requests with a valid `Authorization: Bearer <token>`.
///
/// Wrap the scope that holds an MCP service (`web::scope("/mcp").wrap(BearerAuth::new(..))`).
/// The verifier decides; an [`Identity`] it returns is attached to the request, and the
/// transports bind each session to its subject (another subject's requests in that session
/// are refused). Requests without a valid token get `401` with a `WWW-Authenticate: Bearer`
/// challenge naming the protected-resource metadata, as MCP's authorization spec requires.
/// `OPTIONS` requests (CORS preflights) pass unauthenticated.
#[derive(Clone)]
pub struct BearerAuth {
    verifier: Arc<Verifier>,
    resource_metadata: Option<Arc<str>>,
}

impl BearerAuth {
    /// A guard that asks `verify` about every token.
    pub fn new<F, Fut>(verify: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Identity, AuthError>> + 'static,
    {
        BearerAuth {
            verifier: Arc::new(move |token| Box::pin(verify(token)) as VerifyFuture),
            resource_metadata: None,
        }
    }

    /// The URL of the protected-resource metadata document (see [`ProtectedResource`]), sent
    /// in the `resource_metadata` parameter of every challenge.
    pub fn resource_metadata(mut self, url: impl Into<String>) -> Self {
        self.resource_metadata = Some(url.into().into());
        self
    }

    fn challenge(&self, error: Option<&AuthError>) -> HttpResponse {
        let mut value = String::from("Bearer realm=\"mcp\"");
        if let Some(error) = error {
            let description = error.description.replace(['"', '\\'], "'");
            value.push_str(&format!(
                ", error=\"invalid_token\", error_description=\"{description}\""
            ));
        }
        if let Some(url) = &self.resource_metadata {
            value.push_str(&format!(", resource_metadata=\"{url}\""));
        }
        let message = match error {
            Some(error) => format!("Unauthorized: {error}"),
            None => {
                "Unauthorized: send the access token as `Authorization: Bearer <token>`".to_owned()
            }
        };
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, value))
            .json(json!({ "jsonrpc": "2.0", "id": null, "error": { "code": -32001, "message": message } }))
    }
}

impl<S, B> Transform<S, ServiceRequest> for BearerAuth
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = BearerAuthMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(BearerAuthMiddleware {
            service: Rc::new(service),
            auth: self.clone(),
        }))
    }
}

/// The service [`BearerAuth`] wraps around an app or scope.
pub struct BearerAuthMiddleware<S> {
    service: Rc<S>,
    auth: BearerAuth,
}

impl<S, B> Service<ServiceRequest> for BearerAuthMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let auth = self.auth.clone();
        Box::pin(async move {
            if req.method() == Method::OPTIONS {
                return service
                    .call(req)
                    .await
                    .map(ServiceResponse::map_into_left_body);
            }
            let token = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| {
                    let (scheme, token) = value.split_once(' ')?;
                    scheme
                        .eq_ignore_ascii_case("bearer")
                        .then(|| token.trim().to_owned())
                })
                .filter(|token| !token.is_empty());
            let Some(token) = token else {
                return Ok(req
                    .into_response(auth.challenge(None))
                    .map_into_right_body());
            };
            match (auth.verifier)(token).await {
                Ok(identity) => {
                    req.extensions_mut().insert(identity);
                    service
                        .call(req)
                        .await
                        .map(ServiceResponse::map_into_left_body)
                }
                Err(error) => {
                    tracing::debug!(%error, "refused a bearer token");
                    Ok(req
                        .into_response(auth.challenge(Some(&error)))
                        .map_into_right_body())
                }
            }
        })
    }
}

/// The identity [`BearerAuth`] attached to a request, if any.
pub(crate) fn request_identity(req: &HttpRequest) -> Option<Identity> {
    req.extensions().get::<Identity>().cloned()
}

/// The protected-resource metadata document of RFC 9728, which tells clients which
/// authorization servers issue tokens for this MCP server.
///
/// [`service`](Self::service) serves it at `/.well-known/oauth-protected-resource` followed by
/// the resource's path (for `https://host/mcp`: `/.well-known/oauth-protected-resource/mcp`),
/// as RFC 9728 places it; mount it at the root of the app, outside any authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtectedResource {
    resource: String,
    authorization_servers: Vec<String>,
    scopes: Vec<String>,
}

impl ProtectedResource {
    /// Metadata for the MCP endpoint at this absolute URL.
    pub fn new(resource: impl Into<String>) -> Self {
        ProtectedResource {
            resource: resource.into(),
            authorization_servers: Vec::new(),
            scopes: Vec::new(),
        }
    }

    /// Adds an authorization server (its issuer URL).
    pub fn authorization_server(mut self, issuer: impl Into<String>) -> Self {
        self.authorization_servers.push(issuer.into());
        self
    }

    /// The scopes this resource understands.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The document's JSON.
    pub fn document(&self) -> Value {
        let mut document = json!({
            "resource": self.resource,
            "authorization_servers": self.authorization_servers,
            "bearer_methods_supported": ["header"],
        });
        if !self.scopes.is_empty() {
            document["scopes_supported"] = json!(self.scopes);
        }
        document
    }

    /// The path the document is served at.
    pub fn metadata_path(&self) -> String {
        let path = self
            .resource
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
            .unwrap_or("")
            .trim_end_matches('/');
        format!("/.well-known/oauth-protected-resource{path}")
    }

    /// The absolute URL of the document, for [`BearerAuth::resource_metadata`].
    pub fn metadata_url(&self) -> String {
        let origin = match self.resource.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or(rest);
                format!("{scheme}://{host}")
            }
            None => String::new(),
        };
        format!("{origin}{}", self.metadata_path())
    }

    /// An actix-web service serving the document.
    pub fn service(&self) -> impl HttpServiceFactory {
        MetadataService {
            path: self.metadata_path(),
            document: Arc::new(self.document()),
        }
    }
}

struct MetadataService {
    path: String,
    document: Arc<Value>,
}

impl HttpServiceFactory for MetadataService {
    fn register(self, config: &mut AppService) {
        let document = self.document;
        web::resource(self.path)
            .route(web::get().to(move || {
                let document = Arc::clone(&document);
                async move { HttpResponse::Ok().json(&*document) }
            }))
            .register(config);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lives_at_the_rfc_9728_path() {
        let resource = ProtectedResource::new("https://mcp.example.com:8443/api/mcp/")
            .authorization_server("https://auth.example.com")
            .scopes(["a"]);
        assert_eq!(
            resource.metadata_path(),
            "/.well-known/oauth-protected-resource/api/mcp"
        );
        assert_eq!(
            resource.metadata_url(),
            "https://mcp.example.com:8443/.well-known/oauth-protected-resource/api/mcp"
        );
        assert_eq!(
            resource.document(),
            json!({
                "resource": "https://mcp.example.com:8443/api/mcp/",
                "authorization_servers": ["https://auth.example.com"],
                "bearer_methods_supported": ["header"],
                "scopes_supported": ["a"],
            })
        );
        let root = ProtectedResource::new("https://mcp.example.com");
        assert_eq!(
            root.metadata_path(),
            "/.well-known/oauth-protected-resource"
        );
    }
}
