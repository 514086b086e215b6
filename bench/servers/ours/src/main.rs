//! mcp-runtime serving one `add` tool over one transport, for `bench/run.sh`.
//!
//! ```sh
//! bench-ours --transport sse|streamable|stateless --bind 127.0.0.1:PORT [--workers N]
//! ```
//! HTTP+SSE at `/sse`, Streamable HTTP at `/mcp`.

use mcp_runtime::tool;

/// Add two numbers.
#[tool]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let transport = arg("--transport").unwrap_or_else(|| "streamable".to_owned());
    let bind = arg("--bind").unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let workers: usize = arg("--workers").and_then(|w| w.parse().ok()).unwrap_or(1);
    // TCP_NODELAY, as Node and Python's asyncio set it by default; without it, the small writes
    // of an SSE stream wait for delayed ACKs (40 ms) that a client which only reads never hurries.
    let nodelay = arg("--nodelay").is_none_or(|v| v != "off");
    let server = mcp_runtime::Server::builder()
        .name("bench-ours")
        // The default cap (10,000 open sessions, then 503) is a policy, not a cost: the idle
        // measurement opens 10,000 sessions while the warm-up's closed ones may still count.
        .max_sessions(1_000_000)
        .build()
        .expect("valid server");
    actix_web::HttpServer::new(move || {
        let app = actix_web::App::new();
        match transport.as_str() {
            "sse" => app.service(server.sse_app()),
            mode => app.service(
                actix_web::web::scope("/mcp")
                    .service(server.streamable_http_app().stateless(mode == "stateless")),
            ),
        }
    })
    .workers(workers)
    .h1_allow_half_closed(false)
    .tcp_nodelay(nodelay)
    .bind(bind)?
    .run()
    .await
}
