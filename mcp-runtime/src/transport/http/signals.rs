//! Stopping an HTTP server on Ctrl-C or `SIGTERM`, MCP first.

use std::time::Duration;

use actix_web::dev::ServerHandle;

use crate::server::Server;

impl Server {
    /// Stops gracefully on Ctrl-C or `SIGTERM`: [`shutdown`](Self::shutdown) within `grace`,
    /// then the actix server. Build that server with `.disable_signals()`, so that it leaves
    /// the signals to this, and call this from inside its runtime (`#[actix_web::main]`).
    ///
    /// ```no_run
    /// # #[actix_web::main]
    /// # async fn main() -> std::io::Result<()> {
    /// let http = actix_web::HttpServer::new(|| actix_web::App::new().service(mcp_runtime::sse_app()))
    ///     .disable_signals()
    ///     .bind(("127.0.0.1", 8000))?
    ///     .run();
    /// mcp_runtime::Server::global().stop_on_signals(http.handle(), std::time::Duration::from_secs(10));
    /// http.await
    /// # }
    /// ```
    pub fn stop_on_signals(&self, http: ServerHandle, grace: Duration) {
        let server = self.clone();
        actix_web::rt::spawn(async move {
            let signal = wait_for_stop_signal().await;
            tracing::info!(signal, "stop signal received");
            server.shutdown(grace).await;
            http.stop(true).await;
        });
    }
}

/// Waits for Ctrl-C (`SIGINT`) or, on Unix, `SIGTERM`; returns which.
async fn wait_for_stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => tokio::select! {
                _ = actix_web::rt::signal::ctrl_c() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = actix_web::rt::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
