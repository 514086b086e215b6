//! MCP Apps (the `io.modelcontextprotocol/ui` extension, specification 2026-01-26): a tool
//! names an interactive HTML UI, served as a `ui://` resource, which hosts (Claude, ChatGPT,
//! VS Code, the Inspector) render in a sandboxed frame; the UI talks to the host with JSON-RPC
//! over `postMessage` and may call the server's tools back.
//!
//! | where | what this crate writes |
//! |---|---|
//! | the tool's listing | `_meta.ui.resourceUri` (and the older flat `_meta["ui/resourceUri"]`), `_meta.ui.visibility` when given |
//! | the UI resource | MIME type `text/html;profile=mcp-app`; `_meta.ui` (`csp`, `permissions`, `domain`, `prefersBorder`) on its listing and on every content it reads |
//! | the capabilities | `extensions["io.modelcontextprotocol/ui"]: {}` in both eras, when a tool has an app |
//!
//! ```
//! use mcp_runtime::{resource, tool, Server};
//!
//! /// Shows a counter the user can click.
//! #[tool(app = "ui://demo/counter.html")]
//! fn show_counter() -> &'static str {
//!     "A counter, shown to the user." // the text fallback for hosts without apps
//! }
//!
//! /// The counter's UI.
//! #[resource("ui://demo/counter.html", listed = false, ui(connect_domains = ["https://api.example.com"], prefers_border = true))]
//! fn counter_ui() -> &'static str {
//!     "<!doctype html><button>+1</button>"
//! }
//!
//! let server = Server::builder()
//!     .tools(["show_counter"])
//!     .resources(["ui://demo/counter.html"])
//!     .build()
//!     .unwrap();
//! let listing = server.tool("show_counter").unwrap().listing().clone();
//! assert_eq!(listing["_meta"]["ui"]["resourceUri"], "ui://demo/counter.html");
//! let ui = server.resource("ui://demo/counter.html").unwrap();
//! assert_eq!(ui.listing()["mimeType"], mcp_runtime::apps::MIME_TYPE);
//! assert_eq!(ui.listing()["_meta"]["ui"]["csp"]["connectDomains"][0], "https://api.example.com");
//! ```
//!
//! The compile-time checks: `app` must be a `ui://` URI, `visibility` (`["model"]`, `["app"]`
//! or both) comes with `app`, and `ui(...)` sits on a `ui://` resource with known permissions.
//! A tool made at run time gets its app from [`ToolBuilder::app`](crate::ToolBuilder::app),
//! checked when it is built.

use serde_json::{json, Map, Value};

/// The extension's identifier, as capabilities name it.
pub const EXTENSION: &str = "io.modelcontextprotocol/ui";

/// The MIME type of an app's HTML.
pub const MIME_TYPE: &str = "text/html;profile=mcp-app";

/// What `#[tool(app = "ui://..", visibility = [..])]` declares.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ToolApp {
    pub resource_uri: &'static str,
    /// Empty: the default (the model and the app).
    pub visibility: &'static [&'static str],
}

/// What `ui(...)` on a `ui://` resource declares.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct UiMeta {
    pub connect_domains: &'static [&'static str],
    pub resource_domains: &'static [&'static str],
    pub frame_domains: &'static [&'static str],
    pub base_uri_domains: &'static [&'static str],
    /// `camera`, `microphone`, `geolocation`, `clipboard_write`.
    pub permissions: &'static [&'static str],
    pub domain: Option<&'static str>,
    pub prefers_border: Option<bool>,
}

/// A tool listing's `_meta` for its app.
pub(crate) fn tool_meta(resource_uri: &str, visibility: &[&str]) -> Value {
    let mut ui = json!({ "resourceUri": resource_uri });
    if !visibility.is_empty() {
        ui["visibility"] = json!(visibility);
    }
    json!({ "ui": ui, "ui/resourceUri": resource_uri })
}

/// A UI resource's `_meta` (on its listing and its contents).
pub(crate) fn resource_meta(meta: &UiMeta) -> Value {
    let mut ui = Map::new();
    let mut csp = Map::new();
    for (key, domains) in [
        ("connectDomains", meta.connect_domains),
        ("resourceDomains", meta.resource_domains),
        ("frameDomains", meta.frame_domains),
        ("baseUriDomains", meta.base_uri_domains),
    ] {
        if !domains.is_empty() {
            csp.insert(key.to_owned(), json!(domains));
        }
    }
    if !csp.is_empty() {
        ui.insert("csp".to_owned(), Value::Object(csp));
    }
    if !meta.permissions.is_empty() {
        let permissions: Map<String, Value> = meta
            .permissions
            .iter()
            .map(|permission| (camel_case(permission), json!({})))
            .collect();
        ui.insert("permissions".to_owned(), Value::Object(permissions));
    }
    if let Some(domain) = meta.domain {
        ui.insert("domain".to_owned(), json!(domain));
    }
    if let Some(border) = meta.prefers_border {
        ui.insert("prefersBorder".to_owned(), json!(border));
    }
    json!({ "ui": ui })
}

/// `clipboard_write` as the specification writes it: `clipboardWrite`.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a URI is an app's UI resource.
pub(crate) fn is_ui_uri(uri: &str) -> bool {
    uri.starts_with("ui://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_built_at_run_time_gets_its_app_checked() {
        let tool = |uri: &str, who: &[&str]| {
            crate::Tool::builder("panel")
                .app(uri, who.iter().copied())
                .handler(|_, _| async { "shown" })
                .build()
        };
        let built = tool("ui://demo/panel.html", &["app"]).unwrap();
        assert_eq!(
            built.listing()["_meta"],
            tool_meta("ui://demo/panel.html", &["app"])
        );
        let wrong = tool("https://demo/panel.html", &[])
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("is not a `ui://` URI"), "{wrong}");
        let wrong = tool("ui://demo/panel.html", &["user"])
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("visibility lists \"user\""), "{wrong}");
    }

    #[test]
    fn the_ui_metadata_is_written_as_the_specification_names_it() {
        let meta = UiMeta {
            connect_domains: &["https://api.example.com"],
            permissions: &["clipboard_write", "camera"],
            domain: Some("a.example.com"),
            prefers_border: Some(false),
            ..UiMeta::default()
        };
        assert_eq!(
            resource_meta(&meta),
            json!({"ui": {
                "csp": {"connectDomains": ["https://api.example.com"]},
                "permissions": {"clipboardWrite": {}, "camera": {}},
                "domain": "a.example.com",
                "prefersBorder": false,
            }})
        );
        assert_eq!(resource_meta(&UiMeta::default()), json!({"ui": {}}));
        assert_eq!(
            tool_meta("ui://x/y", &["app"]),
            json!({"ui": {"resourceUri": "ui://x/y", "visibility": ["app"]}, "ui/resourceUri": "ui://x/y"})
        );
    }
}
