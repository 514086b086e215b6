//! MCP mounted inside an existing actix-web application, next to its own routes.
//!
//! ```sh
//! cargo run -p mcp-examples --bin mount_existing
//! curl http://127.0.0.1:8000/health
//! npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8000/api/mcp/sse --method tools/list
//! ```
//!
//! `MCP_BIND` sets the address (default `127.0.0.1:8000`), `MCP_WORKERS` the number of workers.

use actix_web::{web, App, HttpServer};
use mcp_runtime::tool;

/// Add two numbers.
#[tool]
async fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b)
        .ok_or_else(|| format!("{a} + {b} does not fit in a 64-bit integer"))
}

/// Greet someone by name.
#[tool]
fn greet(name: String, #[arg(default = "Hello")] greeting: String) -> String {
    format!("{greeting}, {name}!")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let workers = std::env::var("MCP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok());
    eprintln!("mount_existing: app at http://{bind}/, MCP over SSE at http://{bind}/api/mcp/sse");
    let server = HttpServer::new(|| {
        App::new()
            .route("/health", web::get().to(|| async { "ok" }))
            .service(web::scope("/api").service(web::scope("/mcp").service(mcp_runtime::sse_app())))
    });
    let server = match workers {
        Some(workers) => server.workers(workers),
        None => server,
    };
    // Ctrl-C or SIGTERM: end MCP sessions cleanly (running calls may finish), then stop.
    // h1_allow_half_closed(false): a client that closes its connection ends its HTTP+SSE session
    // at once, instead of at the stream's next write.
    let http = server
        .h1_allow_half_closed(false)
        .disable_signals()
        .tcp_nodelay(true)
        .bind(bind)?
        .run();
    mcp_runtime::Server::global()
        .stop_on_signals(http.handle(), std::time::Duration::from_secs(10));
    http.await
}
