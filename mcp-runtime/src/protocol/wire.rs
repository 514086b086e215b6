//! The params and results of the methods the server speaks, as typed serde structs.
//!
//! Params are decoded with [`decode`], whose errors name the method and the member that is
//! wrong; results and notifications are encoded straight from these types, once.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::jsonrpc::{encode, type_name, ErrorObject};

/// The params of one method.
pub(crate) trait Params: DeserializeOwned {
    /// What the params hold, for "`{method}` needs params with {SHAPE}".
    const SHAPE: &'static str;
    /// Whether params may be left out (or be an array, which some clients send for "none"):
    /// then every member takes its default.
    const OPTIONAL: bool = false;
    /// What to say of a member that is wrong or missing, by member name, in words that say
    /// how to fix it (`{method}` stands for the method); other members get a generic message.
    const MEMBERS: &'static [(&'static str, &'static str)] = &[];

    /// Moves the members out of well-formed params (what is left of `object` is dropped), or
    /// leaves it as it was when they are not: `None` decodes them with serde. For the hot methods: serde rebuilds every map and
    /// string of a `Value` member, which costs a `tools/call` a tenth of its instructions.
    fn take(_object: &mut Map<String, Value>) -> Option<Self> {
        None
    }
}

/// The problem with the member `field` of `T`.
fn problem<T: Params>(method: &str, field: &str) -> String {
    match T::MEMBERS.iter().find(|(member, _)| *member == field) {
        Some((_, message)) => message.replace("{method}", method),
        None => format!("`{method}` has an invalid `{field}`"),
    }
}

/// Decodes the params of `method`, or the `-32602` error saying what is wrong with them.
pub(crate) fn decode<T: Params>(method: &str, params: Value) -> Result<T, ErrorObject> {
    let params = match params {
        Value::Object(mut object) => match T::take(&mut object) {
            Some(taken) => return Ok(taken),
            None => Value::Object(object),
        },
        _ if T::OPTIONAL => Value::Object(Map::new()),
        _ => {
            return Err(ErrorObject::invalid_params(format!(
                "`{method}` needs params with {}",
                T::SHAPE
            )))
        }
    };
    serde_path_to_error::deserialize(params).map_err(|err| {
        // A missing member is reported at the object that lacks it: name the member instead.
        let inner = err.inner().to_string();
        let field = match err.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => key.clone(),
            _ => inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_default()
                .to_owned(),
        };
        ErrorObject::invalid_params(format!("{} ({inner})", problem::<T>(method, &field)))
    })
}

/// `_meta` of a request, where a client asks for progress.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestMeta {
    #[serde(default)]
    pub progress_token: Option<Value>,
}

/// `initialize`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InitializeParams {
    pub protocol_version: String,
    #[serde(default)]
    pub capabilities: Value,
    #[serde(default)]
    pub client_info: Value,
}

impl Params for InitializeParams {
    const SHAPE: &'static str = "a `protocolVersion` string, `capabilities` and `clientInfo`";
    const MEMBERS: &'static [(&'static str, &'static str)] = &[(
        "protocolVersion",
        "`{method}` needs a `protocolVersion` string in params",
    )];
}

/// The `initialize` result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InitializeResult<'a> {
    pub protocol_version: &'a str,
    pub capabilities: ServerCapabilities,
    pub server_info: Implementation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<&'a str>,
}

/// The `server/discover` result (2026-07-28); `resultType`, `_meta` and the caching hints
/// are added as on every result of the era.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DiscoverResult<'a> {
    pub supported_versions: &'a [&'a str],
    pub capabilities: ServerCapabilities,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<&'a str>,
}

/// Who the server is (`serverInfo`).
#[derive(Debug, Serialize)]
pub(crate) struct Implementation<'a> {
    pub name: &'a str,
    pub version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
}

/// What the server offers, each only when it has something there.
#[derive(Debug, Default, Serialize)]
pub(crate) struct ServerCapabilities {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<ListChanged>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourcesCapability>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompts: Option<ListChanged>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completions: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<Empty>,
    /// The extensions served, by identifier (MCP 2026-07-28).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Value>,
}

