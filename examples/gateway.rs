//! One MCP endpoint in front of several servers: a calculator mounted under `calc` (its `add`
//! served as `calc_add`), and, when `MCP_UPSTREAM` names one, a server outside the process
//! proxied under `up` over one persistent connection. Streamable HTTP at `/mcp`, HTTP+SSE at
//! `/sse`, like the other examples.
//!
//! ```sh
//! # a server of ours over Streamable HTTP, the TypeScript SDK's server-everything over stdio,
//! # or a Python FastMCP server over HTTP+SSE (a URL ending in /sse):
//! MCP_UPSTREAM=http://127.0.0.1:8001/mcp cargo run -p mcp-examples --bin gateway
//! MCP_UPSTREAM="npx -y @modelcontextprotocol/server-everything" cargo run -p mcp-examples --bin gateway
//! MCP_UPSTREAM=http://127.0.0.1:8002/sse cargo run -p mcp-examples --bin gateway
//! npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8000/mcp --transport http \
//!     --method tools/call --tool-name calc_add --tool-arg a=2 --tool-arg b=3
//! ```
//!
//! The proxy declares sampling and elicitation to the upstream: what the upstream asks
//! during a call is asked of the gateway's own client, in whichever era it speaks.
//! The built-in MCP middleware runs around every request, on both transports and in both eras:
//! `Logging` (a `tracing` event per request), `RateLimit` per identity (`MCP_RATE_BURST`,
//! default 100, refilled at `MCP_RATE_PER_SECOND`, default 50; callers without an identity
//! share one bucket), `ResponseCache` (listings as their hints say, and the results of
//! read-only idempotent tools for 30 s, per identity) and `MaskErrors`.
//!
//! `MCP_UPSTREAM_NAMESPACE` changes the upstream's namespace (default `up`; empty: its tools keep
//! their names). `MCP_BIND` sets the address (default `127.0.0.1:8000`).

use std::time::Duration;

use mcp_runtime::client::{Remote, Upstream};
use mcp_runtime::middleware::{Logging, MaskErrors, RateLimit, ResponseCache};
use mcp_runtime::{tool, Server};

/// Add two integers.
#[tool(read_only, idempotent)]
fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b)
        .ok_or_else(|| format!("{a} + {b} overflows a 64-bit integer"))
}

/// Multiply two numbers.
#[tool(read_only, idempotent)]
fn multiply(a: f64, b: f64) -> f64 {
    a * b
}

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calculator = Server::builder()
        .name("calculator")
        .tools(["add", "multiply"])
        .build()?;
    let burst = env_number("MCP_RATE_BURST", 100.0) as u32;
    let per_second = env_number("MCP_RATE_PER_SECOND", 50.0);
    let gateway = Server::builder()
        .name("gateway")
        .instructions("`calc_*` tools compute; `up_*` tools are the upstream server's.")
        .tools(Vec::<String>::new())
        // Outermost first: every request is logged (with its time), then counted against its
        // caller's rate, then answered from the cache where the hints allow; internal errors
        // leave as a generic message.
        .middleware(Logging::new())
        .middleware(RateLimit::per_identity(burst.max(1), per_second.max(0.001)))
        .middleware(ResponseCache::new().tool_calls(Duration::from_secs(30)))
        .middleware(MaskErrors::new())
        .build()?;
    gateway.mount("calc", &calculator)?;
    if let Ok(spec) = std::env::var("MCP_UPSTREAM") {
        let upstream = Upstream::parse(&spec);
        let namespace = std::env::var("MCP_UPSTREAM_NAMESPACE").unwrap_or_else(|_| "up".into());
        eprintln!("gateway: proxying {upstream} as `{namespace}`");
        let remote = Remote::builder()
            .client_info("mcp-gateway", env!("CARGO_PKG_VERSION"))
            .capabilities(serde_json::json!({"sampling": {}, "elicitation": {}}))
            .timeout(Duration::from_secs(300))
            .connect(upstream)
            .await?;
        gateway.proxy(&namespace, remote).await?;
    }
    let names: Vec<String> = gateway
        .tools()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    eprintln!(
        "gateway: serving {} at http://{bind}/mcp (Streamable HTTP) and http://{bind}/sse",
        names.join(", ")
    );
    let served = gateway.clone();
    let http = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .service(served.sse_app())
            .service(actix_web::web::scope("/mcp").service(served.streamable_http_app()))
    })
    .h1_allow_half_closed(false)
    .disable_signals()
    .tcp_nodelay(true)
    .bind(bind)?
    .run();
    gateway.stop_on_signals(http.handle(), Duration::from_secs(10));
    http.await?;
    Ok(())
}
