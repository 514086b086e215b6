//! rmcp serving the generated tools over Streamable HTTP at `/mcp` (sessions, as the
//! mcp-runtime one), for bench/build.sh.
//!
//! ```sh
//! bench-many-rmcp --bind 127.0.0.1:PORT
//! ```

use rmcp::handler::server::wrapper::Parameters;
use rmcp::transport::streamable_http_server::{
    session::local::LocalSessionManager, StreamableHttpServerConfig, StreamableHttpService,
};
use rmcp::{schemars, tool, tool_router};

include!(concat!(env!("OUT_DIR"), "/tools.rs"));

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let bind = args
        .iter()
        .position(|a| a == "--bind")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?
        .block_on(async move {
            let config = StreamableHttpServerConfig::default().with_legacy_session_mode(true);
            let service: StreamableHttpService<Many, LocalSessionManager> =
                StreamableHttpService::new(|| Ok(Many), Default::default(), config);
            let router = axum::Router::new().nest_service("/mcp", service);
            let listener = tokio::net::TcpListener::bind(bind).await?;
            axum::serve(listener, router).await
        })
}