/// `{"listChanged": true}`: the set may change while the server runs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListChanged {
    pub list_changed: bool,
}

/// The `resources` capability.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResourcesCapability {
    pub subscribe: bool,
    pub list_changed: bool,
}

/// `{}`: an empty object, as a capability or a result.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Empty {}

/// The params of the list methods.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    #[serde(default)]
    pub cursor: Option<String>,
}

impl Params for ListParams {
    const SHAPE: &'static str = "an optional `cursor`";
    const OPTIONAL: bool = true;
    const MEMBERS: &'static [(&'static str, &'static str)] =
        &[("cursor", "`cursor` must be a string")];
}

/// One page of a list method's result, encoded: `{key: [..page..], "nextCursor": ..}`, with
/// `page_size` entries (all in one page without one). Cursors are opaque to clients.
///
/// The listings are written straight from the cached ones: building a `Value` of the page first
/// would copy every listing, which cost as much as generating all the schemas again for 1,000
/// tools (BENCHMARKS.md, `list_1000`).
pub(crate) fn page<'a>(
    method: &str,
    key: &str,
    items: impl ExactSizeIterator<Item = &'a Value>,
    cursor: Option<String>,
    page_size: Option<usize>,
) -> Result<Box<RawValue>, ErrorObject> {
    let len = items.len();
    let start = match cursor {
        None => 0,
        Some(cursor) => match cursor.parse::<usize>() {
            Ok(start) if start <= len => start,
            _ => {
                return Err(ErrorObject::invalid_params(format!(
                    "invalid cursor {cursor:?}: pass the `nextCursor` of a previous `{method}`"
                )))
            }
        },
    };
    let end = match page_size {
        Some(size) => start.saturating_add(size).min(len),
        None => len,
    };
    encode(&Page {
        key,
        items: items.skip(start).take(end - start).collect(),
        next_cursor: (end < len).then(|| end.to_string()),
    })
}

/// A page of listings, serialized by reference.
struct Page<'a> {
    key: &'a str,
    items: Vec<&'a Value>,
    next_cursor: Option<String>,
}

impl Serialize for Page<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(self.key, &self.items)?;
        if let Some(cursor) = &self.next_cursor {
            map.serialize_entry("nextCursor", cursor)?;
        }
        map.end()
    }
}

/// `tools/call`.
#[derive(Debug, Deserialize)]
pub(crate) struct CallToolParams {
    pub name: String,
    /// An object; `null` (or absent) for none. Any other type is the tool's error, not a
    /// protocol error, so it is checked where the tool runs.
    #[serde(default)]
    pub arguments: Value,
}

impl Params for CallToolParams {
    const SHAPE: &'static str = "a `name` and `arguments`";
    const MEMBERS: &'static [(&'static str, &'static str)] =
        &[("name", "`{method}` needs a `name` string")];

    fn take(object: &mut Map<String, Value>) -> Option<Self> {
        let name = match object.get_mut("name") {
            Some(Value::String(name)) => std::mem::take(name),
            _ => return None,
        };
        // Taken, not removed: the emptied object is dropped, and removing costs a lookup.
        let arguments = object.get_mut("arguments").map_or(Value::Null, Value::take);
        Some(CallToolParams { name, arguments })
    }
}

/// `resources/read`, `resources/subscribe` and `resources/unsubscribe`.
#[derive(Debug, Deserialize)]
pub(crate) struct UriParams {
    pub uri: String,
}

impl Params for UriParams {
    const SHAPE: &'static str = "a `uri`";
    const MEMBERS: &'static [(&'static str, &'static str)] =
        &[("uri", "`{method}` needs a `uri` string")];
}

/// The `resources/read` result; `meta`, the resource's `_meta` (an MCP Apps UI's), goes on
/// every content.
#[derive(Debug)]
pub(crate) struct ReadResourceResult<'a> {
    pub contents: &'a [crate::ResourceContents],
    pub meta: Option<&'a Value>,
}

