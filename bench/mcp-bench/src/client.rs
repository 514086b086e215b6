//! A minimal MCP client over HTTP/1.1: one keep-alive connection per call in flight, as the
//! official clients' connection pools do, over HTTP+SSE and Streamable HTTP (both eras).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, ACCEPT, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::check::{self, ServerInfo, INITIALIZED_BODY};
use crate::sse;

/// Where the server is: a loopback address and the endpoint path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: SocketAddr,
    /// The `Host` header: `127.0.0.1:8000`.
    pub host: String,
    /// The endpoint: `/sse` or `/mcp`.
    pub path: String,
}

impl Target {
    /// Parses `http://127.0.0.1:PORT/path`. Only loopback addresses are accepted: this tool
    /// sends load, and load goes to this machine only.
    pub fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        let (host, port) = authority
            .rsplit_once(':')
            .ok_or_else(|| format!("{url}: give the port explicitly"))?;
        let ip: IpAddr = match host {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            host => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("{url}: the host must be an IP address or localhost"))?,
        };
        if !ip.is_loopback() {
            return Err(format!(
                "{url}: refusing a non-loopback address; load goes to 127.0.0.1 only"
            ));
        }
        let port: u16 = port.parse().map_err(|_| format!("{url}: bad port"))?;
        Ok(Target {
            addr: SocketAddr::new(ip, port),
            host: authority.to_owned(),
            path: path.to_owned(),
        })
    }

    /// Resolves the URI an SSE `endpoint` event announced to a path on this server.
    pub fn resolve(&self, endpoint: &str) -> Result<String, String> {
        if let Some(rest) = endpoint.strip_prefix("http://") {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if authority != self.host {
                return Err(format!("endpoint {endpoint} is on another server"));
            }
            return Ok(path.to_owned());
        }
        if endpoint.starts_with('/') {
            return Ok(endpoint.to_owned());
        }
        // Relative to the directory of the SSE path.
        let dir = &self.path[..self.path.rfind('/').map_or(0, |i| i + 1)];
        Ok(format!("{dir}{endpoint}"))
    }
}

/// One HTTP/1.1 keep-alive connection.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, String> {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .map_err(|err| format!("socket: {err}"))?;
        // Closing with a reset leaves no TIME_WAIT behind, so repeated runs that open tens of
        // thousands of connections never run out of ephemeral ports.
        // (Deprecated because a non-zero linger blocks on drop; zero never does.)
        #[allow(deprecated)]
        let _ = socket.set_linger(Some(Duration::ZERO));
        let stream = socket
            .connect(addr)
            .await
            .map_err(|err| format!("connect {addr}: {err}"))?;
        stream
            .set_nodelay(true)
            .map_err(|err| format!("nodelay: {err}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|err| format!("handshake: {err}"))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { sender })
    }

    /// Sends a request and returns the response with its body still streaming.
    pub async fn send(
        &mut self,
        target: &Target,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Response<Incoming>, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, target.host.as_str());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(body))
            .map_err(|err| format!("request: {err}"))?;
        self.sender
            .ready()
            .await
            .map_err(|err| format!("connection closed: {err}"))?;
        self.sender
            .send_request(request)
            .await
            .map_err(|err| format!("request failed: {err}"))
    }

    /// A POST of a JSON body; returns status, `Content-Type`, `Mcp-Session-Id` and the body.
    pub async fn post_json(
        &mut self,
        target: &Target,
        path: &str,
        extra: &[(&str, &str)],
        body: String,
    ) -> Result<Posted, String> {
        let mut headers = vec![
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
        ];
        headers.extend_from_slice(extra);
        let response = self
            .send(target, Method::POST, path, &headers, Bytes::from(body))
            .await?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE.as_str()).unwrap_or_default();
        let session_id = header("mcp-session-id");
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|err| format!("reading the response: {err}"))?
            .to_bytes();
        Ok(Posted {
            status,
            content_type,
            session_id,
            body,
        })
    }
}

pub struct Posted {
    pub status: StatusCode,
    pub content_type: String,
    pub session_id: Option<String>,
    pub body: Bytes,
}

impl Posted {
    fn expect_success(&self, what: &str) -> Result<(), String> {
        if self.status.is_success() {
            Ok(())
        } else {
            Err(format!(
                "{what}: HTTP {} {}",
                self.status,
                String::from_utf8_lossy(&self.body[..self.body.len().min(200)])
            ))
        }
    }
}

/// Which wire protocol a session speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// HTTP+SSE (2024-11-05): replies travel on the session's stream.
    Sse,
    /// Streamable HTTP with sessions.
    Streamable,
    /// Streamable HTTP without sessions.
    Stateless,
    /// MCP 2026-07-28 over Streamable HTTP: no `initialize`, no sessions; every request names
    /// the revision in `params._meta` and mirrors its method (and tool) in headers.
    Modern,
}

