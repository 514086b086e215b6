//! Helpers for the socket-level tests: a real actix server on a free loopback port, and a raw
//! HTTP/1.1 client that reads SSE streams (chunked) the way clients do, or misbehaves on purpose.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

// Tools every socket test can call.

/// Add two numbers.
#[mcp_runtime::tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Waits until released by `release`, to hold a call open for as long as a test needs.
#[mcp_runtime::tool]
async fn wait_for_release() -> &'static str {
    RELEASE.notified().await;
    "released"
}

static RELEASE: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Releases every call waiting in `wait_for_release` (only calls already waiting: callers retry).
#[mcp_runtime::tool]
fn release() {
    RELEASE.notify_waiters();
}

/// A server builder serving only these tools, and no resources or prompts: the integration
/// tests share one binary, so one program-wide inventory, and each chooses what it serves.
pub fn serving(tools: &[&str]) -> mcp_runtime::ServerBuilder {
    let none = std::iter::empty::<&str>;
    mcp_runtime::Server::builder()
        .tools(tools.iter().copied())
        .resources(none())
        .prompts(none())
}

/// How long any single wait in these tests may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// An actix-web server running on its own thread; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts `HttpServer::new(factory)` with `workers` workers on 127.0.0.1:0.
    pub fn start<F, I, S, B>(workers: usize, factory: F) -> TestServer
    where
        F: Fn() -> I + Send + Clone + 'static,
        I: actix_service::IntoServiceFactory<S, actix_http::Request>,
        S: actix_web::dev::ServiceFactory<
                actix_http::Request,
                Config = actix_web::dev::AppConfig,
                Response = actix_web::dev::ServiceResponse<B>,
                Error = actix_web::Error,
            > + 'static,
        S::InitError: std::fmt::Debug,
        B: actix_web::body::MessageBody + 'static,
    {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                // As the examples do: a client closing its connection ends its SSE stream (and
                // session) at once, not at the stream's next write.
                let server = actix_web::HttpServer::new(factory)
                    .workers(workers)
                    .h1_allow_half_closed(false)
                    .disable_signals()
                    .shutdown_timeout(1)
                    .bind(("127.0.0.1", 0))
                    .expect("bind a loopback port");
                let addr = server.addrs()[0];
                let server = server.run();
                tx.send((addr, server.handle())).expect("test thread waits");
                server.await.expect("server runs");
            })
        });
        let (addr, handle) = rx.recv_timeout(WAIT).expect("server starts");
        TestServer {
            addr,
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stopping needs an async context; a small runtime of its own keeps Drop synchronous.
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(handle.stop(false))
        })
        .join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {:?}", self.body))
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Sends one request on a fresh connection and reads the whole response.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Reply {
    let headers: Vec<(&str, &str)> = content_type
        .map(|c| ("Content-Type", c))
        .into_iter()
        .collect();
    request_with(addr, method, path, &headers, body).await
}