impl Serialize for ReadResourceResult<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct WithMeta<'a> {
            #[serde(flatten)]
            content: &'a crate::ResourceContents,
            #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
            meta: Option<&'a Value>,
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            contents: Vec<WithMeta<'a>>,
        }
        let contents = self
            .contents
            .iter()
            .map(|content| WithMeta {
                content,
                meta: self.meta,
            })
            .collect();
        Wire { contents }.serialize(serializer)
    }
}

/// `prompts/get`.
#[derive(Debug, Deserialize)]
pub(crate) struct GetPromptParams {
    pub name: String,
    /// An object of strings; checked where the prompt is rendered, which words the error.
    #[serde(default)]
    pub arguments: Value,
}

impl Params for GetPromptParams {
    const SHAPE: &'static str = "a `name` and `arguments`";
    const MEMBERS: &'static [(&'static str, &'static str)] =
        &[("name", "`{method}` needs a `name` string")];
}

/// `completion/complete`.
#[derive(Debug, Deserialize)]
pub(crate) struct CompleteParams {
    #[serde(rename = "ref")]
    pub reference: Reference,
    pub argument: CompleteArgument,
    #[serde(default)]
    pub context: CompleteContext,
}

impl Params for CompleteParams {
    const SHAPE: &'static str = "a `ref` and an `argument`";
    const MEMBERS: &'static [(&'static str, &'static str)] = &[
        (
            "ref",
            "`{method}` needs a `ref` object: `{\"type\": \"ref/prompt\", \"name\": ..}` or \
             `{\"type\": \"ref/resource\", \"uri\": ..}`",
        ),
        (
            "argument",
            "`{method}` needs an `argument` object with a `name` string and a `value`",
        ),
    ];
}

/// What `completion/complete` completes: the members as sent, checked by [`Reference::target`]
/// (which says what is missing in MCP's words).
#[derive(Debug, Deserialize)]
pub(crate) struct Reference {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uri: Option<String>,
}

/// A checked [`Reference`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CompletionTarget {
    /// `ref/prompt`: a prompt by name.
    Prompt(String),
    /// `ref/resource`: a resource template (or resource) by URI.
    Resource(String),
}

impl Reference {
    /// The prompt or resource referred to, or why the reference is not one.
    pub(crate) fn target(self) -> Result<CompletionTarget, ErrorObject> {
        match self.kind.as_deref() {
            Some("ref/prompt") => self
                .name
                .map(CompletionTarget::Prompt)
                .ok_or_else(|| ErrorObject::invalid_params("a `ref/prompt` needs a `name` string")),
            Some("ref/resource") => self.uri.map(CompletionTarget::Resource).ok_or_else(|| {
                ErrorObject::invalid_params("a `ref/resource` needs a `uri` string")
            }),
            other => Err(ErrorObject::invalid_params(format!(
                "unknown `ref` type {}: use `ref/prompt` or `ref/resource`",
                other.map_or_else(|| "(none)".to_owned(), |t| format!("`{t}`"))
            ))),
        }
    }
}

/// The argument being completed, with what the user typed so far.
#[derive(Debug, Deserialize)]
pub(crate) struct CompleteArgument {
    pub name: String,
    /// Text; numbers and booleans are taken as written, `null` as empty.
    #[serde(default)]
    pub value: Value,
}

/// The values of the other arguments, already resolved.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompleteContext {
    #[serde(default)]
    pub arguments: Map<String, Value>,
}

/// The `completion/complete` result.
#[derive(Debug, Serialize)]
pub(crate) struct CompleteResult {
    pub completion: CompletionValues,
}

/// Suggestions for one argument, as MCP sends them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompletionValues {
    pub values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    pub has_more: bool,
}

/// `logging/setLevel`.
#[derive(Debug, Deserialize)]
pub(crate) struct SetLevelParams {
    /// Checked against the level names where it is used.
    #[serde(default)]
    pub level: Value,
}

impl Params for SetLevelParams {
    const SHAPE: &'static str = "a `level`";
}

/// `notifications/cancelled`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CancelledParams {
    /// A string or an integer; anything else names no request and is ignored.
    #[serde(default)]
    pub request_id: Value,
}

