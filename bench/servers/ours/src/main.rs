//! mcp-runtime serving one `add` tool over one transport, for `bench/run.sh`.
//!
//! ```sh
//! bench-ours --transport sse|streamable|stateless|modern --bind 127.0.0.1:PORT [--workers N]
//! ```
//! HTTP+SSE at `/sse`, Streamable HTTP at `/mcp`.
//!
//! `modern` (MCP 2026-07-28) is the default `streamable_http_app()`, as a user mounts it: it
//! serves both eras on one endpoint, and a request whose `_meta` names 2026-07-28 runs
//! statelessly, without a session. For comparison (not what `bench/run.sh` measures):
//! `--stateless on` adds `.stateless(true)`, and `--eras modern` builds a server of the modern
//! era only (`ServerBuilder::eras(Eras::Modern)`). `--redis URL` makes it a replica sharing
//! state through that Redis (`ServerBuilder::redis`), for `bench/replicas.sh`.

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
    let stateless_modern = arg("--stateless").is_some_and(|v| v == "on");
    let eras = match arg("--eras").as_deref() {
        Some("modern") => mcp_runtime::Eras::Modern,
        Some("legacy") => mcp_runtime::Eras::Legacy,
        _ => mcp_runtime::Eras::Both,
    };
    let builder = match arg("--redis") {
        Some(url) => {
            let redis = mcp_runtime::shared::Redis::connect(&url)
                .await
                .unwrap_or_else(|err| panic!("{err}"));
            mcp_runtime::Server::builder().redis(&redis)
        }
        None => mcp_runtime::Server::builder(),
    };
    let server = builder
        .name("bench-ours")
        .eras(eras)
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
                actix_web::web::scope("/mcp").service(
                    server
                        .streamable_http_app()
                        .stateless(mode == "stateless" || (mode == "modern" && stateless_modern)),
                ),
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
