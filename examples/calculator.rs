//! A calculator served over MCP: the seed example, in Rust. HTTP+SSE at `/sse`, Streamable HTTP
//! at `/mcp`, both sharing the same tools; or, with `--stdio`, over standard input and output
//! for clients that launch it as a subprocess (Claude Desktop, Cursor, the MCP Inspector).
//!
//! ```sh
//! cargo run -p mcp-examples --bin calculator
//! npx @modelcontextprotocol/inspector --cli http://127.0.0.1:8000/sse --method tools/list
//!
//! cargo build -p mcp-examples --bin calculator
//! npx @modelcontextprotocol/inspector --cli target/debug/calculator --stdio --method tools/list
//! ```
//!
//! With `--stdio` no HTTP server starts, standard output carries only protocol messages (one
//! JSON-RPC message per line), and the process exits when its standard input ends.
//!
//! `MCP_BIND` sets the address (default `127.0.0.1:8000`), `MCP_WORKERS` the number of workers,
//! and `MCP_STATELESS=1` serves `/mcp` without sessions (as behind a load balancer).

use mcp_runtime::{tool, Json};
use serde::Serialize;

/// Add two numbers.
#[tool(read_only, idempotent)]
async fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b)
        .ok_or_else(|| "the sum does not fit in a 64-bit integer".to_owned())
}

/// Subtract `b` from `a`.
#[tool(read_only, idempotent)]
async fn subtract(a: i64, b: i64) -> Result<i64, String> {
    a.checked_sub(b)
        .ok_or_else(|| "the difference does not fit in a 64-bit integer".to_owned())
}

/// Multiply two numbers.
#[tool(read_only, idempotent)]
fn multiply(a: f64, b: f64) -> f64 {
    a * b
}

/// Divide one number by another.
///
/// # Arguments
///
/// * `dividend` - The number to divide.
/// * `divisor` - The number to divide by; must not be zero.
#[tool(read_only, idempotent)]
fn divide(dividend: f64, divisor: f64) -> Result<f64, String> {
    if divisor == 0.0 {
        return Err("cannot divide by zero: pass a non-zero divisor".to_owned());
    }
    Ok(dividend / divisor)
}

/// Raise a number to a power, rounded to a number of decimal places.
#[tool(title = "Power", read_only, idempotent)]
fn power(
    #[arg(description = "The base.")] base: f64,
    #[arg(description = "The exponent.", default = 2)] exponent: i32,
    #[arg(description = "Decimal places to keep; all when left out.")] decimals: Option<u32>,
) -> f64 {
    let value = base.powi(exponent);
    match decimals {
        Some(places) => {
            let scale = 10f64.powi(places as i32);
            (value * scale).round() / scale
        }
        None => value,
    }
}

/// Summary statistics of a list of numbers.
#[derive(Serialize, schemars::JsonSchema)]
struct Statistics {
    /// How many numbers there were.
    count: usize,
    /// Their sum.
    sum: f64,
    /// Their arithmetic mean.
    mean: f64,
    /// The smallest number.
    min: f64,
    /// The largest number.
    max: f64,
}

/// Compute summary statistics (count, sum, mean, min, max) of a list of numbers.
///
/// # Arguments
///
/// * `numbers` - At least one number.
#[tool(read_only, idempotent)]
fn statistics(numbers: Vec<f64>) -> Result<Json<Statistics>, String> {
    if numbers.is_empty() {
        return Err("statistics need at least one number".to_owned());
    }
    let sum: f64 = numbers.iter().sum();
    Ok(Json(Statistics {
        count: numbers.len(),
        sum,
        mean: sum / numbers.len() as f64,
        min: numbers.iter().copied().fold(f64::INFINITY, f64::min),
        max: numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    if std::env::args().skip(1).any(|arg| arg == "--stdio") {
        // Standard output is the protocol stream: diagnostics go to standard error.
        eprintln!("calculator: MCP over stdio");
        return mcp_runtime::serve_stdio().await;
    }
    let bind = std::env::var("MCP_BIND").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let workers = std::env::var("MCP_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok());
    eprintln!(
        "calculator: MCP over SSE at http://{bind}/sse, Streamable HTTP at http://{bind}/mcp"
    );
    let stateless = std::env::var("MCP_STATELESS").is_ok_and(|v| v == "1");
    let server = actix_web::HttpServer::new(move || {
        let streamable = mcp_runtime::streamable_http_app().stateless(stateless);
        actix_web::App::new()
            .service(mcp_runtime::sse_app())
            .service(actix_web::web::scope("/mcp").service(streamable))
    });
    let server = match workers {
        Some(workers) => server.workers(workers),
        None => server,
    };
    // Ctrl-C or SIGTERM: end MCP sessions cleanly (running calls may finish), then stop.
    // TCP_NODELAY: stream events are small writes, which would otherwise wait for delayed ACKs
    // (about 40 ms each; see BENCHMARKS.md).
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
