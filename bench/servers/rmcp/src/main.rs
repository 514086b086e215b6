//! The official Rust SDK, rmcp, serving one `add` tool over Streamable HTTP (it has no HTTP+SSE
//! server), written the way its documentation shows.
//!
//! ```sh
//! bench-rmcp --transport streamable|stateless|modern --bind 127.0.0.1:PORT [--workers N]
//! ```
//! Stateful mode answers each request with an SSE stream (rmcp's only choice with sessions);
//! stateless mode answers with plain JSON (`json_response`), its fastest configuration.
//!
//! `modern` (MCP 2026-07-28): rmcp 3.9 serves a request that names 2026-07-28 in its `_meta`
//! statelessly whatever `legacy_session_mode` says (SEP-2567; its
//! `StreamableHttpService::handle_post` takes the stateless branch and
//! `serve_negotiated_request_directly`). Its documentation says to set `legacy_session_mode`
//! to false "to ensure every request uses that path", and `json_response` picks a JSON body
//! over an SSE stream for it: the same configuration as `stateless`. For comparison (not what
//! `bench/run.sh` measures): `--legacy-session-mode on` keeps rmcp's default session mode for
//! legacy clients (serving both eras), `--json off` answers with SSE streams.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::transport::streamable_http_server::{
    session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
};
use rmcp::{schemars, tool, tool_router};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct AddArguments {
    a: i64,
    b: i64,
}

#[derive(Clone)]
struct Bench;

#[tool_router(server_handler)]
impl Bench {
    /// Add two numbers.
    #[tool(description = "Add two numbers.")]
    fn add(&self, Parameters(AddArguments { a, b }): Parameters<AddArguments>) -> String {
        a.wrapping_add(b).to_string()
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> std::io::Result<()> {
    let transport = arg("--transport").unwrap_or_else(|| "streamable".to_owned());
    let bind = arg("--bind").unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    let workers: usize = arg("--workers").and_then(|w| w.parse().ok()).unwrap_or(1);
    let modern = transport == "modern";
    let stateless = transport == "stateless" || modern;
    let sessions = if modern {
        arg("--legacy-session-mode").is_some_and(|v| v == "on")
    } else {
        !stateless
    };
    let json = stateless && arg("--json").is_none_or(|v| v != "off");
    // TCP_NODELAY, as for every server compared: without it each SSE-framed reply waits ~40 ms
    // for a delayed ACK.
    let nodelay = arg("--nodelay").is_none_or(|v| v != "off");
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()?
        .block_on(async move {
            let config = StreamableHttpServerConfig::default()
                .with_legacy_session_mode(sessions)
                .with_json_response(json);
            let service: StreamableHttpService<Bench, LocalSessionManager> =
                StreamableHttpService::new(|| Ok(Bench), Default::default(), config);
            let router = axum::Router::new().nest_service("/mcp", service);
            let listener = tokio::net::TcpListener::bind(bind).await?;
            let listener = axum::serve::ListenerExt::tap_io(listener, move |tcp| {
                let _ = tcp.set_nodelay(nodelay);
            });
            axum::serve(listener, router).await
        })
}
