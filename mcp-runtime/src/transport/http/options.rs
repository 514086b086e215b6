//! [`HttpOptions`]: the settings both HTTP transports take.

use std::time::Duration;

use super::host_policy::HostPolicy;

/// Settings of an HTTP transport: DNS-rebinding protection, the largest body accepted,
/// keep-alives and how much may wait for a slow client. Build one and give it to every app
/// that should share it:
///
/// ```
/// use mcp_runtime::transport::HttpOptions;
/// use std::time::Duration;
///
/// let options = HttpOptions::new()
///     .allowed_origins(["https://app.example.com"])
///     .max_body_bytes(1024 * 1024)
///     .keep_alive(Duration::from_secs(30));
/// let server = mcp_runtime::Server::builder().build().unwrap();
/// // Inside `HttpServer::new(move || App::new() ...)`:
/// let sse = server.sse_app().options(options.clone());
/// let mcp = server.streamable_http_app().options(options);
/// # let _ = (sse, mcp);
/// ```
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub(crate) host_policy: HostPolicy,
    pub(crate) max_body_bytes: usize,
    pub(crate) keep_alive: Duration,
    pub(crate) outbound_queue: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            host_policy: HostPolicy::default(),
            max_body_bytes: 4 * 1024 * 1024,
            keep_alive: Duration::from_secs(15),
            outbound_queue: 64,
        }
    }
}

impl HttpOptions {
    /// The defaults: DNS-rebinding protection on when listening on loopback, 4 MiB bodies,
    /// a keep-alive every 15 seconds, 64 messages queued per client.
    pub fn new() -> Self {
        HttpOptions::default()
    }

    /// Also accepts requests whose `Host` is one of these (`name` for any port, or
    /// `name:port`). DNS-rebinding protection is on by default when the server listens on a
    /// loopback address, and then only loopback names are accepted; naming hosts here turns it
    /// on whatever the address.
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let hosts = hosts.into_iter().map(Into::into);
        self.host_policy.allowed_hosts.extend(hosts);
        self
    }

    /// Also accepts browser requests from these origins (for example
    /// `https://app.example.com`); see [`allowed_hosts`](Self::allowed_hosts).
    pub fn allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let origins = origins.into_iter().map(Into::into);
        self.host_policy.allowed_origins.extend(origins);
        self
    }

    /// Forces the `Host`/`Origin` checks on or off, instead of on-when-on-loopback.
    pub fn dns_rebinding_protection(mut self, enabled: bool) -> Self {
        self.host_policy.enforce = Some(enabled);
        self
    }

    /// The largest request body accepted; larger ones get `413`. Default: 4 MiB.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// How often an idle event stream gets a keep-alive comment, so proxies keep it open.
    /// Default: 15 seconds.
    pub fn keep_alive(mut self, interval: Duration) -> Self {
        self.keep_alive = interval;
        self
    }

    /// How many messages may wait, per client, for one that reads its stream slowly. When an
    /// HTTP+SSE client stops reading and its queue fills, its session is closed (and logged)
    /// rather than letting the server hold ever more for it; a Streamable HTTP GET stream is
    /// closed and the client resumes it with `Last-Event-ID`. Default: 64.
    pub fn outbound_queue(mut self, messages: usize) -> Self {
        self.outbound_queue = messages.max(1);
        self
    }
}
