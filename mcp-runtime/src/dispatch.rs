//! The dispatcher: turns one decoded JSON-RPC message into its response.
//!
//! It knows nothing about HTTP or any transport. A transport decodes messages, calls
//! [`Server::handle_message`] (concurrently, for concurrent requests) and carries the response
//! back; SSE, Streamable HTTP and stdio all share this code.

use serde_json::{json, Map, Value};

use crate::jsonrpc::{ErrorObject, Message, Notification, Request, Response};
use crate::protocol::negotiate_version;
use crate::server::Server;
use crate::session::{Negotiated, Session};
use crate::tool::join_error_result;

impl Server {
    /// Handles one message of a session; returns the response to send, if any.
    ///
    /// Requests always get a response; notifications and client responses never do.
    pub async fn handle_message(&self, session: &Session, message: Message) -> Option<Response> {
        match message {
            Message::Request(request) => Some(self.handle_request(session, request).await),
            Message::Notification(notification) => {
                self.handle_notification(session, notification);
                None
            }
            // Responses to server-to-client requests: none are sent yet.
            Message::Response(_) => None,
        }
    }

    async fn handle_request(&self, session: &Session, request: Request) -> Response {
        let Request { id, method, params } = request;
        let outcome = match method.as_str() {
            "initialize" => self.initialize(session, params),
            "ping" => Ok(json!({})),
            _ if session.negotiated().is_none() => Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                format!("`{method}` was sent before `initialize`: initialize the session first"),
            )),
            "tools/list" => self.list_tools(params),
            "tools/call" => self.call_tool(params).await,
            _ => Err(ErrorObject::method_not_found(&method)),
        };
        Response {
            id: Some(id),
            outcome,
        }
    }

    fn handle_notification(&self, _session: &Session, notification: Notification) {
        // `notifications/initialized` needs no action: requests are accepted as soon as the
        // `initialize` response is sent. Unknown notifications are ignored, as JSON-RPC says.
        let _ = notification;
    }

    fn initialize(&self, session: &Session, params: Value) -> Result<Value, ErrorObject> {
        let requested = params
            .get("protocolVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params(
                    "`initialize` needs a `protocolVersion` string in params",
                )
            })?;
        let protocol_version = negotiate_version(requested);
        let negotiated = Negotiated {
            protocol_version,
            client_info: params.get("clientInfo").cloned().unwrap_or(Value::Null),
            client_capabilities: params.get("capabilities").cloned().unwrap_or(Value::Null),
        };
        if !session.set_negotiated(negotiated) {
            return Err(ErrorObject::new(
                crate::jsonrpc::INVALID_REQUEST,
                "this session is already initialized: open a new session to initialize again",
            ));
        }
        let inner = &self.inner;
        let mut capabilities = Map::new();
        if !inner.tools.is_empty() {
            capabilities.insert("tools".to_owned(), json!({ "listChanged": false }));
        }
        let mut server_info = Map::new();
        server_info.insert("name".to_owned(), inner.name.clone().into());
        server_info.insert("version".to_owned(), inner.version.clone().into());
        if let Some(title) = &inner.title {
            server_info.insert("title".to_owned(), title.clone().into());
        }
        let mut result = Map::new();
        result.insert("protocolVersion".to_owned(), protocol_version.into());
        result.insert("capabilities".to_owned(), Value::Object(capabilities));
        result.insert("serverInfo".to_owned(), Value::Object(server_info));
        if let Some(instructions) = &inner.instructions {
            result.insert("instructions".to_owned(), instructions.clone().into());
        }
        Ok(Value::Object(result))
    }

    fn list_tools(&self, params: Value) -> Result<Value, ErrorObject> {
        let tools = &self.inner.tools;
        let start = match params.get("cursor") {
            None | Some(Value::Null) => 0,
            Some(Value::String(cursor)) => match cursor.parse::<usize>() {
                Ok(start) if start <= tools.len() => start,
                _ => {
                    return Err(ErrorObject::invalid_params(format!(
                    "invalid cursor {cursor:?}: pass the `nextCursor` of a previous `tools/list`"
                )))
                }
            },
            Some(other) => {
                return Err(ErrorObject::invalid_params(format!(
                    "`cursor` must be a string, got {other}"
                )))
            }
        };
        let end = match self.inner.page_size {
            Some(size) => start.saturating_add(size).min(tools.len()),
            None => tools.len(),
        };
        let page: Vec<&Value> = tools[start..end]
            .iter()
            .map(|tool| tool.listing())
            .collect();
        let mut result = json!({ "tools": page });
        if end < tools.len() {
            result["nextCursor"] = Value::String(end.to_string());
        }
        Ok(result)
    }

    async fn call_tool(&self, params: Value) -> Result<Value, ErrorObject> {
        let Value::Object(mut params) = params else {
            return Err(ErrorObject::invalid_params(
                "`tools/call` needs params with a `name` and `arguments`",
            ));
        };
        let name = match params.remove("name") {
            Some(Value::String(name)) => name,
            _ => {
                return Err(ErrorObject::invalid_params(
                    "`tools/call` needs a `name` string",
                ))
            }
        };
        let Some(tool) = self.tool(&name) else {
            return Err(ErrorObject::invalid_params(format!(
                "unknown tool `{name}`: call `tools/list` to see the available tools"
            )));
        };
        let result = match params.remove("arguments") {
            None | Some(Value::Null) => run_isolated(tool.call(Map::new())).await,
            Some(Value::Object(arguments)) => run_isolated(tool.call(arguments)).await,
            Some(other) => crate::CallToolResult::error(format!(
                "invalid arguments for tool `{name}`: `arguments` must be an object, got {}",
                crate::jsonrpc::type_name(&other)
            )),
        };
        serde_json::to_value(result).map_err(|err| {
            ErrorObject::internal(format!("the tool result did not serialize: {err}"))
        })
    }
}

/// Runs a tool call as its own task, so that a panic becomes an error result instead of
/// taking the connection (or the worker) down.
async fn run_isolated(call: crate::tool::ToolFuture) -> crate::CallToolResult {
    match tokio::spawn(call).await {
        Ok(result) => result,
        Err(err) => join_error_result(err),
    }
}