impl Params for CancelledParams {
    const SHAPE: &'static str = "a `requestId`";
}

/// The params of `notifications/cancelled` when the server sends it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cancelled<'a> {
    pub request_id: i64,
    pub reason: &'a str,
}

/// `notifications/progress`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Progress<'a> {
    pub progress_token: &'a Value,
    pub progress: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

/// `notifications/message`.
#[derive(Debug, Serialize)]
pub(crate) struct LogMessage<'a, D: Serialize> {
    pub level: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logger: Option<&'a str>,
    pub data: D,
}

/// `notifications/resources/updated`.
#[derive(Debug, Serialize)]
pub(crate) struct ResourceUpdated<'a> {
    pub uri: &'a str,
}

/// `subscriptions/listen` (2026-07-28): which notifications the client wants on the stream.
#[derive(Debug, Deserialize)]
pub(crate) struct ListenParams {
    pub notifications: SubscriptionFilter,
}

impl Params for ListenParams {
    const SHAPE: &'static str = "a `notifications` filter (`toolsListChanged`, \
        `promptsListChanged`, `resourcesListChanged`, `resourceSubscriptions`)";
    const MEMBERS: &'static [(&'static str, &'static str)] = &[(
        "notifications",
        "`{method}` needs a `notifications` object naming what to hear: `toolsListChanged`, \
         `promptsListChanged` and `resourcesListChanged` booleans, `resourceSubscriptions` \
         an array of resource URIs",
    )];
}

/// The notifications a `subscriptions/listen` stream carries: what the client asked for, and
/// (in the acknowledgment) what the server agreed to. A field left out is `false` (empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscriptionFilter {
    #[serde(default, skip_serializing_if = "is_false")]
    pub tools_list_changed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub prompts_list_changed: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub resources_list_changed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_subscriptions: Vec<String>,
    /// The tasks whose changes the stream carries (`notifications/tasks`; the tasks
    /// extension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub task_ids: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The params of a notification on a `subscriptions/listen` stream: `_meta` names the
/// subscription; the acknowledgment carries the agreed filter, `resources/updated` its URI.
#[derive(Debug, Serialize)]
pub(crate) struct OnSubscription<'a> {
    #[serde(rename = "_meta")]
    pub meta: SubscriptionMeta<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications: Option<&'a SubscriptionFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<&'a str>,
    /// `notifications/cancelled`: the listen request the server ends.
    #[serde(rename = "requestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a super::RequestId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

/// `_meta` of what belongs to one subscription.
#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/subscriptionId")]
    pub subscription_id: &'a super::RequestId,
}

/// The result that ends a `subscriptions/listen` stream gracefully (the server ended it).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListenEnded<'a> {
    pub result_type: &'static str,
    #[serde(rename = "_meta")]
    pub meta: ListenEndedMeta<'a>,
}

/// `_meta` of [`ListenEnded`]: who answers, and which subscription ends.
#[derive(Debug, Serialize)]
pub(crate) struct ListenEndedMeta<'a> {
    #[serde(rename = "io.modelcontextprotocol/serverInfo")]
    pub server_info: Implementation<'a>,
    #[serde(rename = "io.modelcontextprotocol/subscriptionId")]
    pub subscription_id: &'a super::RequestId,
}

/// `elicitation/create` (form mode).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ElicitParams<'a> {
    pub message: &'a str,
    pub requested_schema: &'a Value,
}

/// What a client answers to `elicitation/create`.
#[derive(Debug, Deserialize)]
pub(crate) struct ElicitResult {
    pub action: String,
    #[serde(default)]
    pub content: Option<Value>,
}

/// What every listing entry has: a name, and optionally a title and a description.
#[derive(Debug, Serialize)]
pub(crate) struct Described<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// One entry of a listing's `icons`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Icon<'a> {
    pub src: &'a str,
}

