//! The modern era (MCP 2026-07-28) in the dispatcher: `server/discover`, the methods the era
//! removed, and what every result of the era carries (`resultType`, `_meta.serverInfo`, and
//! on cacheable results `ttlMs` and `cacheScope`). The methods both eras share run the same
//! code; only their answers are dressed here.

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::handshake::capabilities;
use super::Outcome;
use crate::input::{state, Rounds};
use crate::protocol::meta::modern_error_code;
use crate::protocol::wire::DiscoverResult;
use crate::protocol::{encode, ErrorObject, Request, METHOD_NOT_FOUND, MODERN_VERSIONS};
use crate::server::Server;
use crate::session::Session;

/// `resultType: "input_required"` (added with `_meta` by [`input_required`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InputRequiredResult {
    input_requests: Map<String, Value>,
    request_state: String,
}

/// What a method of the modern era is, before it runs.
pub(super) enum ModernMethod {
    /// `server/discover`, answered here.
    Discover,
    /// `subscriptions/listen`: a stream of notifications until the client closes it.
    Listen,
    /// A method of the tasks extension.
    Task(crate::tasks::TaskMethod),
    /// A method the era removed (or this server does not serve in it): `-32601`.
    Removed(&'static str),
    /// A method both eras share.
    Shared,
}

impl ModernMethod {
    pub(super) fn of(method: &str) -> ModernMethod {
        match method {
            "server/discover" => ModernMethod::Discover,
            "initialize" => ModernMethod::Removed(
                "MCP 2026-07-28 has no handshake: send `server/discover`, or leave out the \
                 `_meta` protocol version to initialize a session of an earlier revision",
            ),
            "ping" => ModernMethod::Removed("MCP 2026-07-28 has no `ping`"),
            "logging/setLevel" => ModernMethod::Removed(
                "MCP 2026-07-28 sets the log level of each request in its `_meta` \
                 (`io.modelcontextprotocol/logLevel`)",
            ),
            "resources/subscribe" | "resources/unsubscribe" => ModernMethod::Removed(
                "MCP 2026-07-28 subscribes to resources on a `subscriptions/listen` stream \
                 (`notifications.resourceSubscriptions`)",
            ),
            "subscriptions/listen" => ModernMethod::Listen,
            "tasks/result" => ModernMethod::Removed(
                "the tasks extension has no `tasks/result`: `tasks/get` carries a finished \
                 task's result inline",
            ),
            "tasks/list" => ModernMethod::Removed(
                "the tasks extension has no `tasks/list`: keep the ids of the tasks you start",
            ),
            _ => match crate::tasks::TaskMethod::of(method) {
                Some(task) => ModernMethod::Task(task),
                None => ModernMethod::Shared,
            },
        }
    }
}

/// Whether a request's handler may ask the client questions (multi-round-trip requests): a
/// prompt's or a resource's, or a tool's that takes a `Context` (one without cannot ask, so
/// its calls carry no rounds, and their params are not hashed for a state).
fn takes_input(server: &Server, request: &Request) -> bool {
    match request.method.as_str() {
        "prompts/get" | "resources/read" => true,
        "tools/call" => {
            let name = request.params.get("name").and_then(Value::as_str);
            // An unknown tool, or a state sent along, is for `tools/call` to judge.
            name.and_then(|name| server.tool_set().get(name).map(|tool| tool.may_ask()))
                .unwrap_or(true)
                || request.params.get("requestState").is_some()
        }
        _ => false,
    }
}

/// What a modern request of [`takes_input`] brings from earlier rounds: the answers recorded
/// in its `requestState` (verified) and those of its `inputResponses` for the questions that
/// state says were asked; and what binds a new state to the request.
pub(super) fn rounds_for(
    server: &Server,
    session: &Session,
    request: &Request,
) -> Result<Option<RoundsOf>, ErrorObject> {
    if !takes_input(server, request) {
        return Ok(None);
    }
    let binding = state::request_binding(&request.method, &request.params);
    let subject = session
        .identity()
        .map(|identity| identity.subject().to_owned());
    let mut answers = Map::new();
    let mut handler_state = None;
    match request.params.get("requestState") {
        None | Some(Value::Null) => {}
        Some(Value::String(sealed)) => {
            let remembered = state::open(server.state_key(), sealed, &binding, subject.as_deref())?;
            answers = remembered.answers;
            handler_state = remembered.handler_state;
            if let Some(Value::Object(responses)) = request.params.get("inputResponses") {
                // Only answers to what was asked count; anything else is ignored.
                for key in remembered.asked {
                    if let Some(answer) = responses.get(&key) {
                        answers.insert(key, answer.clone());
                    }
                }
            }
        }
        Some(_) => {
            return Err(ErrorObject::invalid_params(
                "`requestState` must be the string the server sent, unchanged",
            ))
        }
    }
    Ok(Some(RoundsOf {
        rounds: Arc::new(Rounds::new(answers, handler_state)),
        binding,
        subject,
    }))
}

/// The rounds of one request, and what a new state is bound to.
pub(super) struct RoundsOf {
    pub rounds: Arc<Rounds>,
    binding: String,
    subject: Option<String>,
}

/// The answer to a handler stopped by its questions: `input_required`, with the questions
/// by key and the state to send back.
pub(super) fn input_required(server: &Server, of: &RoundsOf) -> Outcome {
    let outstanding = of.rounds.take_outstanding();
    let remembered = state::Remembered {
        request: of.binding.clone(),
        subject: of.subject.clone(),
        expires_ms: state::now_ms().saturating_add(
            u64::try_from(server.request_state_ttl().as_millis()).unwrap_or(u64::MAX),
        ),
        answers: of.rounds.answers().clone(),
        asked: outstanding.iter().map(|(key, _)| key.clone()).collect(),
        handler_state: of.rounds.next_state(),
    };
    let result = InputRequiredResult {
        input_requests: outstanding.into_iter().collect(),
        request_state: state::seal(server.state_key(), &remembered),
    };
    let encoded = encode(&result)?;
    Ok(prepend_members(
        &encoded,
        &[&server.modern_members().input_required],
    ))
}

/// Runs a shared method's handler with the request's rounds, if it has any: until it
/// finishes, or until it waits for an answer it does not have (then the client is asked:
/// `input_required`, complete as it is).
pub(super) async fn run_rounds(
    server: &Server,
    rounds: Option<RoundsOf>,
    handling: impl std::future::Future<Output = Outcome>,
) -> super::Answered {
    use super::Answered;
    let Some(of) = rounds else {
        return Answered::Dress(handling.await);
    };
    match crate::input::until_input(&of.rounds, handling).await {
        None => Answered::AsIs(input_required(server, &of)),
        Some(Err(error)) => Answered::Dress(Err(match of.rounds.missing_capability() {
            Some(capability) => crate::input::missing_capability(capability),
            None => error,
        })),
        Some(outcome) => Answered::Dress(outcome),
    }
}

/// The answer to a call that became a task: a `CreateTaskResult`.
pub(super) fn task_created(server: &Server, task: &crate::tasks::TaskRecord) -> Outcome {
    let encoded = encode(&task.created())?;
    Ok(prepend_members(&encoded, &[&server.modern_members().task]))
}

/// `-32601` for a method the modern era does not have, saying what to do instead.
pub(super) fn removed(method: &str, why: &str) -> ErrorObject {
    ErrorObject::new(
        METHOD_NOT_FOUND,
        format!("method `{method}` not found: {why}"),
    )
}

/// `server/discover`: the revisions and capabilities of this server.
pub(super) fn discover(server: &Server) -> Outcome {
    let mut capabilities = capabilities(server, true);
    // The tasks extension, when a tool may run as a task.
    let tasks = server
        .tool_set()
        .enabled()
        .iter()
        .any(|tool| tool.task_support() != crate::tasks::TaskSupport::Never);
    if tasks {
        let extensions = capabilities
            .extensions
            .get_or_insert_with(|| serde_json::json!({}));
        extensions[crate::tasks::EXTENSION] = serde_json::json!({});
    }
    encode(&DiscoverResult {
        supported_versions: MODERN_VERSIONS,
        // Changes to the sets reach modern clients on `subscriptions/listen`.
        capabilities,
        instructions: server.instructions(),
    })
}

/// Dresses an answer of the modern era: a result begins with `resultType`, `_meta` (and the
/// caching hints, on cacheable methods: a resource's own, `cache`, if it has them); an error
/// gets the era's code.
pub(super) fn dress(
    server: &Server,
    method: &str,
    outcome: Outcome,
    cache: Option<&str>,
) -> Outcome {
    let members = server.modern_members();
    match outcome {
        Ok(result) => {
            if let Some(hints) = cache {
                return Ok(prepend_members(&result, &[&members.result, hints]));
            }
            let leading = match method {
                "server/discover"
                | "tools/list"
                | "prompts/list"
                | "resources/list"
                | "resources/templates/list" => &members.list,
                "resources/read" => &members.read,
                _ => &members.result,
            };
            Ok(prepend_members(&result, &[leading]))
        }
        Err(error) => Err(era_error(error)),
    }
}

/// An error as the modern era numbers it.
pub(super) fn era_error(mut error: ErrorObject) -> ErrorObject {
    error.code = modern_error_code(error.code);
    error
}

/// `{"a":1}` with `members` (each a non-empty list of object members) written first:
/// `{<members>,"a":1}`. The results of the shared methods have none of these members of their
/// own (no `_meta`, no `resultType`).
fn prepend_members(result: &RawValue, members: &[&str]) -> Box<RawValue> {
    let text = result.get();
    let rest = text.strip_prefix('{').unwrap_or(text);
    let length: usize = members.iter().map(|part| part.len() + 1).sum();
    let mut dressed = String::with_capacity(text.len() + length + 2);
    dressed.push('{');
    for (index, part) in members.iter().enumerate() {
        if index > 0 {
            dressed.push(',');
        }
        dressed.push_str(part);
    }
    if !rest.trim_start().starts_with('}') {
        dressed.push(',');
    }
    dressed.push_str(rest);
    RawValue::from_string(dressed).expect("a result object with members prepended is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_go_first_in_empty_and_full_objects() {
        let empty = RawValue::from_string("{}".into()).unwrap();
        assert_eq!(prepend_members(&empty, &["\"a\":1"]).get(), "{\"a\":1}");
        let full = RawValue::from_string("{\"b\":[2]}".into()).unwrap();
        assert_eq!(
            prepend_members(&full, &["\"a\":1"]).get(),
            "{\"a\":1,\"b\":[2]}"
        );
        assert_eq!(
            prepend_members(&full, &["\"a\":1", "\"c\":3"]).get(),
            "{\"a\":1,\"c\":3,\"b\":[2]}"
        );
    }
}