impl Transport {
    pub fn parse(name: &str) -> Result<Transport, String> {
        match name {
            "sse" => Ok(Transport::Sse),
            "streamable" => Ok(Transport::Streamable),
            "stateless" => Ok(Transport::Stateless),
            "modern" => Ok(Transport::Modern),
            other => Err(format!(
                "unknown transport {other:?}: sse, streamable, stateless or modern"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Transport::Sse => "sse",
            Transport::Streamable => "streamable",
            Transport::Stateless => "stateless",
            Transport::Modern => "modern",
        }
    }
}

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Bytes>>>>;

/// The headers of a modern `tools/call` of `add`: the revision, the method and the tool, as
/// the body names them (the server must check that they agree).
const MODERN_CALL_HEADERS: [(&str, &str); 3] = [
    ("mcp-protocol-version", check::MODERN_PROTOCOL_VERSION),
    ("mcp-method", "tools/call"),
    ("mcp-name", "add"),
];

/// An initialized MCP session (in the modern era, which has none: a client that has
/// discovered the server, and whose calls are independent requests).
pub struct Session {
    pub target: Target,
    pub transport: Transport,
    next_id: AtomicU64,
    /// Streamable HTTP: the session id and the negotiated version, sent as headers.
    session_id: Option<String>,
    protocol_version: String,
    /// HTTP+SSE: where to POST, and the replies awaited on the stream.
    post_path: String,
    pending: Pending,
    reader: Option<JoinHandle<()>>,
    /// Modern era: whether every result must name the server (a SHOULD of 2026-07-28).
    server_info: ServerInfo,
}

impl Drop for Session {
    fn drop(&mut self) {
        // Ends the SSE stream: the reader owns its connection.
        if let Some(reader) = self.reader.take() {
            reader.abort();
        }
    }
}

impl Session {
    /// Opens and initializes a session, sending its POSTs over `conn`.
    pub async fn open(
        target: &Target,
        transport: Transport,
        conn: &mut Conn,
        timeout: Duration,
    ) -> Result<Session, String> {
        Session::open_checking(target, transport, ServerInfo::Required, conn, timeout).await
    }

    /// [`Session::open`], saying whether modern results must name the server.
    pub async fn open_checking(
        target: &Target,
        transport: Transport,
        server_info: ServerInfo,
        conn: &mut Conn,
        timeout: Duration,
    ) -> Result<Session, String> {
        let open = Session::open_inner(target, transport, server_info, conn);
        tokio::time::timeout(timeout, open)
            .await
            .map_err(|_| format!("opening the session took longer than {timeout:?}"))?
    }

    async fn open_inner(
        target: &Target,
        transport: Transport,
        server_info: ServerInfo,
        conn: &mut Conn,
    ) -> Result<Session, String> {
        let mut session = Session {
            target: target.clone(),
            transport,
            next_id: AtomicU64::new(1),
            session_id: None,
            protocol_version: check::STREAMABLE_PROTOCOL_VERSION.to_owned(),
            post_path: target.path.clone(),
            pending: Pending::default(),
            reader: None,
            server_info,
        };
        if transport == Transport::Sse {
            session.open_stream().await?;
            let reply = session
                .roundtrip(
                    conn,
                    0,
                    check::initialize_body(0, check::SSE_PROTOCOL_VERSION),
                )
                .await?;
            session.protocol_version = check::check_initialize_reply(&reply, 0)?;
            let posted = conn
                .post_json(target, &session.post_path, &[], INITIALIZED_BODY.to_owned())
                .await?;
            posted.expect_success("notifications/initialized")?;
            return Ok(session);
        }
        if transport == Transport::Modern {
            // No handshake: one `server/discover` (optional for a client, but it is how one
            // learns that the server speaks the revision), then independent requests.
            session.protocol_version = check::MODERN_PROTOCOL_VERSION.to_owned();
            let headers = [
                ("mcp-protocol-version", check::MODERN_PROTOCOL_VERSION),
                ("mcp-method", "server/discover"),
            ];
            let posted = conn
                .post_json(target, &target.path, &headers, check::discover_body(0))
                .await?;
            posted.expect_success("server/discover")?;
            let reply = check::response_message(&posted.content_type, &posted.body, 0)?;
            check::check_discover_reply(&reply, 0, server_info)?;
            return Ok(session);
        }
        let posted = conn
            .post_json(
                target,
                &target.path,
                &[],
                check::initialize_body(0, check::STREAMABLE_PROTOCOL_VERSION),
            )
            .await?;
        posted.expect_success("initialize")?;
        let reply = check::response_message(&posted.content_type, &posted.body, 0)?;
        session.protocol_version = check::check_initialize_reply(&reply, 0)?;
        session.session_id = match (transport, posted.session_id) {
            (Transport::Streamable, None) => {
                return Err("initialize answered without an Mcp-Session-Id".to_owned())
            }
            (Transport::Streamable, id) => id,
            _ => None,
        };
        let headers = session.headers();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let posted = conn
            .post_json(target, &target.path, &headers, INITIALIZED_BODY.to_owned())
            .await?;
        posted.expect_success("notifications/initialized")?;
        Ok(session)
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("mcp-protocol-version", self.protocol_version.clone())];
        if let Some(id) = &self.session_id {
            headers.push(("mcp-session-id", id.clone()));
        }
        headers
    }

    /// HTTP+SSE: opens the stream, waits for the `endpoint` event, and leaves a task reading
    /// replies off the stream.
    async fn open_stream(&mut self) -> Result<(), String> {
        let mut conn = Conn::open(self.target.addr).await?;
        let response = conn
            .send(
                &self.target,
                Method::GET,
                &self.target.path,
                &[(ACCEPT.as_str(), "text/event-stream")],
                Bytes::new(),
            )
            .await?;
        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        if response.status() != StatusCode::OK
            || !content_type
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/event-stream"))
        {
            return Err(format!(
                "GET {}: HTTP {} {:?}",
                self.target.path,
                response.status(),
                content_type.unwrap_or(HeaderValue::from_static(""))
            ));
        }
        let (endpoint_tx, endpoint_rx) = oneshot::channel::<String>();
        let pending = Arc::clone(&self.pending);
        self.reader = Some(tokio::spawn(read_stream(
            conn,
            response.into_body(),
            endpoint_tx,
            pending,
        )));
        let endpoint = endpoint_rx
            .await
            .map_err(|_| "the SSE stream ended before its endpoint event".to_owned())?;
        self.post_path = self.target.resolve(&endpoint)?;
        Ok(())
    }

    /// HTTP+SSE: POSTs a request and waits for its reply on the stream.
    async fn roundtrip(&self, conn: &mut Conn, id: u64, body: String) -> Result<Bytes, String> {
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        let posted = conn
            .post_json(&self.target, &self.post_path, &[], body)
            .await;
        if let Err(err) = posted.and_then(|posted| posted.expect_success("POST")) {
            lock(&self.pending).remove(&id);
            return Err(err);
        }
        rx.await
            .map_err(|_| "the SSE stream closed before the reply".to_owned())
    }

    /// Calls `add(a, b)` and checks the reply.
    pub async fn call_add(&self, conn: &mut Conn, a: i64, b: i64) -> Result<(), String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let reply = match self.transport {
            Transport::Sse => self.roundtrip(conn, id, check::call_body(id, a, b)).await?,
            Transport::Streamable | Transport::Stateless => {
                let body = check::call_body(id, a, b);
                let headers = self.headers();
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                let posted = conn
                    .post_json(&self.target, &self.target.path, &headers, body)
                    .await?;
                posted.expect_success("tools/call")?;
                Bytes::from(check::response_message(
                    &posted.content_type,
                    &posted.body,
                    id,
                )?)
            }
            Transport::Modern => {
                let body = check::modern_call_body(id, a, b);
                let posted = conn
                    .post_json(&self.target, &self.target.path, &MODERN_CALL_HEADERS, body)
                    .await?;
                posted.expect_success("tools/call")?;
                let reply = check::response_message(&posted.content_type, &posted.body, id)?;
                return check::check_modern_call_reply(
                    &reply,
                    id,
                    a.wrapping_add(b),
                    self.server_info,
                );
            }
        };
        check::check_call_reply(&reply, id, a.wrapping_add(b))
    }