/// The icons of a listing, as MCP writes them.
pub(crate) fn icons<'a>(sources: &'a [&'a str]) -> Vec<Icon<'a>> {
    sources.iter().map(|src| Icon { src }).collect()
}

/// The JSON type of `arguments` when it is not an object, for the error a tool or prompt
/// answers with; `None` when it is one (or absent).
pub(crate) fn not_an_object(arguments: &Value) -> Option<&'static str> {
    match arguments {
        Value::Null | Value::Object(_) => None,
        other => Some(type_name(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message<T: Params + std::fmt::Debug>(method: &str, params: Value) -> String {
        decode::<T>(method, params).unwrap_err().message
    }

    #[test]
    fn errors_name_the_method_and_the_member() {
        assert_eq!(
            message::<CallToolParams>("tools/call", json!(["add", {}])),
            "`tools/call` needs params with a `name` and `arguments`"
        );
        assert!(
            message::<CallToolParams>("tools/call", json!({"arguments": {}}))
                .starts_with("`tools/call` needs a `name` string (missing field `name`")
        );
        assert!(message::<CallToolParams>("tools/call", json!({"name": 5}))
            .starts_with("`tools/call` needs a `name` string (invalid type: integer `5`"));
        assert!(message::<ListParams>("tools/list", json!({"cursor": 5}))
            .starts_with("`cursor` must be a string"));
        assert!(message::<InitializeParams>("initialize", json!({}))
            .starts_with("`initialize` needs a `protocolVersion` string in params"));
        assert!(message::<UriParams>("resources/read", json!({"uri": null}))
            .starts_with("`resources/read` needs a `uri` string"));
    }

    #[test]
    fn optional_params_default_and_others_decode() {
        for params in [Value::Null, json!([]), json!({})] {
            assert_eq!(
                decode::<ListParams>("tools/list", params).unwrap().cursor,
                None
            );
        }
        let call: CallToolParams =
            decode("tools/call", json!({"name": "add", "arguments": {"a": 1}})).unwrap();
        assert_eq!(
            (call.name.as_str(), call.arguments),
            ("add", json!({"a": 1}))
        );
        let complete: CompleteParams = decode(
            "completion/complete",
            json!({"ref": {"type": "ref/prompt", "name": "p"}, "argument": {"name": "a"}}),
        )
        .unwrap();
        assert_eq!(
            complete.reference.target(),
            Ok(CompletionTarget::Prompt("p".into()))
        );
        assert_eq!(complete.argument.value, Value::Null);
    }

    #[test]
    fn taking_tools_call_members_agrees_with_serde() {
        for params in [
            json!({"name": "add", "arguments": {"a": 1, "b": [2]}}),
            json!({"name": "add"}),
            json!({"name": "add", "arguments": null}),
            json!({"name": "add", "arguments": 7, "_meta": {"progressToken": 1}}),
        ] {
            let Value::Object(mut object) = params.clone() else {
                unreachable!()
            };
            let taken = CallToolParams::take(&mut object).unwrap();
            let decoded: CallToolParams = serde_json::from_value(params).unwrap();
            assert_eq!(
                (taken.name, taken.arguments),
                (decoded.name, decoded.arguments)
            );
        }
        // Params it cannot take are left whole, for serde to say what is wrong.
        for params in [
            json!({"name": 5, "arguments": {}}),
            json!({"arguments": {}}),
        ] {
            let Value::Object(mut object) = params.clone() else {
                unreachable!()
            };
            assert!(CallToolParams::take(&mut object).is_none());
            assert_eq!(Value::Object(object), params);
        }
    }

    #[test]
    fn results_serialize_with_mcp_names() {
        let result = InitializeResult {
            protocol_version: "2025-11-25",
            capabilities: ServerCapabilities {
                tools: Some(ListChanged { list_changed: true }),
                logging: Some(Empty {}),
                ..ServerCapabilities::default()
            },
            server_info: Implementation {
                name: "calc",
                version: "1",
                title: None,
            },
            instructions: None,
        };
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            json!({
                "protocolVersion": "2025-11-25",
                "capabilities": {"tools": {"listChanged": true}, "logging": {}},
                "serverInfo": {"name": "calc", "version": "1"},
            })
        );
    }
}
