//! Ordinary actix-web middleware around the MCP services: CORS for browser clients, request
//! logging, a per-client rate limit and response compression. Both transports are mounted:
//! HTTP+SSE at `/sse` and Streamable HTTP at `/mcp`.
//!
//! ```sh
//! cargo run -p mcp-examples --bin middleware
//! npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8000/mcp --transport http \
//!     --method tools/call --tool-name countdown --tool-arg from=3
//! ```
//!
//! - **CORS**: `DefaultHeaders` adds `Access-Control-Allow-Origin` (and exposes `Mcp-Session-Id`,
//!   which a browser client must read) to every response, and a small `from_fn` middleware
//!   answers preflight `OPTIONS` requests before they reach the MCP routes (which only know GET,
//!   POST and DELETE). The origin is `MCP_CORS_ORIGIN`, by default the MCP Inspector's UI
//!   (`http://localhost:6274`); it is also given to `allowed_origins`, so the DNS-rebinding
//!   protection lets it in even when it is not a loopback origin (a server listening elsewhere
//!   than on loopback also lists its own names with `allowed_hosts`).
//! - **Logging**: `Logger` writes one line per request (to standard error, through the tiny
//!   `log` backend below; use `env_logger` or `tracing-subscriber` in a real program). Only
//!   method, path, status and timing: no bodies, so no arguments or tokens.
//! - **Rate limit**: a token bucket per client IP address, `MCP_RATE_BURST` requests at once
//!   (default 20) refilled at `MCP_RATE_PER_SECOND` (default 10); beyond it, `429` with
//!   `Retry-After`. An open SSE stream counts once, when it opens.
//! - **Compression**: `Compress` gzips JSON responses for clients that accept it. Event streams
//!   carry `Content-Encoding: identity`, so `Compress` leaves them alone and every event leaves
//!   as soon as it is sent, instead of waiting in a compressor's buffer.
//!
//! `MCP_BIND` sets the address (default `127.0.0.1:8000`), `MCP_WORKERS` the number of workers.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, Logger, Next};
use actix_web::{web, App, Error, HttpResponse, HttpServer};
use mcp_runtime::transport::HttpOptions;
use mcp_runtime::{tool, Context, Server};

/// Echo a text back.
#[tool(read_only, idempotent)]
fn echo(text: String) -> String {
    text
}

/// Count down from `from` to 1, logging each number `interval_ms` milliseconds apart; the
/// messages reach the client one by one, even through `Compress`.
#[tool(read_only)]
async fn countdown(
    from: u32,
    #[arg(default = 200, description = "Milliseconds between two numbers.")] interval_ms: u64,
    ctx: Context,
) -> &'static str {
    for n in (1..=from.min(100)).rev() {
        ctx.info(n.to_string()).await;
        actix_web::rt::time::sleep(Duration::from_millis(interval_ms.min(10_000))).await;
    }
    "liftoff"
}

/// The headers a browser may send to the MCP endpoints.
const ALLOWED_HEADERS: &str =
    "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID";

/// A token bucket per client address.
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    /// `burst` requests at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        RateLimiter {
            burst: f64::from(burst),
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `client`; `Err` carries the seconds until one is available.
    fn take(&self, client: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        // Full buckets carry no information: forget them, so the map stays small.
        if buckets.len() > 10_000 {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| *tokens + at.elapsed().as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

/// `429 Too Many Requests` for a client whose bucket is empty.
async fn rate_limit(
    limiter: web::Data<RateLimiter>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let client = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |addr| addr.ip());
    match limiter.take(client) {
        Ok(()) => Ok(next.call(req).await?.map_into_boxed_body()),
        Err(retry_after) => Ok(req.into_response(
            HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, retry_after.to_string()))
                .body(format!("Too Many Requests: try again in {retry_after} s")),
        )),
    }
}

/// The origin browser clients are served from.
pub struct CorsOrigin(pub String);

/// Answers CORS preflight requests (`OPTIONS` with `Access-Control-Request-Method`) for the
/// allowed origin; everything else goes on to the MCP services.
async fn preflight(
    origin: web::Data<CorsOrigin>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if !is_preflight {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|value| value.as_bytes() == origin.0.as_bytes());
    let response = if allowed {
        HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
            .finish()
    } else {
        HttpResponse::Forbidden().body("CORS: this origin is not allowed")
    };
    Ok(req.into_response(response))
}

/// The MCP services of `server` wrapped in the middleware; `limiter` is shared by every
/// worker (build it once, outside the `HttpServer::new` factory).
pub fn app(
    server: &Server,
    origin: &str,
    limiter: web::Data<RateLimiter>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let cors = DefaultHeaders::new()
        .add((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
        .add((header::ACCESS_CONTROL_EXPOSE_HEADERS, "Mcp-Session-Id"))
        .add((header::VARY, "Origin"));
    // Browsers on `origin` may call the MCP services (DNS-rebinding protection admits it).
    let options = HttpOptions::new().allowed_origins([origin]);
    // The last `wrap` is the outermost: a request meets Logger, Compress, the CORS headers,
    // the preflight answer and the rate limit, in that order, before the MCP services.
    App::new()
        .app_data(limiter)
        .app_data(web::Data::new(CorsOrigin(origin.to_owned())))
        .service(server.sse_app().options(options.clone()))
        .service(web::scope("/mcp").service(server.streamable_http_app().options(options)))
        .wrap(from_fn(rate_limit))
        .wrap(from_fn(preflight))
        .wrap(cors)
        .wrap(Compress::default())
        .wrap(Logger::new(r#"%a "%r" %s %b %T"#))
}

/// Writes `log` records (those of `Logger`) to standard error.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Info
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("{} {}", record.level(), record.args());
        }
    }

    fn flush(&self) {}
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let _ = log::set_logger(&StderrLog).map(|()| log::set_max_level(log::LevelFilter::Info));
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let origin =
        std::env::var("MCP_CORS_ORIGIN").unwrap_or_else(|_| "http://localhost:6274".to_owned());
    let server = Server::builder()
        .name("middleware")
        .version(env!("CARGO_PKG_VERSION"))
        .tools(["echo", "countdown"])
        .build()
        .expect("valid server");
    let limiter = web::Data::new(RateLimiter::new(
        env_or("MCP_RATE_BURST", 20),
        env_or("MCP_RATE_PER_SECOND", 10.0),
    ));
    eprintln!(
        "middleware: MCP over SSE at http://{bind}/sse and Streamable HTTP at http://{bind}/mcp, \
         CORS for {origin}"
    );
    let http = {
        let server = server.clone();
        HttpServer::new(move || app(&server, &origin, limiter.clone()))
    };
    let http = match std::env::var("MCP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        Some(workers) => http.workers(workers),
        None => http,
    };
    // h1_allow_half_closed(false): a client that closes its connection ends its HTTP+SSE session
    // at once, instead of at the stream's next write.
    http.h1_allow_half_closed(false)
        .tcp_nodelay(true)
        .bind(bind)?
        .run()
        .await
}