    /// HTTP+SSE: whether the stream is still open.
    pub fn stream_open(&self) -> bool {
        self.reader.as_ref().is_some_and(|r| !r.is_finished())
    }
}

async fn read_stream(
    _conn: Conn,
    mut body: Incoming,
    endpoint: oneshot::Sender<String>,
    pending: Pending,
) {
    let mut parser = sse::Parser::default();
    let mut endpoint = Some(endpoint);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        parser.push(&data);
        while let Some(event) = parser.next_event() {
            match event.event.as_str() {
                "endpoint" => {
                    if let Some(endpoint) = endpoint.take() {
                        let _ = endpoint.send(event.data);
                    }
                }
                "message" => {
                    let Some(id) = check::message_id(event.data.as_bytes()) else {
                        continue; // a notification
                    };
                    if let Some(waiter) = lock(&pending).remove(&id) {
                        let _ = waiter.send(Bytes::from(event.data));
                    }
                }
                _ => {}
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_loopback_only() {
        let target = Target::parse("http://127.0.0.1:8000/api/sse").unwrap();
        assert_eq!(target.host, "127.0.0.1:8000");
        assert_eq!(target.path, "/api/sse");
        assert_eq!(target.addr.port(), 8000);
        assert_eq!(
            target.resolve("/api/messages/?session_id=1").unwrap(),
            "/api/messages/?session_id=1"
        );
        assert_eq!(
            target.resolve("messages?sessionId=1").unwrap(),
            "/api/messages?sessionId=1"
        );
        assert_eq!(
            target
                .resolve("http://127.0.0.1:8000/messages/?session_id=1")
                .unwrap(),
            "/messages/?session_id=1"
        );
        assert!(target.resolve("http://10.0.0.1:8000/x").is_err());
        assert!(Target::parse("http://localhost:1/mcp").is_ok());
        assert!(Target::parse("http://[::1]:1/mcp").is_ok());
        assert!(Target::parse("http://10.1.2.3:80/mcp").is_err());
        assert!(Target::parse("http://example.com:80/mcp").is_err());
        assert!(Target::parse("https://127.0.0.1:80/mcp").is_err());
    }
}
