//! mcp-runtime serving the generated tools over Streamable HTTP at `/mcp`, for bench/build.sh.
//!
//! ```sh
//! bench-many-ours --bind 127.0.0.1:PORT
//! ```

include!(concat!(env!("OUT_DIR"), "/tools.rs"));

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let bind = args
        .iter()
        .position(|a| a == "--bind")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "127.0.0.1:8000".to_owned());
    actix_web::HttpServer::new(|| {
        actix_web::App::new()
            .service(actix_web::web::scope("/mcp").service(mcp_runtime::streamable_http_app()))
    })
    .workers(1)
    .bind(bind)?
    .run()
    .await
}