/// Sends one request with these headers (a `Host` among them replaces the default one).
pub async fn request_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = request_head(addr, method, path, headers, Some(body.len()));
    stream.write_all(head.as_bytes()).await.expect("write head");
    // The server may answer (413) before reading a large body; a failed write is then expected.
    let _ = stream.write_all(body).await;
    let mut reader = BufReader::new(stream);
    let (status, headers) = read_head(&mut reader).await;
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(WAIT, reader.read_to_end(&mut raw))
        .await
        .expect("body in time");
    let body = if header(&headers, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(&raw)
    } else {
        raw
    };
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn request_head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    content_length: Option<usize>,
) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    if let Some(length) = content_length {
        head.push_str(&format!(
            "Connection: close\r\nContent-Length: {length}\r\n"
        ));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// POSTs a JSON-RPC message.
pub async fn post_json(addr: SocketAddr, path: &str, message: &Value) -> Reply {
    request(
        addr,
        "POST",
        path,
        Some("application/json"),
        message.to_string().as_bytes(),
    )
    .await
}

async fn read_head(reader: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    tokio::time::timeout(WAIT, reader.read_line(&mut line))
        .await
        .expect("status in time")
        .unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).await.expect("header line");
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').expect("header has a colon");
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    (status, headers)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = std::str::from_utf8(&raw[..end]).expect("chunk size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("hex chunk size");
        raw = &raw[end + 2..];
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
    out
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

/// Parses the events of a whole SSE body (comments and blocks without data are skipped).
pub fn parse_events(body: &str) -> Vec<Event> {
    body.split("\n\n").filter_map(parse_event).collect()
}

fn parse_event(block: &str) -> Option<Event> {
    let mut event = Event {
        id: None,
        event: "message".to_owned(),
        data: String::new(),
    };
    let mut has_data = false;
    for line in block.lines() {
        if let Some(id) = line.strip_prefix("id:") {
            event.id = Some(id.trim().to_owned());
        } else if let Some(name) = line.strip_prefix("event:") {
            event.event = name.trim().to_owned();
        } else if let Some(data) = line.strip_prefix("data:") {
            if has_data {
                event.data.push('\n');
            }
            event.data.push_str(data.strip_prefix(' ').unwrap_or(data));
            has_data = true;
        }
    }
    has_data.then_some(event)
}

/// An open SSE stream (HTTP/1.1, chunked), read event by event.
pub struct SseStream {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
    buffer: Vec<u8>,
    /// Every comment line seen so far (keep-alives).
    pub comments: Vec<String>,
    /// Every `retry:` value seen so far.
    pub retries: Vec<String>,
}

impl SseStream {
    pub async fn open(addr: SocketAddr, path: &str) -> SseStream {
        SseStream::open_with(addr, path, &[]).await
    }

    /// Opens a stream with extra request headers.
    pub async fn open_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> SseStream {
        let mut all = vec![("Accept", "text/event-stream")];
        all.extend_from_slice(headers);
        SseStream::send(addr, "GET", path, &all, None).await
    }

    /// Sends any request and reads its response as a stream (a POST answered with SSE).
    pub async fn send(
        addr: SocketAddr,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> SseStream {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let head = request_head(addr, method, path, headers, body.map(<[u8]>::len));
        stream.write_all(head.as_bytes()).await.expect("write");
        if let Some(body) = body {
            stream.write_all(body).await.expect("write body");
        }
        let mut reader = BufReader::new(stream);
        let (status, headers) = read_head(&mut reader).await;
        SseStream {
            status,
            headers,
            reader,
            buffer: Vec::new(),
            comments: Vec::new(),
            retries: Vec::new(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The next event with data (comments and `retry:` lines are recorded and skipped);
    /// panics after [`WAIT`].
    pub async fn next_event(&mut self) -> Event {
        self.next_event_or_end()
            .await
            .expect("the server ended the SSE stream")
    }

    /// The next event with data, or `None` when the server ends the stream first (as a server
    /// does with a client that reads too slowly, which then resumes); panics after [`WAIT`].
    pub async fn next_event_or_end(&mut self) -> Option<Event> {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(event) = self.take_block() {
                    match event {
                        Some(event) => return Some(event),
                        None => continue,
                    }
                }
                if !self.read_chunk().await {
                    return None;
                }
            }
        })
        .await
        .expect("an SSE event in time")
    }

    /// The next whole block from the buffer: `Some(Some(event))` for an event with data,
    /// `Some(None)` for anything else, `None` when no block is complete yet.
    fn take_block(&mut self) -> Option<Option<Event>> {
        let end = self.buffer.windows(2).position(|w| w == b"\n\n")?;
        let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
        let text = String::from_utf8(block).expect("UTF-8 event");
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix(':') {
                self.comments.push(comment.trim().to_owned());
            } else if let Some(retry) = line.strip_prefix("retry:") {
                self.retries.push(retry.trim().to_owned());
            }
        }
        Some(parse_event(&text))
    }

    /// Waits until the server ends the stream (the last chunk, or the connection closing),
    /// skipping whatever else arrives first; panics after [`WAIT`].
    pub async fn wait_until_ended(&mut self) {
        tokio::time::timeout(WAIT, async {
            loop {
                let mut line = String::new();
                if self.reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                if size == 0 {
                    return;
                }
                let mut chunk = vec![0; size + 2];
                if self.reader.read_exact(&mut chunk).await.is_err() {
                    return;
                }
            }
        })
        .await
        .expect("the server ends the stream in time")
    }

    /// Reads one chunk into the buffer; `false` when the stream has ended.
    async fn read_chunk(&mut self) -> bool {
        let mut line = String::new();
        let read = self
            .reader
            .read_line(&mut line)
            .await
            .expect("chunk size line");
        if read == 0 {
            return false;
        }
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size {line:?}"));
        if size == 0 {
            return false;
        }
        let mut chunk = vec![0; size + 2];
        self.reader.read_exact(&mut chunk).await.expect("chunk");
        chunk.truncate(size);
        self.buffer.extend_from_slice(&chunk);
        true
    }

    /// Reads until a keep-alive comment arrives.
    pub async fn wait_for_comment(&mut self) -> String {
        tokio::time::timeout(WAIT, async {
            while self.comments.is_empty() {
                if self.take_block().is_none() {
                    assert!(self.read_chunk().await, "the server ended the SSE stream");
                }
            }
            self.comments.remove(0)
        })
        .await
        .expect("a comment in time")
    }
}

/// An MCP client over one SSE session: the stream plus the POST endpoint it announced.
pub struct SseClient {
    pub addr: SocketAddr,
    pub stream: SseStream,
    /// The URI from the `endpoint` event.
    pub endpoint: String,
    next_id: i64,
}

impl SseClient {
    /// Opens `<prefix>/sse` and reads the `endpoint` event.
    pub async fn connect(addr: SocketAddr, sse_path: &str) -> SseClient {
        let mut stream = SseStream::open(addr, sse_path).await;
        assert_eq!(stream.status, 200, "GET {sse_path}");
        let first = stream.next_event().await;
        assert_eq!(first.event, "endpoint");
        SseClient {
            addr,
            stream,
            endpoint: first.data,
            next_id: 0,
        }
    }

    /// Connects and completes the `initialize` handshake.
    pub async fn initialized(addr: SocketAddr, sse_path: &str) -> SseClient {
        SseClient::initialized_with(addr, sse_path, serde_json::json!({})).await
    }

    /// Connects and initializes, declaring these client capabilities.
    pub async fn initialized_with(
        addr: SocketAddr,
        sse_path: &str,
        capabilities: Value,
    ) -> SseClient {
        let mut client = SseClient::connect(addr, sse_path).await;
        let result = client
            .request(
                "initialize",
                serde_json::json!({
                    "protocolVersion": "2025-06-18",
                    "capabilities": capabilities,
                    "clientInfo": { "name": "socket-test", "version": "0" },
                }),
            )
            .await;
        assert_eq!(
            result["result"]["protocolVersion"], "2025-06-18",
            "{result}"
        );
        client.notify("notifications/initialized").await;
        client
    }

    /// POSTs a message and asserts it was accepted (202).
    pub async fn send(&mut self, message: &Value) {
        let reply = post_json(self.addr, &self.endpoint, message).await;
        assert_eq!(reply.status, 202, "POST {message}: {reply:?}");
    }

    /// Sends a request without waiting; returns its id.
    pub async fn start_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(
            &serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        )
        .await;
        id
    }

    /// The next JSON-RPC message from the stream.
    pub async fn receive(&mut self) -> Value {
        let event = self.stream.next_event().await;
        assert_eq!(event.event, "message");
        serde_json::from_str(&event.data).expect("JSON in a message event")
    }

    /// Sends a request and waits for its response (no other traffic is expected meanwhile).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.start_request(method, params).await;
        let response = self.receive().await;
        assert_eq!(response["id"], id, "{response}");
        response
    }

    pub async fn notify(&mut self, method: &str) {
        self.send(&serde_json::json!({"jsonrpc": "2.0", "method": method}))
            .await;
    }

    /// Calls a tool and returns the `result` object.
    pub async fn call_tool(&mut self, name: &str, arguments: Value) -> Value {
        let response = self
            .request(
                "tools/call",
                serde_json::json!({"name": name, "arguments": arguments}),
            )
            .await;
        response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("no result: {response}"))
    }
}

/// Polls `condition` until it holds, failing after [`WAIT`].
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
